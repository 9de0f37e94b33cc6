"""``check`` finds the placeholders real drafts use, with line numbers, and cries no wolf."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checks.placeholder import check_placeholders
from tests.conftest import GOLDEN

REPO = Path(__file__).resolve().parents[1]

DRAFT = """同志们：
刚才，X同志通报了情况，x同志作了表态。
X省、X部门、X区（县）要抓好落实，×书记要亲自抓。
要建设新X，Ｘ市要走在前列。
某某单位要牵头，某县、某同志要负责。
请于（）前报送，主题为“”。
【注：此处根据本地情况补充】
ＸＸ街道要抓好整改。
"""
EXPECTED = [  # (line, the placeholder as found)
    (2, "X"), (2, "x"),
    (3, "X"), (3, "X"), (3, "X"), (3, "×"),
    (4, "X"), (4, "Ｘ"),
    (5, "某某"), (5, "某"), (5, "某"),
    (6, "（）"), (6, "“”"),
    (7, "【注：此处根据本地情况补充】"),
    (8, "ＸＸ"),
]


def _found(text: str) -> list[tuple[int, str]]:
    out = []
    for f in check_placeholders(text):
        mark = f.advice.split("：“", 1)[1].rsplit("”，请", 1)[0]
        out.append((f.line, mark))
    return out


def test_every_placeholder_form_is_flagged_with_its_line():
    assert _found(DRAFT) == EXPECTED
    assert all(f.category == "placeholder" and f.severity == "error" for f in check_placeholders(DRAFT))


@pytest.mark.parametrize("text", [
    "某些方面、某种程度、某一方面、某个方面存在不足，某区域、某市场出现波动。",
    "某市民、某村民反映问题，某省份的做法值得借鉴。",
    "建立“维护稳定3+X工作机制”，推广X光机检查，Excel表格，3×4米，5×24小时服务。",
    "推进“1+X”证书制度试点，B超、CT等设备。",
    "新区、新城区建设，X-ray 除外。",
    "**加粗**正常，“创文明城、迎省运会”，（一）标题。",
])
def test_words_that_only_look_like_placeholders_are_left_alone(text):
    assert check_placeholders(text) == []


def test_no_false_alarm_on_the_golden_drafts():
    drafts = sorted(GOLDEN.glob("*.md"))
    assert drafts
    for draft in drafts:
        assert check_placeholders(draft.read_text(encoding="utf-8")) == [], draft.name


def test_every_placeholder_in_the_corpus_is_a_true_one():
    """The corpus keeps its sources' anonymisations (XX, ×× for lost names, ***): nothing else."""
    marks: list[str] = []
    for path in sorted((REPO / "speeches").glob("0*.md")):
        marks += [m for _, m in _found(path.read_text(encoding="utf-8"))]
    assert marks and set("".join(marks)) <= set("Xx×*")
    assert len(marks) == 97


def test_check_reports_file_lines_through_the_cli(tmp_path):
    import json

    from typer.testing import CliRunner

    from generator.cli import app

    draft = tmp_path / "稿.md"
    draft.write_text("---\ntitle: 测试\n---\n同志们：\n刚才，X同志通报了情况。\n请于（）前报送，某县牵头。\n",
                     encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(draft), "--json", "--corpus", str(REPO / "speeches")])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["line"], f["category"]) for f in findings] == [(5, "placeholder"), (6, "placeholder"), (6, "placeholder")]
