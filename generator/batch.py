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

Similarity: each worker reduces its draft to a compact signature — for batches
up to :data:`EXACT_LIMIT` drafts, the exact set of hashed 5-character shingles
(pairwise Jaccard is exact, computed for all pairs at once as bit-set
popcounts by :class:`ExactJaccard`, so 300 drafts cost milliseconds, not the
seconds a pair-by-pair loop took); above that, a 128-bin one-permutation MinHash, and
candidate pairs come from MinHash LSH banding, so the cost stays near
linear in memory. In LSH mode the reported maximum is over LSH candidates
(pairs that share a band; see :class:`Similarity`), so it is an estimate and a
pair just above 0.5 may be missed; clearly similar pairs (0.7+) are found.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
import stat
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.batchio import District, read_batch
from generator.brief import Brief, brief_from_located
from generator.errors import ExportError, SpeechgenError, os_error_message
from generator.formulations import warn_for
from generator.packs import TemplateDirs
from generator.writers.output import spreadsheet_cell

NAME_CHARS = 120  # longest file name, extension included
NAME_BYTES = 200  # UTF-8 bytes; leaves room for atomic_write's ".name.XXXX.tmp" under 255
SHINGLE = 5
SIMILAR = 0.5  # warn when two drafts of one batch are more alike than this
EXACT_LIMIT = 300  # exact Jaccard up to this many drafts (≤ 45k pairs, vectorised), MinHash + LSH above
NUM_PERM = 128
BANDS, ROWS = 25, 5  # LSH banding over 125 of the 128 MinHash values
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


# ------------------------------------------------------------------ similarity

def signature(text: str, exact: bool) -> Any:
    """Exact: the sorted 64-bit shingle hashes (a numpy array: cheap to pickle, no
    Python set). Otherwise: a one-permutation MinHash.

    Both come from :mod:`generator.checks.similar`, so batch and ``check`` judge
    likeness the same way.
    """
    from generator.checks.similar import minhash_signatures, shingle_hashes

    hashes = shingle_hashes(text, SHINGLE)
    if exact:
        return hashes
    return minhash_signatures([hashes], NUM_PERM)[0]


class ExactJaccard:
    """All-pairs exact Jaccard of up to :data:`EXACT_LIMIT` shingle sets, vectorised.

    Each new set is looked up in a sorted table of the hashes seen so far
    (``searchsorted``, no per-pair Python work), so it becomes a row of column
    numbers. At the end, columns only one draft has are dropped (they add to
    a set's size, never to an intersection), rows become bit-sets, and every
    intersection is a popcount of AND-ed 64-bit words, a block of rows at a
    time. Cost: O(n log v) to add, O(n² · v / 64) word operations at the end,
    with v the number of shared shingles: about 20 ms at 300 drafts, where the
    frozenset loop it replaces took 6 s.
    """

    BLOCK = 16

    def __init__(self) -> None:
        import numpy as np

        self._known = np.zeros(0, dtype=np.uint64)  # sorted distinct hashes
        self._column = np.zeros(0, dtype=np.int64)  # column of each, in first-seen order
        self._rows: list[Any] = []  # per set: its columns
        self.steps = 0  # vectorised steps taken: grows linearly with the number of sets

    def add(self, hashes: Any) -> None:
        import numpy as np

        hashes = np.asarray(hashes, dtype=np.uint64)
        self.steps += 1
        pos = np.searchsorted(self._known, hashes)
        found = pos < len(self._known)
        found[found] = self._known[pos[found]] == hashes[found]
        fresh = hashes[~found]
        columns = np.empty(len(hashes), dtype=np.int64)
        columns[found] = self._column[pos[found]]
        if len(fresh):
            numbers = np.arange(len(self._column), len(self._column) + len(fresh), dtype=np.int64)
            columns[~found] = numbers
            at = np.searchsorted(self._known, fresh)
            self._known = np.insert(self._known, at, fresh)
            self._column = np.insert(self._column, at, numbers)
        self._rows.append(columns)

    def __len__(self) -> int:
        return len(self._rows)

    def jaccard(self) -> Any:
        """The n × n matrix of exact Jaccard values (upper triangle filled, i < j)."""
        import numpy as np

        n = len(self._rows)
        sizes = np.array([len(r) for r in self._rows], dtype=np.int64)
        inter = np.zeros((n, n), dtype=np.int64)
        if n >= 2 and len(self._column):
            counts = np.bincount(np.concatenate(self._rows), minlength=len(self._column))
            shared = counts >= 2
            renumber = np.cumsum(shared) - 1
            width = max(1, int(shared.sum()))
            words = (width + 63) // 64
            dense = np.zeros((n, words * 64), dtype=bool)
            for i, cols in enumerate(self._rows):
                cols = cols[shared[cols]]
                dense[i, renumber[cols]] = True
            bits = np.packbits(dense, axis=1).view(np.uint64)
            for start in range(0, n, self.BLOCK):
                self.steps += 1
                block = bits[start:start + self.BLOCK]
                inter[start:start + self.BLOCK, start:] = _popcount(
                    block[:, None, :] & bits[None, start:, :]).sum(axis=2)
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(union > 0, inter / np.where(union > 0, union, 1), 1.0)
        return np.triu(value, 1)


def _popcount(words: Any) -> Any:
    import numpy as np

    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(words)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    return table[words.view(np.uint8)].reshape(*words.shape, 8).sum(axis=-1)


class Similarity:
    """Highest pairwise Jaccard of a batch, fed one signature at a time.

    Exact mode (:class:`ExactJaccard`) reports the same pairs, values and order
    as comparing every pair in input order: the first maximum in (later draft,
    earlier draft) order, warnings in that order.

    LSH mode bands the MinHash (:data:`BANDS` x :data:`ROWS`, S-curve centred
    near 0.5: a pair at 0.6 becomes a candidate with probability ~0.87, at 0.7
    ~0.98, at 0.3 ~0.06). Buckets are plain dicts of ints (a set per bucket
    would cost about 15 KB per draft at 10,000 drafts), and signatures live in
    one preallocated matrix.
    """

    def __init__(self, exact: bool, total: int = 0):
        self.exact = exact
        self._best: tuple[float, str, str] | None = None
        self._similar: list[tuple[float, str, str]] = []
        self._exact = ExactJaccard() if exact else None
        self._settled = True
        self._labels: list[str] = []
        self._matrix: Any = None
        self._bands: list[dict[int, Any]] = [{} for _ in range(BANDS)]
        self._total = total

    def add(self, label: str, sig: Any) -> None:
        if self._exact is not None:
            self._exact.add(sig)
            self._labels.append(label)
            self._settled = False
            return
        import numpy as np

        index = len(self._labels)
        if self._matrix is None or index >= len(self._matrix):
            grown = np.zeros((max(self._total, 2 * index, 16), NUM_PERM), dtype=np.uint64)
            if self._matrix is not None:
                grown[:index] = self._matrix[:index]
            self._matrix = grown
        self._matrix[index] = sig
        candidates: set[int] = set()
        for band, table in enumerate(self._bands):
            key = hash(self._matrix[index, band * ROWS:(band + 1) * ROWS].tobytes())
            bucket = table.get(key)
            if bucket is None:
                table[key] = index
            elif isinstance(bucket, int):
                candidates.add(bucket)
                table[key] = [bucket, index]
            else:
                candidates.update(bucket)
                bucket.append(index)
        if candidates:
            others = sorted(candidates)
            values = (self._matrix[others] == self._matrix[index]).mean(axis=1)
            for other, value in zip(others, values.tolist(), strict=True):
                self._note(value, self._labels[other], label)
        self._labels.append(label)

    def _settle(self) -> None:
        """Exact mode: all pairs at once, in the order a pair-by-pair loop would meet them."""
        if self._settled or self._exact is None:
            return
        import numpy as np

        self._settled = True
        self._best, self._similar = None, []
        n = len(self._labels)
        if n < 2:
            return
        value = self._exact.jaccard()
        later, earlier = np.triu_indices(n, 1)[::-1]  # pairs (i < j) ordered by j, then i
        order = np.lexsort((earlier, later))
        earlier, later = earlier[order], later[order]
        values = value[earlier, later]
        top = int(np.argmax(values))  # first maximum in loop order
        self._best = (float(values[top]), self._labels[earlier[top]], self._labels[later[top]])
        for k in np.flatnonzero(values > SIMILAR).tolist():
            self._similar.append((float(values[k]), self._labels[earlier[k]], self._labels[later[k]]))

    @property
    def best(self) -> tuple[float, str, str] | None:
        self._settle()
        return self._best

    @property
    def similar(self) -> list[tuple[float, str, str]]:
        self._settle()
        return self._similar

    def _note(self, value: float, a: str, b: str) -> None:
        if self._best is None or value > self._best[0]:
            self._best = (value, a, b)
        if value > SIMILAR:
            self._similar.append((value, a, b))

    @property
    def count(self) -> int:
        return len(self._labels)

    def describe(self) -> list[str]:
        if self.count < 2:
            return []
        method = "精确计算" if self.exact else "MinHash+LSH 估算"
        if self.best is None:
            return [f"各稿之间未发现相似度较高的讲话稿（5字片段 Jaccard，{method}，{self.count} 篇）。"]
        value, a, b = self.best
        lines = [f"各稿之间的最高相似度：{value:.2f}（{a} 与 {b}；5字片段 Jaccard，{method}，{self.count} 篇）。"]
        if self.similar:
            lines.append(f"警告：{len(self.similar)} 对讲话稿相似度超过 {SIMILAR}，建议调整内容或随机种子：")
            for value, a, b in sorted(self.similar, key=lambda x: -x[0])[:10]:
                lines.append(f"  - {a} 与 {b}：{value:.2f}")
        return lines


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
    """Pool initializer: one Renderer per process, reused for every district."""
    global _WORKER
    from generator.render import Renderer

    _WORKER = (settings, Renderer(settings.dirs))


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
    for district in districts:
        label = district.label
        try:
            brief = brief_from_located(district.located, kinds, topics)
        except SpeechgenError as exc:
            yield Task(district.number, label, status=FAILED, message=_problem_report(district, exc))
            continue
        label = brief.locality.name
        warn_for(brief, settings.dirs)  # 提法 horizon, once per batch (workers stay quiet)
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

    pool = multiprocessing.get_context().Pool(jobs, initializer=init_worker, initargs=(settings,))
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


TABLE_ROWS = 100  # longer batches list only the districts that need attention


def batch_command(batch_path: Path, out_dir: Path, *, fmt: str, jobs: int | None,
                  defaults: Path | None, force: bool, script: str,
                  reference_docx: Path | None, dirs: TemplateDirs) -> int:
    """The CLI body: progress, per-district errors, summary table and summary.csv.

    Returns the exit code: 0, or 1 when any district failed.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from generator.writers.output import atomic_write

    err = Console(file=sys.stderr, highlight=False, soft_wrap=True)
    out = Console(file=sys.stdout, highlight=False)
    live = sys.stderr.isatty()
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=err) if live else None
    state: dict[str, Any] = {"done": 0, "total": 0, "task": None}

    def on_start(total: int) -> None:
        state["total"] = total
        if progress is not None:
            progress.start()
            state["task"] = progress.add_task("生成讲话稿", total=total)

    def on_result(r: Result) -> None:
        state["done"] += 1
        where = progress.console if progress is not None else err
        tail = f" → {r.name}" if r.status == WRITTEN else ""
        if progress is None:  # a plain line per district: rich's print cost ~0.3 ms a line
            err.file.write(f"[{state['done']}/{state['total']}] {r.label} … {r.status}{tail}\n")
        if r.status == FAILED:
            where.print(f"{r.label}（第{r.number}个地区）生成失败：{r.message}", markup=False)
        if progress is not None:
            progress.advance(state["task"])

    inputs = [p for p in (batch_path, defaults, reference_docx) if p is not None]
    check_summary_target(out_dir / SUMMARY, inputs)
    try:
        report = run_batch(batch_path, out_dir, fmt=fmt, jobs=jobs, defaults=defaults, force=force,
                           script=script, reference_docx=reference_docx, dirs=dirs,
                           on_start=on_start, on_result=on_result)
    finally:
        if progress is not None:
            progress.stop()
    check_summary_target(out_dir / SUMMARY, inputs)
    atomic_write(out_dir / SUMMARY, summary_bytes(report), force=True, inputs=inputs)

    table = Table(title="批量生成结果")
    for heading in ("地区", "字数", "讲话时长(分钟)", "状态"):
        table.add_column(heading)
    rows = report.rows if len(report.rows) <= TABLE_ROWS else \
        [r for r in report.rows if r.status != WRITTEN][:TABLE_ROWS]
    for r in rows:
        table.add_row(r.label, "" if r.chars is None else str(r.chars),
                      "" if r.minutes is None else f"{r.minutes:.1f}", r.status)
    if rows:
        out.print(table)
    failed, skipped, written = report.count(FAILED), report.count(SKIPPED), report.count(WRITTEN)
    line = f"共 {report.total} 个地区：已写入 {written}，跳过 {skipped}，失败 {failed}。明细见 {out_dir / SUMMARY}"
    if len(report.rows) > TABLE_ROWS:
        line += "（地区较多，上表只列出未写入的地区）"
    out.print(line, markup=False)
    if skipped:
        err.print("已存在的讲话稿没有覆盖（中断后重跑即可续写其余地区）；如需重新生成请加 --force。", markup=False)
    assert report.similarity is not None
    for text in report.similarity.describe():
        err.print(text, markup=False)
    return 1 if failed else 0
