"""What the drafting rules read a draft as: clauses, sections, its title and its kind.

One pass of precompiled regexes per draft; no jieba, so the rules stay cheap enough
to run over hundreds of generated drafts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.checks.model import Facts
from generator.checks.prefilter import Scan

KINDS = ("推进会", "动员部署会", "主持词", "座谈发言", "总结部署会")
HOST, REPORT = "主持词", "座谈发言"

# A clause ends at 。！？； or a line break; the closing quote stays with its clause.
CLAUSE_RE = re.compile(r"[^。！？；\n]+(?:[。！？；]+”?)?")
# 一、 （一） ## 二、 **（三）** at a line start or right after a sentence end (one-line drafts).
HEADING_RE = re.compile(
    r"(?:^|(?<=[。！？：”]))[ \t　]*(?:#+[ \t]*)?(?:\*\*)?"
    r"(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|第[一二三四五六七八九十]{1,3}部分)",
    re.M,
)
NUMBERED_RE = re.compile(r"[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）")
MARKUP_RE = re.compile(r"[#*]+|^\s+|\s+$")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
HEADING_SCAN = Scan(HEADING_RE)
CLAUSE_MEMO = 4096  # lines remembered: a batch's drafts share most of theirs
_clause_memo: dict[str, list[tuple[int, int, str, int, bool]]] = {}
TITLE_WORDS = ("讲话", "发言", "主持", "汇报", "致辞", "稿", "材料", "提纲")


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str  # without markdown marks
    section: tuple[int, int]  # (part 一、, sub-part （一）) it falls under; 0 before any
    para: int  # 0-based line number
    lead: bool  # the first clause of its line (a heading, or the topic sentence of a paragraph)
    heading: bool  # starts with 一、（一）…


class Reading:
    """A draft split once into clauses and sections, shared by every drafting rule."""

    def __init__(self, text: str, facts: Facts | None = None, meta: dict[str, Any] | None = None):
        self.text = text
        self.facts = facts or Facts()
        self.meta = meta or {}

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        starts += [m.end() for m in re.finditer("\n", self.text)]
        return starts

    def line(self, pos: int) -> int:
        """1-based line of a character offset."""
        return bisect_right(self.line_starts, pos)

    @cached_property
    def _headings(self) -> list[re.Match[str]]:
        return list(HEADING_SCAN.finditer(self.text))

    @cached_property
    def heading_starts(self) -> list[int]:
        return [m.start() for m in self._headings]

    @cached_property
    def _levels(self) -> tuple[list[int], list[int]]:
        """Starts of the parts (一、 ## 第一部分) and of the sub-parts (（一）)."""
        parts: list[int] = []
        subs: list[int] = []
        for m in self._headings:
            (subs if m.group(0).rstrip().endswith("）") else parts).append(m.start())
        return parts, subs

    def section(self, pos: int) -> tuple[int, int]:
        parts, subs = self._levels
        part = bisect_right(parts, pos)
        sub = bisect_right(subs, pos)
        if sub == 0 or (part and subs[sub - 1] < parts[part - 1]):
            sub = 0  # no sub-part since this part began
        return part, sub

    @cached_property
    def clauses(self) -> list[Clause]:
        out: list[Clause] = []
        head_set = set(self.heading_starts)
        last_para = -1
        offset = 0
        for para, line in enumerate(self.text.split("\n")):  # a clause never crosses a line
            for at, end, body, lead, numbered in _line_clauses(line):
                at += offset
                start = at + lead
                heading = at in head_set or start in head_set or numbered
                # without any headings (a 主持词), each paragraph is its own part
                section = self.section(start) if head_set else (para + 1, 0)
                out.append(Clause(start, offset + end, body, section, para, para != last_para, heading))
                last_para = para
            offset += len(line) + 1
        return out

    @cached_property
    def _title(self) -> tuple[str, int | None]:
        """(title, its 0-based line in the text or None when it comes from front matter)."""
        meta_title = str(self.meta.get("title") or "").strip()
        if meta_title:
            return meta_title, None
        for i, raw in enumerate(self.text.split("\n", 3)[:3]):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#") and not line.startswith("##"):
                return line.lstrip("#").strip(), i
            if (len(line) <= 60 and not re.search(r"[。！？：；]", line)
                    and line.endswith(TITLE_WORDS)):
                return line, i
            break
        return "", None

    @property
    def title(self) -> str:
        """The draft's own title: front matter, a # line, or a first line that reads as one."""
        return self._title[0]

    @property
    def title_line(self) -> int | None:
        return self._title[1]

    @cached_property
    def kind(self) -> tuple[str, str]:
        """(kind, where it came from: brief / file / title), or ("", "") when unknown."""
        if self.facts.kind in KINDS:
            return self.facts.kind, "brief"
        declared = str(self.meta.get("kind") or "")
        if declared in KINDS:
            return declared, "file"
        guess = kind_from_title(self.title)
        return (guess, "title") if guess else ("", "")


def _line_clauses(line: str) -> list[tuple[int, int, str, int, bool]]:
    """The clauses of one line that hold CJK: (start, end, text without markdown marks,
    leading marks' length, whether it opens with 一、/（一）), remembered by the line's
    text: a batch's drafts share most lines."""
    got = _clause_memo.get(line)
    if got is None:
        got = []
        for m in CLAUSE_RE.finditer(line):
            raw = m.group(0)
            body = MARKUP_RE.sub("", raw)
            if CJK_RE.search(body):
                got.append((m.start(), m.end(), body, len(raw) - len(raw.lstrip(" \t　#*")),
                            bool(NUMBERED_RE.match(body))))
        if len(_clause_memo) >= CLAUSE_MEMO:
            del _clause_memo[next(iter(_clause_memo))]  # the oldest
        _clause_memo[line] = got
    return got


def kind_from_title(title: str) -> str:
    """在…座谈会上的发言 / 发言稿 / 汇报 → 座谈发言; 主持词 → 主持词; else unknown.

    A title that is both (…的主持词和讲话) or says 讲话 stays unknown: only the two kinds
    whose rules differ from a directive speech are worth guessing.
    """
    title = re.sub(r"[（(][^）)]*[）)]$", "", title.strip())
    if not title:
        return ""
    if "主持" in title and "讲话" not in title:
        return HOST
    if "讲话" in title or "致辞" in title:
        return ""
    if re.search(r"(?:发言|发言稿|发言材料|汇报|汇报材料|交流材料)$", title):
        return REPORT
    return ""


def related(a: Clause, b: Clause) -> bool:
    """Same sub-part, or a part's own heading and lead-in with the sub-parts under it.

    Before the first 一、 there is no part heading: the opening is not the lead-in of
    the （一）（二） that may follow it there.
    """
    (pa, sa), (pb, sb) = a.section, b.section
    return pa == pb and (sa == sb or (pa > 0 and (sa == 0 or sb == 0)))


def _brief_texts(brief: Any) -> list[str]:
    m = brief.meeting
    texts = [m.title, *m.agenda, *m.attendees, brief.speaker.title]
    for p in brief.prior_speakers:
        texts += [p.role, p.did]
    for a in brief.achievements:
        texts += [a.title, a.detail]
    for q in brief.problems:
        texts += [q.title, q.detail]
    for x in brief.measures:
        texts += [x.title, x.owner, *x.points]
    texts += [t.text for t in brief.targets]
    return [t for t in texts if t]


def brief_spans(text: str, brief: Any) -> list[tuple[int, int]]:
    """Where the brief's own texts stand in the draft: the draft must carry those as given,
    so no rule blames it for their words."""
    if brief is None:
        return []
    from generator.wording import fullwidth

    spans: list[tuple[int, int]] = []
    for item in _brief_texts(brief):
        for form in {item, fullwidth(item)}:
            start = text.find(form)
            while start >= 0:
                spans.append((start, start + len(form)))
                start = text.find(form, start + 1)
    return spans
