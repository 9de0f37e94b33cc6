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


# Caches that outlive one draft (a batch renders thousands with the same packs). Each is a
# plain dict looked up once per item, not an lru_cache keyed by the patterns: hashing a
# tuple of patterns on every lookup cost more than the check it saved. Bounded: a table
# is dropped and rebuilt between drafts once it grows past _TABLE_LIMIT entries.
_TABLE_LIMIT = 50_000
_STR_STATIC: dict[Any, dict[str, tuple[bool, frozenset[str], frozenset[str]]]] = {}
_ITEM_STATIC: dict[Any, dict[int, tuple[Any, tuple[bool, frozenset[str], frozenset[str]]]]] = {}
_PREPARED: dict[tuple[int, bool, tuple[str, ...]], tuple[list[str], list[str]]] = {}
_VOICES: dict[tuple[Any, str], Sequence[str]] = {}


def _table(store: dict[Any, Any], key: Any) -> dict[Any, Any]:
    table = store.get(key)
    if table is None or len(table) > _TABLE_LIMIT:
        table = store[key] = {}
    return table


_PLAIN_TEXT: dict[str, dict[str, tuple[str, frozenset[str], frozenset[str]]]] = {}


@functools.lru_cache(maxsize=32768)
def _idioms(text: str) -> frozenset[str]:
    """A wording's idiom grams less the plain words, which the idiom rule ignores."""
    return phrase_grams(text, IDIOM) - PLAIN_WORDS


def same_text(text: str) -> str:
    """The default substitute: wording read as written."""
    return text


def _prepared(pool: list[str], single: bool, avoid: tuple[str, ...]) -> list[str]:
    """A pool without wording that avoids a word (when anything is left) and, for a single
    item, without list lead-ins: the same for every draft, so computed once per pool."""
    key = (id(pool), single, avoid)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0] is pool:  # the pool itself is kept, so its id stays its own
        return hit[1]
    out = pool
    if avoid:
        out = [p for p in out if not any(a in p for a in avoid)] or out
    if single:
        out = [p for p in out if not LIST_CUE.search(p)] or out
    if len(_PREPARED) > _TABLE_LIMIT:
        _PREPARED.clear()
    _PREPARED[key] = (pool, out)
    return out


class Variation:
    def __init__(self, seed: int, pools: dict[str, list[str]],
                 substitute: Callable[[str], str] = same_text, *, voice: str = "",
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
        # wording with tokens filled, and its phrase and idiom grams: the same for every
        # render of one draft
        self._words: dict[str, tuple[str, frozenset[str], frozenset[str]]] = \
            self.memo.setdefault("\x00words", {})  # type: ignore[assignment]
        # what never changes about an item, shared by every draft with the same rules
        self._str_static = _table(_STR_STATIC, (self.banned, once))
        self._item_static = _table(_ITEM_STATIC, once)
        self.recent: deque[frozenset[str]] = deque(maxlen=NEIGHBOURS)  # idiom grams, last picks
        self._near: frozenset[str] | None = None  # …their union, until the next pick
        # wording without {tokens} reads the same in every draft when the substitute only
        # fills tokens (make_substitute's, or none): its grams are shared across drafts
        self._plain = _table(_PLAIN_TEXT, "") if (
            substitute is same_text or getattr(substitute, "tokens_only", False)) else {}

    def _fresh(self, items: Sequence[Any], key: Callable[[Any], str] | None = None) -> list[Any]:
        """Items not used yet, not banned, not saying a once-per-draft word again and (titled
        measures, 保障 items) not restating an earlier title (强化宣传舆论引导 after 深化宣传引导).
        ``key`` None: the item is its own key (wording)."""
        used, seen, headings = self.used, self.seen, self.headings
        strs, static = self._str_static, self._static
        out = []
        for i in items:
            if (i if key is None else key(i)) in used:
                continue
            found = strs.get(i) if i.__class__ is str else None
            banned, subjects, title = found if found is not None else static(i)
            if banned or (subjects and not subjects.isdisjoint(seen)) or (title and len(title & headings) >= 2):
                continue
            out.append(i)
        return out

    def _static(self, item: Any) -> tuple[bool, frozenset[str], frozenset[str]]:
        """What never changes about an item within one draft: banned?, once-words, title bigrams.

        Kept across drafts with the same banned words and once-words: wording by its text,
        a pack item (a dict, never changed once loaded) by identity — the table keeps the
        item, so its id cannot pass to another object while the entry lives."""
        if not isinstance(item, dict):
            text = item if isinstance(item, str) else str(item)
            found = self._str_static.get(text)
            if found is None:
                found = self._str_static[text] = _static_text(self.banned, self.once, text)
            return found
        hit = self._item_static.get(id(item))
        if hit is not None and hit[0] is item:
            return hit[1]
        from generator.wording import topic_bigrams

        text = "".join(str(item.get(k, "")) for k in ("title", "lead", "body", "detail"))
        title = topic_bigrams(str(item["title"])) if _is_task(item) else frozenset()
        subjects = _found(self.once, text) if self.once is not None else frozenset()
        found = (False, subjects, title)
        self._item_static[id(item)] = (item, found)
        return found

    def _subjects(self, item: Any) -> frozenset[str]:
        """The once-per-draft words an item says (a measure: its title and lead, not its points)."""
        found = self._str_static.get(item) if item.__class__ is str else None
        return (found or self._static(item))[1]

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
        plain, words, word, emitted = self._plain, self._words, self._word, self.emitted
        clean, idioms = [], []
        for i in items:
            _, grams, idiom = plain.get(i) or words.get(i) or word(i)
            if grams.isdisjoint(emitted):
                clean.append(i)
                idioms.append(idiom)
        if not clean:
            return items
        near = self._near
        if near is None:  # the recent picks' idiom grams, plain words already left out
            near = self._near = frozenset().union(*self.recent)
        cleaner = [i for i, idiom in zip(clean, idioms, strict=True) if idiom.isdisjoint(near)]
        # the idiom rule may not narrow a large pool to a single candidate, or every
        # district would get the same sentence
        if len(cleaner) >= 3 or (cleaner and len(clean) < 4):
            return cleaner
        return clean or items

    def _word(self, item: str) -> tuple[str, frozenset[str], frozenset[str]]:
        """The wording as it will read in this draft (tokens filled) and its phrase and
        idiom grams, computed once per draft."""
        found = self._plain.get(item) or self._words.get(item)
        if found is None:
            text = self.substitute(item)
            # idioms are the pool's own words: filled {tokens} (生态环境保护工作) are not stock phrases
            found = (text, phrase_grams(text), _idioms(item))
            if "{" not in item and text is item:
                self._plain[item] = found
            else:
                self._words[item] = found
        return found

    def _text(self, item: str) -> str:
        """The wording as it will read in this draft (tokens filled), computed once."""
        return self._word(item)[0]

    def _emit(self, chosen: Sequence[Any]) -> None:
        self._mark(chosen)
        for item in chosen:
            if isinstance(item, str):
                _, grams, idiom = self._word(item)
                self.emitted |= grams
                self.recent.append(idiom)
                self._near = None

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
        if self.voice and self.pool_voices is not None and self.voice not in self._voices(name):
            raise TemplateError(f"措辞池“{name}”不适用于本类讲话的语气（{self.voice}），请在 kinds.yaml 的 pools 中声明。")
        pool = _prepared(pool, items == 1, tuple(avoid))  # type: ignore[arg-type]
        fresh = self._unrepeated(self._fresh(pool) or list(pool))  # never a gap
        chosen = self.rng.sample(fresh, min(max(n, 0), len(fresh)))
        self.used.update(chosen)
        self._emit(chosen)
        return [self._text(c) for c in chosen]

    def _voices(self, name: str) -> Sequence[str]:
        key = (self.pool_voices, name)
        found = _VOICES.get(key)
        if found is None:
            assert self.pool_voices is not None
            if len(_VOICES) > _TABLE_LIMIT:
                _VOICES.clear()
            found = _VOICES[key] = self.pool_voices(name)
        return found

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

        themes: dict[int, frozenset[str]] = {}  # by identity: items may be unhashable dicts

        def theme(item: T) -> frozenset[str]:
            found = themes.get(id(item))
            if found is None:
                title = item.get("title", "") if isinstance(item, dict) else item
                found = themes[id(item)] = frozenset(topic_bigrams(str(title)))
            return found

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
        # computed here, not through _static: the title+lead dict is a throwaway, and the
        # cross-draft table would only keep every such dict alive for the whole batch
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
