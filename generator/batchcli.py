"""The ``speechgen batch`` command body: progress, per-district errors, the summary table
and summary.csv around :func:`generator.batch.run_batch`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from generator.batch import (
    FAILED,
    SKIPPED,
    SUMMARY,
    WRITTEN,
    Result,
    check_summary_target,
    run_batch,
    summary_bytes,
)
from generator.packs import TemplateDirs

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
