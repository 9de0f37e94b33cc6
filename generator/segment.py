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

Labelling (:func:`label_section`) scores each role by its cue words
(:data:`ROLE_CUES`, derived from the corpus): heading text weighs most, body cues are
counted on jieba tokens and normalised by length. Opening and closing are mostly
structural (position), with cue support. A heading whose clauses point at different
roles (``一、肯定成绩，正视问题``) is reported as ``combined`` and, when a turn such as
``在看到成绩的同时`` is found in the body, split in two with a ``note``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

ROLES = (
    "opening", "situation", "achievements", "problems", "measures",
    "leadership", "closing", "attendees", "agenda", "other",
)
ROLE_NAMES = {
    "opening": "开场", "situation": "认清形势", "achievements": "肯定成绩",
    "problems": "查摆问题", "measures": "部署措施", "leadership": "加强领导",
    "closing": "结束语", "attendees": "出席人员", "agenda": "会议议程", "other": "其他",
}

# Cue words per role, with weights. Derived by reading the corpus headings and the
# first sentences of each section; single words are matched against jieba tokens,
# longer phrases (5+ chars) as substrings.
ROLE_CUES: dict[str, dict[str, float]] = {
    "opening": {
        "今天": 1, "召开": 1.5, "这次会议": 2, "主要目的": 2, "主要任务": 1.5, "刚才": 1.5,
        "大家好": 2, "齐聚一堂": 2, "尊敬": 1, "会议": 0.5,
    },
    "situation": {
        "意义": 2, "形势": 2, "认识": 1.5, "思想": 1.5, "统一思想": 3, "提高认识": 3,
        "重要性": 2, "紧迫性": 2, "必要性": 2, "清醒": 1.5, "站位": 2, "大局": 1,
        "先导": 2, "定力": 1.5, "机遇": 1, "挑战": 1, "严峻": 1.5, "面临": 1,
        "警醒": 1.5, "形势严峻": 2, "清醒认识": 2,
    },
    "achievements": {
        "成绩": 3, "成效": 2, "肯定": 2, "取得": 1.5, "经验": 1.5, "回顾": 2, "显著": 1.5,
        "明显": 1, "提升": 0.5, "成果": 2, "亮点": 1.5, "初显": 2, "有序": 1, "有力": 0.5,
        "上半年": 1.5, "三年来": 2, "以来": 1, "打造": 0.5, "品牌": 1, "告捷": 3, "回望": 2,
        "累计": 2, "达到": 1.5, "超过": 1.5, "位居": 2, "荣获": 2, "获得": 1, "先后": 1.5, "共计": 2,
        "圆满": 1.5, "完成了": 2, "实现了": 2,
    },
    "problems": {
        "问题": 2, "差距": 3, "不足": 2.5, "短板": 2, "薄弱": 2, "查摆": 3, "正视": 2.5,
        "不够": 2, "滞后": 2, "不到位": 2, "不强": 1.5, "不高": 1.5, "不顺畅": 2,
        "风险": 1, "落后": 1.5, "突出": 0.5, "隐患": 1.5, "缺陷": 2, "偏差": 2, "老毛病": 2,
        "普遍存在": 2, "存在": 0.5,
    },
    "measures": {
        "任务": 1.5, "措施": 1.5, "抓好": 1.5, "推进": 1, "重点": 1.5, "整治": 1, "聚焦": 1.5,
        "加快": 1, "完善": 1, "实施": 1, "完成": 1, "开展": 1, "攻坚": 1.5, "突出": 1, "扎实": 1,
        "提升": 1, "建设": 0.5, "创新": 0.5, "目标": 0.5, "全力以赴": 1.5, "多措并举": 2,
        "思路": 1, "方法": 1, "举措": 1.5,
    },
    "leadership": {
        "领导": 2, "责任": 2, "督查": 3, "考核": 3, "问责": 3, "压实": 2.5, "落实": 1,
        "保障": 1.5, "作风": 2, "合力": 2, "协同": 1.5, "联动": 1.5, "组织": 1,
        "追究": 2, "奖惩": 2, "督导": 2.5, "督办": 2, "责任制": 2.5, "统筹": 1,
        "一把手": 2, "第一责任人": 2.5, "纪律": 1.5,
    },
    "closing": {
        "总之": 3, "谢谢大家": 3, "让我们": 2, "讲到这里": 3, "努力": 0.5, "贡献": 1,
        "新的更大": 2, "答卷": 1.5, "总结全文": 3,
    },
    "attendees": {"参加今天会议": 5, "出席": 3, "参加会议的": 4, "参加今天会议的有": 6},
    "agenda": {"议程": 4, "第一项": 3, "下面请": 4, "进行第": 3, "各项议程": 5, "会议共有": 3},
}
STRUCTURAL = {"opening", "closing"}  # decided mostly by position, not by cues alone

NUM = "一二三四五六七八九十"
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
CLAUSE_SPLIT = re.compile(r"[，,；;]")
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


_jieba_ready = False


@lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[str, ...]:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(60)
        jieba.initialize()
        _jieba_ready = True
    return tuple(jieba.lcut(text))


def tokens(text: str) -> list[str]:
    """jieba tokens (cached); jieba is imported and initialised once, on first use."""
    return list(_cut(text))


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


def clean_heading(s: str) -> str:
    return s.strip().rstrip("。：:").strip()


# Phrases that contain a cue word but point elsewhere: 针对上述问题 opens measures,
# 解决……困难和问题 is a leadership/measures stock phrase, not a problem list.
NEGATIVE_CUES: dict[str, dict[str, float]] = {
    "problems": {"针对上述问题": 2, "面对问题": 2, "解决问题": 2, "困难和问题": 2, "发现问题": 2,
                 "问题导向": 2, "问题整改": 1},
    "leadership": {"主要领导": 2, "领导干部": 1, "尊敬的各位领导": 2, "尊敬的领导": 2, "各位领导": 2},
    "situation": {"新形势下": 2},
    "achievements": {"取得新成效": 1.5, "取得实效": 1.5, "取得实质性": 1.5},
}


def count_cues(text: str, toks: Counter | None, cues: dict[str, float], role: str = "") -> float:
    """Weighted cue hits: 2-char cues as jieba tokens, longer ones as substrings.

    ``toks=None`` (headings: short, and jieba glues 重点工作 into one word) matches
    every cue as a substring.
    """
    total = 0.0
    for cue, w in cues.items():
        n = text.count(cue) if len(cue) >= 3 or toks is None else toks.get(cue, 0)
        total += n * w
    for cue, w in NEGATIVE_CUES.get(role, {}).items():
        total -= text.count(cue) * w
    return max(total, 0.0)


def role_scores(heading: str, text: str) -> dict[str, float]:
    """Cue scores per role; heading hits count 4x, body hits are length-normalised."""
    body = text[len(heading):] if heading and text.startswith(heading) else text
    btoks = Counter(tokens(body))
    norm = math.sqrt(max(len(body), 50) / 100)
    lead = re.split(r"(?<=[。！？!?\n])", body.lstrip(), maxsplit=1)[0] if heading else ""
    ltoks = Counter(tokens(lead)) if lead else Counter()
    scores = {}
    for role, cues in ROLE_CUES.items():
        h = count_cues(heading, None, cues, role) if heading else 0.0
        b = count_cues(body, btoks, cues, role)
        ld = count_cues(lead, ltoks, cues, role) if lead else 0.0
        scores[role] = round(4 * h + ld + b / norm, 3)
    # 成绩 sections cite figures (共清运4.15万吨, 提高12%): one point per two figures
    figures = len(re.findall(r"\d+(?:\.\d+)?(?:%|万|亿|个|项|次|人|家|吨|件)", body))
    scores["achievements"] = round(scores["achievements"] + figures / 2 / norm, 3)
    return scores


def best(scores: dict[str, float], allowed: tuple[str, ...]) -> str:
    """Highest score among ``allowed``; ties go to the earlier role in ROLES."""
    cand = [(scores.get(r, 0.0), -ROLES.index(r), r) for r in allowed]
    top = max(cand)
    return top[2] if top[0] > 0 else "other"


CONTENT_ROLES = ("situation", "achievements", "problems", "measures", "leadership")
CLOSING_HEADING_RE = re.compile(r"(总结|结束语|结语|展望)")


def label_section(heading: str, text: str, *, zone: str = "body", opening: bool = False,
                  host: bool = False) -> tuple[str, list[str], dict[str, float]]:
    """Role, combined roles (from a multi-clause heading) and cue scores for one section.

    ``zone`` is where the section sits: ``preamble`` (before the first 一、 heading:
    greeting, 形势, 成绩 — no measures yet), ``body`` or ``end`` (may be the closing).
    ``opening`` lets the opening compete (doubled, as it is expected there); ``host``
    (主持词 style text) lets attendees/agenda compete.
    """
    scores = role_scores(heading, text)
    allowed = list(CONTENT_ROLES)
    if zone == "preamble":  # before the first heading: measures/leadership are rare there
        scores["measures"] /= 2
        scores["leadership"] /= 2
    if opening:
        allowed.append("opening")
        scores["opening"] *= 2
    if zone == "end":
        allowed.append("closing")
    if host or scores["attendees"] >= 5 or scores["agenda"] >= 4:
        allowed += ["attendees", "agenda"]
    h = clean_heading(strip_number(heading))
    if h and zone == "end" and CLOSING_HEADING_RE.search(h) and len(h) <= 20:
        return "closing", [], scores
    role = best(scores, tuple(allowed))
    if role == "other" and opening:
        role = "opening"
    combined: list[str] = []
    clauses = [c for c in CLAUSE_SPLIT.split(h) if c.strip()]
    if len(clauses) >= 2:
        roles = []
        for c in clauses:
            cs = {r: count_cues(c, None, ROLE_CUES[r], r) for r in CONTENT_ROLES}
            r = best(cs, CONTENT_ROLES)
            if r != "other" and cs[r] >= 2 and r not in roles:
                roles.append(r)
        if len(roles) >= 2:  # the dominant part: best overall score among the heading's roles
            combined = roles
            role = max(roles, key=lambda r: (scores[r], -ROLES.index(r)))
    return role, combined, scores


def strip_number(heading: str) -> str:
    return re.sub(rf"^\s*(?:[{NUM}]{{1,3}}、|[（(][{NUM}\d]{{1,3}}[）)]|\d{{1,2}}[.．、])", "", heading)


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
