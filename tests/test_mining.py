"""Tests for ``speechgen mine``: segmentation, labelling, aggregation and output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.mining import infer_kind, label_section, mine, report_yaml, segment
from generator.speechfile import read_speech

DATA = Path(__file__).parent / "data" / "mining"
REPO = Path(__file__).resolve().parent.parent
SPEECHES = REPO / "speeches"


def roles(sections) -> list[str]:
    return [s.role for s in sections]


def test_one_line_speech_segments_by_position():
    sf = read_speech(DATA / "oneline.md")
    secs = segment(sf.body, sf.body_line)
    assert roles(secs) == ["opening", "achievements", "problems", "measures", "leadership", "closing"]
    assert [s.heading for s in secs[1:5]] == [
        "一、肯定成绩，总结经验", "二、查摆问题，正视差距", "三、聚焦关键，强力突破", "四、加强领导，落实责任",
    ]
    assert {s.line for s in secs} == {5}
    assert [s.col for s in secs] == sorted(s.col for s in secs)
    lines = (DATA / "oneline.md").read_text(encoding="utf-8").split("\n")
    for s in secs:  # line/col point at the section's first characters in the input file
        assert lines[s.line - 1][s.col - 1:].startswith(s.text[:8])
    assert sum(s.chars for s in secs) == len(sf.body.strip())


def test_multi_line_host_speech_uses_paragraphs_and_enumerations():
    sf = read_speech(DATA / "host.txt")
    secs = segment(sf.body, sf.body_line)
    assert roles(secs) == [
        "opening", "attendees", "agenda", "situation", "leadership", "leadership", "closing",
    ]
    assert [s.heading for s in secs[3:6]] == ["一要统一思想，提高认识", "二要明确目标，落实责任", "三要加强领导，形成合力"]
    assert [s.line for s in secs] == [1, 7, 9, 11, 13, 13, 15]
    assert secs[5].col > 1  # 三要 starts mid-line


def test_plain_txt_kind_is_inferred():
    assert infer_kind("区环境综治动员会主持词") == "主持词"
    assert infer_kind("在全市社区治理工作推进会议上的讲话") == "推进会"
    assert infer_kind("关于某事的通知") == "other"
    report = mine([DATA / "host.txt"])
    assert report.speeches[0].kind == "主持词"
    assert report.speeches[0].title == "区环境综治动员会主持词"


def test_enumeration_families_do_not_mix():
    body = (
        "同志们：\n今天召开会议，讲几点意见。\n"
        "一是要端正态度。近期发现一些问题：一是认识不到位。二是作风不实。三是效率不高。\n"
        "二是要抓好重点任务，推进整治，完善措施。\n"
        "三是要压实责任，加强督查考核。\n"
        "我就讲到这里，谢谢大家。\n"
    )
    secs = segment(body)
    heads = [s.heading for s in secs if s.heading]
    assert heads == ["一是要端正态度", "二是要抓好重点任务，推进整治，完善措施", "三是要压实责任，加强督查考核"]
    assert roles(secs)[0] == "opening" and roles(secs)[-1] == "closing"
    assert roles(secs)[-2] == "leadership"


def test_heading_markers_only_at_sentence_boundaries():
    body = "同志们：\n今天召开会议。带动二、三产业发展，取得明显成效。\n一、肯定成绩\n成效明显。\n二、部署任务\n抓好措施落实。\n"
    secs = segment(body)
    assert [s.heading for s in secs] == ["", "一、肯定成绩", "二、部署任务"]


def test_combined_heading_is_split_at_the_turn():
    body = (
        "同志们：\n今天召开推进会。\n"
        "一、肯定成绩，正视问题\n"
        + "过去一年，各项工作取得明显成效，成绩来之不易，经验值得总结。" * 4 + "\n"
        "在看到成绩的同时，也要清醒看到存在的问题和差距，短板弱项仍然突出，工作不够到位。\n"
        "二、加强领导，压实责任\n要压实责任，加强督查考核。\n"
    )
    secs = segment(body)
    assert roles(secs) == ["opening", "achievements", "problems", "leadership"]
    assert secs[1].combined == ["achievements", "problems"] == secs[2].combined
    assert "拆分" in secs[1].note and secs[2].heading == ""
    assert secs[2].text.startswith("在看到成绩的同时")


def test_combined_heading_without_turn_is_labelled_by_dominant_part():
    body = "一、肯定成绩，查摆问题\n存在的问题不少，差距明显，不足突出，短板多。\n二、抓好任务\n推进措施。\n"
    secs = segment("同志们：\n今天开会。\n" + body)
    sec = secs[1]
    assert sec.combined == ["achievements", "problems"]
    assert sec.role == "problems" and "标题兼含" in sec.note


@pytest.mark.parametrize(("heading", "text", "role"), [
    ("一、肯定成绩，总结经验", "一年来取得了显著成效。", "achievements"),
    ("二、查摆问题，正视差距", "还存在不少差距和不足。", "problems"),
    ("三、聚焦重点，狠抓落实", "要抓好重点任务，推进整治措施。", "measures"),
    ("四、加强领导，压实责任", "要加强督查考核，严肃问责。", "leadership"),
    ("一、统一思想，提高认识", "充分认识重要意义，增强紧迫性。", "situation"),
    ("", "参加今天会议的有：区领导，各单位负责人。", "attendees"),
])
def test_label_section(heading, text, role):
    assert label_section(heading, heading + text)[0] == role


def test_json_shape_via_cli():
    result = CliRunner().invoke(app, ["mine", str(DATA), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:2] == ["speeches", "skeletons"]
    assert {"role_frequency", "phrases"} <= set(data)
    sp = data["speeches"][0]
    assert {"path", "title", "kind", "sections"} <= set(sp)
    assert {"role", "heading", "line", "chars", "col"} <= set(sp["sections"][0])
    assert data["skeletons"]["推进会"] == ["opening", "achievements", "problems", "measures", "leadership", "closing"]
    assert data["role_frequency"]["opening"]["speeches"] == 2
    for rows in data["phrases"].values():
        assert all({"text", "count", "speeches"} <= set(r) and r["speeches"] >= 2 for r in rows)


def test_table_output_is_chinese():
    result = CliRunner().invoke(app, ["mine", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "角色" in result.stdout and "骨架" in result.stdout and "肯定成绩" in result.stdout


def test_yaml_output_matches_json(tmp_path):
    out = tmp_path / "sk.yaml"
    result = CliRunner().invoke(app, ["mine", str(DATA), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "肯定成绩" in text and "\\u" not in text  # allow_unicode
    assert yaml.safe_load(text) == mine([DATA]).to_dict()
    assert list(yaml.safe_load(text)) == list(mine([DATA]).to_dict())  # key order kept


def test_missing_path_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(app, ["mine", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "找不到" in result.output


def test_output_is_deterministic():
    assert report_yaml(mine([DATA])) == report_yaml(mine([DATA / "oneline.md", DATA / "host.txt"]))


# --- the real corpus -------------------------------------------------------------------
# Role sequences a careful reader sees in each speech (read in full, see the module
# docstring of generator.mining for the reasoning on the debatable ones):
# 000 — 一、要以强烈的责任感 is 加强领导/督查/考核 (leadership), the 最近…形势严峻 paragraph
#       before it is situation; the source stops at the closing salutation.
# 003-07 — 一是要端正工作态度 lists the problems found (一是…二是…三是) before asking
#       for a better attitude: problems.
# 003-09 — 一、…上半年工作全面告捷 reviews the half year: achievements.
CORPUS_PINS = {
    "000-01": ["opening", "situation", "leadership", "measures", "closing"],
    "001-01": ["opening", "achievements", "problems", "measures", "leadership", "closing"],
    "002-01": ["opening", "attendees", "agenda", "situation", "leadership", "leadership", "closing"],
    "003-02": ["opening", "achievements", "measures", "measures"],
    "003-05": ["opening", "achievements", "problems", "measures", "leadership", "closing"],
    "003-06": ["opening", "problems", "measures", "measures", "closing"],
    "003-07": ["opening", "problems", "measures", "measures", "closing"],
    "003-09": ["opening", "achievements", "measures", "leadership", "closing"],
    "003-11": ["opening", "situation", "measures", "leadership", "closing"],
    "004-01": ["opening", "situation", "measures"],
}
needs_corpus = pytest.mark.skipif(not any(SPEECHES.glob("*.md")), reason="corpus not ingested yet")


@needs_corpus
@pytest.mark.parametrize("prefix", sorted(CORPUS_PINS))
def test_corpus_role_sequences(prefix):
    path = next(SPEECHES.glob(f"{prefix}-*.md"))
    sf = read_speech(path)
    assert roles(segment(sf.body, sf.body_line)) == CORPUS_PINS[prefix]


@needs_corpus
def test_corpus_combined_heading_is_reported():
    sf = read_speech(next(SPEECHES.glob("003-05-*.md")))
    secs = segment(sf.body, sf.body_line)
    assert secs[1].combined[:2] == ["achievements", "problems"] and "拆分" in secs[1].note
    assert secs[2].role == "problems" and secs[2].text.startswith("在看到成绩的同时")


@needs_corpus
def test_tuijinhui_skeleton():
    report = mine([SPEECHES])
    assert report.skeletons["推进会"] == [
        "opening", "achievements", "problems", "measures", "leadership", "closing",
    ]


@needs_corpus
def test_committed_skeleton_is_fresh(monkeypatch):
    monkeypatch.chdir(REPO)
    committed = (SPEECHES / "skeleton.yaml").read_text(encoding="utf-8")
    fresh = report_yaml(mine([Path("speeches")]))
    assert committed == fresh, "speeches/skeleton.yaml is stale: run `speechgen mine speeches -o speeches/skeleton.yaml`"


NEW_SPEECHES = {  # speeches ingested from sites the corpus never saw (tests/data/pages)
    "a_nav_vip": ["opening", "situation", "measures", "leadership", "closing"],
    "b_breadcrumb_pager": ["opening", "achievements", "problems", "measures", "leadership", "closing"],
    "c_trial_wall": ["opening", "situation", "measures", "leadership", "closing"],
    "d_related_footer": ["opening", "situation", "measures", "leadership", "closing"],
    "e_host_glued": ["opening", "attendees", "agenda"],
    "f_talk_repeated": ["opening", "achievements", "problems", "measures"],
    "g_mobile_summary": ["opening", "achievements", "problems", "measures", "leadership", "closing"],
    "h_subtitle_speaker": ["opening", "problems", "measures", "leadership", "closing"],
}


def test_mine_gives_a_skeleton_for_each_newly_ingested_speech(tmp_path):
    import shutil

    from generator.corpus import ingest_paths

    for path in SPEECHES.glob("0*.md"):
        shutil.copy(path, tmp_path / path.name)
    pages = Path(__file__).parent / "data" / "pages"
    written = ingest_paths([pages / f"{name}.txt" for name in NEW_SPEECHES], tmp_path)
    report = mine([tmp_path])
    records = {Path(r.path).name: r for r in report.speeches}
    for name, roles in NEW_SPEECHES.items():
        [path] = [p for p in written if p.name.startswith(f"{name}-01-")]
        record = records[path.name]
        assert record.roles() == roles, name
        assert report.skeletons[record.kind], f"{name}: no skeleton for {record.kind}"
    assert len(report.speeches) == len(list(SPEECHES.glob("0*.md"))) + len(NEW_SPEECHES)
