"""Seeded phrase choice: same brief, same words; other district, other words.

All randomness flows through one ``random.Random`` made from the brief's seed;
the global ``random`` module is never touched. A phrase once used is not used
again in the same draft, so no stock sentence repeats.
"""

from __future__ import annotations

import functools
import random
import re
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from generator.errors import TemplateError

T = TypeVar("T")
PHRASE = 7  # characters of running Chinese that count as "the same phrase again" in a draft
IDIOM = 4  # …and as "the same stock phrase again" within a few neighbouring picks (全力以赴)
NEIGHBOURS = 3
# bigrams too broad to say what a praise is about (城市照明 and 城市防涝 are different things)
BROAD = frozenset("城市 社区 群众 环境 文明 生态 建设 工作 问题 更加 有所 逐步 不断 持续".split())
# four-character words a meeting speech says again and again without sounding stock
PLAIN_WORDS = frozenset("会议精神 会议部署 贯彻落实 抓好落实 各项任务 工作任务 会议要求 主要负责 负责同志 各项工作 认真学习 学习领会 各单位要".split())
LIST_CUE = re.compile(r"以下|几个方面|几点|几项|几件|主要有|[是在有]：$|[：:]$")
_RUNS = re.compile(r"[\u4e00-\u9fff]+")


@functools.lru_cache(maxsize=16384)
def phrase_grams(text: str, k: int = PHRASE) -> frozenset[str]:
    """Every k-character stretch of Chinese in a piece of wording (punctuation breaks runs)."""
    return frozenset(run[i:i + k] for run in _RUNS.findall(text) for i in range(len(run) - k + 1))


def item_key(item: Any) -> str:
    """What makes an item "the same one" in a draft: a titled item's title, else its text."""
    if isinstance(item, dict) and item.get("title"):
        return "\x00" + str(item["title"])
    return item if isinstance(item, str) else str(item)


def _is_task(item: Any) -> bool:
    """A titled pack measure, 保障 item or stock problem: once one has said 占道经营疏堵失衡,
    no later title says 疏堵结合治摊 again (the brief's own problems are not pack items)."""
    return isinstance(item, dict) and bool(item.get("title")) and any(k in item for k in ("points", "body", "detail"))


@functools.lru_cache(maxsize=65536)
def _found(pattern: re.Pattern[str], text: str) -> frozenset[str]:
    return frozenset(pattern.findall(text))


@functools.lru_cache(maxsize=65536)
def _static_text(banned: tuple[re.Pattern[str], ...], once: re.Pattern[str] | None,
                 text: str) -> tuple[bool, frozenset[str], frozenset[str]]:
    """A wording's banned? and once-words (banned words never come from {tokens})."""
    return (bool(banned) and _hits(banned, text), _found(once, text) if once is not None else frozenset(),
            frozenset())


@functools.lru_cache(maxsize=65536)
def _hits(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


class Variation:
    def __init__(self, seed: int, pools: dict[str, list[str]],
                 substitute: Callable[[str], str] = lambda s: s, *, voice: str = "",
                 pool_voices: Callable[[str], Sequence[str]] | None = None,
                 banned: Sequence[re.Pattern[str]] = (), once: re.Pattern[str] | None = None,
                 seen: frozenset[str] = frozenset(), headings: frozenset[str] = frozenset(),
                 memo: dict[Any, Any] | None = None):
        self.rng = random.Random(seed)
        self.once = once  # stock images and subjects said at most once per draft (试金石, 垃圾分类)
        self.seen: set[str] = set(seen)  # …those said so far, the brief's own subjects included
        self.headings: set[str] = set(headings)  # topic bigrams of the titles used so far
        self.memo = {} if memo is None else memo  # once-words of pack items, shared by one draft's renders
        self.voice = voice
        self.pool_voices = pool_voices
        self.banned = tuple(banned)  # wording this draft may not use (村 in a street, 冲刺 far from a deadline)
        self.pools = pools
        self.substitute = substitute
        self.used: set[str] = set()
        self.praised: set[str] = set()  # topic bigrams of what the draft has praised
        self.praised_subjects: set[str] = set()  # …and of what each praise is about
        self.emitted: set[str] = set()  # phrase grams of the wording chosen so far
        # wording with tokens filled: the same for every render of one draft
        self._texts: dict[str, str] = self.memo.setdefault("\x00texts", {})  # type: ignore[assignment]
        self.recent: deque[frozenset[str]] = deque(maxlen=NEIGHBOURS)  # idiom grams, last picks

    def _fresh(self, items: Sequence[Any], key: Callable[[Any], str]) -> list[Any]:
        """Items not used yet, not banned, not saying a once-per-draft word again and (titled
        measures, 保障 items) not restating an earlier title (强化宣传舆论引导 after 深化宣传引导)."""
        used, seen, headings = self.used, self.seen, self.headings
        out = []
        for i in items:
            if key(i) in used:
                continue
            banned, subjects, title = self._static(i)
            if banned or (subjects and not subjects.isdisjoint(seen)) or (title and len(title & headings) >= 2):
                continue
            out.append(i)
        return out

    def _static(self, item: Any) -> tuple[bool, frozenset[str], frozenset[str]]:
        """What never changes about an item within one draft: banned?, once-words, title bigrams."""
        if not isinstance(item, dict):
            return _static_text(self.banned, self.once, item if isinstance(item, str) else str(item))
        key = id(item)
        hit = self.memo.get(key)
        found = hit[1] if hit is not None and hit[0] is item else None
        if found is None:
            from generator.wording import topic_bigrams

            text = "".join(str(item.get(k, "")) for k in ("title", "lead", "body", "detail"))
            title = topic_bigrams(str(item["title"])) if _is_task(item) else frozenset()
            subjects = _found(self.once, text) if self.once is not None else frozenset()
            found = (False, subjects, title)
            self.memo[key] = (item, found)
        return found

    def _subjects(self, item: Any) -> frozenset[str]:
        """The once-per-draft words an item says (a measure: its title and lead, not its points)."""
        return self._static(item)[1]

    def _mark(self, chosen: Sequence[Any]) -> None:
        for item in chosen:
            _, subjects, title = self._static(item)
            self.seen |= subjects
            self.headings |= title

    def _banned(self, item: Any) -> bool:
        return self._static(item)[0]

    def _unrepeated(self, items: list[str]) -> list[str]:
        """Stock wording that would not repeat a phrase already in the draft (推动…工作
        twice), unless every candidate would. Topic-pack content is left to chance:
        narrowing it would make districts' drafts more alike."""
        clean = [i for i in items if phrase_grams(self._text(i)).isdisjoint(self.emitted)]
        near = frozenset().union(*self.recent) - PLAIN_WORDS
        # idioms are the pool's own words: filled {tokens} (生态环境保护工作) are not stock phrases
        cleaner = [i for i in clean if phrase_grams(i, IDIOM).isdisjoint(near)]
        # the idiom rule may not narrow a large pool to a single candidate, or every
        # district would get the same sentence
        if len(cleaner) >= 3 or (cleaner and len(clean) < 4):
            return cleaner
        return clean or items

    def _text(self, item: str) -> str:
        """The wording as it will read in this draft (tokens filled), computed once."""
        text = self._texts.get(item)
        if text is None:
            text = self._texts[item] = self.substitute(item)
        return text

    def _emit(self, chosen: Sequence[Any]) -> None:
        self._mark(chosen)
        for item in chosen:
            if isinstance(item, str):
                text = self._text(item)
                self.emitted |= phrase_grams(text)
                self.recent.append(phrase_grams(item, IDIOM))

    def pick(self, name: str, items: int | None = None, avoid: Sequence[str] = ()) -> str:
        """One phrase from the named pool, never one already used in this draft.

        ``items`` is the length of the list the phrase introduces: a lead-in that
        announces a list (以下几个方面, 主要有：) is not used for a single item; wording
        with a word from ``avoid`` (针对存在的问题 when no problem was named) only if nothing else fits.
        """
        return self.sample(name, 1, items, avoid)[0] if self.pools.get(name) else self._missing(name)

    def sample(self, name: str, n: int, items: int | None = None, avoid: Sequence[str] = ()) -> list[str]:
        pool = self.pools.get(name)
        if not pool:
            self._missing(name)
        if self.voice and self.pool_voices is not None and self.voice not in self.pool_voices(name):
            raise TemplateError(f"措辞池“{name}”不适用于本类讲话的语气（{self.voice}），请在 kinds.yaml 的 pools 中声明。")
        if avoid:
            pool = [p for p in pool if not any(a in p for a in avoid)] or pool
        if items == 1:
            pool = [p for p in pool if not LIST_CUE.search(p)] or pool
        fresh = self._unrepeated(self._fresh(pool, lambda s: s) or list(pool))  # never a gap
        chosen = self.rng.sample(fresh, min(max(n, 0), len(fresh)))
        self.used.update(chosen)
        self._emit(chosen)
        return [self._text(c) for c in chosen]

    def choose(self, items: Sequence[T], n: int = 1, key: Callable[[T], str] | None = None, *,
               wording: bool = False) -> list[T]:
        """Up to n items not used before in this draft (e.g. topic-pack measures), order kept.

        When a pool runs dry the draft gets fewer items rather than a repeat.
        ``wording=True`` marks exhortation-like pools (closings), where avoiding a
        repeated phrase matters more than spread.
        """
        if not items or n <= 0:
            return []
        key = key or item_key
        if wording:  # one at a time, so each pick also avoids the ones just made
            chosen = []
            for _ in range(n):
                chosen += self.choose(self._unrepeated(self._fresh(items, key)), 1, key)
            return chosen
        fresh = self._fresh(items, key)
        indices = sorted(self.rng.sample(range(len(fresh)), min(n, len(fresh))))
        chosen = [fresh[i] for i in indices]
        self.used.update(key(c) for c in chosen)
        self._emit(chosen)
        return chosen

    def praise(self, items: Sequence[str]) -> Sequence[str]:
        """Remember what the draft praises, so a problem picked later does not contradict it."""
        from generator.wording import topic_bigrams

        for item in items:
            self.praised |= topic_bigrams(str(item))
            # what the praise is about: its first clause (停车秩序治理有序推进 → 停车)
            self.praised_subjects |= topic_bigrams(re.split(r"[，。；]", str(item))[0]) - BROAD
        return items

    def choose_prefer(self, items: Sequence[T], n: int, preferred: int,
                      key: Callable[[T], str] | None = None) -> list[T]:
        """Up to n unused items, picked so that the draft reads as a plan, not a list:

        - the first ``preferred`` items (on the meeting's own subject) before the rest;
        - items whose title contradicts something praised (志愿服务 praised, then
          志愿服务活力不足 as a problem) only when nothing else is left;
        - no two picks on the same theme (长效机制 and 常态巡检 both "守住创建成果")
          while items on other themes remain.
        Within a tier the seed decides the order, so districts differ in order as well as choice.
        """
        from generator.wording import topic_bigrams

        def theme(item: T) -> frozenset[str]:
            title = item.get("title", "") if isinstance(item, dict) else item
            return frozenset(topic_bigrams(str(title)))

        def clashes(item: T) -> bool:
            mine = theme(item)
            return len(mine & self.praised) >= 2 or bool(mine & self.praised_subjects)

        if n <= 0:
            return []
        key = key or item_key
        ranked = [list(items[:preferred]), list(items[preferred:])]
        tiers = [[i for i in group if not clashes(i)] for group in ranked]
        tiers.append([i for group in ranked for i in group if clashes(i)])
        tiers = [self.shuffle(self._fresh(t, key)) for t in tiers]
        covered: set[str] = set()
        picked: list[tuple[int, int, T]] = []
        for distinct in (True, False):
            for rank, tier in enumerate(tiers):
                for position, item in enumerate(tier):
                    if len(picked) == n:
                        break
                    if any(p[2] is item for p in picked) or (distinct and theme(item) & covered):
                        continue
                    covered |= theme(item)
                    picked.append((rank, position, item))
        chosen = [p[2] for p in sorted(picked, key=lambda p: (p[0], p[1]))]
        self.used.update(key(c) for c in chosen)
        self._emit(chosen)
        return chosen

    def points(self, measure: dict[str, Any], n: int) -> list[str]:
        """Up to n points of a chosen pack measure: its own subject is allowed, others said before are not."""
        # not through _static: its memo is keyed by id(), and a throwaway dict's id is reused
        # by the next one, which then got this measure's words (output varied with render order)
        text = "".join(str(measure.get(k, "")) for k in ("title", "lead"))
        own = _found(self.once, text) if self.once is not None else frozenset()
        saved, self.seen = self.seen, self.seen - own
        try:  # the seed picks which; the pack's order stays (survey before action, rule before penalty)
            return self.choose(measure.get("points") or [], n)
        finally:
            self.seen |= saved

    def elaborate(self, items: Sequence[str], n: int) -> list[str]:
        """Pack points that elaborate a brief item: on the brief's own subject by design."""
        saved, self.seen = self.seen, set()
        try:
            return self.choose(items, n)
        finally:
            self.seen |= saved

    def one(self, options: Sequence[str]) -> str:
        """One of a few inline alternatives, avoiding repeats where possible (the item itself
        was chosen already, so its once-per-draft words are its own)."""
        options = [o for o in options if not (self._subjects(o) & self.seen)] or list(options)
        saved, self.seen = self.seen, set()
        try:
            chosen = self.choose(self._unrepeated(options), 1)
        finally:
            self.seen |= saved
        return self.substitute(chosen[0]) if chosen else ""

    def shuffle(self, items: Sequence[T]) -> list[T]:
        out = list(items)
        self.rng.shuffle(out)
        return out

    def _missing(self, name: str) -> Any:
        raise TemplateError(f"模板引用了不存在的措辞池“{name}”。")
