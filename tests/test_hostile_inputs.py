"""Hostile input, second round (issue 16): tracebacks, misleading results, the proofreader,
YAML safety for every YAML file, and the CLI's last-resort handler."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from generator import cli as cli_module
from generator.checks.similar import twin_partners
from generator.writers.docx import TITLE_LINE_CHARS, split_title
from tests.hostile_helpers import ROOT, SPEC, clean_exit, cli, spec_brief

BUILTIN_PACK = ROOT / "templates" / "topics" / "文明城市创建.yaml"


def _brief(tmp_path: Path, text: str, name: str = "b.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ tracebacks


def test_growth_base_that_overflows_decimal_is_rejected_by_validate(tmp_path):
    """Traceback: value 99999999999999 with baseline 1e-12 (decimal.InvalidOperation)."""
    text = spec_brief(achievements=[{"title": "环境面貌改善", "figures": [
        {"label": "清运垃圾", "value": 99999999999999, "unit": "吨", "baseline": 1e-12}]}])
    path = _brief(tmp_path, text)
    clean_exit(*cli("validate", path), "对比值")
    clean_exit(*cli("render", path, "-o", tmp_path / "o.md"), "对比值")


def test_xml_invalid_characters_in_docx_text(tmp_path):
    """Traceback: U+FFFE in a title with docx output."""
    path = _brief(tmp_path, spec_brief().replace("title: 全区创建全国文明城市工作推进会",
                                                 'title: "全区创建\\uFFFE全国文明城市\\uFFFF工作推进会"'))
    out = tmp_path / "o.docx"
    code, text = cli("render", path, "-o", out)
    assert code == 0, text
    with zipfile.ZipFile(out) as zf:
        document = zf.read("word/document.xml").decode("utf-8")
    # the body names the meeting with its locality (福海区创建…推进会), so look for the shared part
    assert "创建全国文明城市工作推进会" in document and "\ufffe" not in document


def test_core_properties_title_over_255_characters(tmp_path):
    """Traceback: a docx title over 255 characters (core properties)."""
    import docx

    title = "关于" + "全面推进城市精细化管理和人居环境整治" * 15 + "工作推进会"
    assert len(title) > 255
    path = _brief(tmp_path, spec_brief(meeting={"title": title, "date": "2026-05-08"}))
    out = tmp_path / "o.docx"
    code, text = cli("render", path, "-o", out)
    assert code == 0, text
    document = docx.Document(str(out))
    assert len(document.core_properties.title) <= 255
    heading = "".join(r.text for r in document.paragraphs[0].runs).replace("\n", "")
    assert title in heading, "the heading keeps the full title"


def test_two_thousand_character_title_lays_out(tmp_path):
    """Resource exhaustion: a 2,000-character title took 65 s to lay out (cubic)."""
    title = ("在全区文明城市创建工作推进会暨城市管理和生态环境保护工作部署会上的讲话" * 60)[:2000]
    lines = split_title(title)
    assert "".join(lines) == title
    assert all(len(line) <= 2 * TITLE_LINE_CHARS for line in lines)
    short = split_title("在全区文明城市创建工作推进会暨城市管理工作部署会上的讲话")
    assert short == ["在全区文明城市创建工作推进会", "暨城市管理工作部署会上的讲话"]


@pytest.mark.parametrize("front", [
    "title: [unclosed\n",
    "title: !!python/object/apply:os.system ['echo pwned']\n",
    "title: !custom x\n",
    "a: &a [*a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
])
def test_mine_on_broken_or_tagged_front_matter(tmp_path, front):
    """Traceback: mine on a corpus file with broken or tagged front matter; alias bombs too."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    bad = corpus / "bad.md"
    bad.write_text(f"---\n{front}---\n同志们：\n今天开会。\n", encoding="utf-8")
    code, text = cli("mine", corpus)
    clean_exit(code, text, "bad.md")


def test_alias_bomb_in_front_matter_is_counted(tmp_path):
    from generator.errors import CorpusError
    from generator.speechfile import parse_speech

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True))
    with pytest.raises(CorpusError, match="别名炸弹"):
        parse_speech(f"---\n{bomb}---\n正文\n")


def _user_pack(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "tpl"
    (folder / "topics").mkdir(parents=True)
    (folder / "topics" / "文明城市创建.yaml").write_text(text, encoding="utf-8")
    return folder


def _pack_with(**changes) -> str:
    pack = yaml.safe_load(BUILTIN_PACK.read_text(encoding="utf-8"))
    pack.update(changes)
    return yaml.safe_dump(pack, allow_unicode=True)


@pytest.mark.parametrize(("name", "text", "word"), [
    ("measures_5", _pack_with(measures=5), "measures"),
    ("string_items", _pack_with(measures=["一条措施", "另一条"], problems=["一个问题"]), "measures"),
    ("self_anchor", "name: 文明城市创建\nmeasures: &m [*m]\n", "嵌套过深"),
    ("alias_bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)), "别名炸弹"),
    ("python_tag", "name: !!python/object/apply:os.system ['echo pwned']\n", "标签"),
])
def test_hostile_user_topic_pack(tmp_path, name, text, word):
    """Tracebacks and exhaustion: a user pack with `measures: 5`, string items,
    a self-referential anchor, or an alias bomb."""
    folder = _user_pack(tmp_path, text)
    out = tmp_path / "o.md"
    clean_exit(*cli("render", SPEC, "-o", out, "--templates", folder), word)
    assert not out.exists()


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True))


@pytest.mark.parametrize("name", ["phrases.yaml", "starter.yaml"])
def test_alias_bombs_in_every_user_yaml_file(tmp_path, name):
    """Resource exhaustion: alias counting existed only for briefs."""
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / name).write_text(BOMB, encoding="utf-8")
    code, text = cli("render", SPEC, "-o", tmp_path / "o.md", "--templates", folder)
    clean_exit(code, text, "别名炸弹")


def test_csv_header_with_5000_dotted_parts(tmp_path):
    """Traceback: a CSV header with 5,000 dotted parts."""
    table = tmp_path / "b.csv"
    table.write_text("locality.name," + ".".join(["a"] * 5000) + "\n福海区,x\n", encoding="utf-8")
    clean_exit(*cli("batch", table, "--defaults", ROOT / "examples" / "defaults.yaml", "-o", tmp_path / "o"),
               "表头")


def test_malformed_numeral_heading_in_check(tmp_path):
    """Traceback: check on a draft with a typo'd numeral heading such as 二十三十、."""
    draft = tmp_path / "d.md"
    draft.write_text("同志们：\n\n一、总体情况\n\n二十三十、下步工作\n\n十十、再下步\n\n谢谢大家。\n", encoding="utf-8")
    code, text = cli("check", draft)
    clean_exit(code, text, "写法有误", expected=(0, 1))


# ------------------------------------------------------------ misleading results


def test_uppercase_docx_suffix_writes_docx(tmp_path):
    """Misleading: `-o 讲话稿.DOCX` wrote Markdown into the file."""
    out = tmp_path / "讲话稿.DOCX"
    code, text = cli("render", SPEC, "-o", out)
    assert code == 0, text
    assert zipfile.is_zipfile(out)


@pytest.mark.parametrize("suffix", [".doc", ".DOC", ".pdf", ".wps"])
def test_doc_suffix_is_refused_with_a_hint(tmp_path, suffix):
    out = tmp_path / f"讲话稿{suffix}"
    clean_exit(*cli("render", SPEC, "-o", out), ".docx")
    assert not out.exists()


def test_format_contradicting_suffix_is_refused(tmp_path):
    out = tmp_path / "讲话稿.docx"
    clean_exit(*cli("render", SPEC, "-o", out, "--format", "md"), "不一致")


def test_escaped_surrogate_fails_in_chinese_at_validate(tmp_path):
    """Misleading: an escaped surrogate passed validate, then failed in English."""
    path = _brief(tmp_path, spec_brief().replace("title: 全区创建全国文明城市工作推进会",
                                                 'title: "全区\\uD800推进会"'))
    clean_exit(*cli("validate", path), "代理项")
    clean_exit(*cli("render", path, "-o", tmp_path / "o.md"), "代理项")


def test_item_deadlines_before_the_meeting_fail_validate(tmp_path):
    """Misleading: item deadlines before the meeting passed validate but check flagged the draft."""
    path = _brief(tmp_path, spec_brief(
        measures=[{"title": "突出专项整治", "points": ["集中整治占道经营"], "deadline": "2025-06-30"}],
        targets=[{"text": "完成整改", "deadline": "2026-01-01"}]))
    code, text = cli("validate", path)
    clean_exit(code, text, "measures[0].deadline")
    assert "targets[0].deadline" in text and "早于会议日期" in text


def test_too_long_for_length_1_does_not_say_add_material(tmp_path):
    """Misleading: `length: 1` said to add material when the draft is too long."""
    path = _brief(tmp_path, spec_brief(length=1))
    code, text = cli("render", path, "-o", tmp_path / "o.md")
    assert code == 0, text
    assert "补充" not in text
    assert "精简" in text


def test_fill_with_a_large_template_does_not_blame_the_brief(tmp_path):
    """Misleading: `fill` refused a large template with the brief-size message."""
    template = tmp_path / "t.md.j2"
    template.write_text("{{ place }}" + "同志们好。" * 250_000 + "\n", encoding="utf-8")
    assert template.stat().st_size > 1_000_000
    brief = _brief(tmp_path, "place: 福海区\n")
    out = tmp_path / "o.md"
    code, text = cli("fill", template, brief, "-o", out)
    assert code == 0, text
    assert "简报" not in text
    assert out.read_text(encoding="utf-8").startswith("福海区同志们好。")


@pytest.mark.parametrize(("raw", "ok"), [("1,2,3", False), ("12,34", False), ("41,500", True),
                                         ("1,234,567.5", True), ("４１，５００", True)])
def test_commas_in_numbers(tmp_path, raw, ok):
    """Misleading: "1,2,3" silently became 123."""
    path = _brief(tmp_path, spec_brief(achievements=[{"title": "环境面貌改善", "figures": [
        {"label": "清运垃圾", "value": raw, "unit": "吨"}]}]))
    code, text = cli("validate", path)
    if ok:
        assert code == 0, text
    else:
        clean_exit(code, text, "逗号")


# ------------------------------------------------------------ the proofreader


def test_six_thousand_identical_drafts_are_grouped():
    """Resource exhaustion: check on 6,000 identical small drafts took over 300 s."""
    text = "各街道各部门要坚持问题导向，狠抓工作落实，确保各项任务按期完成。" * 3
    partners = twin_partners([text] * 6000 + ["完全不同的另一篇讲话稿，讲的是生态环境保护。" * 3], keep=5)
    assert len(partners) == 6000
    top, total = partners[17]
    assert total == 5999 and len(top) == 5 and all(sim == 1.0 for sim, _ in top)
    assert 6000 not in partners


def test_near_identical_drafts_are_counted_not_undercounted():
    base = "各街道各部门要坚持问题导向，狠抓工作落实，确保各项任务按期完成。" * 3
    partners = twin_partners([f"{base}第{i}稿" for i in range(400)], keep=5)
    assert len(partners) == 400
    top, total = partners[0]
    assert len(top) == 5 and total >= 390  # "另有N篇相似" is not capped at the exact-check budget


def test_identical_drafts_through_check(tmp_path):
    body = "同志们：\n各街道各部门要坚持问题导向，狠抓工作落实，确保各项任务按期完成。\n" * 3
    files = []
    for i in range(30):
        path = tmp_path / f"d{i:02d}.md"
        path.write_text(body, encoding="utf-8")
        files.append(path)
    code, text = cli("check", "--json", *files)
    assert code == 1
    import json

    findings = json.JSONDecoder().raw_decode(text[text.index("{"):])[0]["findings"]
    per_file = [f for f in findings if f["file"] == str(files[0]) and f["category"] == "twins"]
    assert len(per_file) == 6  # five partners named, then "另有24篇相似"
    assert any("另有24篇" in f["excerpt"] for f in per_file)


# ------------------------------------------------------------ the last-resort handler


def test_unexpected_exception_becomes_a_chinese_message(tmp_path, monkeypatch):
    """Any unexpected exception: Chinese message, exit 2, hint to report, no traceback."""
    import generator.render as render

    def boom(*args, **kwargs):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(render, "render_file", boom)
    monkeypatch.setattr(cli_module, "reraise_unexpected", lambda: False)
    code, text = cli("render", SPEC, "-o", tmp_path / "o.md")
    clean_exit(code, text, "内部错误")
    assert "报告" in text and "SPEECHGEN_DEBUG" in text


def test_tests_still_see_the_real_exception(tmp_path, monkeypatch):
    import generator.render as render

    def boom(*args, **kwargs):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(render, "render_file", boom)
    with pytest.raises(RuntimeError, match="internal detail"):
        cli("render", SPEC, "-o", tmp_path / "o.md")


def test_debug_env_reraises(monkeypatch):
    monkeypatch.setenv("SPEECHGEN_DEBUG", "1")
    assert cli_module.reraise_unexpected()


def test_docx_reader_sees_the_real_text():
    from generator.checks.reading import docx_paragraphs
    from tests.hostile_helpers import office_zip

    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           "<w:p><w:r><w:t>同志们：</w:t></w:r></w:p></w:body></w:document>")
    assert docx_paragraphs(office_zip({"word/document.xml": xml}), Path("x.docx")) == ["同志们："]
    assert io  # io is used by the hypothesis module below
