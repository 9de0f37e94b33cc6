"""templatize → edit the brief → fill: the staff workflow end to end."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.templatize import templatize_text
from tests.conftest import GOLDEN

runner = CliRunner()


def test_templatize_edit_fill(tmp_path):
    speech = GOLDEN / "valid_01_spec_example.md"
    template, brief = tmp_path / "t.md.j2", tmp_path / "t.yaml"
    result = runner.invoke(app, ["templatize", str(speech), "-o", str(template), "--brief-out", str(brief)])
    assert result.exit_code == 0, result.output
    values = yaml.safe_load(brief.read_text(encoding="utf-8"))
    assert values["meeting"]["title"] == "全区创建全国文明城市工作推进会"
    # unchanged values give the original text back
    same = tmp_path / "same.md"
    assert runner.invoke(app, ["fill", str(template), str(brief), "-o", str(same)]).exit_code == 0
    assert same.read_text(encoding="utf-8") == speech.read_text(encoding="utf-8")
    # new facts
    person = next(k for k, v in values["vars"].items() if v == "陈立")
    values["vars"][person] = "王芳"
    values["meeting"]["date"] = "2027-03-01"
    brief.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    new = tmp_path / "new.md"
    assert runner.invoke(app, ["fill", str(template), str(brief), "-o", str(new)]).exit_code == 0
    text = new.read_text(encoding="utf-8")
    assert "王芳同志" in text and "陈立" not in text and "2027年3月1日" in text


def test_templatize_does_not_overwrite(tmp_path):
    out = tmp_path / "t.md.j2"
    out.write_text("旧模板", encoding="utf-8")
    result = runner.invoke(app, ["templatize", str(GOLDEN / "valid_02_minimal_county_huanjing.md"), "-o", str(out)])
    assert result.exit_code == 2 and out.read_text(encoding="utf-8") == "旧模板"


def test_ordinary_words_are_not_names():
    _, values = templatize_text("同志们：文明是城市的名片，精准施策。谢谢大家！刚才，李明同志作了发言。压实社区责任。")
    found = set(values.get("vars", {}).values())
    assert "李明" in found
    assert not found & {"文明", "施策", "谢谢", "压实社区"}


def test_fill_reports_template_errors(tmp_path):
    template, brief = tmp_path / "t.j2", tmp_path / "b.yaml"
    template.write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    brief.write_text("a: 1\n", encoding="utf-8")
    result = runner.invoke(app, ["fill", str(template), str(brief)])
    assert result.exit_code == 2 and "Traceback" not in result.output
