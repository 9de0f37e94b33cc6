"""Draft → bytes in the requested format and script; the one place formats meet."""

from __future__ import annotations

from pathlib import Path

from generator.draft import Draft
from generator.errors import ExportError

FORMATS = ("md", "txt", "docx")
SCRIPTS = ("simplified", "traditional", "s2t", "s2twp")


def apply_script(draft: Draft, script: str) -> Draft:
    """``traditional`` means opencc s2t; ``s2twp`` gives Taiwan wording."""
    if script in ("simplified", ""):
        return draft
    if script not in SCRIPTS:
        raise ExportError(f"不支持的字形“{script}”，可选：{'、'.join(SCRIPTS)}。")
    from generator.script import convert_draft

    return convert_draft(draft, "s2t" if script == "traditional" else script)


def draft_bytes(draft: Draft, fmt: str = "md", *, script: str = "simplified",
                reference_docx: Path | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ExportError(f"不支持的格式“{fmt}”，可选：{'、'.join(FORMATS)}。")
    draft = apply_script(draft, script)
    if fmt == "docx":
        from generator.writers.docx import docx_bytes

        return docx_bytes(draft, reference_docx=reference_docx)
    from generator.writers.text import WRITERS

    return WRITERS[fmt](draft).encode("utf-8")


def guess_format(out: Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    if out is not None and out.suffix.lstrip(".") in FORMATS:
        return out.suffix.lstrip(".")
    return "md"
