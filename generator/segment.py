"""Split one speech body into role-labelled sections, using the genre's own markers.

Why markers and not lines: several real sources arrive as one long line, so every
marker (``一、``, ``（一）``, ``1.``, ``一是``/``一要``, ``首先``, ``同志们，``, ``总之``)
is found by its *position* in the text and accepted only at a sentence boundary
(start of text, after a line break or after ``。！？：；`` and closing quotes).

Top level, when the speech has a chain of ``一、二、三、`` headings:
the text before the first heading (split further on paragraphs, so a 形势 paragraph
after the greeting is not swallowed by the opening), one section per heading, and a
closing split off the last section where a 同志们，/总之/谢谢大家 paragraph follows the
last enumeration. Without such a chain (主持词, many 座谈发言) the units are
paragraphs, top-level enumerations (一要/一是/首先…) and transitions instead, and
adjacent units with the same role are merged.

Labelling (:func:`generator.roles.label_section`) scores each role by its cue words
(:data:`ROLE_CUES`, derived from the corpus): heading text weighs most, body cues are
counted on jieba tokens and normalised by length. Opening and closing are mostly
structural (position), with cue support. A heading whose clauses point at different
roles (``一、肯定成绩，正视问题``) is reported as ``combined`` and, when a turn such as
``在看到成绩的同时`` is found in the body, split in two with a ``note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.roles import (
    CLAUSE_SPLIT,
    NUM,
    ROLE_NAMES,
    clean_heading,
    label_section,
)

BOUNDARY_BEFORE = set("\n。！？!?：:；;”’\"」』）)") | {""}
L1_RE = re.compile(rf"([{NUM}]{{1,3}})、")
L2_RE = re.compile(rf"[（(]([{NUM}]{{1,3}})[）)]")
L3_RE = re.compile(r"(\d{1,2})[.．、](?!\d)|[（(](\d{1,2})[）)]")
ENUM_RE = re.compile(rf"([{NUM}])(是要|是|要|方面)|第([{NUM}])[，,、：:]|(首先|其次|再次|最后)[，,]")
CLOSING_RE = re.compile(
    r"同志们[，,！!]|同志们[：:]\s*$|总之[，,]|总而言之|让我们|我就讲(?:到)?这|谢谢大家|各位同事[，,]"
    r"|最后[，,](?:希望|让我们)|(?:尊敬的)?各位[^，。：:！!\n]{0,24}[，,](?=[^，。]{0,30}(?:责任|使命|希望|相信|让我们))"
)
TRANSITION_RE = re.compile(r"下面[，,]?(?:我|就)|.{0,30}讲(?:几|[一二三四五六七八九])点(?:意见|看法|要求)|这里[，,]?我(?:强调|讲)")
TURN_RE = re.compile(r"在看到成绩的同时|同时(?:也)?要(?:清醒|看到)|但(?:是)?[，,]?(?:也要|我们也要)?(?:清醒|应当|必须)?看到|存在的问题|差距")
OPENING_LEAD_RE = re.compile(r"今天|这次|本次|召开|刚才|会议")
SENT_END = "。！？!?；;\n"


def chinese_to_int(s: str) -> int:
    """Small Chinese numerals (一 … 九十九) to int."""
    if s.isdigit():
        return int(s)
    digits = {c: i + 1 for i, c in enumerate(NUM[:9])}
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(s, 0)


@dataclass
class Marker:
    kind: str  # l1, l2, l3, enum
    ordinal: int
    start: int
    end: int  # end of the marker token itself
    family: str = ""  # enumerations only: 是 / 是要 / 要 / 方面 / 第 / 首先


@dataclass
class Section:
    role: str
    heading: str
    start: int  # offset in body
    line: int  # 1-based line of the input file
    col: int  # 1-based column on that line
    chars: int
    text: str
    combined: list[str] = field(default_factory=list)
    note: str = ""
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        d: dict = {"role": self.role, "heading": self.heading, "line": self.line, "col": self.col,
                   "chars": self.chars}
        if self.combined:
            d["combined"] = list(self.combined)
        if self.note:
            d["note"] = self.note
        return d


def at_boundary(text: str, pos: int) -> bool:
    """True when ``pos`` starts a sentence: only spaces between it and a boundary char."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000\r":
        i -= 1
    return i < 0 or text[i] in BOUNDARY_BEFORE


def find_markers(text: str) -> list[Marker]:
    """Every heading/enumeration marker that sits at a sentence boundary, in text order."""
    found: list[Marker] = []
    for kind, rx in (("l1", L1_RE), ("l2", L2_RE), ("l3", L3_RE), ("enum", ENUM_RE)):
        for m in rx.finditer(text):
            if not at_boundary(text, m.start()):
                continue
            g = m.groups()
            num = next(x for x in g if x)
            n = {"首先": 1, "其次": 2, "再次": 3, "最后": 9}.get(num) or chinese_to_int(num)
            family = ""
            if kind == "enum":
                family = g[1] if g[1] else ("第" if g[2] else "首先")
            if n:
                found.append(Marker(kind, n, m.start(), m.end(), family))
    return sorted(found, key=lambda mk: (mk.start, mk.kind))


def chain(markers: list[Marker], kind: str, lo: int = 0, hi: int | None = None,
          family: str = "") -> list[Marker]:
    """The numbered run 1, 2, 3… of one marker kind (and family) within [lo, hi), greedily."""
    out: list[Marker] = []
    for mk in markers:
        if mk.kind != kind or mk.start < lo or (hi is not None and mk.start >= hi):
            continue
        if family and mk.family != family:
            continue
        last = out[-1].ordinal if out else 0
        if last < mk.ordinal <= last + 2 - (not out) or (mk.ordinal == 9 and out and mk.family == "首先"):
            out.append(mk)
            if mk.ordinal == 9:
                break
    return out if len(out) >= 2 else []


def enum_chain(markers: list[Marker], lo: int, hi: int) -> list[Marker]:
    """The top-level enumeration of a heading-less span: longest chain, earliest on ties.

    Families are kept apart, so 一是要/二是要/三是要 is not derailed by a nested
    一是/二是 list inside its first item.
    """
    families = sorted({m.family for m in markers if m.kind == "enum"})
    chains = [c for f in families if (c := chain(markers, "enum", lo, hi, f))]
    if not chains:
        return []
    return max(chains, key=lambda c: (len(c), -c[0].start))


def heading_end(text: str, start: int, limit: int) -> tuple[int, bool]:
    """Where a heading that starts at ``start`` ends (exclusive), and whether that end is natural.

    Normally at the first sentence end or line break (or a run of spaces, which some
    PDF copies put there). A nested enumeration (一要…) inside that sentence cuts it.
    In one-line sources the heading can run straight into the body
    (``一、肯定成绩，总结经验市、区动员大会以来…``), so a long first sentence is cut by
    parallelism: ``XXXX，XXXX`` takes the first clause's length again after the comma.
    """
    i = start
    while i < limit and text[i] not in SENT_END:
        if text[i] == " " and i - start >= 8 and i + 1 < limit and "\u4e00" <= text[i + 1] <= "\u9fff":
            break
        i += 1
    own_line = i >= limit or text[i] in "\n "
    end = i + 1 if i < limit and text[i] in "。！？!?" else i
    inner = [m.start() for m in ENUM_RE.finditer(text, start + 2, end) if m.start() > start + 3] + \
            [m.start() for m in L2_RE.finditer(text, start + 2, end)]
    if inner:
        return min(inner), True
    if own_line and end - start <= 60:
        return end, True
    head = text[start:end]
    lead = re.match(rf"[{NUM}]{{1,3}}、|[（(][{NUM}]{{1,3}}[）)]", head)
    off = lead.end() if lead else 0
    parts = CLAUSE_SPLIT.split(head[off:], maxsplit=1)
    if lead and len(parts) == 2 and 2 <= len(parts[0]) <= 8 and len(parts[1]) > len(parts[0]) + 2:
        return start + off + len(parts[0]) + 1 + len(parts[0]), True
    q = parts[1].find("”") if lead and len(parts) == 2 else -1
    if q >= 2 and q + 1 < len(parts[1]) and q + 1 <= len(parts[0]) + 6:  # …，锚定整治“航向标”思想是…
        return start + off + len(parts[0]) + 1 + q + 1, True
    if end - start <= 40:
        return end, True
    if len(parts) == 2 and len(parts[0]) <= 20:
        return start + off + len(parts[0]), True
    return start + 30, False


def paragraphs(text: str, lo: int, hi: int) -> list[int]:
    """Offsets of non-empty paragraph starts in [lo, hi)."""
    starts = []
    pos = lo
    for chunk in text[lo:hi].split("\n"):
        if chunk.strip():
            starts.append(pos + len(chunk) - len(chunk.lstrip()))
        pos += len(chunk) + 1
    return starts


class _Builder:
    """Collects (start, end, heading) spans and turns them into Sections."""

    def __init__(self, text: str, body_line: int):
        self.text = text
        self.body_line = body_line

    def make(self, start: int, end: int, heading: str, role: str, combined=None, note="",
             scores=None) -> Section:
        t = self.text
        while start < end and t[start].isspace():
            start += 1
        line = self.body_line + t.count("\n", 0, start)
        col = start - (t.rfind("\n", 0, start) + 1) + 1
        body = t[start:end].rstrip()
        return Section(role, clean_heading(heading), start, line, col, len(body), body,
                       list(combined or []), note, dict(scores or {}))


def closing_start(text: str, lo: int, hi: int, markers: list[Marker]) -> int | None:
    """Start of a closing paragraph in [lo, hi) after the last enumeration/sub-heading."""
    last_struct = max((mk.start for mk in markers if lo <= mk.start < hi), default=lo - 1)
    for m in CLOSING_RE.finditer(text, last_struct + 1, hi):
        if at_boundary(text, m.start()) or text[m.start():m.start() + 4] in ("谢谢大家", "总而言之"):
            return m.start()
    return None


def flat_units(text: str, lo: int, hi: int, markers: list[Marker], use_enums: bool) -> list[int]:
    """Unit starts for heading-less text.

    Paragraphs (and 同志们，/总之 transitions) before the first top-level enumeration
    item; then one unit per item (its later paragraphs are its continuation); what
    follows the last item is left to closing detection.
    """
    enums = enum_chain(markers, lo, hi) if use_enums else []
    stop = enums[0].start if enums else hi
    starts = set(paragraphs(text, lo, stop))
    for m in CLOSING_RE.finditer(text, lo, stop):
        if m.start() > lo and at_boundary(text, m.start()) and text[m.start()] in "同总让":
            starts.add(m.start())
    starts |= {m.start for m in enums}
    return sorted(s for s in starts if lo <= s < hi)


def unit_heading(text: str, start: int, end: int) -> str:
    """A unit's heading: its enumeration lead (一要统一思想，提高认识) if it has a short one."""
    if not ENUM_RE.match(text, start):
        return ""
    e, natural = heading_end(text, start, end)
    return text[start:e] if natural and e - start <= 40 else ""


def split_combined(b: _Builder, sec: Section) -> list[Section]:
    """Split a combined achievements+problems section at the turn to problems, if any."""
    note = "标题兼含" + "、".join(ROLE_NAMES[r] for r in sec.combined) + f"，按正文主要内容标为{ROLE_NAMES[sec.role]}"
    if sec.combined[:2] != ["achievements", "problems"]:
        sec.note = note
        return [sec]
    t = b.text
    lo = sec.start + len(sec.heading)
    hi = sec.start + sec.chars
    for m in TURN_RE.finditer(t, lo, hi):
        # turn must be at a sentence/paragraph start and leave a sizeable first part
        i = m.start()
        while i > lo and t[i - 1] not in SENT_END and i > m.start() - 12:
            i -= 1
        if (i == lo or t[i - 1] in SENT_END) and i - lo > 80:
            first = b.make(sec.start, i, sec.heading, "achievements", sec.combined,
                           "标题兼含肯定成绩与查摆问题，按正文转折处拆分（前半）", sec.scores)
            second = b.make(i, hi, "", "problems", sec.combined,
                            "标题兼含肯定成绩与查摆问题，按正文转折处拆分（后半）")
            return [first, second]
    sec.note = note
    return [sec]


def segment(body: str, body_line: int = 1) -> list[Section]:
    """Top-level sections of a speech body, each labelled with a role.

    ``body_line`` is the file line where ``body`` starts, so ``Section.line`` points
    into the input file.
    """
    text = body
    b = _Builder(text, body_line)
    n = len(text.rstrip())
    if not text.strip():
        return []
    markers = find_markers(text)
    heads = chain(markers, "l1")
    # (start, end, heading, kind) with kind in preamble / head / closing / flat
    raw: list[tuple[int, int, str, str]] = []
    if heads:
        raw += [(s, e, "", "preamble") for s, e in _units(text, 0, heads[0].start, markers, False)]
        for i, h in enumerate(heads):
            end = heads[i + 1].start if i + 1 < len(heads) else n
            raw.append((h.start, end, text[h.start:heading_end(text, h.start, end)[0]], "head"))
        s0, e0, hd, _ = raw[-1]
        c = closing_start(text, s0 + len(hd), e0, [m for m in markers if m.kind != "l1"])
        if c is not None:
            raw[-1] = (s0, c, hd, "head")
            raw.append((c, e0, "", "closing"))
    else:
        units = _units(text, 0, n, markers, True)
        raw += [(s, e, unit_heading(text, s, e), "flat") for s, e in units]
        c = closing_start(text, raw[-1][0], n, [m for m in markers if m.kind == "enum"]) if raw else None
        if c is not None and c > raw[-1][0]:
            s0, _, hd, k = raw[-1]
            raw[-1] = (s0, c, hd, k)
            raw.append((c, n, "", "closing"))
    host = bool(re.search(r"参加今天会议|会议议程|各项议程|下面请", text))
    sections: list[Section] = []
    for idx, (s, e, hd, kind) in enumerate(raw):
        last = idx == len(raw) - 1
        opening = idx == 0 or (kind in ("preamble", "flat") and not hd and s < n * 0.25 and (
            all(x.role in ("opening", "other") for x in sections) or OPENING_LEAD_RE.search(text, s, s + 40)))
        zone = "preamble" if kind == "preamble" else ("end" if last else "body")
        role, combined, scores = label_section(hd, text[s:e], zone=zone, opening=opening, host=host)
        if idx == 0 and scores["attendees"] < 5:
            role = "opening"
        elif kind == "closing" or (last and kind == "flat" and not hd and len(raw) >= 3):
            role = "closing"
        sec = b.make(s, e, hd, role, combined, "", scores)
        sections += split_combined(b, sec) if combined else [sec]
    keep = {s for s, _, _, k in raw if k == "head" or (k == "flat" and ENUM_RE.match(text, s))}
    return merge_units(b, sections, keep)


def _units(text: str, lo: int, hi: int, markers: list[Marker], use_enums: bool) -> list[tuple[int, int]]:
    starts = flat_units(text, lo, hi, markers, use_enums)
    if not starts and text[lo:hi].strip():
        starts = [lo]
    spans = [(s, starts[i + 1] if i + 1 < len(starts) else hi) for i, s in enumerate(starts)]
    # title lines, bylines, dates and a bare salutation never stand alone: join the next unit
    while len(spans) >= 2 and is_preface(text[spans[0][0]:spans[0][1]]):
        spans[:2] = [(spans[0][0], spans[1][1])]
    # a short transition (下面，我讲几点意见：) closes what came before it
    out: list[tuple[int, int]] = []
    for s, e in spans:
        short = len(text[s:e].strip()) < 60
        if out and short and TRANSITION_RE.match(text, s):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


PREFACE_RE = re.compile(r"(同志们|尊敬的[^。]{0,40}|各位[^。]{0,30}|大家好)[：:！!，,]?")


def is_preface(chunk: str) -> bool:
    """A salutation, title line, byline or date: short and without a full sentence."""
    lines = [ln.strip() for ln in chunk.strip().split("\n") if ln.strip()]
    return bool(lines) and all(
        PREFACE_RE.fullmatch(ln) or (len(ln) <= 40 and not re.search(r"[。！？!?；;，,]", ln))
        or (len(ln) <= 40 and re.match(r"[—（(]", ln))
        for ln in lines
    )


def merge_units(b: _Builder, sections: list[Section], heads: set[int]) -> list[Section]:
    """Merge adjacent non-heading units that got the same role (paragraph runs)."""
    out: list[Section] = []
    for sec in sections:
        prev = out[-1] if out else None
        if (prev and prev.role == sec.role and sec.start not in heads and prev.start not in heads
                and not sec.combined and not prev.combined and not sec.heading):
            out[-1] = b.make(prev.start, sec.start + sec.chars, prev.heading, prev.role, [], prev.note,
                             prev.scores)
        else:
            out.append(sec)
    return out
