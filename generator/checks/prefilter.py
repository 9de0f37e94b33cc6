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
from collections.abc import Iterator
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


# ------------------------------------------------------------ first characters

_CATEGORY_CLASS = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
                   "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class_items(items: Any) -> str | None:
    parts = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            parts.append(_char(av))
        elif name == "RANGE":
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif name == "CATEGORY" and str(av) in _CATEGORY_CLASS:
            parts.append(_CATEGORY_CLASS[str(av)])
        else:  # NEGATE and the rest: not worth reasoning about
            return None
    return "".join(parts)


def _first(items: Any) -> tuple[str | None, bool]:
    """(class items a match of the sequence can start with, whether it can match empty)."""
    out = ""
    for op, av in items:
        name = str(op)
        if name in _ZERO_WIDTH:
            continue  # consumes nothing: a match still starts at what follows
        first, nullable = _first_of(name, av)
        if first is None:
            return None, False
        out += first
        if not nullable:
            return out, False
    return out, True


def _first_of(name: str, av: Any) -> tuple[str | None, bool]:
    if name == "LITERAL":
        return _char(av), False
    if name == "IN":
        return _class_items(av), False
    if name == "SUBPATTERN":
        return (None, False) if av[1] & re.IGNORECASE else _first(av[-1])
    if name == "ATOMIC_GROUP":
        return _first(av)
    if name == "BRANCH":
        out, nullable = "", False
        for alternative in av[1]:
            first, empty = _first(alternative)
            if first is None:
                return None, False
            out, nullable = out + first, nullable or empty
        return out, nullable
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        first, empty = _first(av[2])
        return first, empty or av[0] == 0
    return None, False  # ANY, NOT_LITERAL, back-references, conditionals…


@lru_cache(maxsize=512)
def first_class(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """A character class every match of ``pattern`` starts with (None: unknown, or the
    pattern can match the empty string)."""
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern, flags)
        if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
            return None
        first, nullable = _first(tree)
        if first is None or nullable or not first:
            return None
        return re.compile(f"[{first}]", flags & re.ASCII)
    except Exception:
        return None


class Scan:
    """``regex.finditer`` that tries only the positions where a match can start.

    A pattern that opens with a look-behind (``(?<![资成])本…``) or an optional group
    gives the regex engine no first character to skip ahead to, so it attempts a match
    at every one of a draft's thousands of positions. The class of first characters
    (read from the parse tree) finds the few candidates at C speed; each is tried with
    ``regex.match(text, pos)``, which sees the same look-behind context as a search. A
    match that starts inside the previous one is skipped, as ``finditer`` does.
    """

    def __init__(self, regex: re.Pattern[str]):
        self.regex = regex
        self.first = first_class(regex.pattern, regex.flags)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        if self.first is None:
            yield from self.regex.finditer(text, pos, end)
            return
        match = self.regex.match
        after = pos
        for c in self.first.finditer(text, pos, end):
            at = c.start()
            if at < after:
                continue
            m = match(text, at, end)
            if m is not None:
                yield m
                after = m.end()

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos), None)
