"""Text shared with the corpus (copied) and near-identical drafts (twins), via shingle indexes."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

SPACE_RE = re.compile(r"\s+")
K_COPY = 8  # shingle length of the corpus index
STEP = 4  # index every STEP-th corpus position: finds every shared run of K_COPY + STEP - 1 chars
MAX_POSTINGS = 2000  # a shingle in more places than this is boilerplate, not evidence


def squeeze(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, and each kept character's offset in the original."""
    kept: list[str] = []
    where: list[int] = []
    for m in re.finditer(r"\S+", text):
        kept.append(m.group(0))
        where.extend(range(m.start(), m.end()))
    return "".join(kept), where


@dataclass
class Match:
    source: str  # corpus document name
    length: int  # characters shared (whitespace ignored)
    start: int  # offset in the draft's original text
    end: int
    count: int = 1  # distinct passages of at least the threshold shared with this source


class CorpusIndex:
    """Every STEP-th K_COPY-character shingle of the corpus → where it occurs."""

    def __init__(self, docs: list[tuple[str, str]]):
        self.names = [name for name, _ in docs]
        self.texts = [squeeze(text)[0] for _, text in docs]
        self.index: dict[str, list[int]] = {}
        for d, text in enumerate(self.texts):
            base = d << 32
            for j in range(0, len(text) - K_COPY + 1, STEP):
                self.index.setdefault(text[j:j + K_COPY], []).append(base | j)

    def __len__(self) -> int:
        return len(self.texts)

    def longest(self, text: str, *, minimum: int = 30, skip: set[str] | None = None) -> Match | None:
        """The longest run the text shares with one corpus document (None below minimum)."""
        s, where = squeeze(text)
        if len(s) < K_COPY:
            return None
        done: dict[tuple[int, int], int] = {}  # diagonal → draft offset its last run reached
        best: dict[int, Match] = {}
        runs: dict[int, int] = {}
        for i in range(len(s) - K_COPY + 1):
            postings = self.index.get(s[i:i + K_COPY])
            if not postings or len(postings) > MAX_POSTINGS:
                continue
            for code in postings:
                d, j = code >> 32, code & 0xFFFFFFFF
                diag = (d, j - i)
                if done.get(diag, -1) > i:
                    continue
                if skip and self.names[d] in skip:
                    continue
                src = self.texts[d]
                a, b = i, j
                while a > 0 and b > 0 and s[a - 1] == src[b - 1]:
                    a, b = a - 1, b - 1
                e, f = i + K_COPY, j + K_COPY
                while e < len(s) and f < len(src) and s[e] == src[f]:
                    e, f = e + 1, f + 1
                done[diag] = e
                length = e - a
                if length >= minimum:
                    runs[d] = runs.get(d, 0) + 1
                old = best.get(d)
                if old is None or length > old.length:
                    best[d] = Match(self.names[d], length, where[a], where[e - 1] + 1)
        if not best:
            return None
        d = max(best, key=lambda d: (best[d].length, best[d].source))
        top = best[d]
        top.count = runs.get(d, 1)
        return top if top.length >= minimum else None


def shingles(text: str, k: int = 5) -> set[str]:
    s = SPACE_RE.sub("", text)
    return {s[i:i + k] for i in range(len(s) - k + 1)}


def find_twins(texts: list[str], threshold: float = 0.5, k: int = 5) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) with jaccard > threshold, exactly, without comparing all pairs.

    Prefix filtering (AllPairs): order shingles rarest first; two sets with
    Jaccard ≥ t must share a shingle within the first |A| − ⌈t·|A|⌉ + 1 of each.
    Only pairs that do are compared exactly.
    """
    sets = [shingles(t, k) for t in texts]
    df: Counter[str] = Counter()
    for s in sets:
        df.update(s)
    order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
    index: dict[str, list[int]] = {}
    pairs: list[tuple[int, int, float]] = []
    for i in order:
        a = sets[i]
        if not a:
            continue
        ranked = sorted(a, key=lambda g: (df[g], g))
        prefix = ranked[: len(a) - math.ceil(threshold * len(a)) + 1]
        candidates: set[int] = set()
        for g in prefix:
            hit = index.get(g)
            if hit:
                candidates.update(hit)
        for j in candidates:
            b = sets[j]
            if len(b) < threshold * len(a):
                continue
            inter = len(a & b)
            sim = inter / (len(a) + len(b) - inter)
            if sim > threshold:
                pairs.append((min(i, j), max(i, j), sim))
        for g in prefix:
            index.setdefault(g, []).append(i)
    pairs.sort()
    return pairs
