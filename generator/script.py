"""Simplified → Traditional conversion of a finished draft (for Hong Kong/Taiwan/Macao use).

OpenCC is imported only here (and in corpus.py), and lazily, so the CLI stays
fast when no conversion is asked for. Converters are cached per variant because
building one loads dictionaries from disk.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from generator.draft import Block, Draft
from generator.errors import SpeechgenError

#: Supported OpenCC configurations: plain Traditional characters, or Taiwan
#: standard with Taiwan phrasing (软件 → 軟體).
VARIANTS: dict[str, str] = {
    "s2t": "简体转繁体（字形转换）",
    "s2twp": "简体转台湾正体（含台湾常用词）",
}


def check_variant(variant: str) -> str:
    """Reject unknown variants with a Chinese message the CLI can print as-is."""
    if variant not in VARIANTS:
        known = "、".join(f"{k}（{v}）" for k, v in VARIANTS.items())
        raise SpeechgenError(f"不支持的繁体转换方式“{variant}”，可选：{known}。")
    return variant


@cache
def _converter(variant: str) -> Any:
    """One OpenCC converter per variant; loading its dictionaries is the slow part."""
    import opencc

    return opencc.OpenCC(f"{variant}.json")


def to_traditional(text: str, variant: str = "s2t") -> str:
    """Convert Simplified Chinese text to Traditional with the given OpenCC variant."""
    check_variant(variant)
    if not text:
        return text
    return _converter(variant).convert(text)


def convert_block(block: Block, variant: str) -> Block:
    """Convert every text field of a block; structure (kind, level) is kept."""
    return dataclasses.replace(
        block,
        text=to_traditional(block.text, variant),
        number=to_traditional(block.number, variant),
        lead=to_traditional(block.lead, variant),
    )


def convert_draft(draft: Draft, variant: str = "s2t") -> Draft:
    """Return a new draft with title, speaker, date, metadata and every block converted."""
    check_variant(variant)
    return dataclasses.replace(
        draft,
        title=to_traditional(draft.title, variant),
        speaker=to_traditional(draft.speaker, variant),
        date=to_traditional(draft.date, variant),
        kind=to_traditional(draft.kind, variant),
        topic=to_traditional(draft.topic, variant),
        locality=to_traditional(draft.locality, variant),
        blocks=[convert_block(b, variant) for b in draft.blocks],
    )
