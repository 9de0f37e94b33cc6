"""templatize → render must be the identity; entities become variables in the brief."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.checks.reading import read_draft
from generator.cli import app
from generator.templatize import render_template_text, templatize_text

ROOT = Path(__file__).resolve().parent.parent
SPEECHES = sorted(p for p in (ROOT / "speeches").glob("*.md") if p.name.lower() != "readme.md")
SAMPLE = (
    "在全区创建全国文明城市工作推进会上的讲话\n2026年5月8日\n\n同志们：\n"
    "今年以来，福海区共清运垃圾4.15万吨，交办问题整改率97%，提高12个百分点，完成42项。"
    "陈立同志通报了情况。滨海市福海区要抓好落实，5月8日前完成，2022年已启动。\n"
)


def roundtrip(text: str) -> str:
    source, values = templatize_text(text)
    return render_template_text(source, values)


def test_entities_become_variables():
    source, values = templatize_text(SAMPLE)
    assert values["locality"]["name"] == "福海区"
    assert values["meeting"] == {"title": "全区创建全国文明城市工作推进会", "date": dt.date(2026, 5, 8)}
    found = set(values["vars"].values())
    assert {"4.15", "97", "12", "42", "陈立", "滨海市", "5月8日", "2022年"} <= found
    assert "{{ locality.name }}" in source and "福海区" not in source
    assert "4.15" not in source and "{{ meeting.title }}" in source
    assert roundtrip(SAMPLE) == SAMPLE


@pytest.mark.parametrize("text", [
    "{{ x }} 与 {% if a %}福海区{% endif %} 和 {# 注释 #}",
    "}} %} #} { } {{{ }}} {%- -%} {{- -}}",
    "尾部空格   \n\n  \t\n",
    "Windows 换行\r\n老式换行\r结尾\r\n",
    "",
    "{",
    "无实体的一段话。",
    "2026年05月08日与2026年5月8日，2026年2月30日。",
])
def test_hand_made_texts_roundtrip(text):
    assert roundtrip(text) == text


@pytest.mark.skipif(not SPEECHES, reason="speeches/ not populated yet")
@pytest.mark.parametrize("path", SPEECHES, ids=lambda p: p.name[:20])
def test_corpus_speeches_roundtrip(path):
    body = read_draft(path).body
    source, values = templatize_text(body)
    assert render_template_text(source, values) == body
    # and through YAML, as the brief file is read back
    values = yaml.safe_load(yaml.safe_dump(values, allow_unicode=True))
    assert render_template_text(source, values) == body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("{}%#-+ \t\n\r福海区市县街道同志们：，。0123456789.年月日万吨%个项陈立张伟")) | st.characters(),
               max_size=80))
def test_templatize_render_is_identity(text):
    assert roundtrip(text) == text


def test_cli_writes_template_and_brief(tmp_path):
    speech = tmp_path / "old.txt"
    speech.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "tpl" / "speech.md.j2"
    result = CliRunner().invoke(app, ["templatize", str(speech), "-o", str(out)])
    assert result.exit_code == 0, result.output
    brief = tmp_path / "tpl" / "speech.brief.yaml"
    values = yaml.safe_load(brief.read_text(encoding="utf-8"))
    assert values["meeting"]["date"] == dt.date(2026, 5, 8)
    assert render_template_text(out.read_text(encoding="utf-8"), values) == SAMPLE

    result = CliRunner().invoke(app, ["templatize", str(speech)])
    assert result.exit_code == 0 and "{{ locality.name }}" in result.stdout

    result = CliRunner().invoke(app, ["templatize", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "找不到文件" in result.output


PLACEHOLDERS = (
    "同志们：\n刚才，X同志通报了情况，X省、X部门、X区（县）要抓好落实，某县要负责。\n"
    "请于（）前报送，建设新X。\n"
)


def test_placeholders_become_one_variable_each_and_fill_with_real_names(tmp_path):
    source, values = templatize_text(PLACEHOLDERS)
    assert values["vars"] == {f"placeholder_{i}": v for i, v in
                              enumerate(["X", "X", "X", "X", "某", "", "X"], 1)}
    assert "X" not in source and "某" not in source and "（{{ vars.placeholder_6 }}）" in source
    assert render_template_text(source, values) == PLACEHOLDERS
    real = ["陈立", "广东", "住建", "福海", "靖安", "5月10日", "城区"]
    values["vars"] = {f"placeholder_{i}": v for i, v in enumerate(real, 1)}
    assert render_template_text(source, values) == (
        "同志们：\n刚才，陈立同志通报了情况，广东省、住建部门、福海区（县）要抓好落实，靖安县要负责。\n"
        "请于（5月10日）前报送，建设新城区。\n"
    )


def test_filled_draft_carries_real_names_through_the_cli(tmp_path):
    speech = tmp_path / "old.txt"
    speech.write_text(PLACEHOLDERS, encoding="utf-8")
    tpl = tmp_path / "speech.md.j2"
    assert CliRunner().invoke(app, ["templatize", str(speech), "-o", str(tpl)]).exit_code == 0
    brief = tmp_path / "speech.brief.yaml"
    values = yaml.safe_load(brief.read_text(encoding="utf-8"))
    values["vars"]["placeholder_1"] = "陈立"
    values["vars"]["placeholder_5"] = "靖安"
    brief.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "new.md"
    result = CliRunner().invoke(app, ["fill", str(tpl), str(brief), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "陈立同志" in text and "靖安县" in text and "X同志" not in text
