"""``speechgen batch``: one draft per district, in parallel, resumable.

The parent process reads the batch (:mod:`generator.batchio`), validates each
merged district, picks its file name (names must be decided in input order so
duplicates get the same ``-2``/``-3`` whatever ``--jobs`` is) and skips drafts
that already exist; worker processes, each with one :class:`Renderer` built by
the pool initializer, render and write atomically. Results come back in input
order through ``imap`` while a semaphore bounds the tasks in flight, so neither
tasks nor drafts pile up: memory stays flat for 10,000 districts.

Re-running the same command after an interruption resumes: drafts already
written are reported as skipped (not failed) unless ``--force`` is given.

Similarity between the drafts of a batch: :mod:`generator.batchsim`; the CLI body
(progress, table, summary.csv): :mod:`generator.batchcli`.
"""

from __future__ import annotations

import csv
import io
import itertools
import multiprocessing
import os
import re
import stat
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.batchio import District, read_batch
from generator.batchsim import (  # noqa: F401 - re-exported: callers and tests import them from here
    EXACT_LIMIT,
    NUM_PERM,
    SHINGLE,
    SIMILAR,
    ExactJaccard,
    Similarity,
    signature,
)
from generator.brief import Brief, brief_from_located
from generator.errors import ExportError, SpeechgenError, os_error_message
from generator.formulations import warn_for
from generator.packs import TemplateDirs
from generator.writers.output import spreadsheet_cell

NAME_CHARS = 120  # longest file name, extension included
NAME_BYTES = 200  # UTF-8 bytes; leaves room for atomic_write's ".name.XXXX.tmp" under 255
SUMMARY = "summary.csv"
# Drafts are written without an fsync each and synced once when the run ends (or is
# interrupted): per-draft fsync only guards against a power cut, and after one a
# re-run rewrites any draft left empty (same bytes: drafts are deterministic).
# Windows has no os.sync: keep the fsync per draft there.
DEFER_SYNC = hasattr(os, "sync")

WRITTEN, SKIPPED, FAILED = "已写入", "已存在，跳过", "失败"
_FORBIDDEN = set('<>:"/\\|?*')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10)), "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}


# ------------------------------------------------------------------ file names

def safe_stem(text: str) -> str:
    """A file-name stem that every OS accepts and that cannot leave its folder."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        if ch in _FORBIDDEN:
            out.append("_")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(" " if ch in "\t\n\r\x0b\x0c\u2028\u2029" else "")
        else:
            out.append(ch)
    stem = " ".join("".join(out).split())
    stem = re.sub(r"\.{2,}", ".", stem).strip(" .")
    if not stem:
        stem = "讲话稿"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    return stem


def _fit(stem: str, tail: str) -> str:
    """Shorten ``stem`` so ``stem + tail`` fits :data:`NAME_CHARS` and :data:`NAME_BYTES`."""
    room = NAME_CHARS - len(tail)
    stem = stem[:room]
    while len((stem + tail).encode("utf-8")) > NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "讲话稿") + tail


class NameBook:
    """Assigns each draft a unique name in input order; later duplicates get -2, -3, …"""

    def __init__(self) -> None:
        self.used: set[str] = {SUMMARY}

    def claim(self, text: str, ext: str) -> str:
        stem = safe_stem(text)
        n = 1
        while True:
            name = _fit(stem, f"{'' if n == 1 else f'-{n}'}.{ext}")
            key = name.casefold()  # Windows and macOS folders ignore case
            if key not in self.used:
                self.used.add(key)
                return name
            n += 1


def inside(folder: Path, name: str) -> Path:
    """``folder/name`` after resolving links; refuse anything that would land elsewhere."""
    target = (folder / name).resolve()
    if target.parent != folder or target.name in ("", ".", ".."):
        raise ExportError(f"文件名“{name}”会写到输出目录之外，已拒绝。")
    return target


# ------------------------------------------------------------------ workers

@dataclass(frozen=True)
class Settings:
    """What every worker needs; sent once through the pool initializer."""

    out_dir: Path
    fmt: str
    script: str
    reference_docx: Path | None
    force: bool
    dirs: TemplateDirs
    exact: bool
    inputs: tuple[Path, ...] = ()  # files this batch reads: never overwritten, even with --force


@dataclass
class Task:
    number: int
    label: str
    name: str = ""
    brief: Brief | None = None  # None: decided in the parent (status/message set)
    status: str = ""
    message: str = ""


@dataclass
class Result:
    number: int
    label: str
    name: str
    status: str
    message: str = ""
    chars: int | None = None
    minutes: float | None = None
    signature: Any = None


_WORKER: tuple[Settings, Any] | None = None


def init_worker(settings: Settings) -> None:
    """Pool initializer: one Renderer per process, reused for every district. A worker
    forked after :func:`preload` keeps the parent's (same settings object)."""
    global _WORKER
    if _WORKER is not None and _WORKER[0] is settings:
        return
    from generator.render import Renderer

    _WORKER = (settings, Renderer(settings.dirs))


def preload(settings: Settings, tasks: Iterator[Task]) -> Iterator[Task]:
    """Before forking the workers: build the worker state here and render the first
    district once (output discarded), so every worker starts with the imports, compiled
    templates, packs and caches in place (shared copy-on-write) instead of each loading
    them itself. Returns the same tasks in the same order."""
    init_worker(settings)
    first = next(tasks, None)
    if first is None:
        return iter(())
    if first.brief is not None:
        from generator.export import draft_bytes
        from generator.writers import output  # noqa: F401 - imported for the workers

        assert _WORKER is not None
        try:
            draft = _WORKER[1].render(first.brief)
            draft_bytes(draft, settings.fmt, script=settings.script, reference_docx=settings.reference_docx)
            signature(draft.body_text, settings.exact)
        except Exception:  # noqa: S110 - the worker renders it again and reports the failure
            pass
    return itertools.chain([first], tasks)


def work(task: Task) -> Result:
    """Render and write one district; never raises for a bad district."""
    if task.brief is None:
        return Result(task.number, task.label, task.name, task.status, task.message)
    from generator.export import draft_bytes
    from generator.writers.output import atomic_write

    assert _WORKER is not None
    settings, renderer = _WORKER
    try:
        draft = renderer.render(task.brief)
        data = draft_bytes(draft, settings.fmt, script=settings.script,
                           reference_docx=settings.reference_docx)
        target = inside(settings.out_dir, task.name)
        # no fsync per draft: one sync_folder at the end of the run (docs/safety.md);
        # no per-draft sweep: run_batch swept the folder once before starting
        atomic_write(target, data, force=settings.force, inputs=settings.inputs,
                     durable=not DEFER_SYNC, replace_empty=True, sweep=False)
    except SpeechgenError as exc:
        return Result(task.number, task.label, task.name, FAILED, exc.render())
    except OSError as exc:
        return Result(task.number, task.label, task.name, FAILED, os_error_message(exc, task.name, "写入"))
    except Exception as exc:  # one district's template bug must not stop the batch
        return Result(task.number, task.label, task.name, FAILED,
                      f"内部错误（{type(exc).__name__}），请把简报和命令报告给维护者。")
    return Result(task.number, task.label, task.name, WRITTEN, "", draft.chars,
                  round(draft.minutes(), 1), signature(draft.body_text, settings.exact))


# ------------------------------------------------------------------ the run

def _problem_report(district: District, exc: SpeechgenError) -> str:
    if not exc.problems:
        return exc.render()
    lines = [f"{len(exc.problems)} 处问题："]
    for p in exc.problems:
        lines.append(f"  - {p.path or '（整个地区）'}：{p.message}（{district.where(p)}）")
    return "\n".join(lines)


def plan(districts: Iterator[District], settings: Settings, kinds: list[str],
         topics: list[str]) -> Iterator[Task]:
    """Validate, name and check each district in input order (runs in the parent)."""
    book = NameBook()
    warned: set[tuple[Any, ...]] = set()
    for district in districts:
        label = district.label
        try:
            brief = brief_from_located(district.located, kinds, topics)
        except SpeechgenError as exc:
            yield Task(district.number, label, status=FAILED, message=_problem_report(district, exc))
            continue
        label = brief.locality.name
        # 提法 horizon, once per batch (workers stay quiet): the warning depends on these only
        said = (brief.formulations, brief.kind, brief.meeting.date)
        if said not in warned:
            warned.add(said)
            warn_for(brief, settings.dirs)
        name = book.claim(f"{brief.locality.name}-{brief.meeting.title}", settings.fmt)
        try:
            target = inside(settings.out_dir, name)
        except ExportError as exc:
            yield Task(district.number, label, name, status=FAILED, message=exc.render())
            continue
        if not settings.force and os.path.lexists(target) and not _empty_file(target):
            yield Task(district.number, label, name, status=SKIPPED)
            continue
        yield Task(district.number, label, name, brief)


def _empty_file(path: Path) -> bool:
    """An empty regular file at a draft's name is not a draft (none is ever empty): what a
    power cut can leave of one written without fsync. Resume writes it again."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


@dataclass
class Report:
    """What a batch did; rows feed summary.csv and the table."""

    total: int
    rows: list[Result] = field(default_factory=list)
    similarity: Similarity | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def _sweep(out_dir: Path) -> int:
    """Remove temp files of runs (or workers) that are gone; live runs' files stay."""
    from generator.writers.output import sweep_stale

    return sweep_stale(out_dir)


def run_batch(batch_path: Path, out_dir: Path, *, fmt: str = "md", jobs: int | None = None,
              defaults: Path | None = None, force: bool = False, script: str = "simplified",
              reference_docx: Path | None = None, dirs: TemplateDirs | None = None,
              on_start: Callable[[int], None] | None = None,
              on_result: Callable[[Result], None] | None = None) -> Report:
    """Render a whole batch; bad districts are reported in the result, not raised."""
    from generator.export import FORMATS, SCRIPTS

    if fmt not in FORMATS:
        raise ExportError(f"不支持的格式“{fmt}”，可选：{'、'.join(FORMATS)}。")
    if script not in ("simplified", "", *SCRIPTS):
        raise ExportError(f"不支持的字形“{script}”，可选：simplified、{'、'.join(SCRIPTS)}。")
    batch = read_batch(batch_path, defaults)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"输出目录 {out_dir} 已存在且不是目录。")
    out_dir.mkdir(parents=True, exist_ok=True)
    _sweep(out_dir)
    dirs = dirs or TemplateDirs()
    inputs = tuple(p for p in (batch_path, defaults, reference_docx) if p is not None)
    settings = Settings(out_dir.resolve(), fmt, script, reference_docx, force, dirs,
                        exact=batch.total <= EXACT_LIMIT, inputs=inputs)
    report = Report(batch.total, similarity=Similarity(settings.exact, batch.total))
    tasks = plan(batch.districts, settings, dirs.kinds(), dirs.topics())
    jobs = max(1, min(jobs or os.cpu_count() or 1, batch.total))
    if on_start:
        on_start(batch.total)

    def take(result: Result) -> None:
        if result.signature is not None:
            assert report.similarity is not None
            report.similarity.add(result.label, result.signature)
            result.signature = None
        report.rows.append(result)
        if on_result:
            on_result(result)

    if jobs == 1:
        init_worker(settings)
        try:
            for task in tasks:
                take(work(task))
        finally:
            _sync(settings.out_dir)
        return report

    chunk = max(1, min(8, batch.total // (jobs * 8)))
    window = threading.Semaphore(chunk * jobs * 4 + chunk)
    stopping = threading.Event()

    def bounded() -> Iterator[Task]:
        for task in tasks:
            window.acquire()
            if stopping.is_set():
                return
            yield task

    context = multiprocessing.get_context()
    if context.get_start_method() == "fork":
        tasks = preload(settings, tasks)
    pool = context.Pool(jobs, initializer=init_worker, initargs=(settings,))
    try:
        for result in pool.imap(work, bounded(), chunksize=chunk):
            window.release()
            take(result)
        pool.close()
    except BaseException:
        # let the task feeder leave window.acquire() before terminate() joins it
        stopping.set()
        for _ in range(chunk * jobs * 4 + chunk + 1):
            window.release()
        pool.terminate()
        pool.join()
        _sweep(settings.out_dir)  # the terminated workers' temp files, nobody else's
        _sync(settings.out_dir)
        raise
    pool.join()
    _sync(settings.out_dir)
    return report


def _sync(out_dir: Path) -> None:
    """The one durability point of a run whose drafts skipped their own fsync."""
    if not DEFER_SYNC:
        return
    from generator.writers.output import sync_folder

    sync_folder(out_dir)


# ------------------------------------------------------------------ output

SUMMARY_HEADER = ["序号", "地区", "文件", "字数", "讲话时长(分钟)", "状态", "说明"]
def summary_bytes(report: Report) -> bytes:
    """summary.csv in UTF-8 with BOM, so Excel shows the Chinese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_HEADER)
    for r in report.rows:
        writer.writerow([spreadsheet_cell(v) for v in (
            r.number, r.label, r.name, "" if r.chars is None else r.chars,
            "" if r.minutes is None else f"{r.minutes:.1f}", r.status, " ".join(r.message.split()))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def check_summary_target(target: Path, inputs: list[Path]) -> None:
    """summary.csv may replace only a summary.csv this tool wrote, never a user's file
    and never the batch's own input table (with or without --force)."""
    from generator.writers.output import check_target

    check_target(target, True, inputs)
    if not target.exists():
        return
    from generator.textfiles import read_limited

    head = read_limited(target, None, "summary.csv", ExportError)[:200]
    ours = ("\ufeff" + ",".join(SUMMARY_HEADER)).encode("utf-8")
    if not head.startswith(ours):
        raise ExportError(f"{target} 已存在，但不是 speechgen 生成的汇总表（可能是您自己的文件），"
                          "为免覆盖已停止；请把它移走或换一个输出目录。没有生成任何讲话稿。")
