"""speechgen batch: spec example, CSV/XLSX, safe names, resume, atomicity, isolation, parallelism."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator import batch as batch_mod
from generator.batch import NAME_BYTES, NAME_CHARS, NameBook, safe_stem
from generator.batchio import Layer, Source, merge_layers, parse_header
from generator.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEFAULTS = {
    "kind": "推进会",
    "topic": "文明城市创建",
    "meeting": {"title": "全区创建全国文明城市工作推进会", "date": "2026-05-08"},
    "speaker": {"title": "区委书记"},
}
runner = CliRunner()


def write_batch(path: Path, districts: list, defaults: dict | None = None) -> Path:
    doc = {"defaults": defaults or DEFAULTS, "districts": districts}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def district(name: str, **extra) -> dict:
    return {"locality": {"name": name, "level": "区", "parent": "滨海市"}, **extra}


def invoke(*args: str):
    return runner.invoke(app, ["batch", *map(str, args)])


def drafts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "summary.csv"}


def read_summary(folder: Path) -> list[dict[str, str]]:
    raw = (folder / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


# ------------------------------------------------------------------ examples

def test_spec_example_renders(tmp_path):
    out = tmp_path / "out"
    result = invoke(EXAMPLES / "batch.yaml", "-o", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    names = sorted(drafts(out))
    assert names == sorted([
        "福海区-全区创建全国文明城市工作推进会.md", "立后区-全区创建全国文明城市工作推进会.md",
        "云港县-全县创建全国文明城市工作推进会.md", "东湖街道-全街道创建全国文明城市工作推进会.md",
    ])
    text = (out / "福海区-全区创建全国文明城市工作推进会.md").read_text(encoding="utf-8")
    assert "4.15万吨" in text and "97%" in text
    assert "86条" in (out / "立后区-全区创建全国文明城市工作推进会.md").read_text(encoding="utf-8")
    assert "批量生成结果" in result.output and "已写入 4" in result.output


def test_csv_and_xlsx_equal_the_yaml_batch(tmp_path):
    assert invoke(EXAMPLES / "batch.yaml", "-o", tmp_path / "y", "-j", "1").exit_code == 0
    result = invoke(EXAMPLES / "batch.csv", "--defaults", EXAMPLES / "defaults.yaml",
                    "-o", tmp_path / "c", "-j", "1")
    assert result.exit_code == 0, result.output
    assert drafts(tmp_path / "c") == drafts(tmp_path / "y")

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with open(EXAMPLES / "batch.csv", encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.reader(handle)):
            # typed cells, as Excel stores them: numbers stay numbers
            sheet.append([float(c) if i and c.replace(".", "").isdigit() and "." in c
                          else int(c) if i and c.isdigit() else (c or None) for c in row])
    book.save(tmp_path / "batch.xlsx")
    result = invoke(tmp_path / "batch.xlsx", "--defaults", EXAMPLES / "defaults.yaml",
                    "-o", tmp_path / "x", "-j", "1")
    assert result.exit_code == 0, result.output
    assert drafts(tmp_path / "x") == drafts(tmp_path / "y")


SUBPROCESS_DISTRICTS = 24  # enough for two workers and progress lines; speed lives in benchmarks/


@pytest.mark.slow
def test_districts_as_docx_in_a_subprocess(tmp_path):
    n = SUBPROCESS_DISTRICTS
    batch = write_batch(tmp_path / "batch.yaml", [
        district(f"滨海{i:03d}区", achievements=[{"title": "环境面貌改善", "figures": [
            {"label": "清运垃圾", "value": 1000 + i * 37, "unit": "吨"}]}])
        for i in range(n)
    ])
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "generator", "batch", str(batch), "-o", str(out),
                           "--format", "docx", "--jobs", "2"],
                          capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    files = drafts(out)
    assert len(files) == n and all(name.endswith(".docx") for name in files)
    assert all(zipfile.is_zipfile(out / name) for name in files)
    rows = read_summary(out)
    assert len(rows) == n and {r["状态"] for r in rows} == {"已写入"}
    assert f"[{n}/{n}]" in proc.stderr  # plain progress lines when stderr is not a terminal
    assert "最高相似度" in proc.stderr


# ------------------------------------------------------------------ names

HOSTILE = ["../../etc/passwd", "a/b", "CON", "名称:*?", "..", "长" * 300, "换\n行", "空\x00字符",
           "lpt1.txt", "a\\b", " 点. ", "福海区", "福海区", "福海区"]


def test_hostile_names_stay_inside_and_are_safe(tmp_path):
    out = tmp_path / "deep" / "out"
    batch = write_batch(tmp_path / "batch.yaml", [district(n) for n in HOSTILE])
    before = set(tmp_path.rglob("*"))
    result = invoke(batch, "-o", out, "-j", "2")
    assert result.exit_code == 0, result.output
    created = set(tmp_path.rglob("*")) - before
    assert all(p == out or p.parent == out or p == out.parent for p in created), created
    names = sorted(drafts(out))
    assert len(names) == len(HOSTILE)
    for name in names:
        assert not set(name) & set('<>:"/\\|?*'), name
        assert not any(ord(c) < 32 for c in name)
        assert ".." not in name and not name.startswith(".") and not name.endswith((".", " "))
        assert len(name) <= NAME_CHARS and len(name.encode("utf-8")) <= NAME_BYTES
        assert name.split(".")[0].upper() not in {"CON", "LPT1", "NUL"}
        assert (out / name).resolve().parent == out.resolve()
    title = "全区创建全国文明城市工作推进会"
    assert {f"福海区-{title}.md", f"福海区-{title}-2.md", f"福海区-{title}-3.md"} <= set(names)


def test_name_book_is_deterministic_and_case_insensitive():
    book = NameBook()
    assert book.claim("A-会", "md") == "A-会.md"
    assert book.claim("a-会", "md") == "a-会-2.md"
    assert book.claim("A-会-2", "md") == "A-会-2-2.md"
    long = book.claim("名" * 500, "docx")
    assert len(long) <= NAME_CHARS and len(long.encode()) <= NAME_BYTES  # both limits hold
    assert len(long.encode()) > NAME_BYTES - 8, "cut to the byte limit, not shorter"
    assert long.endswith(".docx")
    assert safe_stem("CON") == "_CON" and safe_stem("..") == "讲话稿" and safe_stem("nul.x") == "_nul.x"


# ------------------------------------------------------------------ resume, force, atomicity

def test_existing_drafts_are_skipped_then_forced(tmp_path):
    batch = write_batch(tmp_path / "b.yaml", [district("福海区"), district("立后区")])
    out = tmp_path / "out"
    assert invoke(batch, "-o", out, "-j", "1").exit_code == 0
    first = drafts(out)
    kept = out / "福海区-全区创建全国文明城市工作推进会.md"
    kept.write_text("人工修改过的稿子", encoding="utf-8")
    (out / "立后区-全区创建全国文明城市工作推进会.md").unlink()  # as if interrupted

    result = invoke(batch, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    assert kept.read_text(encoding="utf-8") == "人工修改过的稿子"
    assert drafts(out)["立后区-全区创建全国文明城市工作推进会.md"] == first["立后区-全区创建全国文明城市工作推进会.md"]
    assert [r["状态"] for r in read_summary(out)] == ["已存在，跳过", "已写入"]

    result = invoke(batch, "-o", out, "-j", "1", "--force")
    assert result.exit_code == 0
    assert drafts(out) == first


def test_failed_write_leaves_no_partial_or_temp_file(tmp_path, monkeypatch):
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half of a draft, then the disk fills up."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            if data.startswith(b"\xef\xbb\xbf"):  # let summary.csv through
                return self.handle.write(data)
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: HalfWriter(real_fdopen(fd, mode, *a, **k)))
    batch = write_batch(tmp_path / "b.yaml", [district("福海区"), district("立后区")])
    out = tmp_path / "out"
    result = invoke(batch, "-o", out, "-j", "1")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert [p.name for p in out.iterdir()] == ["summary.csv"]  # no draft, no .tmp
    assert "磁盘空间不足" in result.output
    assert [r["状态"] for r in read_summary(out)] == ["失败", "失败"]


# ------------------------------------------------------------------ failures

def test_one_bad_district_is_reported_and_skipped(tmp_path):
    batch = write_batch(tmp_path / "b.yaml", [
        district("福海区"),
        district("立后区", achievements=[{"title": "成效", "figures": [{"label": "清运", "value": "很多"}]}]),
        {"地区": {"名称": "云港县"}},
        district("东湖区"),
    ])
    out = tmp_path / "out"
    result = invoke(batch, "-o", out, "-j", "2")
    assert result.exit_code == 1
    assert len(drafts(out)) == 2
    assert "立后区" in result.output and "achievements[0].figures[0].value" in result.output
    assert "b.yaml:" in result.output and "很多" in result.output
    assert "云港县" in result.output and "locality.level" in result.output
    rows = read_summary(out)
    assert [r["状态"] for r in rows] == ["已写入", "失败", "失败", "已写入"]
    assert "achievements[0].figures[0].value" in rows[1]["说明"]


def test_csv_errors_name_row_and_column(tmp_path):
    table = tmp_path / "b.csv"
    table.write_text("locality.name,locality.level,achievements[0].title,achievements[0].figures[0].label,"
                     "achievements[0].figures[0].value\n甲区,区,成效,清运,41500\n乙区,区,成效,清运,很多\n,区,,,\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(table, "--defaults", EXAMPLES / "defaults.yaml", "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert "乙区" in result.output and "第3行" in result.output
    assert "列“achievements[0].figures[0].value”" in result.output
    assert "第3个地区" in result.output and "locality.name" in result.output
    assert list(drafts(out)) == ["甲区-全区创建全国文明城市工作推进会.md"]


@pytest.mark.parametrize("content, suffix, extra", [
    ("kind: 推进会\n", ".yaml", []),
    ("districts: []\n", ".yaml", []),
    ("defaults: {}\ndistricts: [{}]\nextra: 1\n", ".yaml", []),
    ("locality.name\n福海区\n", ".csv", []),
    ("locality..name\n福海区\n", ".csv", ["--defaults"]),
    ("locality,locality.name\n福海区,福海区\n", ".csv", ["--defaults"]),
])
def test_unreadable_batch_exits_2(tmp_path, content, suffix, extra):
    path = tmp_path / f"b{suffix}"
    path.write_text(content, encoding="utf-8")
    args = [*extra, str(EXAMPLES / "defaults.yaml")] if extra else []
    result = invoke(path, "-o", tmp_path / "out", *args)
    assert result.exit_code == 2, result.output
    assert "错误" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ merge

def test_deep_merge_lists_replace_and_marks_follow_the_source():
    base = Layer({"meeting": {"title": "会", "date": "2026-05-08"}, "targets": ["甲", "乙"]},
                 {"meeting": (1, 1), "meeting.title": (2, 3), "targets": (4, 1)}, Source("d.yaml"))
    own = Layer({"会议": {"日期": "2026-06-01"}, "targets": ["丙"]},
                {"": (10, 3), "会议": (10, 3), "会议.日期": (11, 5), "targets": (12, 3), "targets[0]": (12, 12)},
                Source("b.yaml"))
    located, origins = merge_layers([base, own], "b.yaml")
    assert located.data == {"meeting": {"title": "会", "date": "2026-06-01"}, "targets": ["丙"]}
    assert located.where("meeting.title") == (2, 3) and origins["meeting.title"].file == "d.yaml"
    assert located.where("meeting.date") == (11, 5) and origins["meeting.date"].file == "b.yaml"
    assert located.where("targets[0]") == (12, 12)
    assert parse_header("achievements[0].figures[1].value") == ("achievements", 0, "figures", 1, "value")
    assert parse_header("a..b") is None


# ------------------------------------------------------------------ parallel, summary, similarity

def test_jobs_1_and_2_are_byte_identical(tmp_path):
    names = ["福海区", "立后区", "云港区", "东湖区", "福海区", "西山区", "南岸区", "北塘区", "中河区"]
    batch = write_batch(tmp_path / "b.yaml", [district(n, seed=i if i % 3 else None) for i, n in enumerate(names)])
    one, two = tmp_path / "one", tmp_path / "two"
    assert invoke(batch, "-o", one, "-j", "1", "-f", "txt").exit_code == 0
    assert invoke(batch, "-o", two, "-j", "2", "-f", "txt").exit_code == 0
    assert drafts(one) == drafts(two) and len(drafts(one)) == len(names)
    assert (one / "summary.csv").read_bytes() == (two / "summary.csv").read_bytes()


def test_summary_csv_content(tmp_path):
    batch = write_batch(tmp_path / "b.yaml", [district("福海区"), {"locality": {"name": "坏区"}}])
    out = tmp_path / "out"
    invoke(batch, "-o", out, "-j", "1")
    rows = read_summary(out)
    assert list(rows[0]) == ["序号", "地区", "文件", "字数", "讲话时长(分钟)", "状态", "说明"]
    assert rows[0]["地区"] == "福海区" and rows[0]["文件"] == "福海区-全区创建全国文明城市工作推进会.md"
    chars = int(rows[0]["字数"])
    assert 1500 < chars < 4000 and float(rows[0]["讲话时长(分钟)"]) == round(chars / 170, 1)
    assert rows[1]["状态"] == "失败" and rows[1]["字数"] == "" and "locality.level" in rows[1]["说明"]


@pytest.mark.parametrize("exact", [True, False])
def test_similarity_warning(tmp_path, monkeypatch, exact):
    if not exact:
        monkeypatch.setattr(batch_mod, "EXACT_LIMIT", 1)  # force MinHash + LSH
    same = {"seed": 7, "achievements": [{"title": "环境面貌改善", "figures": [
        {"label": "清运垃圾", "value": 41500, "unit": "吨"}]}]}
    batch = write_batch(tmp_path / "b.yaml", [district("福海区", **same), district("立后区", **same),
                                              district("云港区")])
    result = invoke(batch, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0
    assert "警告" in result.output and "福海区 与 立后区" in result.output
    assert ("精确计算" if exact else "MinHash") in result.output


def test_no_warning_for_ordinary_districts(tmp_path):
    batch = write_batch(tmp_path / "b.yaml", [district("福海区"), district("立后区"), district("云港区")])
    result = invoke(batch, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0 and "最高相似度" in result.output and "警告" not in result.output


def test_help_mentions_resume():
    result = runner.invoke(app, ["batch", "--help"])
    assert result.exit_code == 0 and "跳过" in result.output


@pytest.mark.slow
def test_sigkill_mid_batch_leaves_complete_files_and_rerun_finishes(tmp_path):
    """Kill a real batch process with SIGKILL part-way; what it left is complete and a re-run finishes."""
    import signal
    import time

    names = [f"测{i:03d}区" for i in range(30)]
    batch = tmp_path / "batch.yaml"
    spec = yaml.safe_load((ROOT / "examples" / "batch.yaml").read_text(encoding="utf-8"))
    spec["districts"] = [{"locality": {"name": n, "level": "区", "parent": "滨海市"}} for n in names]
    spec["defaults"]["length"] = 3  # short drafts: the test is about files, not length
    batch.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    reference, killed = tmp_path / "ref", tmp_path / "killed"
    cmd = [sys.executable, "-m", "generator", "batch", str(batch), "--format", "docx", "--jobs", "2", "-o"]
    # the reference in-process: --jobs 1 and --jobs 2 give the same bytes (tested above)
    assert invoke(batch, "--format", "docx", "--jobs", "1", "-o", reference).exit_code == 0
    proc = subprocess.Popen(cmd + [str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if killed.exists() and len(list(killed.glob("*.docx"))) >= 2:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    left = sorted(killed.glob("*.docx"))
    assert 0 < len(left) < len(names), "the kill should land mid-batch"
    for path in left:  # every file the killed run left is complete
        assert path.read_bytes() == (reference / path.name).read_bytes()
    rerun = subprocess.run(cmd + [str(killed)], capture_output=True, text=True, cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    finished = sorted(p.name for p in killed.iterdir() if p.suffix == ".docx")
    assert finished == sorted(p.name for p in reference.iterdir() if p.suffix == ".docx")
    assert not [p for p in killed.iterdir() if p.name.endswith(".tmp")]
    for name in finished:
        assert (killed / name).read_bytes() == (reference / name).read_bytes()
