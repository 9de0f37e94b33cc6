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


# ------------------------------------------------------------------ repetition


def _reference_alike(grams):
    """The candidate search _same_idea ran before issue 15 (the oracle): a capped
    bigram index, every clause's bigrams counted against it."""
    from collections import defaultdict

    from generator.checks.repetition import INDEX_CAP, MIN_BIGRAMS, NEAR_DUPLICATE

    by_gram = defaultdict(list)
    out = []
    for j, mine in enumerate(grams):
        found = []
        if len(mine) >= MIN_BIGRAMS:
            shared = defaultdict(int)
            for g in mine:
                for i in by_gram[g]:
                    shared[i] += 1
            need = NEAR_DUPLICATE * len(mine) / 2
            found = [i for i, n in shared.items() if n >= need]
            for g in mine:
                if len(by_gram[g]) < INDEX_CAP:
                    by_gram[g].append(j)
        out.append(sorted(found))
    return out


@pytest.mark.parametrize("numpy_loaded", [True, False])
@pytest.mark.parametrize(("clauses", "alphabet"), [(40, 30), (150, 12), (600, 40)])  # 12: caps bind
def test_alike_finds_what_the_capped_index_found(monkeypatch, numpy_loaded, clauses, alphabet):
    import sys

    from generator.checks.repetition import _alike

    if not numpy_loaded:
        monkeypatch.setitem(sys.modules, "numpy", None)
    rng = random.Random(clauses + alphabet)
    pool = [chr(0x4E00 + k) + chr(0x4E00 + k + 1) for k in range(alphabet)]
    grams = [frozenset(rng.sample(pool, rng.randint(0, min(alphabet, 20)))) for _ in range(clauses)]
    grams[3] = grams[1]  # an exact repeat
    assert [sorted(x) for x in _alike(grams)] == _reference_alike(grams)


def test_repetition_findings_pinned():
    """True positives of the test drafts and a human speech, as the checker reported them
    before the speed work (one idea twice: subject pair, stock image, near-identical, identical)."""
    from pathlib import Path

    from generator.check import check_text
    from generator.checks.reading import read_draft

    root = Path(__file__).resolve().parents[1]
    expected = {
        "tests/data/check/bad_repetition.md": [
            (15, "warning", "都讲“满意度”和“考核”"), (17, "warning", "“试金石”前文已经用过"),
            (21, "warning", "几乎相同")],
        "speeches/003-06-在全县市域社会治理现代化试点工作推进会上的讲话.md": [
            (29, "error", "完全相同"), (31, "error", "完全相同"), (33, "error", "完全相同"),
            (36, "warning", "几乎相同"), (38, "warning", "几乎相同"), (39, "warning", "几乎相同"),
            (40, "warning", "几乎相同")],
    }
    for path, wanted in expected.items():
        draft = read_draft(root / path)
        found = [f for f in check_text(draft.body, meta=draft.meta) if f.category == "repetition"]
        assert [(f.line, f.severity) for f in found] == [(line, sev) for line, sev, _ in wanted], path
        assert all(w in f.advice for f, (_, _, w) in zip(found, wanted, strict=True)), path


def test_parallel_check_fails_on_a_bad_file_as_the_serial_one_does(monkeypatch, tmp_path):
    """The parent reads the drafts (for the twins) while workers check them: a file that
    cannot be read still stops the run with the serial path's message."""
    from pathlib import Path

    import generator.check as check
    from generator.errors import SpeechgenError

    data = Path(__file__).resolve().parent / "data" / "check"
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\x00\xd8" * 50 + bytes(range(256)) * 4)
    files = [data / "bad_twin_a.md", bad, data / "bad_twin_b.md"]
    with pytest.raises(SpeechgenError) as serial:
        check.check_files(files, corpus=None)
    monkeypatch.setattr(check, "PARALLEL_MIN_FILES", 2)
    with pytest.raises(SpeechgenError) as parallel:
        check.check_files(files, corpus=None)
    assert str(parallel.value) == str(serial.value)


def test_blockwise_candidates_on_column_ranks_equal_those_on_hashes():
    from generator.checks.similar import _candidates_blockwise, minhash_signatures

    sig = minhash_signatures([shingle_hashes(t) for t in _drafts(150, 21)], 192)

    def reference(floor, threshold):  # the comparison on the 64-bit values themselves
        need = int(np.ceil(floor * 192))
        counts = np.zeros(len(sig), dtype=np.int64)
        pairs = []
        for i in range(len(sig)):
            row = (sig[i + 1:] == sig[i]).sum(axis=1)
            above = row > threshold * 192
            counts[i] += above.sum()
            counts[i + 1:] += above
            hits = np.flatnonzero(row >= need)
            if len(hits) > similar.MAX_CONFIRM:
                hits = hits[np.argsort(-row[hits], kind="stable")[:similar.MAX_CONFIRM]]
            pairs += [(i, i + 1 + int(c)) for c in hits]
        return pairs, counts

    counts = np.zeros(len(sig), dtype=np.int64)
    pairs = _candidates_blockwise(sig, 0.35, (0.5, counts))
    want_pairs, want_counts = reference(0.35, 0.5)
    assert pairs == want_pairs and counts.tolist() == want_counts.tolist()
