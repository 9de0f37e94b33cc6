"""Seeded phrase choice: same brief, same words; other district, other words.

All randomness flows through one ``random.Random`` made from the brief's seed;
the global ``random`` module is never touched. A phrase once used is not used
again in the same draft, so no stock sentence repeats.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from generator.errors import TemplateError

T = TypeVar("T")


class Variation:
    def __init__(self, seed: int, pools: dict[str, list[str]],
                 substitute: Callable[[str], str] = lambda s: s):
        self.rng = random.Random(seed)
        self.pools = pools
        self.substitute = substitute
        self.used: set[str] = set()
        self.praised: set[str] = set()  # topic bigrams of what the draft has praised

    def _fresh(self, items: Sequence[Any], key: Callable[[Any], str]) -> list[Any]:
        fresh = [i for i in items if key(i) not in self.used]
        return fresh

    def pick(self, name: str) -> str:
        """One phrase from the named pool, never one already used in this draft."""
        return self.sample(name, 1)[0] if self.pools.get(name) else self._missing(name)

    def sample(self, name: str, n: int) -> list[str]:
        pool = self.pools.get(name)
        if not pool:
            self._missing(name)
        fresh = self._fresh(pool, lambda s: s) or list(pool)  # a pool must never leave a gap
        chosen = self.rng.sample(fresh, min(max(n, 0), len(fresh)))
        self.used.update(chosen)
        return [self.substitute(c) for c in chosen]

    def choose(self, items: Sequence[T], n: int = 1, key: Callable[[T], str] = str) -> list[T]:
        """Up to n items not used before in this draft (e.g. topic-pack measures), order kept.

        When a pool runs dry the draft gets fewer items rather than a repeat.
        """
        if not items or n <= 0:
            return []
        fresh = self._fresh(items, key)
        indices = sorted(self.rng.sample(range(len(fresh)), min(n, len(fresh))))
        chosen = [fresh[i] for i in indices]
        self.used.update(key(c) for c in chosen)
        return chosen

    def praise(self, items: Sequence[str]) -> Sequence[str]:
        """Remember what the draft praises, so a problem picked later does not contradict it."""
        from generator.wording import topic_bigrams

        for item in items:
            self.praised |= topic_bigrams(str(item))
        return items

    def choose_prefer(self, items: Sequence[T], n: int, preferred: int,
                      key: Callable[[T], str] = str) -> list[T]:
        """Like :meth:`choose`, but the first ``preferred`` items (the ones on the
        meeting's own subject) are taken before any of the rest, and items whose
        title contradicts something praised (志愿服务 praised, 志愿服务活力不足 listed
        as a problem) only when nothing else is left."""
        from generator.wording import topic_bigrams

        def clashes(item: T) -> bool:
            title = item.get("title", "") if isinstance(item, dict) else str(item)
            return len(topic_bigrams(str(title)) & self.praised) >= 2

        ranked = [list(items[:preferred]), list(items[preferred:])]
        order = [[i for i in group if not clashes(i)] for group in ranked]
        order += [[i for group in ranked for i in group if clashes(i)]]
        chosen: list[T] = []
        for group in order:
            chosen += self.choose(group, n - len(chosen), key)
        return chosen

    def one(self, options: Sequence[str]) -> str:
        """One of a few inline alternatives, avoiding repeats where possible."""
        chosen = self.choose(list(options), 1)
        return self.substitute(chosen[0]) if chosen else ""

    def coin(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def shuffle(self, items: Sequence[T]) -> list[T]:
        out = list(items)
        self.rng.shuffle(out)
        return out

    def _missing(self, name: str) -> Any:
        raise TemplateError(f"模板引用了不存在的措辞池“{name}”。")
