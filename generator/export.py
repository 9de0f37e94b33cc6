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


# suffixes that name a format we do not write: refuse instead of writing Markdown into them
OTHER_FORMATS = {"doc": "Word 97-2003", "wps": "WPS 旧版", "rtf": "RTF", "odt": "OpenDocument",
                 "pdf": "PDF", "xlsx": "Excel", "xls": "Excel", "csv": "CSV", "html": "网页",
                 "htm": "网页", "yaml": "YAML（简报）", "yml": "YAML（简报）"}


def guess_format(out: Path | None, fmt: str | None) -> str:
    """The format from --format, else the output's suffix (any case), else md.

    A suffix that says another format (``.doc``, ``.pdf``) or contradicts
    --format is refused: Markdown inside ``讲话稿.doc`` would open as garbage.
    """
    suffix = out.suffix.lstrip(".").lower() if out is not None else ""
    if suffix in OTHER_FORMATS:
        raise ExportError(f"不能写出 {OTHER_FORMATS[suffix]} 格式（.{suffix}）的文件 {out}；"
                          f"请改用 .docx（Word/WPS 都能打开）、.md 或 .txt。")
    if fmt:
        if suffix in FORMATS and suffix != fmt.lower():
            raise ExportError(f"输出文件 {out} 的后缀是 .{suffix}，与 --format {fmt} 不一致，请改成一致的。")
        return fmt.lower() if fmt.lower() in FORMATS else fmt
    if suffix in FORMATS:
        return suffix
    return "md"
