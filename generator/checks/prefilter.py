"""Characters every match of a regex must contain: a cheap ``in`` test that skips a scan.

Checks run dozens of patterns over thousands of drafts, and most patterns match nothing in
most drafts. ``required_chars`` reads the pattern's parse tree and collects the literal
characters that every match has to consume; when one of them is missing from a text, no
scan can find a match there, so skipping it changes nothing. Anything the reader does not
understand (case-insensitive parts, look-arounds, back-references, character classes)
simply contributes no requirement, which keeps the test conservative.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def required_chars(pattern: str, flags: int = 0) -> frozenset[str]:
    """Literal characters present in every match of ``pattern`` (empty: no guarantee)."""
    if flags & re.IGNORECASE:
        return frozenset()
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern, flags)
        if tree.state.flags & re.IGNORECASE:  # an inline (?i) at the start
            return frozenset()
        return frozenset(_required(tree))
    except Exception:  # an unknown parser, or a pattern it refuses: require nothing
        return frozenset()


def _required(items: Any) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.add(chr(av))
        elif name == "SUBPATTERN":
            if not av[1] & re.IGNORECASE:  # (?i:…) matches other cases too
                out |= _required(av[-1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if av[0] >= 1:
                out |= _required(av[2])
        elif name == "ATOMIC_GROUP":
            out |= _required(av)
        elif name == "BRANCH":
            alternatives = [_required(alt) for alt in av[1]]
            out |= set.intersection(*alternatives) if alternatives else set()
    return out


def needs(regex: re.Pattern[str]) -> frozenset[str]:
    """The characters a text must hold for ``regex`` to match anywhere in it."""
    return required_chars(regex.pattern, regex.flags)
