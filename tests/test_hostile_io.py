"""Hostile input, second round (issue 16): the reading and writing layers, OS errors,
Windows/WPS behaviour (issue 13 §3). Each test names the failure class it covers."""

from __future__ import annotations

import csv
import errno
import os
import stat
import zipfile
from pathlib import Path

import pytest

from generator.errors import ExportError, os_error_message
from generator.textfiles import decode_text, read_limited
from generator.writers import output
from generator.writers.output import atomic_write, os_path, sweep_stale
from tests.hostile_helpers import DEFAULTS, SPEC, clean_exit, cli, spec_brief, subprocess_cli

# ------------------------------------------------------------ reading: special files


def test_brief_symlinked_to_dev_zero_is_refused(tmp_path):
    """Resource exhaustion: a symlink to /dev/zero bypassed the 1 MB limit."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "brief.yaml"
    link.symlink_to("/dev/zero")
    clean_exit(*cli("validate", link), "不是普通文件")
    clean_exit(*cli("render", link, "-o", tmp_path / "out.md"), "不是普通文件")
    assert not (tmp_path / "out.md").exists()


def test_fifo_brief_does_not_hang(tmp_path):
    """Resource exhaustion: a FIFO as the brief hung forever (guarded by a subprocess timeout)."""
    fifo = tmp_path / "brief.yaml"
    os.mkfifo(fifo)
    result = subprocess_cli("validate", fifo, timeout=60)
    clean_exit(result.returncode, result.stderr, "不是普通文件")


def test_bytes_actually_read_are_capped(tmp_path, monkeypatch):
    """A file that grows (or lies in stat) is cut at the limit, not read to the end."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 5000)
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 10,
                                                                 0, 0, 0)))
    with pytest.raises(Exception, match="太大"):
        read_limited(path, 1000, "测试文件")


# ------------------------------------------------------------ reading: encodings by BOM


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_notepad_unicode_brief_is_read(tmp_path, encoding):
    """Misleading result: a UTF-16 brief (Notepad's "Unicode") was called binary."""
    text = SPEC.read_text(encoding="utf-8")
    path = tmp_path / "brief.yaml"
    bom = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    code, out = cli("validate", path)
    assert code == 0, out


def test_utf16_csv_batch_is_read(tmp_path):
    rows = [["locality.name", "locality.level"], ["福海区", "区"], ["立后区", "区"]]
    table = tmp_path / "b.csv"
    with open(table, "w", encoding="utf-16", newline="") as handle:
        csv.writer(handle).writerows(rows)
    code, out = cli("batch", table, "--defaults", DEFAULTS, "-o", tmp_path / "out", "-j", "1")
    assert code == 0, out
    assert len(list((tmp_path / "out").glob("*.md"))) == 2


def test_bad_utf16_is_a_clear_error():
    with pytest.raises(Exception, match="UTF-16"):
        decode_text(b"\xff\xfe\x00\xd8", "x.yaml")


# ------------------------------------------------------------ writing: overwrite, special files


def test_render_refuses_fifo_and_device_even_with_force(tmp_path):
    """Data loss: `render -o <fifo> --force` replaced the special file with a regular one."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    clean_exit(*cli("render", SPEC, "-o", fifo, "--force"), "不是普通文件")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if Path("/dev/null").exists():
        clean_exit(*cli("render", SPEC, "-o", "/dev/null", "--force"), "不是普通文件")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_mine_o_does_not_overwrite(tmp_path):
    """Data loss: `mine -o` overwrote existing files silently."""
    out = tmp_path / "report.yaml"
    out.write_text("我的文件", encoding="utf-8")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: 在全区推进会上的讲话\n---\n同志们：\n今天开会。\n", encoding="utf-8")
    clean_exit(*cli("mine", corpus, "-o", out), "--force")
    assert out.read_text(encoding="utf-8") == "我的文件"
    code, text = cli("mine", corpus, "-o", out, "--force")
    assert code == 0, text and out.read_text(encoding="utf-8") != "我的文件"


def _web_copy(tmp_path: Path, name: str) -> Path:
    src = tmp_path / name
    src.write_text("在全区文明城市创建工作推进会上的讲话\n同志们：\n今天，我们召开全区文明城市创建工作推进会，"
                   "主要任务是总结前段工作，部署下步任务。各街道各部门要抓好落实。\n", encoding="utf-8")
    return src


def test_ingest_does_not_overwrite_and_checks_all_first(tmp_path):
    """Data loss: `ingest` overwrote files; colliding names wrote one, then failed."""
    out = tmp_path / "corpus"
    first = _web_copy(tmp_path, "001_a.txt")
    code, text = cli("ingest", first, "-o", out)
    assert code == 0, text
    written = sorted(out.iterdir())
    before = [p.read_bytes() for p in written]
    written[0].write_text("手工改过", encoding="utf-8")
    clean_exit(*cli("ingest", first, "-o", out), "--force")
    assert written[0].read_text(encoding="utf-8") == "手工改过"
    # two sources whose speeches get the same name: nothing at all is written
    fresh = tmp_path / "fresh"
    twin_dir = tmp_path / "other"
    twin_dir.mkdir()
    second = _web_copy(twin_dir, "001_a.txt")
    clean_exit(*cli("ingest", first, second, "-o", fresh), "文件名相同")
    assert not fresh.exists() or not list(fresh.iterdir())
    assert before


def test_templatize_checks_every_output_before_writing(tmp_path):
    """Data loss: templatize wrote the template, then failed on the existing brief file."""
    speech = tmp_path / "old.md"
    speech.write_text("同志们：\n今天，福海区召开推进会，2026年5月8日完成清运垃圾41500吨。\n", encoding="utf-8")
    out = tmp_path / "t.md.j2"
    brief_out = tmp_path / "t.brief.yaml"
    brief_out.write_text("旧的简报", encoding="utf-8")
    clean_exit(*cli("templatize", speech, "-o", out, "--brief-out", brief_out), "已存在")
    assert not out.exists(), "the template must not be written when the brief cannot be"
    assert brief_out.read_text(encoding="utf-8") == "旧的简报"


def _batch_table(folder: Path, name: str = "b.csv") -> Path:
    table = folder / name
    table.write_text("locality.name,locality.level\n=cmd|' /C calc'!A0,区\n+福海区,区\n-立后区,区\n@港城区,区\n",
                     encoding="utf-8")
    return table


def test_batch_never_overwrites_a_users_summary_csv(tmp_path):
    """Data loss: batch overwrote a user's summary.csv, even its own input table."""
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "summary.csv"
    mine.write_text("我的汇总表\n", encoding="utf-8")
    clean_exit(*cli("batch", _batch_table(tmp_path), "--defaults", DEFAULTS, "-o", out, "-j", "1"),
               "不是 speechgen 生成的")
    assert mine.read_text(encoding="utf-8") == "我的汇总表\n"
    assert not list(out.glob("*.md"))
    # the input table itself is called summary.csv and lives in the output folder
    mine.unlink()
    table = _batch_table(out, "summary.csv")
    before = table.read_bytes()
    code, text = cli("batch", table, "--defaults", DEFAULTS, "-o", out, "-j", "1", "--force")
    clean_exit(code, text, "输入文件")
    assert table.read_bytes() == before


def test_summary_csv_cells_are_neutralised(tmp_path):
    """Injection: names beginning = + - @ went verbatim into summary.csv (Excel formulas)."""
    out = tmp_path / "out"
    code, text = cli("batch", _batch_table(tmp_path), "--defaults", DEFAULTS, "-o", out, "-j", "1")
    assert code in (0, 1), text
    rows = list(csv.reader((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), row
    labels = [row[1] for row in rows[1:]]
    assert labels[0].startswith("'=") and labels[1] == "'+福海区"
    # a second run may replace the summary it wrote itself
    code, text = cli("batch", _batch_table(tmp_path), "--defaults", DEFAULTS, "-o", out, "-j", "1")
    assert code in (0, 1), text


def test_sweep_spares_live_runs_and_removes_dead_ones(tmp_path):
    """Data loss: two batches into one folder deleted each other's in-flight temp files."""
    import subprocess
    import sys

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        mine = tmp_path / f".a.md.{output.HOST}-{live.pid}-abcdef.tmp"
        gone = tmp_path / f".b.md.{output.HOST}-{dead.pid}-abcdef.tmp"
        other_host = tmp_path / f".c.md.ffff-{dead.pid}-abcdef.tmp"
        if output.HOST == "ffff":
            other_host = tmp_path / f".c.md.fffe-{dead.pid}-abcdef.tmp"
        user = tmp_path / ".notes.tmp"
        for p in (mine, gone, other_host, user):
            p.write_bytes(b"x")
        out = tmp_path
        code, text = cli("batch", _batch_table(tmp_path, "t.csv"), "--defaults", DEFAULTS, "-o", out, "-j", "1")
        assert code in (0, 1), text
        assert mine.exists() and other_host.exists() and user.exists()
        assert not gone.exists()
    finally:
        live.kill()
        live.wait()


def test_killed_render_temp_file_is_swept_next_time(tmp_path):
    """Data loss: a killed single render left its temporary file forever."""
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "讲话稿.md"
    stale = tmp_path / f".{out.name}.{output.HOST}-{dead.pid}-123abc.tmp"
    stale.write_bytes(b"half")
    code, text = cli("render", SPEC, "-o", out)
    assert code == 0, text
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_sweep_stale_only_touches_its_own_name(tmp_path):
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    a = tmp_path / f".a.md.{output.HOST}-{dead.pid}-000000.tmp"
    b = tmp_path / f".b.md.{output.HOST}-{dead.pid}-000000.tmp"
    a.write_bytes(b"")
    b.write_bytes(b"")
    assert sweep_stale(tmp_path, "a.md") == 1
    assert b.exists()


# ------------------------------------------------------------ OS errors in Chinese (issue 13 §3)


def _raise_on_replace(exc: OSError):
    def replace(src, dst):
        raise exc
    return replace


@pytest.mark.parametrize(("exc", "words"), [
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
    (PermissionError(errno.EACCES, "Permission denied"), "请关闭 Word/WPS"),
    (OSError(errno.ENAMETOOLONG, "File name too long"), "路径或文件名太长"),
    (OSError(errno.EROFS, "Read-only file system"), "只读"),
])
def test_os_errors_are_chinese_and_name_the_file(tmp_path, monkeypatch, exc, words):
    """Misleading: OS errors printed as English [Errno 28] with no file name."""
    out = tmp_path / "讲话稿.docx"
    monkeypatch.setattr(os, "replace", _raise_on_replace(exc))
    code, text = cli("render", SPEC, "-o", out)
    clean_exit(code, text, words)
    assert str(out) in text
    assert not out.exists() and not list(tmp_path.iterdir()), "no temp file may remain"


def test_word_holding_the_file_open_winerror_32(tmp_path, monkeypatch):
    """Issue 13 §3: Word/WPS holds the file open → Chinese message saying to close it."""
    err = PermissionError(13, "The process cannot access the file because it is being used by another process")
    err.winerror = 32  # what Windows sets for a sharing violation
    out = tmp_path / "讲话稿.docx"
    monkeypatch.setattr(os, "replace", _raise_on_replace(err))
    code, text = cli("render", SPEC, "-o", out, "--force")
    clean_exit(code, text, "文件被占用或无权限，请关闭 Word/WPS 中打开的该文件后重试")
    assert "讲话稿.docx" in text


def test_os_error_message_never_english():
    msg = os_error_message(OSError(errno.EIO, "Input/output error"), "a.md", "写入")
    assert "a.md" in msg and "Input/output" not in msg and "Errno" not in msg


def test_batch_disk_full_is_chinese(tmp_path, monkeypatch):
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(".md"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    code, text = cli("batch", _batch_table(tmp_path), "--defaults", DEFAULTS, "-o", tmp_path / "o", "-j", "1")
    clean_exit(code, text, "磁盘空间不足", expected=(1,))


def test_long_windows_paths_use_the_extended_form():
    """Issue 13 §3: paths near 260 characters are handled (\\\\?\\ form on Windows)."""
    long = "C:\\Users\\张三\\" + "很长的文件夹名称" * 30 + "\\讲话稿.docx"
    assert os_path(Path(long), windows=True).startswith("\\\\?\\C:\\")
    unc = "\\\\server\\share\\" + "子目录" * 90 + "\\a.docx"
    assert os_path(Path(unc), windows=True).startswith("\\\\?\\UNC\\server")
    short = "C:\\a.docx"
    assert os_path(Path(short), windows=True) == short
    assert os_path(Path("/tmp/" + "x" * 300), windows=False) == "/tmp/" + "x" * 300


def test_deep_output_path_near_the_limit_writes(tmp_path):
    folder = tmp_path
    while len(str(folder)) < 230:
        folder = folder / "很长的文件夹"
    out = folder / "讲话稿.md"
    code, text = cli("render", SPEC, "-o", out)
    assert code == 0, text
    assert out.exists()


def test_name_near_the_file_name_limit_still_writes(tmp_path):
    """A 250-byte file name works: the temp file's name is shortened, not the target's."""
    out = tmp_path / ("讲" * 80 + "x.md")
    assert len(out.name.encode("utf-8")) > 240
    atomic_write(out, b"ok", force=False)
    assert out.read_bytes() == b"ok"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_gbk_console_never_fails_on_encoding(tmp_path):
    """Issue 13 §3: output to a GBK console or a pipe never fails on encoding."""
    brief = tmp_path / "b.yaml"
    brief.write_text(spec_brief(meeting={"title": "𠀾全区创建全国文明城市工作推进会", "date": "2026-05-08"}),
                     encoding="utf-8")
    result = subprocess_cli("render", brief, env={"PYTHONIOENCODING": "gbk"}, encoding="gbk")
    assert result.returncode == 0, result.stderr
    assert "?全区创建" in result.stdout  # 𠀾 is not in GBK: replaced, not a crash
    assert "Traceback" not in result.stderr
    ascii_run = subprocess_cli("validate", tmp_path / "无此文件.yaml", env={"PYTHONIOENCODING": "ascii"},
                               encoding="ascii")
    assert ascii_run.returncode == 2 and "Traceback" not in ascii_run.stderr


def test_atomic_write_refuses_directory(tmp_path):
    with pytest.raises(ExportError, match="目录"):
        atomic_write(tmp_path, b"x", force=True)


# ------------------------------------------------------------ Office files through the reading layer


def _xlsx(tmp_path: Path, sheet_xml: str, extra: dict[str, str] | None = None) -> Path:
    from tests.hostile_helpers import office_zip

    members = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra or {}),
    }
    path = tmp_path / "b.xlsx"
    path.write_bytes(office_zip(members))
    return path


SHEET = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<dimension ref="{dim}"/><sheetData>{rows}</sheetData></worksheet>')


def _row(n: int, *cells: tuple[str, str]) -> str:
    inner = "".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in cells)
    return f'<row r="{n}">{inner}</row>'


def test_handmade_xlsx_reads(tmp_path):
    rows = _row(1, ("A1", "locality.name"), ("B1", "locality.level")) + _row(2, ("A2", "福海区"), ("B2", "区"))
    book = _xlsx(tmp_path, SHEET.format(dim="A1:B2", rows=rows))
    code, text = cli("batch", book, "--defaults", DEFAULTS, "-o", tmp_path / "o", "-j", "1")
    assert code == 0, text


def test_stray_cell_at_a1048576_is_refused_without_padding(tmp_path):
    """Resource exhaustion: a 4.9 KB xlsx with a stray cell at A1048576 read ~30 min of rows."""
    rows = (_row(1, ("A1", "locality.name"), ("B1", "locality.level")) + _row(2, ("A2", "福海区"), ("B2", "区"))
            + _row(1048576, ("A1048576", "x")))
    book = _xlsx(tmp_path, SHEET.format(dim="A1:B1048576", rows=rows))
    assert book.stat().st_size < 5000
    result = subprocess_cli("batch", book, "--defaults", DEFAULTS, "-o", tmp_path / "o", timeout=60)
    clean_exit(result.returncode, result.stderr, "1048576")


def test_empty_stray_row_is_ignored(tmp_path):
    rows = (_row(1, ("A1", "locality.name"), ("B1", "locality.level")) + _row(2, ("A2", "福海区"), ("B2", "区"))
            + '<row r="1048576"><c r="A1048576" s="1"/></row>')
    book = _xlsx(tmp_path, SHEET.format(dim="A1:B1048576", rows=rows))
    code, text = cli("batch", book, "--defaults", DEFAULTS, "-o", tmp_path / "o", "-j", "1")
    assert code == 0, text


@pytest.mark.parametrize(("name", "sheet"), [
    ("truncated", SHEET.format(dim="A1:B2", rows=_row(1, ("A1", "locality.name")))[:150]),
    ("xxe", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + SHEET.format(dim="A1", rows=_row(1, ("A1", "&e;"))).split("?>", 1)[1]),
    ("billion_laughs", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                       + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
                       + "]>" + SHEET.format(dim="A1", rows=_row(1, ("A1", "&i;"))).split("?>", 1)[1]),
])
def test_hostile_sheet_xml_is_a_clean_error(tmp_path, name, sheet):
    """Tracebacks: truncated, XXE or billion-laughs sheet XML."""
    book = _xlsx(tmp_path, sheet)
    code, text = cli("batch", book, "--defaults", DEFAULTS, "-o", tmp_path / "o", "-j", "1")
    clean_exit(code, text)
    assert "root:" not in text


def test_xlsx_with_only_a_chart_sheet(tmp_path):
    """Tracebacks: an xlsx with a chart sheet."""
    from tests.hostile_helpers import office_zip

    members = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/chartsheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Chart1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/chartsheets/sheet1.xml": '<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    }
    book = tmp_path / "chart.xlsx"
    book.write_bytes(office_zip(members))
    clean_exit(*cli("batch", book, "--defaults", DEFAULTS, "-o", tmp_path / "o", "-j", "1"))


def test_office_file_that_unpacks_to_gigabytes_is_refused(tmp_path):
    """Resource exhaustion: an xlsx or docx whose XML unpacks to 1–2 GB."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<" + b" " * (1 << 20)
            for _ in range(110):
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    clean_exit(*cli("check", path), "解压后", expected=(2,))
    table = tmp_path / "bomb.xlsx"
    table.write_bytes(path.read_bytes())
    clean_exit(*cli("batch", table, "--defaults", DEFAULTS, "-o", tmp_path / "o"), "解压后")


def _docx(tmp_path: Path, document: bytes | str, name: str = "d.docx", encrypt: bool = False) -> Path:
    from tests.hostile_helpers import office_zip

    data = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": document})
    if encrypt:  # set the "encrypted" flag bit on every entry, as a password-protected zip has
        data = data.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00")
        data = data.replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00")
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", ["bad_xml", "encrypted", "not_zip", "xxe"])
def test_check_and_templatize_on_broken_docx(tmp_path, kind):
    """Tracebacks: check/templatize on a docx with bad XML or an encrypted entry."""
    good = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>同志们</w:t></w:r></w:p></w:body></w:document>'
    if kind == "bad_xml":
        path = _docx(tmp_path, good[:60])
    elif kind == "encrypted":
        path = _docx(tmp_path, good, encrypt=True)
    elif kind == "xxe":
        path = _docx(tmp_path, '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                     + good.replace("同志们", "&e;"))
    else:
        path = tmp_path / "d.docx"
        path.write_bytes(b"PK\x03\x04 not really a zip")
    clean_exit(*cli("check", path))
    clean_exit(*cli("templatize", path, "-o", tmp_path / "t.md.j2"))
    assert not (tmp_path / "t.md.j2").exists()
