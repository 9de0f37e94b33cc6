"""Breaking a long speech title over lines of the 2号 title paragraph.

Word breaks a centred title wherever the line is full, often mid-word; a
speech title is broken by hand at a phrase boundary into balanced lines.
"""

from __future__ import annotations

import functools
import math
import re

from generator.writers.docx_style import TITLE_LINE_CHARS
from generator.writers.docx_words import words

TITLE_DP_MAX = 4 * TITLE_LINE_CHARS  # longer titles use the linear layout

_NO_LINE_START = set("的之和与及、，。：；）》”")
_NO_LINE_END = set("在的和与及暨第届（《“")
# a break after these reads as the end of a phrase (…工作 / …精神), unless a
# meeting word follows (工作会议 stays together)
_PHRASE_ENDS = ("工作", "精神", "全会", "会议", "大会")
_MEETING_START = set("会座推部大动")


def split_title(title: str, width: int = TITLE_LINE_CHARS) -> list[str]:
    """Split a long title into balanced lines at natural breaks, never mid-word.

    Preferred breaks: after punctuation, before 暨 or ——, before 上的/时的 (so
    "…工作会议" / "上的讲话"); otherwise any word boundary. Lines stay within
    ``width`` characters where possible and are as even as the breaks allow.
    """
    return list(_split_title(title, width))


@functools.lru_cache(maxsize=256)
def _split_title(title: str, width: int) -> tuple[str, ...]:
    """split_title, remembered: a batch's drafts mostly share one title."""
    return tuple(_layout_title(title, width))


def _layout_title(title: str, width: int) -> list[str]:
    title = title.strip()
    if len(title) <= width:
        return [title]
    breaks = _title_breaks(title)
    if len(title) > TITLE_DP_MAX:
        return _split_long_title(title, breaks, width)
    lines = max(2, math.ceil(len(title) / width))
    ideal = len(title) / lines
    positions = sorted(breaks)
    best: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
    # dynamic programming over break positions: (last break, lines so far)
    for used in range(lines - 1):
        for (start, n), (cost, path) in list(best.items()):
            if n != used:
                continue
            for pos in positions:
                if pos <= start:
                    continue
                seg = pos - start
                c = cost + _line_cost(seg, ideal, width) - breaks[pos]
                key = (pos, n + 1)
                if key not in best or c < best[key][0]:
                    best[key] = (c, [*path, pos])
    finals = [
        (cost + _line_cost(len(title) - start, ideal, width), path)
        for (start, n), (cost, path) in best.items()
        if n == lines - 1
    ]
    if not finals:
        return [title]
    _, cuts = min(finals)
    bounds = [0, *cuts, len(title)]
    return [title[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]


def _split_long_title(title: str, breaks: dict[int, float], width: int) -> list[str]:
    """Minimum-cost line breaking in one pass, each line looking back at most 2 x width:
    linear in the title's length (the balanced search above is cubic)."""
    positions = [p for p in sorted(breaks) if 0 < p < len(title)] + [len(title)]
    best: dict[int, tuple[float, int]] = {0: (0.0, -1)}
    reached = [0]
    for pos in positions:
        window = [p for p in reached[-4 * width:] if 0 < pos - p <= 2 * width] or [reached[-1]]
        best[pos] = min((best[p][0] + _line_cost(pos - p, width, width) - breaks.get(pos, 0.0), p)
                        for p in window)
        reached.append(pos)
    cuts = []
    pos = len(title)
    while pos > 0:
        cuts.append(pos)
        pos = best[pos][1]
    bounds = [0, *reversed(cuts)]
    return [title[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if title[a:b].strip()]


def _line_cost(length: int, ideal: float, width: int) -> float:
    over = max(0, length - width)
    short = 100 if length < 3 else 0
    return 0.5 * abs(length - ideal) + 1000 * over + short


def _title_breaks(title: str) -> dict[int, float]:
    """Allowed break positions (index of the next line's first char) with a bonus."""
    breaks: dict[int, float] = {}
    for pos in _word_boundaries(title):
        breaks[pos] = 0.0
    for i, ch in enumerate(title[:-1]):
        if ch in "，、：；　 ":
            breaks[i + 1] = 8.0
    for m in re.finditer(r"暨|——", title):
        breaks[m.start()] = 8.0
    for m in re.finditer(r"[上时中]的[^的]{0,8}$", title):
        breaks[m.start()] = 5.0
    for end in _PHRASE_ENDS:
        for m in re.finditer(end, title):
            if m.end() in breaks and title[m.end():m.end() + 1] not in _MEETING_START:
                breaks[m.end()] = max(breaks[m.end()], 5.0)
    return {
        pos: bonus
        for pos, bonus in breaks.items()
        if 0 < pos < len(title)
        and title[pos] not in _NO_LINE_START
        and title[pos - 1] not in _NO_LINE_END
        and not (title[pos - 1].isascii() and title[pos - 1].isalnum()
                 and title[pos].isascii() and title[pos].isalnum())
    }


def _word_boundaries(text: str) -> set[int]:
    """Word boundaries from jieba's dictionary (a project dependency), for long titles only."""
    bounds: set[int] = set()
    pos = 0
    for word in words(text):
        pos += len(word)
        bounds.add(pos)
    return bounds
