"""Speed work (issue 15) without timing anything: the exact twin check of a batch gives
the same answer as comparing every pair, and its work grows linearly in Python steps;
trusted built-in templates render the same bytes as the sandbox."""

from __future__ import annotations

import random

import numpy as np
import pytest

from generator.batch import SIMILAR, ExactJaccard, Similarity
from generator.checks.similar import shingle_hashes


def reference(labels: list[str], sets: list[np.ndarray]):
    """The pair-by-pair frozenset loop the batch used before (kept here as the oracle)."""
    best, similar, items = None, [], []
    for label, hashes in zip(labels, sets, strict=True):
        mine = frozenset(hashes.tolist())
        for other, theirs in items:
            common = len(mine & theirs)
            union = len(mine) + len(theirs) - common
            value = common / union if union else 1.0
            if best is None or value > best[0]:
                best = (value, other, label)
            if value > SIMILAR:
                similar.append((value, other, label))
        items.append((label, mine))
    return best, similar


def texts(n: int, seed: int) -> list[str]:
    """Drafts that share a skeleton and differ in picked sentences: many pairs near 0.5,
    exact copies (ties), an empty text and a very short one."""
    rng = random.Random(seed)
    pool = [f"第{i}句：统筹推进城市管理精细化，落实第{i * 7}项责任清单。" for i in range(60)]
    out = []
    for i in range(n):
        if i % 11 == 5:
            out.append(out[i - 3])  # an exact copy
        elif i == 7:
            out.append("")
        elif i == 9:
            out.append("短")
        else:
            out.append("开头。" + "".join(rng.sample(pool, rng.randint(5, 25))) + f"地区{i}。")
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_similarity_matches_pair_by_pair_loop(seed):
    drafts = texts(70, seed)
    labels = [f"区{i}" for i in range(len(drafts))]
    sets = [shingle_hashes(t, 5) for t in drafts]
    sim = Similarity(True, len(sets))
    for label, hashes in zip(labels, sets, strict=True):
        sim.add(label, hashes)
    best, similar = reference(labels, sets)
    assert sim.best == best  # same value, same pair: the first maximum in input order
    assert sim.similar == similar and similar  # same warnings, same order
    assert sim.describe()[0].startswith("各稿之间的最高相似度")


def test_exact_similarity_with_no_shared_text_and_with_two_empty_drafts():
    for drafts in (["甲乙丙丁戊己", "庚辛壬癸子丑"], ["", ""], ["", "一二三四五六"]):
        labels = ["a", "b"]
        sets = [shingle_hashes(t, 5) for t in drafts]
        sim = Similarity(True, 2)
        for label, hashes in zip(labels, sets, strict=True):
            sim.add(label, hashes)
        assert (sim.best, sim.similar) == reference(labels, sets)


def test_exact_check_work_grows_linearly_not_per_pair():
    """The cliff was a Python loop over every pair (45,000 at 300 drafts). Now each draft
    costs one vectorised lookup and each block of rows one vectorised popcount: the
    number of Python-level steps is linear in the number of drafts."""
    steps = {}
    for n in (64, 128, 256):
        exact = ExactJaccard()
        for t in texts(n, 5):
            exact.add(shingle_hashes(t, 5))
        exact.jaccard()
        steps[n] = exact.steps
        assert exact.steps == n + -(-n // ExactJaccard.BLOCK)
    assert steps[256] / steps[128] == steps[128] / steps[64] == 2
