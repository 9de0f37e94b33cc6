"""Leftover fill-in marks: XX, ×××, 某某, ？？, ＊＊, {{ }}, 【单位】, （待补充）.

Real drafts also stand a single letter or 某 in for a name or place (X同志, X省,
X部门、X区（县）, 新X, 某县), leave brackets or quotes empty (（）, “”) and keep
editors' notes in 【】. A single X counts only where it touches Chinese and no
Latin letter or digit (3+X, X光 and Excel are words, not gaps); 某 only before a
title or a place word, so 某些, 某种, 某一方面 and 某区域 stay unflagged.
"""

from __future__ import annotations

import re

from generator.checks.model import ERROR, Finding, clip, line_at
from generator.checks.prefilter import Scan

FILL_WORDS = (
    "单位|部门|姓名|名字|名称|日期|时间|数字|数据|数量|地点|地区|职务|领导|填写|填入|此处|"
    "待|补充|内容|金额|比例|标题|会议|XX|xx|某|××|…"
)
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "“XX”占位符未替换"),
    (re.compile(r"(?<![A-Za-z0-9])[XＸ](?=[年月日号时个项名家户人次条件处座万亿元%％])"),
     "“X”占位符未替换"),
    (re.compile(r"[×＊*○□◯]{2,}(?![A-Za-z])"), "“×××”类占位符未替换"),
    (re.compile(r"某某"), "“某某”占位符未替换"),
    (re.compile(r"[？?]{2,}"), "“？？”占位符未替换"),
    (re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{\{|\}\}|\{%|%\}"), "模板语法未渲染"),
    (re.compile(r"【[^】\n]{0,20}?(?:" + FILL_WORDS + r")[^】\n]{0,20}】|【\s*】"), "【】填写提示未替换"),
    (re.compile(r"[（(]\s*(?:待(?:补充|定|填|核实|确认|完善|更新|修改)|暂定|略|此处[^）)]{0,12}|"
                r"TBD|TODO|tbd|todo)\s*[）)]"), "待补充标记未处理"),
    (re.compile(r"\b(?:TODO|FIXME|TBD)\b"), "待补充标记未处理"),
]
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
SINGLE_X = re.compile(
    r"(?<![A-Za-z0-9ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＹＺ+＋\-－/／.．·XxＸｘ×])[XxＸｘ×]"
    r"(?![A-Za-z0-9XxＸｘ×+＋\-－])(?!光|射线|型|轴)"
    r"(?:(?<=[" + HAN + r"][XxＸｘ×])|(?=[" + HAN + r"]))"
)
ONE_MOU = re.compile(
    r"(?<!某)某(?!某)(?=同志|书记|副书记|主任|局长|部长|县长|区长|市长|镇长|乡长|主席|省(?!份)|市(?!场|民)|县(?!域)|"
    r"区(?!域|别)|镇|乡(?!亲)|村(?!民)|街道|社区|部门|单位)"
)
EXTRA: list[tuple[re.Pattern[str], str]] = [
    (SINGLE_X, "“X”占位符（代替人名、地名或单位）未替换"),
    (ONE_MOU, "“某”占位符（代替人名、地名或单位）未替换"),
    (re.compile(r"[（(]\s*[）)]|“\s*”|‘\s*’|《\s*》|「\s*」|『\s*』"), "空括号或空引号，内容未填"),
    (re.compile(r"【[^】\n]{1,80}】"), "【】批注或提示未删除"),
]
MD_BOLD = re.compile(r"\*\*(?=\S)[^*\n]*?[^*\s]\*\*")
SCANS: list[tuple[Scan, str]] = [(Scan(pattern), what) for pattern, what in PATTERNS + EXTRA]


# Marks that stand for a missing fact and can become a template variable (not template syntax).
FILLABLE = {"“XX”占位符未替换", "“X”占位符未替换", "“×××”类占位符未替换", "“某某”占位符未替换",
            "“？？”占位符未替换", "“X”占位符（代替人名、地名或单位）未替换",
            "“某”占位符（代替人名、地名或单位）未替换", "空括号或空引号，内容未填",
            "【】填写提示未替换", "【】批注或提示未删除"}
EMPTY_PAIR = "空括号或空引号，内容未填"


def _matches(text: str) -> list[tuple[re.Match[str], str]]:
    """Every placeholder match (earlier patterns win overlaps), in text order."""
    masked = MD_BOLD.sub(lambda m: "  " + m.group(0)[2:-2] + "  ", text) if "**" in text else text
    found: list[tuple[re.Match[str], str]] = []  # Markdown bold (above) is fine
    for scan, what in SCANS:
        for m in scan.finditer(masked):
            if any(m.start() < o.end() and o.start() < m.end() for o, _ in found):
                continue
            found.append((m, what))
    found.sort(key=lambda mw: mw[0].start())
    return found


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Where a fact is missing, for ``templatize``: the mark itself, or the inside of （）/“”."""
    spans = []
    for m, what in _matches(text):
        if what == EMPTY_PAIR:
            spans.append((m.start() + 1, m.end() - 1))
        elif what in FILLABLE:
            spans.append((m.start(), m.end()))
    return spans


def check_placeholders(text: str) -> list[Finding]:
    """Every leftover placeholder, one finding per occurrence, with its line."""
    findings = [
        Finding("", line_at(text, m.start()), "placeholder", ERROR, clip(text, m.start(), m.end()),
                f"{what}：“{m.group(0)}”，请填入实际内容或删除")
        for m, what in _matches(text)
    ]
    findings.sort(key=lambda f: f.line)
    return findings
