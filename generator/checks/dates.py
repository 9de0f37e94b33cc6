"""Years, periods and deadlines that contradict the meeting date (last year's speech reused)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter

from generator.checks.model import ERROR, Facts, Finding, clip, line_at
from generator.checks.prefilter import Scan

YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=年)")
SENTENCE_RE = re.compile(r"[^。！？；\n]+[。！？；]?")
NUM = r"(\d{1,2}|[一二三四五六七八九十]|十[一二])"
DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年)?(?<![\d.])(?P<m>\d{1,2}|[一二三四五六七八九十]|十[一二])月"
    r"(?:(?P<d>\d{1,2})[日号])?(?P<part>底|末|中旬|上旬|下旬|初)?"
)
DEADLINE_AFTER = re.compile(r"(?:之前|以前|前)(?![进行列])")
YEAR_DEADLINE_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})年(?:底|末)?(?:之前|以前|前)(?![进行列])")
CUTOFF_BEFORE = re.compile(r"截至(?:到)?$|截止(?:到)?$")
PERIOD_RE = re.compile(
    r"(?P<who>今年|本年度|(?P<y>(?:19|20)\d{2})年)(?:以来)?(?:的)?"
    r"(?:(?:1|一)\s*[-—–~～至到]\s*" + NUM + r"月|前" + NUM + r"个?月|(?P<half>上半年)|(?P<q1>一季度|第一季度))"
)
YEAR_SCAN, DATE_SCAN, PERIOD_SCAN, YEAR_DEADLINE_SCAN = map(
    Scan, (YEAR_RE, DATE_RE, PERIOD_RE, YEAR_DEADLINE_RE))
CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11, "十二": 12}


def _num(s: str) -> int:
    return int(s) if s.isdigit() else CN_NUM.get(s, 0)


def infer_year(text: str) -> int | None:
    """Without a brief, the year the text mentions most is taken as the meeting year."""
    counts = Counter(int(m.group(1)) for m in YEAR_SCAN.finditer(text))
    return counts.most_common(1)[0][0] if counts else None


def _resolve(m: re.Match[str], year: int) -> dt.date | None:
    """The last day a date expression covers (5月底 → 5月31日), in the given year if none."""
    y = int(m.group("y")) if m.group("y") else year
    month = _num(m.group("m"))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(y, month)[1]
    if m.group("d"):
        day = int(m.group("d"))
        if not 1 <= day <= last:
            return None
    else:
        day = {"上旬": 10, "中旬": 20, "初": 10}.get(m.group("part") or "", last)
    return dt.date(y, month, day)


def _find(text: str, start: int, end: int, advice: str) -> Finding:
    return Finding("", line_at(text, start), "stale_time", ERROR, clip(text, start, end), advice)


def check_stale_time(text: str, facts: Facts) -> list[Finding]:
    """今年 vs a year, statistics periods not over yet, deadlines already past, 截至 dates."""
    meeting = facts.date
    year = meeting.year if meeting else infer_year(text)
    if year is None:
        return []
    when = f"会议日期为{meeting.year}年{meeting.month}月{meeting.day}日" if meeting else f"全文以{year}年为主"
    findings: list[Finding] = []
    for s in SENTENCE_RE.finditer(text) if "今年" in text or "去年" in text else ():
        sent = s.group(0)
        if "今年" not in sent and "去年" not in sent:
            continue  # neither test below can fire
        years = [(m.start(), int(m.group(1))) for m in YEAR_RE.finditer(sent)]
        if "今年" in sent and years and all(y != year for _, y in years):
            for off, y in years:
                if y < year:
                    findings.append(_find(text, s.start() + off, s.start() + off + 5,
                                          f"“今年”与“{y}年”矛盾（{when}），请核对年份"))
        if "去年" in sent and any(y == year for _, y in years):
            off = next(o for o, y in years if y == year)
            findings.append(_find(text, s.start() + off, s.start() + off + 5,
                                  f"“去年”与“{year}年”矛盾（{when}），去年应为{year - 1}年"))
    for m in PERIOD_SCAN.finditer(text):
        y = int(m.group("y")) if m.group("y") else year
        if y > year:
            findings.append(_find(text, m.start(), m.end(),
                                  f"统计期“{m.group(0)}”在会议年份之后（{when}）"))
            continue
        if not meeting or y != meeting.year:
            continue
        if m.group("half"):
            end_month = 6
        elif m.group("q1"):
            end_month = 3
        else:
            end_month = _num(m.group(3) or m.group(4) or "0")
        if end_month >= meeting.month:
            findings.append(_find(text, m.start(), m.end(),
                                  f"统计期“{m.group(0)}”尚未结束（{when}），疑为旧稿数据"))
    for m in DATE_SCAN.finditer(text):
        if not m.group("y") and not meeting:
            continue
        date = _resolve(m, year)
        if date is None:
            continue
        tail = text[m.end():m.end() + 3]
        head = text[max(0, m.start() - 3):m.start()]
        if DEADLINE_AFTER.match(tail):
            clause = text[m.end():m.end() + 30].split("。")[0]
            if re.search(r"已经|已于|已完成|已全部", clause) or "已" in text[max(0, m.start() - 4):m.start()]:
                continue
            past = date < meeting if meeting else date.year < year
            if past:
                findings.append(_find(text, m.start(), m.end() + 2,
                                      f"完成时限“{m.group(0)}前”早于会议日期（{when}），请更新时限"))
        elif CUTOFF_BEFORE.search(head):
            if meeting and (date > meeting or (meeting - date).days > 400):
                why = "晚于会议日期" if date > meeting else "距会议日期已超过一年"
                findings.append(_find(text, m.start() - 2, m.end(),
                                      f"截至日期“{m.group(0)}”{why}（{when}），请更新数据"))
            elif not meeting and m.group("y") and int(m.group("y")) > year:
                findings.append(_find(text, m.start() - 2, m.end(),
                                      f"截至日期“{m.group(0)}”晚于{year}年（{when}）"))
    for m in YEAR_DEADLINE_SCAN.finditer(text):
        y = int(m.group(1))
        if (meeting and dt.date(y, 12, 31) < meeting) or (not meeting and y < year):
            findings.append(_find(text, m.start(), m.end(),
                                  f"完成时限“{m.group(0)}”早于会议日期（{when}），请更新时限"))
    findings.sort(key=lambda f: f.line)
    return findings
