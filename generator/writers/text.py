"""Plain text and Markdown drafts, plus the atomic file write every writer uses."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.draft import Draft
from generator.errors import ExportError

INDENT = "\u3000\u3000"  # two full-width spaces: the first-line indent of Chinese prose


def to_txt(draft: Draft) -> str:
    """Title, speaker and date centred by convention; paragraphs indented two characters."""
    lines = [draft.title, draft.speaker, f"（{draft.date}）", ""]
    for b in draft.blocks:
        lines.append(b.plain if b.kind == "salutation" else INDENT + b.plain)
    return "\n".join(lines) + "\n"


def to_md(draft: Draft) -> str:
    """Markdown that reads well as is and converts cleanly (pandoc, Word import)."""
    out = [f"# {draft.title}", "", f"{draft.speaker}（{draft.date}）" if draft.speaker
           else f"（{draft.date}）", ""]
    for b in draft.blocks:
        if b.kind == "heading":
            out.append(f"{'#' * (b.level + 1)} {b.number}{b.text}")
        elif b.lead:
            out.append(f"**{b.number}{b.lead}**{b.text}")
        else:
            out.append(b.plain)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _file_mode() -> int:
    """The mode a plainly created file would get (mkstemp makes 0600, which would
    leave a draft unreadable to colleagues on a shared folder)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes, *, force: bool = True) -> None:
    """Write via a temp file in the same folder and rename: never a half-written file."""
    path = Path(path)
    if not force and path.exists():
        raise ExportError(f"{path} 已存在；如需覆盖请加 --force。")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{exc.strerror or exc}") from None
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not force and path.exists():
            raise ExportError(f"{path} 已存在；如需覆盖请加 --force。")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


WRITERS = {"txt": to_txt, "md": to_md}
