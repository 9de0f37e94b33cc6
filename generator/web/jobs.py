"""Batch and check for the web page, over the same functions the CLI uses.

Each request works in its own temporary folder, under file names the server
picks (``batch.csv``, ``defaults.yaml``, ``001.docx``); messages that mention
those paths are rewritten to the names the user uploaded. Folders are removed
when the work is done (check) or when the job is dropped (batch: after its zip
expires, or when the server stops).

``generator.batch`` (its single-process worker) and ``generator.check`` keep
per-run state in module globals, so two runs in one process must not overlap:
each kind of run takes a lock. Previews and downloads do not, and run freely.
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.errors import SpeechgenError

BATCH_LOCK = threading.Lock()
CHECK_LOCK = threading.Lock()
KEEP_SECONDS = 3600  # a finished batch's zip stays downloadable this long
MAX_JOBS = 8  # finished jobs kept at once; older ones are dropped with their files
ROWS_SHOWN = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """A spreadsheet cell that Excel/WPS would run as a formula gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def rename(text: str, names: dict[str, str]) -> str:
    for server, shown in names.items():
        text = text.replace(server, shown)
    return text


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="speechgen-web-"))


# ------------------------------------------------------------------ batch

@dataclass
class BatchJob:
    id: str
    folder: Path
    table: Path
    defaults: Path
    names: dict[str, str]
    fmt: str
    script: str
    status: str = "queued"  # queued, running, done, failed
    total: int = 0
    done: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    finished: float = 0.0

    @property
    def zip_path(self) -> Path:
        return self.folder / "drafts.zip"

    def state(self) -> dict[str, Any]:
        out = {"id": self.id, "status": self.status, "total": self.total, "done": self.done,
               "failures": self.failures[:200], "error": self.error}
        if self.status == "done":
            out.update(rows=self.rows[:ROWS_SHOWN], notes=self.notes, counts=self.counts,
                       more=max(0, len(self.rows) - ROWS_SHOWN))
        return out


class Jobs:
    """The batch jobs of one server; ids are unguessable, files go with the job."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[str, BatchJob] = {}

    def start(self, job: BatchJob, library: Any) -> None:
        with self.lock:
            self._expire()
            self.jobs[job.id] = job
        threading.Thread(target=run_job, args=(job, library), daemon=True,
                         name=f"speechgen-batch-{job.id[:6]}").start()

    def get(self, job_id: str) -> BatchJob | None:
        with self.lock:
            return self.jobs.get(job_id)

    def _expire(self) -> None:
        now = time.time()
        finished = sorted((j for j in self.jobs.values() if j.finished), key=lambda j: j.finished)
        drop = [j for j in finished if now - j.finished > KEEP_SECONDS]
        drop += finished[:max(0, len(finished) - MAX_JOBS + 1)]
        for job in drop:
            self.jobs.pop(job.id, None)
            shutil.rmtree(job.folder, ignore_errors=True)

    def close(self) -> None:
        """Server shutdown: remove every job's folder (a running job's too)."""
        with self.lock:
            for job in self.jobs.values():
                shutil.rmtree(job.folder, ignore_errors=True)
            self.jobs.clear()


def new_job(folder: Path, table: Path, defaults: Path, names: dict[str, str], fmt: str,
            script: str) -> BatchJob:
    return BatchJob(secrets.token_urlsafe(18), folder, table, defaults, names, fmt, script)


def run_job(job: BatchJob, library: Any) -> None:
    """Thread body: one batch at a time (see module doc), then the zip."""
    from generator.batch import FAILED, SKIPPED, WRITTEN, Report, Result, run_batch, summary_bytes

    out = job.folder / "drafts"

    def on_start(total: int) -> None:
        job.total = total

    def on_result(r: Result) -> None:
        job.done += 1
        if r.status == FAILED:
            job.failures.append({"number": r.number, "label": r.label,
                                 "message": rename(r.message, job.names)})

    try:
        with BATCH_LOCK:
            job.status = "running"
            report = run_batch(job.table, out, fmt=job.fmt, jobs=1, defaults=job.defaults,
                               script=job.script, dirs=library, on_start=on_start, on_result=on_result)
        rows = [replace(r, label=rename(r.label, job.names), message=rename(r.message, job.names))
                for r in report.rows]
        safe = [replace(r, label=neutralise(r.label), name=neutralise(r.name),
                        message=neutralise(" ".join(r.message.split()))) for r in rows]
        summary = summary_bytes(Report(report.total, safe))
        with zipfile.ZipFile(job.zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for r in rows:
                if r.status == WRITTEN:
                    zf.write(out / r.name, r.name)
            zf.writestr("summary.csv", summary)
        shutil.rmtree(out, ignore_errors=True)
        job.rows = [{"number": r.number, "label": r.label, "name": r.name, "chars": r.chars,
                     "minutes": r.minutes, "status": r.status, "message": r.message} for r in rows]
        assert report.similarity is not None
        job.notes = report.similarity.describe()
        job.counts = {"written": report.count(WRITTEN), "skipped": report.count(SKIPPED),
                      "failed": report.count(FAILED), "total": report.total}
        job.status = "done"
    except SpeechgenError as exc:
        job.error = rename(exc.render(), job.names)
        job.status = "failed"
    except Exception as exc:  # a crash must end the job visibly, not hang the progress bar
        job.error = f"内部错误：{exc!r}"
        job.status = "failed"
    finally:
        job.finished = time.time()
        for path in (job.table, job.defaults):
            path.unlink(missing_ok=True)


BLANK_HEADERS = [
    "locality.name", "locality.level", "locality.parent", "speaker.title", "speaker.name",
    "meeting.place",
    "achievements[0].title", "achievements[0].detail",
    "achievements[0].figures[0].label", "achievements[0].figures[0].value",
    "achievements[0].figures[0].unit", "achievements[0].figures[0].baseline",
    "achievements[1].title", "achievements[1].detail",
    "problems[0].title", "problems[0].detail",
    "measures[0].title", "measures[0].points[0]", "measures[0].points[1]", "measures[0].owner",
    "targets[0].text", "deadline", "length", "seed",
]  # the columns a district row usually needs; deeper ones follow the same pattern


HEADER_NOTES = {
    "locality.name": "地区名称（必填），如 福海区", "locality.level": "层级（必填）：市、区、县、街道、乡镇、社区",
    "locality.parent": "上级，如 滨海市", "speaker.title": "讲话人职务", "speaker.name": "讲话人姓名",
    "meeting.place": "会议地点", "deadline": "时限（日期，如 2026-07-10）",
    "length": "讲话时长（分钟）", "seed": "随机种子（整数）",
}


def blank_csv(headers: list[str]) -> bytes:
    import csv

    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow([neutralise(h) for h in headers])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def blank_xlsx(headers: list[str]) -> bytes:
    """First sheet: headers only (one row per district below); second sheet: what each means."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "各地区"
    sheet.append([neutralise(h) for h in headers])
    notes = book.create_sheet("填写说明")
    notes.append(["列", "含义"])
    notes.append(["（总说明）", "第一张表第1行是表头，以下每行一个地区；空格表示沿用共同简报（表单或上传的简报）。"
                  "列表项按序号写，如 achievements[0].title、achievements[1].title。"])
    for h in headers:
        notes.append([neutralise(h), HEADER_NOTES.get(h, _describe(h))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _describe(header: str) -> str:
    words = {"achievements": "成绩", "problems": "问题", "measures": "措施", "targets": "目标",
             "figures": "数据", "points": "要点", "title": "标题", "detail": "详情", "label": "指标",
             "value": "数值", "unit": "单位", "baseline": "对比值", "owner": "责任单位", "text": "内容"}
    out = []
    for part in header.replace("]", "").split("."):
        name, _, index = part.partition("[")
        out.append(words.get(name, name) + (f"第{int(index) + 1}项" if index else ""))
    return "·".join(out)


# ------------------------------------------------------------------ check

def run_check(files: list[tuple[str, str, bytes]], brief: Any, corpus: Path | None) -> dict[str, Any]:
    """Check uploaded drafts ``(display name, suffix, bytes)``; the findings as JSON-ready data."""
    from generator.check import CATEGORY_NAMES, ERROR, check_files, corpus_folders

    folder = workdir()
    try:
        names: dict[str, str] = {}
        paths: list[Path] = []
        seen: dict[str, int] = {}
        for i, (shown, suffix, data) in enumerate(files, 1):
            seen[shown] = seen.get(shown, 0) + 1
            if seen[shown] > 1:  # two uploads of one name must stay apart in the table
                shown = f"{shown}（{seen[shown]}）"
            path = folder / f"{i:03d}{suffix}"
            path.write_bytes(data)
            paths.append(path)
            names[str(path)] = shown
        try:
            with CHECK_LOCK:
                reports = check_files(paths, brief=brief, corpus=corpus_folders(corpus))
        except SpeechgenError as exc:  # e.g. a broken .docx: name the file the user knows
            raise SpeechgenError(rename(exc.render(), names)) from None
        out_files, findings = [], []
        for r in reports:
            out_files.append({"file": rename(r.file, names), "chars": r.chars,
                              "minutes": round(r.minutes, 1), "errors": r.count(ERROR),
                              "warnings": r.count("warning")})
            for f in r.findings:
                findings.append({"file": rename(f.file, names), "line": f.line,
                                 "category": CATEGORY_NAMES.get(f.category, f.category),
                                 "severity": "错误" if f.severity == ERROR else "提示",
                                 "excerpt": rename(f.excerpt, names), "advice": rename(f.advice, names)})
        return {"files": out_files, "findings": findings}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
