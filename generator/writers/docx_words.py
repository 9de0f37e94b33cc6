"""Word boundaries for breaking titles: jieba's words, without jieba's start-up.

``import jieba`` plus ``jieba.initialize()`` (which unmarshals a 500,000-entry
prefix dictionary) cost about a second in every batch worker that meets a title
longer than one line. A title can reach only the dictionary words that begin
with one of its own characters, so this module reads jieba's own ``dict.txt``
once per process, indexes it by first character, and runs jieba's accurate mode
without HMM (``jieba.cut(text, HMM=False)``: the dictionary DAG and the
maximum-probability route, transcribed from jieba 0.42) over just the entries the
title can use, with the dictionary's total frequency. The words are jieba's; the
tests compare the two on many titles. When jieba is already initialised in the
process (the proofreader uses it, and may have added words) or given another
dictionary, or its dictionary cannot be read, jieba itself cuts.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
from collections.abc import Iterator
from math import log
from pathlib import Path

# jieba.re_han_default, re_skip_default, re_eng
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)
_RE_ENG = re.compile("[a-zA-Z0-9]", re.U)
_WHITESPACE = b" \t\n\r\x0b\x0c"  # what bytes.strip() removes


class Dictionary:
    """jieba's dict.txt (``word count tag`` a line) with lines found by first character.

    The lines are indexed with numpy, not parsed: only the lines of a title's own
    characters are read, as jieba reads them, the first time a title needs them.
    A file outside the plain format (a stray space, a non-digit count) raises
    ValueError, and jieba itself is used.
    """

    def __init__(self, data: bytes):
        import numpy as np

        if not data.endswith(b"\n"):
            data += b"\n"
        self.data = data
        a = np.frombuffer(data, np.uint8)
        ends = np.flatnonzero(a == 10)
        starts = np.concatenate(([0], ends[:-1] + 1))
        space = np.flatnonzero(a == 32)
        if not len(space) or np.any(starts == ends) or np.isin(a[starts], list(_WHITESPACE)).any() \
                or np.isin(a[ends - 1], list(_WHITESPACE)).any():
            raise ValueError("not plain jieba dictionary lines")
        first = space[np.minimum(np.searchsorted(space, starts), len(space) - 1)]
        after = np.searchsorted(space, first + 1)
        field_end = np.minimum(np.where(after < len(space), space[np.minimum(after, len(space) - 1)],
                                        len(data)), ends)
        lengths = field_end - first - 1
        if np.any(first >= ends) or np.any(lengths < 1) or np.any(lengths > 15):
            raise ValueError("a line without a count")
        pos = np.repeat(first + 1, lengths) + np.arange(lengths.sum()) \
            - np.repeat(np.cumsum(lengths) - lengths, lengths)
        digits = a[pos].astype(np.int64) - 48
        if np.any((digits < 0) | (digits > 9)):
            raise ValueError("a count that is not a number")
        self.total = int((digits * 10 ** (np.repeat(field_end, lengths) - 1 - pos)).sum())
        # the first character's UTF-8 bytes as one number, lines grouped by it in file order
        lead = a[starts].astype(np.int64)
        width = 1 + (lead >= 0xC0) + (lead >= 0xE0) + (lead >= 0xF0)
        key = lead.copy()
        for k in (1, 2, 3):
            key = np.where(width > k, key << 8 | a[np.minimum(starts + k, len(a) - 1)], key)
        self._order = np.argsort(key, kind="stable")
        self._keys = key[self._order]
        self._starts, self._ends = starts, ends
        self._groups: dict[str, tuple[dict[str, int], set[str]]] = {}

    def lines_of(self, first: str) -> list[tuple[str, int]]:
        """(word, count) of the lines whose word starts with ``first``, in file order."""
        key = int.from_bytes(first.encode("utf-8"), "big")
        lo, hi = (int(i) for i in self._keys.searchsorted([key, key + 1]))
        found = []
        for j in self._order[lo:hi]:
            line = self.data[self._starts[j]:self._ends[j]].strip().decode("utf-8")
            word, count = line.split(" ")[:2]  # Tokenizer.gen_pfdict
            found.append((word, int(count)))
        return found

    def _group(self, first: str) -> tuple[dict[str, int], set[str]]:
        """The words starting with ``first`` (the last line of a word wins) and their
        proper prefixes: jieba's FREQ for that character, read once."""
        if first not in self._groups:
            counts: dict[str, int] = {}
            prefixes: set[str] = set()
            for word, count in self.lines_of(first):
                counts[word] = count
                prefixes.update(word[:end] for end in range(1, len(word)))
            self._groups[first] = (counts, prefixes)
        return self._groups[first]

    def prefix_freq(self, text: str) -> dict[str, int]:
        """jieba's FREQ restricted to substrings of ``text``: a word's count, or 0 for
        a prefix of a longer word; other substrings absent."""
        freq: dict[str, int] = {}
        for i, first in enumerate(text):
            counts, prefixes = self._group(first)
            for end in range(i + 1, len(text) + 1):
                sub = text[i:end]
                if sub in counts:
                    freq[sub] = counts[sub]
                elif sub in prefixes:
                    freq[sub] = 0
                else:
                    break  # no longer word starts with a string that is not a prefix
        return freq


_DICTIONARY: list[Dictionary | None] = []


def _dictionary() -> Dictionary | None:
    """jieba's default dictionary, indexed once per process; None where it cannot be read."""
    if not _DICTIONARY:
        found = None
        try:
            spec = importlib.util.find_spec("jieba")
            if spec is not None and spec.origin:
                found = Dictionary(Path(spec.origin).with_name("dict.txt").read_bytes())
        except (OSError, ValueError):
            found = None
        _DICTIONARY.append(found)
    return _DICTIONARY[0]


def words(text: str) -> list[str]:
    """``jieba.cut(text, HMM=False)`` as a list."""
    jieba = sys.modules.get("jieba")
    dictionary = None
    if jieba is None or not (jieba.dt.initialized or jieba.dt.dictionary is not None):
        dictionary = _dictionary()
    if dictionary is None:
        return _jieba_words(text)
    return list(_cut(text, dictionary.prefix_freq(text), dictionary.total))


def _jieba_words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return list(jieba.cut(text, HMM=False))


def _cut(text: str, freq: dict[str, int], total: int) -> Iterator[str]:
    """Tokenizer.cut, accurate mode, HMM off."""
    for block in _RE_HAN.split(text):
        if not block:
            continue
        if _RE_HAN.match(block):
            yield from _cut_block(block, freq, total)
        else:
            for piece in _RE_SKIP.split(block):
                if _RE_SKIP.match(piece):
                    yield piece
                else:
                    yield from piece


def _cut_block(sentence: str, freq: dict[str, int], total: int) -> Iterator[str]:
    """Tokenizer.__cut_DAG_NO_HMM: the most probable route through the word DAG;
    single Latin letters and digits in a row are joined."""
    n = len(sentence)
    dag: dict[int, list[int]] = {}
    for k in range(n):  # Tokenizer.get_DAG
        ends = []
        i = k
        frag = sentence[k]
        while i < n and frag in freq:
            if freq[frag]:
                ends.append(i)
            i += 1
            frag = sentence[k:i + 1]
        dag[k] = ends or [k]
    route: dict[int, tuple[float, int]] = {n: (0, 0)}  # Tokenizer.calc
    logtotal = log(total)
    for idx in range(n - 1, -1, -1):
        route[idx] = max((log(freq.get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                         for x in dag[idx])
    x = 0
    buf = ""
    while x < n:
        y = route[x][1] + 1
        word = sentence[x:y]
        if _RE_ENG.match(word) and len(word) == 1:
            buf += word
        else:
            if buf:
                yield buf
                buf = ""
            yield word
        x = y
    if buf:
        yield buf
