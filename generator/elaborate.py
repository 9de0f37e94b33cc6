"""Brief-first elaboration: the brief's own items, elaborated with pack material on their subject.

Each brief measure, problem and achievement is matched to pack items by the topic
bigrams precomputed when the pack loaded (see :mod:`generator.packschema`): a matched
measure lends its lead and a few points, a matched problem a hedged description. A
pack item used this way is consumed: it never appears again as stand-alone filler, and
stand-alone items that restate a brief item or a subject already used are dropped.
"""

from __future__ import annotations

from typing import Any

from generator.wording import topic_bigrams

MIN_SHARED = 2  # topic bigrams a pack item must share with a brief item to elaborate it
RARE = 3  # a bigram found in at most this many pack points names a subject
VERBISH = frozenset("管控 格管 格落 格执 实行 推行 实施 建立 组织 全面 大力 着力 切实 有效 进一步 清理 及时 开展 加大 做好 抓好".split())
CLASH = 2  # shared bigrams that make pack praise contradict a brief problem (and back)


def _grams(*texts: str) -> frozenset[str]:
    return topic_bigrams("。".join(texts))


def _best(grams: frozenset[str], items: list[dict[str, Any]], taken: set[int]) -> dict[str, Any] | None:
    """The pack item sharing most bigrams with a brief item (title counted twice)."""
    best, best_score = None, 0
    for i, item in enumerate(items):
        if i in taken:
            continue
        score = 2 * len(grams & item["_grams"]) + len(grams & item.get("_all_grams", item["_grams"]))
        if score > best_score:
            best, best_score = i, score
    if best is None or best_score < 2 * MIN_SHARED:
        return None
    taken.add(best)
    return items[best]


def _restates_any(text: str, grams: list[frozenset[str]]) -> bool:
    """A pack point that says again what a brief point says (推行街长制 twice)."""
    mine = topic_bigrams(text)
    return any(len(mine & g) >= MIN_SHARED for g in grams)


def _restates_title(text: str, title: frozenset[str]) -> bool:
    """A pack point that is the brief measure again (实行路长制或街长制 beside 推行街长制)."""
    return len(title) >= 2 and len(topic_bigrams(text) & title) * 2 >= len(title)


def _points_about(grams: frozenset[str], items: list[dict[str, Any]], taken: set[int]) -> list[str]:
    """Points of other pack measures that share a subject bigram with a brief measure, best first."""
    points = [(i, p) for i, item in enumerate(items) for p in item["points"]]
    df: dict[str, int] = {}
    for _, p in points:
        for g in topic_bigrams(p) & grams:
            df[g] = df.get(g, 0) + 1
    rare = {g for g, n in df.items() if n <= RARE and g not in VERBISH}  # 秸秆 names a subject
    scored = [(-len(topic_bigrams(p) & rare), p) for i, p in points
              if i not in taken and topic_bigrams(p) & rare]
    return [p for _, p in sorted(scored)[:3]]


def plan(base: dict[str, Any], pack: dict[str, Any], voice: str) -> dict[str, Any]:
    """Brief items with their elaboration, and the pack lists left for stand-alone use."""
    measures_taken: set[int] = set()
    problems_taken: set[int] = set()
    brief_grams = frozenset()
    measures = []
    for m in base["measures"]:
        grams = _grams(m["title"], *m["points"])
        brief_grams |= grams
        match = _best(grams, pack["measures"], measures_taken)
        extra: list[str] = []
        lead: list[str] = []
        mine = [_grams(p) for p in m["points"]]
        title_grams = topic_bigrams(m["title"])
        if match is not None:
            extra = [p for p in match["points"] if not _restates_any(p, mine) and not _restates_title(p, title_grams)]
            lead = list(match.get("lead") or []) if voice == "directive" else []
        if len(extra) < 2:  # no pack measure on this subject: borrow points that are (秸秆 → 秸秆禁烧)
            extra += [p for p in _points_about(grams, pack["measures"], measures_taken)
                      if p not in extra and not _restates_any(p, mine) and not _restates_title(p, title_grams)]
        measures.append({**m, "lead": lead, "extra": extra})
    problems = []
    problem_grams = frozenset()
    for p in base["problems"]:
        grams = _grams(p["title"], p["detail"])
        problem_grams |= grams  # a measure answering a brief problem is wanted, not a restatement
        hedge: list[str] = []
        if not p["detail"] and voice == "directive":
            match = _best(grams, pack["problems"], problems_taken)
            hedge = list(match.get("detail") or []) if match else []
        problems.append({**p, "hedge": hedge})
    praise_grams = frozenset()
    for a in base["achievements"]:
        praise_grams |= _grams(a["title"], a["detail"])
    for t in base["targets"]:
        brief_grams |= _grams(t["text"])

    standalone = [m for i, m in enumerate(pack["measures"])
                  if i not in measures_taken and len(m["_grams"] & brief_grams) < MIN_SHARED]
    typical = [p for i, p in enumerate(pack["problems"])
               if i not in problems_taken and len(p["_grams"] & praise_grams) < CLASH]
    praise = [s for s in pack["achievements"] if len(topic_bigrams(s) & problem_grams) < CLASH]
    return {
        "measures": measures,
        "problems": problems,
        "pack_measures": _distinct(standalone),
        "pack_problems": typical,
        "pack_praise": praise,
    }


def _distinct(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One pack item per subject: a later item whose tags or title repeat an earlier one's goes."""
    seen: set[str] = set()
    out = []
    for item in items:
        subjects = set(item.get("_subjects") or ())
        if subjects & seen:
            continue
        seen |= subjects
        out.append(item)
    return out


def brief_share(text: str, brief_texts: list[str]) -> float:
    """Characters of ``text`` that come from the brief (for before/after measurement)."""
    if not text:
        return 0.0
    covered = sum(len(t) for t in brief_texts if t and t in text)
    return min(1.0, covered / len(text))
