"""``speechgen check``: proof-read drafts before they go to the leader.

Categories and severities (a finding's severity is fixed per category except where noted):

=============  ========  ==========================================================
placeholder    error     XX, ×××, 某某, ？？, ＊＊, {{ }}, 【单位】, （待补充）
wrong_place    error     other places' names (立后区 in a 福海区 speech)
level_words    error     我市/全市上下 in a 县 speech (a bare higher 全市 that may mean the
                         parent is a warning), 村 words in a 街道/社区 speech, a unit
                         directing its superior
repetition     warning   a stock image twice, two clauses on one idea (error if identical)
voice          error     orders (各…要, 此项工作由…牵头, 务必) in a 座谈发言; 必须/要切实 warn
coverage       error     with --brief: a brief item that is not in the draft
structure      error     主持词 without the recap, 座谈发言 without its closing
stale_time     error     今年 vs year, periods not over yet, past deadlines, 截至 dates
copied         error     a run of ≥ 30 characters shared with a corpus speech
twins          error     another draft of this run with 5-shingle Jaccard > 0.5
formulation    error     提法 outside its dates (templates/formulations.yaml): 十九大精神
                         in 2026, 十四五 as the current plan, a plenum before it met;
                         skipped (said once) when the draft has no date
form           warning   half-width punctuation, doubled marks, unbalanced pairs,
                         heading numbers that skip/repeat or mix styles
=============  ========  ==========================================================

A severity that rests on a guess (the kind read from the title, the level read from
the speech's own words) is lowered to warning. The exit code is 1 when any error-level
finding exists, else 0.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.checks.dates import check_stale_time
from generator.checks.drafting import check_drafting
from generator.checks.form import check_form
from generator.checks.formulation import check_formulations, draft_date
from generator.checks.model import (
    CATEGORY_NAMES,
    ERROR,
    WARNING,
    Facts,
    Finding,
    clip,
    facts_from_brief,
    line_at,
)
from generator.checks.place import check_wrong_place
from generator.checks.placeholder import check_placeholders
from generator.checks.reading import read_draft

__all__ = [
    "CATEGORY_NAMES", "ERROR", "WARNING", "Facts", "Finding", "FileReport",
    "check_text", "check_placeholders", "check_wrong_place", "check_stale_time", "check_form",
    "check_files", "check_command", "speaking_minutes", "CHARS_PER_MINUTE",
]

CHARS_PER_MINUTE = 170
COPY_MINIMUM = 30
TWIN_THRESHOLD = 0.5
TWINS_PER_FILE = 5


def check_text(text: str, *, brief: Any = None, meta: dict[str, Any] | None = None,
               bank: Any = None) -> list[Finding]:
    """All single-text categories on one text; meta is the file's front matter, if any."""
    facts = facts_from_brief(brief)
    findings = (check_placeholders(text) + check_wrong_place(text, facts)
                + check_stale_time(text, facts) + check_form(text)
                + check_drafting(text, facts, meta))
    day = draft_date(text, facts)  # 提法 needs the draft's date: brief, else title block
    findings += check_formulations(text, day, bank) if day else []
    findings.sort(key=lambda f: (f.line, f.severity != ERROR))
    return findings


def count_chars(text: str) -> int:
    """字数 as staff count it: every non-whitespace character."""
    return sum(map(len, text.split()))  # split() drops exactly the str.isspace() characters


def speaking_minutes(chars: int) -> float:
    return chars / CHARS_PER_MINUTE


@dataclass
class FileReport:
    file: str
    chars: int
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # categories not checked (提法 without a date)

    @property
    def minutes(self) -> float:
        return speaking_minutes(self.chars)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def corpus_folders(corpus: Path | None) -> list[Path]:
    """The built-in corpus always, plus an office's own (``--corpus``), which must exist."""
    from generator import resource_dir
    from generator.errors import CorpusError

    if corpus is not None and not corpus.exists():
        raise CorpusError(f"找不到语料目录：{corpus}（--corpus 应指向存放旧讲话稿 .md/.txt 的目录）。")
    return [resource_dir("speeches"), *([corpus] if corpus is not None else [])]


def load_corpus(corpus: Path | list[Path] | None, exclude: set[Path]) -> Any:
    """The corpus index over one or more folders, or None when none is given."""
    if corpus is None:
        return None
    from generator.checks.similar import CorpusIndex
    from generator.speechfile import iter_speech_paths

    folders = corpus if isinstance(corpus, list) else [corpus]
    docs: list[tuple[str, str]] = []
    for path in iter_speech_paths(folders):
        if path.resolve() in exclude:
            continue
        docs.append((str(path), read_draft(path).body))
    return CorpusIndex(docs)


PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves
_shared: dict[str, Any] = {}  # what forked workers inherit: facts, corpus index, copy minimum


def _check_one(path: Path) -> tuple[FileReport, str, int]:
    """Single-file categories plus copied, for one draft (runs in a worker for big batches)."""
    facts, index, minimum = _shared["facts"], _shared["index"], _shared["minimum"]
    draft = read_draft(path)
    name = str(draft.path)
    found = check_text(draft.body, brief=facts, meta=draft.meta, bank=_shared.get("bank"))
    if index is not None and len(index):
        match = index.longest(draft.body, minimum=minimum)
        if match:
            more = f"，另有{match.count - 1}处雷同" if match.count > 1 else ""
            found.append(Finding(
                "", line_at(draft.body, match.start), "copied", ERROR,
                clip(draft.body, match.start, min(match.end, match.start + 24), pad=0),
                f"与语料“{match.source}”连续{match.length}字相同{more}，请改写",
            ))
    for f in found:
        f.file = name
        f.line += draft.line_offset
    report = FileReport(name, count_chars(draft.body), found)
    if draft_date(draft.body, facts) is None:
        report.skipped.append("提法")
    return report, draft.body, draft.line_offset


def _report_one(path: Path) -> FileReport:
    return _check_one(path)[0]


def _map_files(files: list[Path], pair_up: Callable[[list[str]], Any]) -> tuple[list[FileReport], list[int], Any]:
    """Each file's report and line offset, and ``pair_up`` of all bodies (the twins).

    Serial for small runs; for thousands of drafts, forked workers (sharing the corpus
    index) check the files while this process reads them too and pairs up the twins.
    """
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_MIN_FILES or workers < 2 or \
            "fork" not in multiprocessing.get_all_start_methods():
        results = [_check_one(p) for p in files]
        return ([r for r, _, _ in results], [o for _, _, o in results],
                pair_up([b for _, b, _ in results]))
    for p in files:  # fail fast, in the parent, on a missing file
        if not p.exists():
            read_draft(p)
    from concurrent.futures import ProcessPoolExecutor

    check_text("全区上下", brief=_shared["facts"])  # load jieba once, before forking
    import numpy  # noqa: F401  -- the twins need it; loaded before forking, workers use it too
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending = pool.map(_report_one, files, chunksize=32)
        try:
            drafts = [read_draft(p) for p in files]
            partners = pair_up([d.body for d in drafts])
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        reports = list(pending)
    return reports, [d.line_offset for d in drafts], partners


def check_files(files: list[Path], *, brief: Any = None, corpus: Path | list[Path] | None = None,
                copy_minimum: int = COPY_MINIMUM, twin_threshold: float = TWIN_THRESHOLD,
                library: Any = None) -> list[FileReport]:
    """Check each file on its own, against the corpus, and against each other (twins).
    ``library`` (a TemplateLibrary) layers an office's formulations.yaml over the built-in 提法 bank."""
    from generator.formulations import load_bank

    def pair_up(bodies: list[str]) -> Any:
        if len(bodies) < 2:
            return {}
        from generator.checks.similar import twin_partners

        return twin_partners(bodies, twin_threshold, keep=TWINS_PER_FILE)

    _shared.update(facts=facts_from_brief(brief), minimum=copy_minimum, bank=load_bank(library),
                   index=load_corpus(corpus, {p.resolve() for p in files if p.exists()}))
    try:
        reports, offsets, partners = _map_files(files, pair_up)
    finally:
        _shared.clear()
    for i, (found, total) in sorted(partners.items()):
        line = 1 + offsets[i]
        for sim, j in found:
            reports[i].findings.append(Finding(
                reports[i].file, line, "twins", ERROR, f"与 {reports[j].file} 相似",
                f"与“{reports[j].file}”高度雷同（相似度{sim:.0%}），请分别改写",
            ))
        if total > len(found):
            reports[i].findings.append(Finding(
                reports[i].file, line, "twins", ERROR,
                f"另有{total - len(found)}篇相似", "雷同稿过多，请检查是否套用同一底稿",
            ))
    return reports


def reports_to_json(reports: list[FileReport]) -> dict[str, Any]:
    """{"files": [...], "findings": [...], "summary": {...}} — stable keys for scripts."""
    return {
        "files": [
            {"file": r.file, "chars": r.chars, "speaking_minutes": round(r.minutes, 1),
             "errors": r.count(ERROR), "warnings": r.count(WARNING)}
            for r in reports
        ],
        "findings": [f.to_dict() for r in reports for f in r.findings],
        "summary": {
            "files": len(reports),
            "errors": sum(r.count(ERROR) for r in reports),
            "warnings": sum(r.count(WARNING) for r in reports),
            "chars_per_minute": CHARS_PER_MINUTE,
        },
    }


def format_minutes(minutes: float) -> str:
    whole = int(minutes)
    seconds = round((minutes - whole) * 60)
    if seconds == 60:
        whole, seconds = whole + 1, 0
    return f"{whole}分{seconds:02d}秒"


def print_table(reports: list[FileReport]) -> None:
    """A rich table per run, plus each file's length and speaking time."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False)
    for r in reports:
        console.print(f"{r.file}：{r.chars}字，按每分钟{CHARS_PER_MINUTE}字约需{format_minutes(r.minutes)}",
                      markup=False, highlight=False)
    rows = [f for r in reports for f in r.findings]
    if rows:
        table = Table(show_lines=False)
        for head in ("文件", "行", "类别", "级别", "摘录", "建议"):
            table.add_column(head, overflow="fold")
        for f in rows:
            table.add_row(f.file, str(f.line), CATEGORY_NAMES.get(f.category, f.category),
                          "错误" if f.severity == ERROR else "提示", f.excerpt, f.advice)
        console.print(table, markup=False, highlight=False)
    errors = sum(r.count(ERROR) for r in reports)
    warnings = sum(r.count(WARNING) for r in reports)
    console.print(f"共检查{len(reports)}篇：错误{errors}处，提示{warnings}处。", markup=False, highlight=False)


def check_command(files: list[Path], brief: Path | None, corpus: Path | None, as_json: bool,
                  library: Any = None) -> int:
    """The CLI body: 1 when any error-level finding exists, else 0. Copies are sought
    in the built-in corpus and in ``corpus`` when given; the brief's kind and topic
    are checked against ``library`` (a TemplateLibrary, built-in when None)."""
    from generator.brief import load_brief

    folders = corpus_folders(corpus)
    loaded = None
    if brief is not None:
        if library is None:
            from generator.library import TemplateLibrary

            library = TemplateLibrary()
        loaded = load_brief(brief, library.kinds(), library.topics())
    reports = check_files(files, brief=loaded, corpus=folders, library=library)
    undated = [r.file for r in reports if "提法" in r.skipped]
    if undated:  # said once per run, not once per file
        which = undated[0] if len(undated) == 1 else f"{len(undated)}篇稿子"
        print(f"提示：无法确定{which}的日期（标题下没有“（2026年5月8日）”这样的日期，也没有给 --brief），"
              "未检查提法。", file=sys.stderr)
    if as_json:
        sys.stdout.write(json.dumps(reports_to_json(reports), ensure_ascii=False, indent=2) + "\n")
    else:
        print_table(reports)
    return 1 if any(r.count(ERROR) for r in reports) else 0
