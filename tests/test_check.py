"""speechgen check: one hand-made bad draft per category, clean controls, units, JSON, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator.check import ERROR, WARNING, Facts, check_files, check_text
from generator.checks.form import check_form
from generator.checks.placeholder import check_placeholders
from generator.checks.similar import CorpusIndex, find_twins
from generator.cli import app

DATA = Path(__file__).parent / "data" / "check"
CORPUS = DATA / "corpus"
FUHAI = yaml.safe_load((DATA / "brief_fuhai.yaml").read_text(encoding="utf-8"))
CLEAN = [
    ("clean_fuhai.md", "brief_fuhai.yaml"),
    ("clean_jingan.txt", "brief_jingan.yaml"),
    ("clean_chengguan.md", "brief_chengguan.yaml"),
]


def categories(findings, severity=None):
    return {f.category for f in findings if severity is None or f.severity == severity}


@pytest.mark.parametrize("category", ["placeholder", "wrong_place", "stale_time", "form", "copied"])
def test_each_bad_draft_is_caught_in_its_category(category):
    reports = check_files([DATA / f"bad_{category}.md"], brief=FUHAI, corpus=CORPUS)
    found = reports[0].findings
    assert category in categories(found)
    # nothing else fires on a draft written with a single defect
    assert categories(found) == {category}
    expected = WARNING if category == "form" else ERROR
    assert all(f.severity == expected for f in found)


def test_twins_are_caught_and_clean_drafts_are_not_twins():
    files = [DATA / "bad_twin_a.md", DATA / "bad_twin_b.md", DATA / "clean_fuhai.md"]
    reports = check_files(files, brief=FUHAI, corpus=CORPUS)
    assert categories(reports[0].findings) == {"twins"}
    assert "bad_twin_b.md" in reports[0].findings[0].advice
    assert categories(reports[1].findings) == {"twins"}
    assert reports[2].findings == []


@pytest.mark.parametrize(("draft", "brief"), CLEAN)
def test_clean_controls_have_no_findings(draft, brief):
    facts = yaml.safe_load((DATA / brief).read_text(encoding="utf-8"))
    reports = check_files([DATA / draft], brief=facts, corpus=CORPUS)
    assert reports[0].findings == []
    # and without a brief nothing is an error either
    assert not categories(check_files([DATA / draft], corpus=CORPUS)[0].findings, ERROR)


def test_clean_controls_together_are_not_twins():
    reports = check_files([DATA / d for d, _ in CLEAN], corpus=CORPUS)
    assert all("twins" not in categories(r.findings) for r in reports)


def test_placeholders():
    text = "请XX同志发言，完成X项任务，某某街道，数值？？，{{ name }}，【填写单位】，（待定），**加粗**正常。"
    found = check_placeholders(text)
    kinds = "".join(f.advice for f in found)
    for mark in ("XX", "X", "某某", "？？", "{{ name }}", "【填写单位】", "（待定）"):
        assert f"“{mark}”" in kinds
    assert "加粗" not in kinds
    assert check_placeholders("二〇二六年，Excel表格，3×4米，某些方面") == []


def test_level_words_against_brief():
    county = {"locality": {"name": "靖安县", "level": "县", "parent": "滨海市"}}
    found = check_text("我市要抓好落实，全市上下团结一心。在全市考核中位列第二。", brief=county)
    places = [f for f in found if f.category == "level_words"]
    assert [f.severity for f in places] == [ERROR, ERROR]
    street = {"locality": {"name": "城关街道", "level": "街道", "parent": "福海区"}}
    found = check_text("全区上下要行动起来，在全区排名靠前，全街道要加油。", brief=street)
    assert [f.category for f in found] == ["level_words"]
    assert "全区上下" in found[0].advice


def test_level_words_without_brief_follow_the_dominant_level():
    text = "全区上下齐心协力。我区各部门要落实。全区干部要担当。我县要加强领导。资本市场稳定，全区域覆盖。"
    found = [f for f in check_text(text) if f.category == "level_words"]
    assert len(found) == 1 and "我县" in found[0].advice


def test_other_place_names():
    text = "福海区要学习立后区经验，深入社区、走进社区，美化城区，东湖街道做得好。"
    found = check_text(text, brief=FUHAI)
    assert [f.advice.split("”")[0] for f in found] == ["出现其他地区名“立后区"]
    text = "福海区创建工作成效明显。福海区群众满意。靖安县要抓好落实。"
    assert any("靖安县" in f.advice for f in check_text(text))


def test_stale_time_rules():
    facts = Facts(date=dt.date(2026, 5, 8))
    text = ("今年1—6月，全区完成整改。截至2026年6月30日，累计完成。力争2025年底前实现全覆盖。"
            "确保6月30日前完成。已于3月底前完成清理。去年（2026年）成绩突出。到2030年全面建成。")
    found = [f for f in check_text(text, brief=facts) if f.category == "stale_time"]
    advice = " ".join(f.advice for f in found)
    assert "今年1—6月" in advice and "2026年6月30日" in advice and "2025年底前" in advice
    assert "去年" in advice
    assert "6月30日前" not in advice and "3月底前" not in advice and "2030" not in advice


def test_form_rules():
    text = ("同志们:\n一、甲\n（一）乙\n（一）丙\n三、丁\n1.戊\n2、己\n"
            "一是加强领导，二是压实责任，四是强化督查。\n“引号没闭合。\n这句没完，\n"
            "会议时间9:30，增长3.5%，1.5万吨。")
    advice = [f.advice for f in check_form(text)]
    assert any("半角标点“:”" in a for a in advice)
    assert any("重复" in a for a in advice) and any("跳号" in a for a in advice)
    assert any("混用" in a for a in advice) and any("三是" in a for a in advice)
    assert any("没有对应" in a for a in advice) and any("悬空" in a for a in advice)
    assert len(advice) == 7
    assert all(f.severity == WARNING for f in check_form(text))


def test_copied_index_finds_longest_run_and_names_source():
    source = "这是一段很长的讲话原文，" * 2 + "必须坚持以人民为中心的发展思想把群众满意作为检验创建成效的根本标准。"
    index = CorpusIndex([("old.md", source), ("other.md", "完全无关的内容" * 5)])
    draft = "开头不同的话。必须坚持以人民为中心的发展思想\n  把群众满意作为检验创建成效的根本标准。结尾。"
    match = index.longest(draft, minimum=20)
    assert match is not None and match.source == "old.md"
    assert match.length == len("必须坚持以人民为中心的发展思想") + len("把群众满意作为检验创建成效的根本标准。")
    assert index.longest(draft, minimum=60) is None


def test_twins_exact_jaccard():
    base = "各街道各部门要坚持问题导向狠抓工作落实确保各项任务按期完成" * 3
    texts = [base, base + "另外一句", "完全不同的另一篇讲话稿内容，讲的是生态环境保护" * 3, ""]
    assert [(i, j) for i, j, _ in find_twins(texts)] == [(0, 1)]


def test_docx_is_read(tmp_path):
    path = tmp_path / "draft.docx"
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>同志们：</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>请XX同志</w:t></w:r><w:r><w:t>发言。</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", body)
    reports = check_files([path])
    assert [(f.line, f.category) for f in reports[0].findings] == [(2, "placeholder")]


def test_line_numbers_count_front_matter():
    reports = check_files([DATA / "clean_fuhai.md", DATA / "bad_placeholder.md"], corpus=None)
    assert reports[1].findings[0].line == 3
    text = (DATA / "bad_wrong_place.md").read_text(encoding="utf-8")
    found = check_files([DATA / "bad_wrong_place.md"], brief=FUHAI)[0].findings
    flagged = [f for f in found if "立后区" in f.advice]
    assert flagged, "the wrong place 立后区 must be flagged"
    for f in flagged:
        assert "立后区" in text.split("\n")[f.line - 1], f


runner = CliRunner()


def test_cli_json_shape_and_exit_codes():
    result = runner.invoke(app, ["check", str(DATA / "bad_placeholder.md"), "--json",
                                 "--corpus", str(CORPUS), "--brief", str(DATA / "brief_fuhai.yaml")])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"files", "findings", "summary"}
    assert set(data["files"][0]) == {"file", "chars", "speaking_minutes", "errors", "warnings"}
    assert set(data["findings"][0]) == {"file", "line", "category", "severity", "excerpt", "advice"}
    assert data["summary"]["errors"] == 4 and data["summary"]["chars_per_minute"] == 170

    result = runner.invoke(app, ["check", str(DATA / "clean_fuhai.md"), "--corpus", str(CORPUS),
                                 "--brief", str(DATA / "brief_fuhai.yaml")])
    assert result.exit_code == 0, result.output
    assert "字" in result.stdout and "分" in result.stdout

    result = runner.invoke(app, ["check", str(DATA / "bad_form.md"), "--corpus", str(CORPUS)])
    assert result.exit_code == 0  # warnings only

    result = runner.invoke(app, ["check", str(DATA / "missing.md")])
    assert result.exit_code == 2 and "找不到文件" in result.output


def test_parallel_path_gives_the_same_findings(monkeypatch):
    import generator.check as check

    files = [DATA / "bad_placeholder.md", DATA / "bad_twin_a.md", DATA / "bad_twin_b.md",
             DATA / "bad_copied.md", DATA / "clean_fuhai.md"]
    serial = check_files(files, brief=FUHAI, corpus=CORPUS)
    monkeypatch.setattr(check, "PARALLEL_MIN_FILES", 2)
    parallel = check_files(files, brief=FUHAI, corpus=CORPUS)
    assert [r.findings for r in parallel] == [r.findings for r in serial]
