"""What the wheel ships: every subpackage, the templates, the corpus and the data files."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_subpackage_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "generator").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["package-dir"] == {"generator._templates": "templates", "generator._speeches": "speeches"}


def test_place_table_is_a_data_file():
    from generator import gazetteer
    from generator.data import division_rows

    rows = division_rows()
    assert len(rows) > 3000 and rows[0] == ("110000", "北京市")
    assert all(len(code) == 6 and code.isdigit() for code, _ in rows)
    assert "朝阳区" in gazetteer.divisions()
    assert not (ROOT / "generator" / "data" / "divisions.py").exists()
