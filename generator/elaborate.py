"""Brief-first elaboration: the brief's own items, elaborated with pack material on their subject.

Each brief measure, problem and achievement is matched to pack items by the topic
bigrams precomputed when the pack loaded (see :mod:`generator.packschema`): a matched
measure lends its lead and a few points, a matched problem a hedged description. A
pack item used this way is consumed: it never appears again as stand-alone filler, and
stand-alone items that restate a brief item or a subject already used are dropped.

:func:`meeting_pack` is the pack as one meeting sees it: filtered to the draft's voice
and level, matched to the brief, the stand-alone material ordered by the meeting's
own subject. Cached per meeting and brief, so a batch pays for it once per level.
"""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any

from generator.packs import load_pack, make_substitute
from generator.packschema import select_pack
from generator.wording import topic_bigrams

if TYPE_CHECKING:
    from generator.library import TemplateLibrary


HOST_COVERED = re.compile(r"传达|责任|一把手|压实")  # the host's own three demands say these
MIN_SHARED = 2  # topic bigrams a pack item must share with a brief item to elaborate it
RARE = 3  # a bigram found in at most this many pack points names a subject
VERBISH = frozenset("管控 格管 格落 格执 实行 推行 实施 建立 组织 全面 大力 着力 切实 有效 进一步 清理 及时 开展 加大 做好 抓好".split())
CLASH = 2  # shared bigrams that make pack praise contradict a brief problem (and back)
NEAR = 0.75  # a pack item scoring this share of the best match is on the same subject too
MATCHES = 3  # pack items at most that may elaborate one brief item (the seed picks among their material)


# how bad, not what: 扬尘管控不够到位 is not about 思想认识还不够到位
DEGREE = frozenset("不够 够到 到位 还不 不到 不足 较多 不高 不强 比较".split())


def _grams(*texts: str) -> frozenset[str]:
    return topic_bigrams("。".join(texts)) - DEGREE


def _matches(grams: frozenset[str], items: list[dict[str, Any]], taken: set[int]) -> list[dict[str, Any]]:
    """The pack items on a brief item's subject, best first: the best match (most bigrams
    shared, title counted twice) and any scoring nearly as well. All are consumed; the seed
    then picks among their leads and points, so two districts do not elaborate alike."""
    scored = []
    for i, item in enumerate(items):
        if i in taken:
            continue
        score = 2 * len(grams & item["_grams"]) + len(grams & item.get("_all_grams", item["_grams"]))
        if score >= 2 * MIN_SHARED:
            scored.append((-score, i))
    if not scored:
        return []
    scored.sort()
    best = -scored[0][0]
    first = items[scored[0][1]]["_grams"]  # a near match is on the best match's subject too
    chosen = [i for s, i in scored[:MATCHES]
              if i == scored[0][1] or (-s >= best * NEAR and len(items[i]["_grams"] & first) > MIN_SHARED)]
    taken.update(chosen)
    return [items[i] for i in chosen]


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
        matches = _matches(grams, pack["measures"], measures_taken)
        extra: list[str] = []
        lead: list[str] = []
        mine = [_grams(p) for p in m["points"]]
        title_grams = topic_bigrams(m["title"])
        for rank, match in enumerate(matches):  # the best match's material first, then the near ones'
            said = [topic_bigrams(x) for x in extra] if rank else []  # a near match adds, never repeats
            extra += [p for p in match["points"] if p not in extra and not _restates_any(p, said)
                      and not _restates_any(p, mine) and not _restates_title(p, title_grams)]
            if voice == "directive":
                lead += [s for s in match.get("lead") or [] if s not in lead]
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
            for match in _matches(grams, pack["problems"], problems_taken):
                hedge += [s for s in match.get("detail") or [] if s not in hedge]
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


# ------------------------------------------------------------ the pack for one meeting

def _deep_substitute(value: Any, substitute) -> Any:
    if isinstance(value, str):
        return substitute(value)
    if isinstance(value, list):
        return [_deep_substitute(v, substitute) for v in value]
    if isinstance(value, dict):
        return {k: _deep_substitute(v, substitute) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=256)
def _pack_for(dirs: TemplateLibrary, topic: str, words: tuple[tuple[str, str], ...]) -> dict:
    pack = load_pack(dirs, topic)
    return _deep_substitute(pack, make_substitute(dict(words)))


@functools.lru_cache(maxsize=1024)
def _selected(dirs: TemplateLibrary, topic: str, words: tuple[tuple[str, str], ...], voice: str,
              level: str, villages: bool, stage: bool) -> dict[str, Any]:
    """The pack as drafts of this voice and level may use it. Cached: a batch asks the
    same question for every district."""
    return select_pack(_pack_for(dirs, topic, words), voice, level, villages, stage)


@functools.lru_cache(maxsize=1024)
def meeting_pack(dirs: TemplateLibrary, topic: str, words: tuple[tuple[str, str], ...], voice: str, level: str,
             villages: bool, stage: bool, title: str, facts: str) -> tuple[dict[str, Any], tuple[list, list]]:
    """The pack for one meeting and brief, with the brief's items matched to it (see
    :mod:`generator.elaborate`) and the stand-alone material ordered. Cached: a batch
    renders one brief for many districts of a level. Callers must not mutate the result."""
    pack = _selected(dirs, topic, words, voice, level, villages, stage)
    measures_, problems_, achievements, targets = json.loads(facts)
    planned = plan({"measures": measures_, "problems": problems_, "achievements": achievements,
                    "targets": targets}, pack, voice)
    # pack measures on the brief's problems lead (问题导向), then those on the meeting's subject
    focus = "。".join([title, *(p["title"] for p in problems_)])
    on_subject = [m for m in planned["pack_measures"] if not _off_subject(title, m["title"])]
    topic_words = "。".join(str(pack.get(k, "")) for k in ("name", "work", "short", "cause"))
    measures, m_pref = _by_relevance(on_subject, focus, topic_words)
    problems, p_pref = _by_relevance(planned["pack_problems"], title, topic_words)
    pack = {**pack, "measures": measures, "measures_preferred": m_pref,
            "problems": problems, "problems_preferred": p_pref,
            "achievements": planned["pack_praise"],
            # the host's own demands already cover conveying the meeting and duty
            "host": [h for h in pack["host"] if not HOST_COVERED.search(h)]}
    return pack, (planned["measures"], planned["problems"])


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        return "".join(_item_text(v) for k, v in item.items() if not str(k).startswith("_"))
    if isinstance(item, list):
        return "".join(_item_text(v) for v in item)
    return str(item)


MEETING_WORDS = re.compile(
    r"全(?:市|区|县|镇|乡|街道|社区)|"
    r"动员部署会|总结部署会|总结表彰大会|推进大会|推进会|座谈会|部署会|现场会|大会|会议|"
    r"攻坚行动|专项行动|行动|工作|动员|部署|总结|表彰|半年|下半年|暨")


def _by_relevance(items: list[Any], meeting_title: str, topic: str = "") -> tuple[list[Any], int]:
    """Items that speak to the meeting's own subject first (大气 in 大气污染防治攻坚会).

    A meeting-title bigram counts when it is distinctive inside the pack (found in
    at most a third of the items), the rarer the more; the items scoring at least half
    the best score lead. Returns the reordered list and how many lead it.
    """
    if not items:
        return items, 0
    texts = [_item_text(i) for i in items]
    subject = MEETING_WORDS.sub("。", meeting_title)  # 全县大气污染防治攻坚行动动员部署会 → 大气污染防治
    # a title that only names the pack's own topic (创建全国文明城市) prefers nothing
    df = {g: sum(g in t for t in texts) for g in topic_bigrams(subject) - topic_bigrams(topic)}
    wanted = {g: 1 / n for g, n in df.items() if 0 < n <= max(1, len(texts) // 3)}
    if not wanted:
        return items, 0
    scores = [sum(w for g, w in wanted.items() if g in t) for t in texts]
    best = max(scores)
    order = sorted(range(len(items)), key=lambda i: -scores[i])  # stable: pack order within a score
    lead = [i for i in order if scores[i] >= best / 2]
    rest = [i for i in range(len(items)) if scores[i] < best / 2]
    return [items[i] for i in lead + rest], len(lead)


RURAL = re.compile(r"农村|乡村|村庄|美丽乡村")
URBAN = re.compile(r"小区|城区|街巷|城市|街区|市政")


def _off_subject(meeting_title: str, item_title: str) -> bool:
    """A 农村人居环境 meeting has no 老旧小区 measure, and a city one no 村庄 measure."""
    if RURAL.search(meeting_title):
        return bool(URBAN.search(item_title))
    if URBAN.search(meeting_title):
        return bool(RURAL.search(item_title) or "农" in item_title)
    return False
