"""Speeches copied from sites the corpus never saw: chrome, title, kind and topic.

Each page in tests/data/pages/ is our own speech inside one site's chrome (nav bars,
breadcrumbs, publishing lines, VIP and trial walls, related lists, footers, repeated
headers, pagers). ``NAME.expected.md`` is the file ingest must write for ``NAME.txt``,
written by hand from the speech, not from ingest's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
    assert got.body.split("\n")[0] in SALUTATIONS  # the salutation stands on its own line


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
