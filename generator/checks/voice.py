"""语气: orders in a report-voice draft (座谈发言, kinds.md "Voices").

A unit reporting up or across says what *we* did and *will* do (我们将…、我们明确由…牵头);
it never tells others what to do (各相关单位要…、此项工作由…牵头、务必…). The kind comes
from the brief, the file's front matter, or the title (…座谈会上的发言 / 发言稿 / 汇报).
"""

from __future__ import annotations

import re

from generator.checks.model import ERROR, WARNING, Finding
from generator.checks.units import REPORT, Reading, brief_spans

CATEGORY = "voice"
START = r"(?:^|(?<=[。！？；：，\n]))[ \t　*]*(?:[一二三四五六七八九十]是|同时|此外|另外|特别是|尤其是)?[，、]?"
# (pattern, severity, what to say, excused by 我们): each a directive given to someone else.
MARKERS = (
    (re.compile(START + r"(?P<m>各(?!项|类|种|个|方面|环节|位领导|级领导|界)[^，。；：！？\n]{1,16}?"
                r"(?:要(?!求)|必须|务必|一定要|要切实))"),
     ERROR, "是给别人布置任务的口气", False),
    (re.compile(r"(?P<m>(?:此项|该项|这项)工作由(?![^，。；]{0,4}我们)[^，。；]{1,24}?牵头)"),
     ERROR, "是部署口气；汇报时写成“我们明确由……牵头”", False),
    (re.compile(r"(?P<m>务必|务求)"), ERROR, "是命令口气", True),
    (re.compile(START + r"(?P<m>要(?:切实|坚决|严格|迅速|立即|抓紧|全力|认真))"),
     WARNING, "是部署口气；汇报时写成“我们将……”", True),
    (re.compile(r"(?:^|(?<=[。！？；\n]))[ \t　*]*(?:[一二三四五六七八九十]是|同时|此外|另外)?[，、]?"
                r"(?P<m>(?:必须|一定要)(?!清醒|看到|认识到|承认))"),
     WARNING, "是部署口气；汇报时写成“我们将……”", True),
)
WE_RE = re.compile(r"我们|我(?:区|县|市|镇|乡|街道|社区|局|委|办)")
PER_DRAFT = 10


def check_voice(reading: Reading) -> list[Finding]:
    kind, source = reading.kind
    if kind != REPORT:
        return []
    text = reading.text
    given = brief_spans(text, reading.facts.brief)
    findings: list[Finding] = []
    seen: set[int] = set()
    for pattern, severity, why, ours_ok in MARKERS:
        for m in pattern.finditer(text):
            start = m.start("m")
            if start in seen or (ours_ok and _said_by_us(text, start)) \
                    or any(a <= start < b for a, b in given):
                continue
            seen.add(start)
            clause_end = min((i for i in (text.find(c, start) for c in "。；\n") if i >= 0),
                             default=len(text))
            findings.append(Finding(
                "", reading.line(start), CATEGORY, severity if source == "brief" else WARNING,
                text[start:min(clause_end, start + 30)].strip("*"),
                f"座谈发言是向上汇报，“{m.group('m')}”{why}"
                + ("" if source == "brief" else "（未给简报，稿件类型系推断）"),
            ))
    findings.sort(key=lambda f: f.line)
    return findings[:PER_DRAFT]


def _said_by_us(text: str, pos: int) -> bool:
    """我们要切实… / 我们务必…: the speaker's own resolve, not an order to others."""
    start = max(text.rfind(ch, 0, pos) for ch in "。！？；\n") + 1
    return bool(WE_RE.search(text, start, pos))
