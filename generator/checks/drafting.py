"""The drafting rules of kinds.md as check categories, run together on one shared reading.

层级用语 (levelwords), 内部重复 (repetition), 语气 (voice), 简报遗漏 (coverage), 结构 (structure):
each failure the generator must not make is also what a secretary proofreads a human draft for.
"""

from __future__ import annotations

from typing import Any

from generator.checks.coverage import check_coverage
from generator.checks.levelwords import check_level_words
from generator.checks.model import Facts, Finding
from generator.checks.repetition import check_repetition
from generator.checks.structure import check_structure
from generator.checks.units import Reading
from generator.checks.voice import check_voice

CATEGORIES = ("level_words", "repetition", "voice", "coverage", "structure")


def check_drafting(text: str, facts: Facts, meta: dict[str, Any] | None = None) -> list[Finding]:
    """All five categories; meta is the file's front matter (title, kind), if any."""
    reading = Reading(text, facts, meta)
    return (check_level_words(text, facts) + check_repetition(reading) + check_voice(reading)
            + check_coverage(reading) + check_structure(reading))
