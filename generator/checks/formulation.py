"""提法: formulations that were not yet, or no longer, right on the draft's date.

The draft's date is the brief's meeting date, else the date under the title
(（2026年5月8日）). Each sentence is matched against the bank, longest entry
first, so a span judged as 十四五收官之年 is not judged again as 十四五. A
plenum list such as 二十届二中、三中、四中全会 names each plenum in it.
"""

from __future__ import annotations

import datetime as dt
import re

from generator.checks.model import ERROR, Facts, Finding
from generator.checks.prefilter import needs
from generator.formulations import Bank, Formulation, load_bank

SENTENCE_RE = re.compile(r"[^。！？；\n]+[。！？；]?")
TITLE_DATE_RE = re.compile(r"[（(]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[）)]")
TITLE_LINES = 8  # the title block: title, speaker, date — before 同志们
YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年")
PLENUM_RE = re.compile(r"(十九|二十)届((?:[一二三四五六七]中(?:全会)?[、和及与]?)+)全会")
ORDINAL_RE = re.compile(r"[一二三四五六七]中")
# Before a plan or meeting: planning for it, or the meeting still to come, is fine.
AHEAD = re.compile(r"即将|将于|将要|筹备|谋划|编制|研究|前期|迎接|召开前|前夕|开局|起好步|开好局|衔接|展望"
                   r"|草案|征求意见|着眼|时期|期间")
# After a plan or campaign: looking back on it is fine.
BACK = re.compile(r"以来|时期|期间|收官|圆满|完成|胜利|成就|成效|成果|回顾|过去|总结|已|去年|上一|五年来")
CLAUSE_MARKS = "，,；;：:。！？"
CATEGORY = "formulation"


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def title_date(text: str) -> dt.date | None:
    """The date in the draft's title block, e.g. 区委书记（2026年5月8日）."""
    head = "\n".join(text.lstrip().splitlines()[:TITLE_LINES])
    head = head.split("同志们", 1)[0]
    m = TITLE_DATE_RE.search(head)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def draft_date(text: str, facts: Facts) -> dt.date | None:
    return facts.date or title_date(text)


def _excerpt(sentence: str, start: int, end: int, width: int = 60) -> str:
    """The sentence, quoted whole when short, else cut around the formulation."""
    s = sentence.strip()
    if len(s) <= width:
        return s
    lead = sentence.find(s)
    a = max(0, start - lead - (width - (end - start)) // 2)
    b = min(len(s), a + width)
    a = max(0, b - width)
    return ("…" if a else "") + s[a:b] + ("…" if b < len(s) else "")


def _advice(entry: Formulation, said: str, day: dt.date, bank: Bank) -> str:
    if said.count("”") > said.count("“"):  # the pattern took 十五五” of “十五五”规划纲要
        said = "“" + said
    when = f"稿子日期为{cn(day)}"
    if day < entry.valid_from:
        if entry.kind == "会议精神":
            return f"{when}，{entry.text}{cn(entry.valid_from)}才召开，此时不应提及“{said}”"
        if entry.kind == "规划时期":
            return f"{when}，“{said}”要到{cn(entry.valid_from)}才适用，不能当作已在实施"
        now = bank.guiding(day) if entry.kind == "指导思想" else None
        tail = f"，此时应为“{now.text}”" if now and now.text != entry.text else ""
        return f"{when}，“{said}”自{cn(entry.valid_from)}起才使用{tail}"
    assert entry.valid_to is not None
    if entry.kind == "指导思想":
        now = bank.guiding(day)
        tail = f"，应为“{now.text}”" if now else ""
        return f"{when}，“{said}”已过时（只用到{cn(entry.valid_to)}）{tail}"
    if entry.kind == "规划时期":
        if entry.text.endswith("之年"):
            return f"{when}，“{said}”只适用于{entry.valid_from.year}年，回顾时请写明年份"
        tail = f"，当前规划为“{entry.replacement}”" if entry.replacement else ""
        return (f"{when}，“{entry.text}”规划期已于{cn(entry.valid_to)}结束，不能当作当前或今后的规划"
                f"（回顾时写“{entry.text}”时期、“{entry.text}”以来）{tail}")
    tail = f"，应改为“{entry.replacement}”" if entry.replacement else ""
    return f"{when}，“{said}”自{cn(entry.valid_to + dt.timedelta(days=1))}起已不再使用{tail}"


def _clause(sentence: str, start: int, end: int) -> str:
    """The rest of the clause (between commas) around a mention: cues elsewhere in the sentence,
    or inside the formulation itself (收官 in 十三五收官之年), don't count."""
    a = max(sentence.rfind(c, 0, start) for c in CLAUSE_MARKS) + 1
    ends = [i for i in (sentence.find(c, end) for c in CLAUSE_MARKS) if i >= 0]
    return sentence[a:start] + "|" + sentence[end:min(ends) if ends else len(sentence)]


def _excused(entry: Formulation, clause: str, day: dt.date) -> bool:
    """Forward talk before a plan or meeting, or looking back after it, is not an error."""
    dated = any(int(y) != day.year for y in YEAR_RE.findall(clause))
    if day < entry.valid_from:
        return entry.looking_ahead and (dated or (bool(AHEAD.search(clause)) and "以来" not in clause))
    return entry.looking_back and (dated or bool(BACK.search(clause)))


def _judge(entry: Formulation, said: str, sentence: str, start: int, end: int,
           day: dt.date, bank: Bank) -> tuple[int, str, str] | None:
    """(offset in the sentence, excerpt, advice) when the mention is wrong on ``day``."""
    if entry.valid_on(day) or _excused(entry, _clause(sentence, start, end), day):
        return None
    return start, _excerpt(sentence, start, end), _advice(entry, said, day, bank)


LINE_MEMO = 4096  # lines remembered: a batch's drafts share most of theirs
_memo: dict[tuple[str, dt.date], list[tuple[str, str]]] = {}
_memo_for: list[Bank] = []  # the bank the remembered judgments hold for
_entries: list[tuple[Formulation, frozenset[str]]] = []  # its entries, longest first, and what each needs


def check_formulations(text: str, day: dt.date, bank: Bank | None = None) -> list[Finding]:
    """Every formulation in ``text`` outside its validity on ``day`` (one finding per mention).

    Sentences never cross a line and each is judged on its own (see :func:`_sentence`),
    so a line's judgments are remembered by its text and the day, for this bank."""
    bank = bank or load_bank()
    if not _memo_for or _memo_for[0] is not bank:
        _memo.clear()
        _memo_for[:] = [bank]
        _entries[:] = [(e, needs(e.regex)) for e in bank.by_specificity()]
    findings: list[Finding] = []
    for number, line in enumerate(text.split("\n"), 1):
        got = _memo.get((line, day))
        if got is None:
            present = set(line)  # an entry whose pattern needs a character the line lacks can't match
            ordered = [(e, need) for e, need in _entries if need <= present]
            got = [(excerpt, advice) for s in SENTENCE_RE.finditer(line)
                   for _, excerpt, advice in _sentence(s.group(0), ordered, needs(PLENUM_RE), day, bank)]
            if len(_memo) >= LINE_MEMO:
                del _memo[next(iter(_memo))]  # the oldest
            _memo[line, day] = got
        findings += [Finding("", number, CATEGORY, ERROR, excerpt, advice) for excerpt, advice in got]
    return findings


def _sentence(sentence: str, ordered: list[tuple[Formulation, frozenset[str]]], plenum: frozenset[str],
              day: dt.date, bank: Bank) -> list[tuple[int, str, str]]:
    """One sentence's wrong mentions, longest entry first; a span judged once is not judged again."""
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    chars = set(sentence)
    for entry, need in ordered:
        if not need <= chars:
            continue
        for m in entry.regex.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            hit = _judge(entry, m.group(0), sentence, m.start(), m.end(), day, bank)
            if hit:
                found.append(hit)
    if not plenum <= chars:
        return found
    for m in PLENUM_RE.finditer(sentence):  # 二十届二中、三中、四中全会: each plenum named
        if any(m.start() < b and a < m.end() for a, b in taken):
            continue
        for ordinal in ORDINAL_RE.findall(m.group(2)):
            entry = bank.find(f"{m.group(1)}届{ordinal}全会")
            if entry is None:
                continue
            hit = _judge(entry, m.group(0), sentence, m.start(), m.end(), day, bank)
            if hit:
                found.append(hit)
                break
    return found
