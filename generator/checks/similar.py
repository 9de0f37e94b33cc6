"""Text shared with the corpus (copied) and near-identical drafts (twins), via shingle indexes."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SPACE_RE = re.compile(r"\s+")
K_COPY = 8  # shingle length of the corpus index
STEP = 4  # index every STEP-th corpus position: finds every shared run of K_COPY + STEP - 1 chars
SEEN_BITS = 18  # a 4 MB table of which hash low bits the corpus index has
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
        self._seen: np.ndarray | None = None  # which low bits of indexed shingles' hashes occur

    def __len__(self) -> int:
        return len(self.texts)

    def _positions(self, s: str) -> Iterable[int]:
        """Offsets of s whose shingle may be in the index: every offset, or, when numpy is
        loaded already (a batch loads it for the twins), only those whose shingle hash has
        low bits some indexed shingle's hash has. Equal shingles hash alike, so no indexed
        one is missed; the few others are weeded out by the index lookup itself."""
        np = sys.modules.get("numpy")
        n = len(s) - K_COPY + 1
        if np is None or n < 256:
            return range(n)
        mask = np.uint64((1 << SEEN_BITS) - 1)
        if self._seen is None:
            self._seen = np.zeros(1 << SEEN_BITS, dtype=bool)
            for text in self.texts:
                if len(text) >= K_COPY:
                    self._seen[(_rolling(text)[::STEP] & mask).astype(np.intp)] = True
        return np.flatnonzero(self._seen[(_rolling(s) & mask).astype(np.intp)]).tolist()

    def longest(self, text: str, *, minimum: int = 30, skip: set[str] | None = None) -> Match | None:
        """The longest run the text shares with one corpus document (None below minimum).

        Offsets are in the text without whitespace until the end: only the match returned
        is mapped back to the original text."""
        s = "".join(text.split())  # what squeeze keeps: split() drops the str.isspace() characters
        if len(s) < K_COPY:
            return None
        done: dict[tuple[int, int], int] = {}  # diagonal → draft offset its last run reached
        best: dict[int, Match] = {}
        runs: dict[int, int] = {}
        for i in self._positions(s):
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
                    best[d] = Match(self.names[d], length, a, e)
        if not best:
            return None
        d = max(best, key=lambda d: (best[d].length, best[d].source))
        top = best[d]
        if top.length < minimum:
            return None
        where = squeeze(text)[1]
        top.start, top.end, top.count = where[top.start], where[top.end - 1] + 1, runs.get(d, 1)
        return top


def _rolling(s: str, k: int = K_COPY) -> np.ndarray:
    """A polynomial hash of each k-character shingle of s (s at least k long)."""
    import numpy as np

    c = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(s) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * np.uint64(0x100000001B3) + c[j:j + n]
    return h


def shingle_hashes(text: str, k: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the text's k-character shingles (whitespace ignored).

    A polynomial hash over code points, vectorised, then a splitmix64 finish so
    the low bits are good for binning; deterministic across runs.
    """
    import numpy as np

    s = "".join(text.split())  # the same characters as SPACE_RE (str.isspace), 3x faster
    n = len(s) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    c = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * np.uint64(0x100000001B3) + c[j:j + n]
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    h.sort()  # sort + drop repeats: np.unique's extra work made it 5x slower on 2,500 hashes
    keep = np.empty(len(h), dtype=bool)
    keep[0] = True
    np.not_equal(h[1:], h[:-1], out=keep[1:])
    return h[keep]


BANDS, ROWS = 64, 3  # P(candidate) = 1 − (1 − J³)⁶⁴: 0.9998 at J = 0.5, 0.004 at J = 0.04
MARGIN = 0.15  # estimate slack before the exact check: > 4σ of a 192-bin MinHash estimate
ALL_PAIRS_MAX = 5000  # up to here compare signatures block-wise; beyond, LSH banding
BLOCK = 64
MAX_CONFIRM = 32  # exact Jaccard checks per text; further partners are counted by estimate
MAX_BUCKET = 64  # an LSH bucket pairs each member with at most this many later members


def sorted_overlap(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted, duplicate-free arrays share: a binary search of the
    smaller in the larger (~5x faster than ``np.intersect1d``, which sorts both again)."""
    import numpy as np

    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return int(np.count_nonzero(b[at] == a))


def minhash_signatures(sets: list[np.ndarray], width: int) -> np.ndarray:
    """One-permutation MinHash (width bins of each shingle hash), densified for short texts."""
    import numpy as np

    top = np.iinfo(np.uint64).max
    out = np.full((len(sets), width), top, dtype=np.uint64)
    for i, h in enumerate(sets):
        if not len(h):
            out[i] = np.arange(width, dtype=np.uint64) + np.uint64(i) * np.uint64(width)
            continue  # an empty text resembles nothing
        sig = out[i]
        np.minimum.at(sig, (h % np.uint64(width)).astype(np.intp), h // np.uint64(width))
        full = np.flatnonzero(sig != top)
        if len(full) < width:  # short text: each empty bin borrows the next full one
            pos = np.arange(width)
            nxt = np.searchsorted(full, pos) % len(full)
            dist = (full[nxt] - pos) % width
            out[i] = sig[full[nxt]] + dist.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return out


def _candidates_blockwise(sig: np.ndarray, floor: float,
                          estimate: tuple[float, np.ndarray] | None = None) -> list[tuple[int, int]]:
    """Pairs whose MinHash estimate reaches floor, comparing signatures block by block.

    Drafts rendered from one brief are alike enough that LSH bands collide for
    most pairs; comparing 192-value signatures directly is then far cheaper.
    Each row keeps only its :data:`MAX_CONFIRM` best candidates, so a pile of
    near-identical drafts costs linear, not quadratic, exact checks.
    ``estimate=(threshold, counts)`` also counts, per text, the partners whose
    estimated similarity exceeds threshold (for "另有N篇相似" beyond the cap).
    """
    import numpy as np

    n, width = sig.shape
    need = int(np.ceil(floor * width))
    pairs: list[tuple[int, int]] = []
    sig = _column_ranks(sig)  # equal where the hashes are equal, in a quarter of the bytes
    for start in range(0, n, BLOCK):
        block = sig[start:start + BLOCK]
        equal = (block[:, None, :] == sig[None, start:, :]).sum(axis=2, dtype=np.uint8 if width < 256
                                                                  else np.int32).astype(np.int32)
        if estimate is not None:
            rows = np.arange(equal.shape[0])[:, None]
            above = (equal > estimate[0] * width) & (np.arange(equal.shape[1])[None, :] > rows)
            estimate[1][start:start + equal.shape[0]] += above.sum(axis=1)
            estimate[1][start:] += above.sum(axis=0)
        for r in range(equal.shape[0]):
            row = equal[r, r + 1:]
            hits = np.flatnonzero(row >= need)
            if len(hits) > MAX_CONFIRM:
                hits = hits[np.argsort(-row[hits], kind="stable")[:MAX_CONFIRM]]
            i = start + r
            pairs.extend((i, i + 1 + int(c)) for c in hits)
    return pairs


def _column_ranks(sig: np.ndarray) -> np.ndarray:
    """Each signature value replaced by its rank among the distinct values of its column."""
    import numpy as np

    out = np.empty(sig.shape, dtype=np.uint16 if len(sig) <= 0xFFFF else np.uint32)
    for c in range(sig.shape[1]):
        out[:, c] = np.unique(sig[:, c], return_inverse=True)[1].reshape(-1)
    return out


def _candidates_lsh(sig: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """LSH banding for very large batches, then the same estimate filter."""
    import numpy as np

    width = sig.shape[1]
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i in range(sig.shape[0]):
        raw = sig[i].tobytes()
        for b in range(BANDS):
            buckets.setdefault((b, raw[b * ROWS * 8:(b + 1) * ROWS * 8]), []).append(i)
    seen: set[tuple[int, int]] = set()
    need = int(np.ceil(floor * width))
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, min(len(members), x + 1 + MAX_BUCKET)):
                pair = (members[x], members[y])
                if pair not in seen:
                    seen.add(pair)
    return [(i, j) for i, j in seen if int((sig[i] == sig[j]).sum()) >= need]


def find_twins(texts: list[str], threshold: float = 0.5, k: int = 5) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) with 5-shingle Jaccard > threshold, without comparing all texts.

    Each text becomes a 192-value one-permutation MinHash signature; pairs whose
    estimated Jaccard comes within MARGIN of the threshold (found block-wise, or
    by LSH banding above ALL_PAIRS_MAX texts) are confirmed with the exact
    Jaccard of the hashed shingle sets.
    """

    width = BANDS * ROWS
    sets = [shingle_hashes(t, k) for t in texts]
    if len(sets) < 2:
        return []
    return _twins_of_sets(sets, threshold, width)


def _twins_of_sets(sets: list[np.ndarray], threshold: float, width: int,
                   counts: np.ndarray | None = None) -> list[tuple[int, int, float]]:

    sig = minhash_signatures(sets, width)
    floor = max(threshold - MARGIN, 0.0)
    finder = _candidates_blockwise if len(sets) <= ALL_PAIRS_MAX else _candidates_lsh
    pairs: list[tuple[int, int, float]] = []
    found = (_candidates_blockwise(sig, floor, (threshold, counts)) if counts is not None
             and finder is _candidates_blockwise else finder(sig, floor))
    checked: list[tuple[int, int]] = []
    for i, j in found:
        a, b = sets[i], sets[j]
        if not len(a) or not len(b):
            continue
        small, large = sorted((len(a), len(b)))
        if small <= threshold * large:
            continue  # Jaccard ≤ |small| / |large|
        checked.append((i, j))
    for (i, j), inter in zip(checked, pair_overlaps(sets, checked), strict=True):
        sim = inter / (len(sets[i]) + len(sets[j]) - inter)
        if sim > threshold:
            pairs.append((i, j, sim))
    pairs.sort()
    return pairs


BITSET_BYTES = 32 * 1024 * 1024  # bit-set rows of the sets being confirmed; beyond, pair by pair
BUCKET_BITS = 20  # hash table of the column numbers (8 MB)


def pair_overlaps(sets: list[np.ndarray], pairs: list[tuple[int, int]]) -> list[int]:
    """``sorted_overlap(sets[i], sets[j])`` for every pair, without a binary search per pair.

    A batch confirms tens of thousands of pairs of ~2,500 hashes each. Each hash gets a
    column number (its bucket in a hash table, or, for the few that collide, a number of
    their own), columns only one set has are dropped (they never add to an intersection),
    and each set becomes a row of bits: an intersection is then a popcount of AND-ed
    words. Exact: the numbering is one-to-one. Falls back to pair by pair when there are
    few pairs, or when the rows would not fit in :data:`BITSET_BYTES`.
    """
    import numpy as np

    if len(pairs) < 64:
        return [sorted_overlap(sets[i], sets[j]) for i, j in pairs]
    used = sorted({x for pair in pairs for x in pair})
    size = 1 << BUCKET_BITS
    mask = np.uint64(size - 1)
    table = np.zeros(size, dtype=np.uint64)
    for x in used:
        table[(sets[x] & mask).astype(np.intp)] = sets[x]  # the last write wins: it owns the bucket
    strays = np.unique(np.concatenate(
        [sets[x][table[(sets[x] & mask).astype(np.intp)] != sets[x]] for x in used]))

    def columns(h: np.ndarray) -> np.ndarray:  # recomputed, not kept: 3,000 sets would cost 60 MB
        col = (h & mask).astype(np.intp)
        stray = table[col] != h
        col[stray] = size + np.searchsorted(strays, h[stray])
        return col

    count = np.zeros(size + len(strays), dtype=np.int32)
    for x in used:
        count[columns(sets[x])] += 1  # a set's columns are distinct: no repeated index
    shared = count >= 2
    del count
    width = int(np.count_nonzero(shared))
    words = max(1, (width + 63) // 64)
    if len(used) * words * 8 > BITSET_BYTES:
        return [sorted_overlap(sets[i], sets[j]) for i, j in pairs]
    renumber = (np.cumsum(shared) - 1).astype(np.intp)
    packed = np.zeros((len(used), words), dtype=np.uint64)
    bits = np.zeros(words * 64, dtype=bool)
    for r, x in enumerate(used):
        col = columns(sets[x])
        on = renumber[col[shared[col]]]
        bits[on] = True
        packed[r] = np.packbits(bits, bitorder="little").view(np.uint64)
        bits[on] = False
    row = {x: r for r, x in enumerate(used)}
    out = [0] * len(pairs)
    by_first: dict[int, list[int]] = {}
    for k, (i, _) in enumerate(pairs):
        by_first.setdefault(i, []).append(k)
    for i, ks in by_first.items():
        others = packed[[row[pairs[k][1]] for k in ks]] & packed[row[i]]
        for k, n in zip(ks, _popcount_rows(others).tolist(), strict=True):
            out[k] = n
    return out


_BYTE_BITS: list[np.ndarray] = []


def _popcount_rows(words: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-D uint64 array."""
    import numpy as np

    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(words).sum(axis=1, dtype=np.int64)
    if not _BYTE_BITS:
        _BYTE_BITS.append(np.array([bin(v).count("1") for v in range(256)], dtype=np.int64))
    return _BYTE_BITS[0][words.view(np.uint8)].sum(axis=1)


def twin_partners(texts: list[str], threshold: float = 0.5, k: int = 5,
                  keep: int = 5) -> dict[int, tuple[list[tuple[float, int]], int]]:
    """For each text with twins: its ``keep`` closest partners (similarity, index) and
    how many partners it has in all.

    Identical texts are grouped by hash first, so 6,000 copies of one draft cost
    one signature, not 18 million pair checks; distinct texts go through
    :func:`find_twins` (bounded per text). Linear in the number of texts.
    """
    import hashlib
    from collections import defaultdict

    groups: dict[bytes, list[int]] = defaultdict(list)
    hashed = [shingle_hashes(t, k) for t in texts]
    for i, h in enumerate(hashed):
        if len(h):  # an empty text resembles nothing
            groups[hashlib.blake2b(h.tobytes(), digest_size=16).digest()].append(i)
    members = list(groups.values())
    if sum(len(m) for m in members) < 2:
        return {}
    width = BANDS * ROWS
    import numpy as np

    related: dict[int, list[tuple[float, int]]] = defaultdict(list)  # group → (sim, other group)
    estimated = np.zeros(len(members), dtype=np.int64)  # partner texts by MinHash estimate
    if len(members) > 1:
        for a, b, sim in _twins_of_sets([hashed[m[0]] for m in members], threshold, width, estimated):
            related[a].append((sim, b))
            related[b].append((sim, a))
    out: dict[int, tuple[list[tuple[float, int]], int]] = {}
    for g, group in enumerate(members):
        others = sorted(related.get(g, []), key=lambda x: (-x[0], x[1]))
        total_others = sum(len(members[h]) for _, h in others)
        if len(others) >= MAX_CONFIRM:  # capped: the estimate counts the rest
            total_others = max(total_others, int(estimated[g]))
        for i in group:
            top: list[tuple[float, int]] = []
            for j in group:
                if len(top) >= keep:
                    break
                if j != i:
                    top.append((1.0, j))
            for sim, h in others:
                if len(top) >= keep:
                    break
                top.extend((sim, j) for j in members[h][:keep - len(top)])
            total = len(group) - 1 + total_others
            if total:
                out[i] = (top, total)
    return out
