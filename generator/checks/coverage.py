"""简报遗漏: with --brief, every brief item is in the draft, in its own words (kinds.md rule 1).

Achievements (title, detail, figures), problems, measures (title, points, owner, deadline),
targets and prior speakers, in every kind; a 主持词 also carries its agenda items and attendees
(brief.md: used by 主持词 only). Text
is compared with punctuation, spaces and markdown removed (so full-width conversion and a
trailing 。 do not matter); figures are looked for as the generator words them
(generator.wording: 41500吨 → 4.15万吨) and as written in the brief.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.checks.model import ERROR, Finding
from generator.checks.units import HOST, Reading
from generator.wording import change, cn_date, figure_text, month_day, plain_number, quantity

CATEGORY = "coverage"
DROP_RE = re.compile(r"[^\w.%]|_")
SENTENCE_RE = re.compile(r"[^。！？；\n]+")
PART_RE = re.compile(r"[，,；;]")
BASELINE_RE = re.compile(r"(?:上年同期|去年同期|上年末|去年底|上年|去年|同期)(?:为|是|有)?\d")
COMPARED_RE = re.compile(r"上年|去年|同比|同期")
DIFF_RE = re.compile(r"\d+(?:\.\d+)?(?:个百分点|%)")
# Where a missing item belongs, to point the reader at a line: section words per item kind.
PLACE_RE = {
    "成绩": re.compile(r"成绩|成效|做法|回顾"),
    "问题": re.compile(r"问题|不足|差距|短板"),
    "措施": re.compile(r"措施|打算|任务|部署|重点|下一步"),
    "目标": re.compile(r"目标|任务|要求"),
    "议程": re.compile(r"议程"),
    "出席人员": re.compile(r"出席|参加"),
    "前序发言": re.compile(r"刚才"),
}


def norm(text: str) -> str:
    """Compare text without punctuation, spaces or markdown, in NFKC (％ → %, ４ → 4)."""
    return DROP_RE.sub("", unicodedata.normalize("NFKC", text))


def deadline_forms(day: dt.date, meeting: dt.date | None) -> list[str]:
    """7月10日 / 2026年7月10日 / 年底 / 6月底: the ways a draft may say a deadline."""
    forms = [month_day(day), cn_date(day)]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        forms += [f"{day.month}月底", f"{day.month}月末"]
        if day.month == 12 and (meeting is None or meeting.year == day.year):
            forms += ["年底", "年末"]
    return [norm(f) for f in forms]


def detail_present(detail: str, flat: str) -> bool:
    """The detail's clauses are all in the draft; a baseline clause (上年同期4个) may be
    reworded as the change it implies (比上年同期增加5个) right after the clause before it."""
    if norm(detail) in flat:
        return True
    parts = [q for q in (norm(x) for x in PART_RE.split(detail)) if q]
    for k, part in enumerate(parts):
        if part in flat:
            continue
        if k and BASELINE_RE.match(part) and parts[k - 1] in flat:
            at = flat.find(parts[k - 1]) + len(parts[k - 1])
            if COMPARED_RE.search(flat, at, at + 12):
                continue
        return False
    return True


def _items(brief: Any) -> Iterator[tuple[str, str, list[str], str]]:
    """(item kind, what to show, accepted normalised forms, where-hint) for each brief item;
    details come with no forms and are tested by :func:`detail_present`."""
    meeting = brief.meeting.date
    for a in brief.achievements:
        yield "成绩", a.title, [norm(a.title)], "成绩"
        if a.detail:
            yield "成绩详情", a.detail, [], "成绩"
    for p in brief.problems:
        yield "问题", p.title, [norm(p.title)], "问题"
        if p.detail:
            yield "问题详情", p.detail, [], "问题"
    for m in brief.measures:
        yield "措施", m.title, [norm(m.title)], "措施"
        for point in m.points:
            yield "措施要点", point, [norm(point)], "措施"
        if m.owner:
            yield "责任单位", m.owner, [norm(m.owner)], "措施"
        if m.deadline:
            yield "完成时限", cn_date(m.deadline), deadline_forms(m.deadline, meeting), "措施"
    for t in brief.targets:
        yield "目标", t.text, [norm(t.text)], "目标"
        if t.deadline:
            yield "目标时限", cn_date(t.deadline), deadline_forms(t.deadline, meeting), "目标"
    if brief.kind == HOST:  # brief.md: agenda and attendees are used by 主持词 only
        for item in brief.meeting.agenda:
            yield "议程", item, [norm(item)], "议程"
        for who in brief.meeting.attendees:
            yield "出席人员", who, [norm(who)], "出席人员"
    for p in brief.prior_speakers:
        yield "前序发言人", p.name, [norm(p.name)], "前序发言"
        if p.did:
            yield "前序发言内容", p.did, [norm(p.did)], "前序发言"


def check_coverage(reading: Reading) -> list[Finding]:
    brief = reading.facts.brief
    if brief is None:
        return []
    text = reading.text
    flat = norm(text)
    sentences = [norm(s) for s in SENTENCE_RE.findall(text)]
    findings: list[Finding] = []
    for what, shown, forms, where in _items(brief):
        if any(f and f in flat for f in forms) or (not forms and detail_present(shown, flat)):
            continue
        findings.append(_missing(reading, what, shown, where))
    for a in brief.achievements:
        for f in a.figures:
            missing = _figure_missing(f, flat, sentences)
            if missing:
                findings.append(_missing(reading, "成绩数据", missing, "成绩"))
    return findings


def _figure_missing(f: Any, flat: str, sentences: list[str]) -> str:
    """'' when the figure is in the draft (as the generator words it, or its label, amount and
    change in one sentence), else how the generator words it."""
    worded = figure_text(f.label, f.value, f.unit, f.baseline, f.baseline_label)
    if norm(worded) in flat:
        return ""
    label = norm(f.label)
    amounts = {norm(quantity(f.value, f.unit)), norm(plain_number(f.value) + (f.unit or ""))}
    moved = change(f.value, f.baseline, f.unit, f.baseline_label) if f.baseline is not None else ""
    moved_forms = {norm(moved)} if moved else set()
    if f.baseline is not None:
        moved_forms.add(norm(quantity(f.baseline, f.unit)))
        moved_forms.add(norm(plain_number(f.baseline) + (f.unit or "")))
        moved_forms.update(DIFF_RE.findall(norm(moved)))  # 提高8个百分点 said another way
    for s in sentences:
        if label in s and any(a in s for a in amounts):
            if not moved_forms or any(m in s for m in moved_forms):
                return ""
    return worded


def _missing(reading: Reading, what: str, shown: str, where: str) -> Finding:
    line = 1
    pattern = PLACE_RE.get(where)
    if pattern is not None:
        m = pattern.search(reading.text)
        if m:
            line = reading.line(m.start())
    return Finding(
        "", line, CATEGORY, ERROR, shown if len(shown) <= 40 else shown[:40] + "…",
        f"简报中的{what}“{shown}”稿中没有写到，请按简报原话补上",
    )
