"""Plain text and Markdown drafts (``atomic_write`` lives in :mod:`generator.writers.output`)."""

from __future__ import annotations

from generator.draft import Draft
from generator.writers.output import atomic_write

__all__ = ["WRITERS", "atomic_write", "to_md", "to_txt"]

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


WRITERS = {"txt": to_txt, "md": to_md}
