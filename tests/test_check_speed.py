"""Speed work on ``check`` (issue 15) pinned without timing anything: each faster path
gives exactly what the plain one gives."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from generator.checks import similar
from generator.checks.similar import pair_overlaps, shingle_hashes, sorted_overlap


def _drafts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = [f"第{i}句：统筹推进城市管理精细化，落实第{i * 7}项责任清单。" for i in range(60)]
    return ["开头。" + "".join(rng.sample(pool, rng.randint(0, 25))) + f"地区{i}。" for i in range(n)]


@pytest.mark.parametrize("bucket_bits", [20, 4])  # 4: nearly every hash collides in the table
def test_pair_overlaps_equal_pair_by_pair(monkeypatch, bucket_bits):
    monkeypatch.setattr(similar, "BUCKET_BITS", bucket_bits)
    sets = [shingle_hashes(t) for t in _drafts(120, 15)] + [np.zeros(0, dtype=np.uint64)]
    rng = random.Random(7)
    pairs = [(i, j) for i in range(len(sets)) for j in rng.sample(range(len(sets)), 12) if i != j]
    assert len(pairs) >= 64  # the bit-set path, not the small-batch fallback
    assert pair_overlaps(sets, pairs) == [sorted_overlap(sets[i], sets[j]) for i, j in pairs]


def test_pair_overlaps_falls_back_when_rows_would_not_fit(monkeypatch):
    monkeypatch.setattr(similar, "BITSET_BYTES", 8)
    sets = [shingle_hashes(t) for t in _drafts(40, 3)]
    pairs = [(i, j) for i in range(40) for j in range(i + 1, 40)]
    assert pair_overlaps(sets, pairs) == [sorted_overlap(sets[i], sets[j]) for i, j in pairs]


def test_popcount_rows_without_bitwise_count(monkeypatch):
    words = np.random.default_rng(1).integers(0, 2 ** 63, (6, 5), dtype=np.int64).astype(np.uint64)
    expected = [sum(bin(int(v)).count("1") for v in row) for row in words]
    assert similar._popcount_rows(words).tolist() == expected
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert similar._popcount_rows(words).tolist() == expected


@pytest.mark.parametrize(("pattern", "chars"), [
    ("(?:党的)?二十大(?!代表)", "二十大"),
    ("十四五|第十四个五年规划", "十四五"),
    ("ab|ac", "a"),
    ("a+b*c{0,2}d{2}", "ad"),
    ("(?i)abc", ""),
    ("a(?i:b)c", "ac"),
    ("(?=x)y[zq]", "y"),
    ("(?>ab)c", "abc"),
    ("(", ""),  # not a pattern: no requirement
])
def test_required_chars(pattern, chars):
    from generator.checks.prefilter import required_chars

    assert required_chars(pattern) == frozenset(chars)


def test_required_chars_hold_in_every_match():
    """Property: each match of a random pattern contains the characters said to be required."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.checks.prefilter import required_chars

    atoms = st.sampled_from(["a", "b", "c", "[ab]", ".", "(?:ab|ac)", "(?:a|bc)", "b?", "c*", "a+",
                             "(?:bc){1,2}", "(?!a)", "(?<=b)", "(?:ca)?"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(atoms, min_size=1, max_size=5), st.text(alphabet="abc", max_size=12))
    def holds(parts, text):
        pattern = "".join(parts)
        need = required_chars(pattern)
        for m in re.finditer(pattern, text):
            assert need <= set(m.group(0)), (pattern, text)

    holds()


def _check_patterns() -> list[re.Pattern[str]]:
    """Every module-level pattern of the check modules (the ones Scan may be used on)."""
    import importlib

    found = []
    for name in ("dates", "form", "formulation", "levelwords", "place", "placeholder", "repetition",
                 "structure", "units", "voice"):
        module = importlib.import_module(f"generator.checks.{name}")
        for value in vars(module).values():
            values = value if isinstance(value, list) else [value]
            for v in values:
                for x in (v if isinstance(v, tuple) else (v,)):
                    if isinstance(x, re.Pattern) and x not in found:
                        found.append(x)
    return found


PATTERNS = _check_patterns()


@pytest.mark.parametrize("regex", PATTERNS, ids=lambda r: r.pattern[:30])
def test_scan_finds_what_finditer_finds(regex):
    """Property: on random text made of the pattern's own characters and some others,
    Scan(regex).finditer yields exactly the matches regex.finditer yields."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.checks.prefilter import Scan

    scan = Scan(regex)
    own = sorted({ch for ch in regex.pattern if not ch.isascii()} | set("12一十 \n。，.#*X"))

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(own), max_size=40).map("".join), st.integers(0, 5))
    def same(text, pos):
        expected = [(m.span(), m.group(0), m.groups()) for m in regex.finditer(text, pos)]
        assert [(m.span(), m.group(0), m.groups()) for m in scan.finditer(text, pos)] == expected

    same()


def test_first_class_of_a_few_patterns():
    from generator.checks.prefilter import first_class

    assert first_class("(?<![资成])本(?:区|县)").pattern == "[本]"
    assert first_class("(?:党的)?二十大").pattern == "[党二]"
    assert first_class("a*") is None  # can match empty
    assert first_class("(?i)abc") is None
    assert first_class(".x") is None
    assert first_class("[^a]b") is None


def test_copied_finds_the_same_with_and_without_the_hash_filter(monkeypatch):
    """CorpusIndex.longest visits only offsets whose shingle hash the corpus has when numpy
    is loaded; without it, every offset. Same match either way."""
    import sys
    from pathlib import Path

    from generator.checks.similar import CorpusIndex

    speeches = sorted(Path(__file__).resolve().parents[1].joinpath("speeches").glob("*.md"))
    docs = [(p.name, p.read_text("utf-8")) for p in speeches]
    index = CorpusIndex(docs[1:])
    rng = random.Random(5)
    drafts = [docs[0][1]]
    for _name, text in docs[1:6]:  # stretches of corpus text inside other words
        cut = rng.randrange(0, max(1, len(text) - 400))
        drafts.append(docs[0][1][:600] + text[cut:cut + 120] + "，" + text[cut + 200:cut + 260])
    drafts += _drafts(3, 9)

    def found(text):
        m = index.longest(text, minimum=12)
        return m and (m.source, m.length, m.start, m.end, m.count)

    with_filter = [found(t) for t in drafts]
    assert any(with_filter)
    monkeypatch.setitem(sys.modules, "numpy", None)
    assert [found(t) for t in drafts] == with_filter
