"""Speeches copied from sites the corpus never saw: chrome, title, kind and topic.

Each page in tests/data/pages/ is our own speech inside one site's chrome (nav bars,
breadcrumbs, publishing lines, VIP and trial walls, related lists, footers, repeated
headers, pagers). ``NAME.expected.md`` is the file ingest must write for ``NAME.txt``,
written by hand from the speech, not from ingest's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.corpus import ingest_paths
from generator.speechfile import read_speech

PAGES = Path(__file__).parent / "data" / "pages"
NAMES = [
    "a_nav_vip",
    "b_breadcrumb_pager",
    "c_trial_wall",
    "d_related_footer",
    "e_host_glued",
    "f_talk_repeated",
    "g_mobile_summary",
    "h_subtitle_speaker",
]
SALUTATIONS = ("同志们：", "尊敬的各位领导、同志们：")


def test_every_page_has_its_expectation():
    assert sorted(p.stem for p in PAGES.glob("*.txt")) == NAMES
    assert len(NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_page_ingests_to_the_speech_alone(name, tmp_path):
    [out] = ingest_paths([PAGES / f"{name}.txt"], tmp_path)
    got, want = read_speech(out), read_speech(PAGES / f"{name}.expected.md")
    assert got.meta == want.meta  # title, kind, topic, level, source
    assert got.body == want.body  # no chrome line, nothing of the speech lost
    opening = next(ln for ln in got.body.split("\n") if ln.startswith(("同志们", "尊敬的")))
    assert opening in SALUTATIONS  # the salutation stands on its own line


@pytest.mark.parametrize("name", NAMES)
def test_no_page_line_outside_the_speech_survives(name, tmp_path):
    """Every page line that is not part of the speech is gone (a second, independent view)."""
    [out] = ingest_paths([PAGES / f"{name}.txt"], tmp_path)
    body = read_speech(out).body
    speech = read_speech(PAGES / f"{name}.expected.md")
    speech_text = speech.meta["title"] + speech.body
    page_lines = (PAGES / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    chrome = [ln.strip() for ln in page_lines
              if ln.strip() and ln.strip().replace(":", "：") not in speech_text]
    assert chrome, "each page has chrome"
    for line in chrome:
        assert line not in body, line


# --- Word files ----------------------------------------------------------------------------


def _speech_lines() -> list[str]:
    want = read_speech(PAGES / "a_nav_vip.expected.md")
    return [want.meta["title"], *want.body.split("\n")]


def _docx_twin(tmp_path: Path) -> tuple[Path, Path]:
    """The same speech as .docx (heading, paragraphs, a table, a line break) and as Word's .txt."""
    import docx

    lines = _speech_lines()
    doc = docx.Document()
    doc.add_heading(lines[0], level=1)
    for line in lines[1:4]:
        doc.add_paragraph(line)
    table = doc.add_table(rows=2, cols=2)
    cells = [["整治任务", "完成时限"], ["背街小巷台账", "6月底前"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for line in lines[4:]:
        doc.add_paragraph(line)
    docx_path = tmp_path / "src" / "101_环卫会议.docx"
    docx_path.parent.mkdir()
    doc.save(str(docx_path))
    txt_lines = lines[:4] + [t for row in cells for t in row] + lines[4:]
    txt_path = tmp_path / "src" / "101_环卫会议.txt"
    txt_path.write_text("\n".join(txt_lines) + "\n", encoding="utf-8")
    return docx_path, txt_path


def test_a_docx_ingests_to_the_same_text_as_its_txt_twin(tmp_path):
    docx_path, txt_path = _docx_twin(tmp_path)
    [from_docx] = ingest_paths([docx_path], tmp_path / "a")
    [from_txt] = ingest_paths([txt_path], tmp_path / "b")
    assert from_docx.name == from_txt.name == "101-01-在全市环境卫生整治工作会议上的讲话.md"
    got, twin = read_speech(from_docx), read_speech(from_txt)
    assert got.body == twin.body
    assert {k: v for k, v in got.meta.items() if k != "source"} == \
        {k: v for k, v in twin.meta.items() if k != "source"}
    assert got.meta["source"] == "101_环卫会议.docx"
    assert "整治任务\n完成时限\n背街小巷台账\n6月底前" in got.body  # the table, cell by cell, in place
    assert got.meta["kind"] == "动员部署会" and got.meta["topic"] == "人居环境整治"


def test_docx_text_keeps_document_order_and_merged_cells_once(tmp_path):
    import docx

    from generator.docxtext import docx_text

    doc = docx.Document()
    doc.add_paragraph("第一段")
    table = doc.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并格"
    table.cell(0, 2).text = "右格"
    doc.add_paragraph("末段")
    path = tmp_path / "m.docx"
    doc.save(str(path))
    assert docx_text(path.read_bytes(), "m.docx").split("\n") == ["第一段", "合并格", "右格", "末段"]


def _run_ingest(*args: str):
    from typer.testing import CliRunner

    from generator.cli import app

    return CliRunner().invoke(app, ["ingest", *args])


def test_broken_or_oversized_word_files_are_refused_in_chinese(tmp_path, monkeypatch):
    import zipfile

    from generator import docxtext

    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = _run_ingest(str(bad), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "坏文件.docx" in result.output and "不是有效的 Word 文档" in result.output
    assert "Traceback" not in result.output

    notword = tmp_path / "表格.docx"
    with zipfile.ZipFile(notword, "w") as zf:
        zf.writestr("xl/workbook.xml", "<x/>")
    result = _run_ingest(str(notword), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "word/document.xml" in result.output

    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w/>")
        zf.writestr("word/media/zeros.bin", b"\0" * 5_000_000)
    result = _run_ingest(str(bomb), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "压缩炸弹" in result.output

    docx_path, _ = _docx_twin(tmp_path)
    monkeypatch.setattr(docxtext, "MAX_UNPACKED_BYTES", 1000)
    result = _run_ingest(str(docx_path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "解压后太大" in result.output
    monkeypatch.setattr(docxtext, "MAX_DOCX_BYTES", 100)
    result = _run_ingest(str(docx_path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "太大" in result.output

    old = tmp_path / "旧稿.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = _run_ingest(str(old), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "另存为 .docx" in result.output
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_a_docx_ingests_through_the_cli(tmp_path):
    docx_path, _ = _docx_twin(tmp_path)
    result = _run_ingest(str(docx_path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "101-01-在全市环境卫生整治工作会议上的讲话.md" in result.output


def test_a_speech_filed_as_other_is_reported_by_name(tmp_path):
    src = tmp_path / "201_会议.txt"
    src.write_text("在全区重点工作会议上的讲话\n同志们：\n今天开会，研究几项重点工作。\n", encoding="utf-8")
    result = _run_ingest(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "201-01-在全区重点工作会议上的讲话.md：从标题“在全区重点工作会议上的讲话”和开头认不出讲话类型" in result.output
    assert "201-01-在全区重点工作会议上的讲话.md：题材不在五类之内或认不出" in result.output
    notes: list[str] = []
    ingest_paths([PAGES / "a_nav_vip.txt"], tmp_path / "quiet", notes)
    assert notes == []  # a recognised speech is not reported


# --- the rules themselves ------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "title"), [
    ("在全市环境卫生整治工作会议上的讲话_第1页", "在全市环境卫生整治工作会议上的讲话"),
    ("在全市环境卫生整治工作会议上的讲话VIP专享", "在全市环境卫生整治工作会议上的讲话"),
    ("环境保护污染减排工作会议发言范文", "环境保护污染减排工作会议发言"),
    ("在全区创文工作推进会上的讲话（精选3篇）", "在全区创文工作推进会上的讲话"),
    ("在全区创文工作推进会上的讲话（精选3篇）_第2页", "在全区创文工作推进会上的讲话"),
    ("【VIP专享】县长在全县创城誓师大会上的讲话范文", "县长在全县创城誓师大会上的讲话"),
    ("在全县督察整改推进会上的主持词 - 办公资料站", "在全县督察整改推进会上的主持词"),
    ("首页 > 发言稿 > 在全市座谈会上的交流发言", "在全市座谈会上的交流发言"),
    ("在城市创新治理推进会上的讲话稿(共五则范文)", "在城市创新治理推进会上的讲话稿"),
    ("《在全市城管工作会议上的讲话》（word版可编辑）", "在全市城管工作会议上的讲话"),
    ("——在全县创城推进会上的讲话", "在全县创城推进会上的讲话"),
])
def test_site_suffixes_come_off_titles(raw, title):
    from generator.webpage import names_speech, tidy_title

    assert tidy_title(raw) == title
    assert names_speech(tidy_title(raw))


def test_a_pager_title_that_differs_from_the_title_is_dropped_too():
    from generator.corpus import clean_source

    page = ("在全市创文推进会上的讲话\n同志们：\n今天召开全市创文推进会，部署下一阶段工作，\n"
            "在全市创文推进会上的讲话稿_第2页\n希望大家抓好落实。\n")
    [speech] = clean_source(page, "x.txt")
    assert speech.body == "同志们：\n今天召开全市创文推进会，部署下一阶段工作，希望大家抓好落实。"


def test_no_line_of_a_real_speech_is_taken_for_chrome():
    """Every body line of the corpus, the golden drafts and the check fixtures survives the rules."""
    from generator.webpage import is_chrome

    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("speeches/0*.md"), *root.glob("tests/golden/*.md"), *root.glob("tests/data/check/*.md"),
             *PAGES.glob("*.expected.md")]
    lines = [ln for f in files for ln in read_speech(f).body.split("\n") if ln.strip()]
    assert len(lines) > 500
    assert [ln for ln in lines if is_chrome(ln.strip())] == []


def test_a_broken_rule_file_names_the_key():
    import yaml

    from generator.errors import CorpusError
    from generator.webpage import RULES_FILE, parse_rules

    source = Path(__file__).resolve().parents[1] / "generator" / "data" / RULES_FILE
    good = yaml.safe_load(source.read_text(encoding="utf-8"))
    parse_rules(good, RULES_FILE)  # the shipped file is valid

    def broken(edit):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        edit(data)
        with pytest.raises(CorpusError) as info:
            parse_rules(data, RULES_FILE)
        return info.value.message

    assert "chrome.patterns[2]" in broken(lambda d: d["chrome"]["patterns"].insert(1, "(未闭合"))
    assert "chrome.words" in broken(lambda d: d["chrome"].update(words=[]))
    assert "kinds[1].kind" in broken(lambda d: d["kinds"][0].update(kind="表彰会"))
    assert "topics" in broken(lambda d: d["topics"].pop("社区治理"))
    assert "salutation" in broken(lambda d: d.update(salutation=None))
    assert RULES_FILE in broken(lambda d: d.pop("title"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "首页 | 登录", "同志们：", "在全区推进会上的讲话_第1页", "今天召开推进会，部署工作。", "相关文章",
    "第1页 共3页", "免责声明：仅供参考。", "一、提高认识", "VIP专享", "", "各位领导、同志们：今天开会。",
    "篇一：在全区推进会上的讲话", "谢谢大家！", "发布时间：2024-01-01",
]), max_size=25))
def test_any_page_of_chrome_and_speech_lines_cleans_without_error(lines):
    from generator.corpus import clean_source

    text = "\n".join(lines)
    first = clean_source(text, "x.txt")
    assert [(s.title, s.body) for s in first] == [(s.title, s.body) for s in clean_source(text, "x.txt")]
    for speech in first:
        assert "VIP专享" not in speech.body and "首页 | 登录" not in speech.body


def _numbered_docx(path: Path, items: list[tuple[int | None, str]]) -> None:
    """A .docx whose headings use Word's automatic 一、/（一） numbering (level, text)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in items:
        p = doc.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    doc.save(str(path))


def test_word_automatic_numbering_is_written_out(tmp_path):
    from generator.docxtext import chinese_number, docx_text, format_number

    path = tmp_path / "n.docx"
    _numbered_docx(path, [(None, "同志们："), (0, "统一思想"), (1, "提高站位"), (1, "压实责任"),
                          (0, "突出重点"), (1, "抓好整治"), (None, "谢谢大家！")])
    assert docx_text(path.read_bytes(), "n.docx").split("\n") == [
        "同志们：", "一、统一思想", "（一）提高站位", "（二）压实责任", "二、突出重点", "（一）抓好整治", "谢谢大家！"]
    assert [chinese_number(n) for n in (1, 10, 11, 20, 35)] == ["一", "十", "十一", "二十", "三十五"]
    assert format_number(3, "decimalEnclosedCircle") == "③" and format_number(4, "upperRoman") == "IV"
    assert format_number(2, "bullet") == ""
