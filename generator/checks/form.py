"""Typography and numbering: half-width punctuation, doubled marks, unbalanced pairs, headings.

All form findings are warnings: they make a draft look careless but never state a wrong fact.
"""

from __future__ import annotations

import re

from generator.checks.model import WARNING, Finding, clip, line_at
from generator.checks.prefilter import Scan, first_class

CJK = r"[\u4e00-\u9fff]"
HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", '"': "“”", ".": "。"}
HALF_RE = re.compile(
    rf"(?<={CJK})[,;:?!()\"]|[,;:?!(\"](?={CJK})|(?<={CJK})\.(?![\d.])|(?<=[）\)])[,;]"
)
DOUBLE_RE = re.compile(r"[，。、；：！？]{2,}")
DOUBLE_OK = {"？！", "！？", "！！", "？？"}  # ？？ is a placeholder, reported there
PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "‘": "’", "(": ")", "「": "」"}
CLOSERS = {v: k for k, v in PAIRS.items()}
PAIR_CHARS_RE = re.compile("[" + re.escape("".join(PAIRS) + "".join(CLOSERS)) + "]")
CN = "一二三四五六七八九十"
HEADINGS: list[tuple[int, str, re.Pattern[str]]] = [
    (1, "一、", re.compile(rf"([{CN}]+)、")),
    (2, "（一）", re.compile(rf"（([{CN}]+)）")),
    (2, "(一)", re.compile(rf"\(([{CN}]+)\)")),
    (3, "1.", re.compile(r"(\d{1,2})[.．](?!\d)")),
    (3, "1、", re.compile(r"(\d{1,2})、")),
    (4, "（1）", re.compile(r"（(\d{1,2})）")),
    (4, "(1)", re.compile(r"\((\d{1,2})\)")),
    (5, "①", re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
]
LEAD_RE = re.compile(r"^[\s#>*\-]*(?:\*\*)?")
ENUM_RE = re.compile(rf"(?:^|(?<=[：:。；;，,\s*]))(第?)([{CN}]+)(是|，|、)")
HALF_SCAN, ENUM_SCAN = Scan(HALF_RE), Scan(ENUM_RE)
# Where a heading number can start: one test instead of eight patterns on most lines.
_firsts = [first_class(p.pattern, p.flags) for _, _, p in HEADINGS]
HEADING_FIRST = re.compile("|".join(f.pattern for f in _firsts if f)) if all(_firsts) else None


def cn_value(s: str) -> int:
    """一 → 1, 十二 → 12, ② → 2, '7' → 7."""
    if s.isdigit():
        return int(s)
    if len(s) == 1 and "①" <= s <= "⑳":
        return ord(s) - ord("①") + 1
    if s == "十":
        return 10
    try:  # a typo such as 二十三十 is not a numeral: 0, reported by the caller
        if s.startswith("十"):
            return 10 + CN.index(s[1]) + 1 if len(s) == 2 else 0
        if "十" in s:
            tens, _, ones = s.partition("十")
            if len(tens) != 1 or len(ones) > 1:
                return 0
            return (CN.index(tens) + 1) * 10 + (CN.index(ones) + 1 if ones else 0)
    except ValueError:
        return 0
    return CN.index(s) + 1 if s in CN else 0


def _warn(text: str, start: int, end: int, advice: str) -> Finding:
    return Finding("", line_at(text, start), "form", WARNING, clip(text, start, end), advice)


def check_punctuation(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for m in HALF_SCAN.finditer(text):
        ch = m.group(0)[-1] if m.group(0)[0] in "）)" else m.group(0)
        if ch == ":" and text[m.start() - 1:m.start()].isdigit() and text[m.end():m.end() + 1].isdigit():
            continue
        findings.append(_warn(text, m.start(), m.end(), f"中文语句中使用了半角标点“{ch}”，应为“{HALF[ch]}”"))
    for m in DOUBLE_RE.finditer(text):
        if m.group(0) in DOUBLE_OK:
            continue
        findings.append(_warn(text, m.start(), m.end(), f"标点重复或连用“{m.group(0)}”"))
    offset = 0
    for line in text.split("\n"):
        if line not in _clean:  # a line these rules passed once passes again
            before = len(findings)
            body = line.strip()
            if body and body[0] in "，。、；！？":
                findings.append(_warn(text, offset, offset + len(line), f"段首出现标点“{body[0]}”"))
            if body and body[-1] in "，、；":
                findings.append(_warn(text, offset, offset + len(line), f"段末标点“{body[-1]}”悬空，句子未写完"))
            findings += _check_pairs(text, offset, line)
            if len(findings) == before:
                if len(_clean) >= LINE_MEMO:
                    del _clean[next(iter(_clean))]  # the oldest
                _clean[line] = None
        offset += len(line) + 1
    return findings


_clean: dict[str, None] = {}  # lines with nothing for the per-line rules of check_punctuation


def _check_pairs(text: str, offset: int, line: str) -> list[Finding]:
    """Quotes and brackets must open and close within a paragraph, properly nested."""
    stack: list[tuple[str, int]] = []
    for m in PAIR_CHARS_RE.finditer(line):
        i, ch = m.start(), m.group(0)
        if ch in PAIRS:
            stack.append((ch, i))
        elif ch in CLOSERS:
            if stack and stack[-1][0] == CLOSERS[ch]:
                stack.pop()
            else:
                return [_warn(text, offset + i, offset + i + 1, f"“{ch}”没有对应的“{CLOSERS[ch]}”")]
    if stack:
        ch, i = stack[0]
        return [_warn(text, offset + i, offset + i + 1, f"“{ch}”没有对应的“{PAIRS[ch]}”")]
    return []


Heading = tuple[int, str, int, int, int, str]  # level, style, number, start, end, as written
EnumItem = tuple[str, int, str, str, int, int, str]  # kind, number, 第, 是, start, end, as written
LINE_MEMO = 4096  # lines remembered: a batch's drafts share most of theirs
_parsed: dict[str, tuple[Heading | None, tuple[bool, bool, list[EnumItem]] | None]] = {}


def _parse_line(line: str) -> tuple[Heading | None, tuple[bool, bool, list[EnumItem]] | None]:
    """What check_numbering reads of one line, remembered by its text: its heading number,
    and (any enumeration, whether the line opens with it, the items) when it is not blank."""
    got = _parsed.get(line)
    if got is not None:
        return got
    heading: Heading | None = None
    lead = LEAD_RE.match(line)
    pos = lead.end() if lead else 0
    maybe = HEADING_FIRST is None or HEADING_FIRST.match(line, pos)
    for level, style, pattern in HEADINGS if maybe else ():
        m = pattern.match(line, pos)
        if m:
            heading = (level, style, cn_value(m.group(1)), m.start(), m.end(), m.group(0))
            break
    enum = None
    if line.strip():
        found = list(ENUM_SCAN.finditer(line))
        starts = bool(found) and found[0].start() <= PARA_START_RE.match(line).end()
        items = [(m.group(1) + "…" + m.group(3), cn_value(m.group(2)), m.group(1), m.group(3),
                  m.start(2), m.end(), m.group(0).strip("：:。；;，, "))
                 for m in found if m.group(3) == "是" or m.group(1)]  # 一、 inside a sentence is not one
        enum = (bool(found), starts, items)
    got = (heading, enum)
    if len(_parsed) >= LINE_MEMO:
        del _parsed[next(iter(_parsed))]  # the oldest
    _parsed[line] = got
    return got


def check_numbering(text: str) -> list[Finding]:
    """Headings must count 1, 2, 3 per level (reset under a new parent), in one style per list."""
    findings: list[Finding] = []
    last: dict[int, tuple[int, str]] = {}
    prev: tuple[int, str] | None = None  # number and style of the previous heading of any level
    carry: dict[str, int] = {}
    offset = 0
    for line in text.split("\n"):
        heading, enum = _parse_line(line)
        if heading is not None:
            level, style, n, start, end, said = heading
            start, end = offset + start, offset + end
            if n == 0:
                findings.append(_warn(text, start, end, f"编号“{said}”写法有误，请改正"))
            else:
                mine = last.get(level)
                expected = mine[0] + 1 if mine else 1
                if prev and n == prev[0] + 1 and style != prev[1] and n != expected:
                    findings.append(_warn(text, start, end, f"同一组编号混用“{prev[1]}”和“{style}”两种样式"))
                elif mine and mine[0] + 1 == n and mine[1] != style:
                    findings.append(_warn(text, start, end, f"同级编号混用“{mine[1]}”和“{style}”两种样式"))
                elif n != expected and not (prev and n == prev[0] + 1):
                    what = "重复" if mine and n == mine[0] else "跳号" if n > expected else "顺序颠倒"
                    findings.append(_warn(text, start, end, f"编号{what}：应为第{expected}项，此处为“{said}”"))
                last[level] = (n, style)
                for deeper in [k for k in last if k > level]:
                    del last[deeper]
                prev = (n, style)
        if enum is not None:
            # 一是…/二是… may each open its own paragraph: the count carries over
            # to a paragraph that starts with the next item, and resets otherwise.
            carry = _check_enum(text, offset, enum, findings, carry)
        offset += len(line) + 1
    return findings


PARA_START_RE = re.compile(r"^[\s\u3000*#]*")


def _check_enum(text: str, offset: int, enum: tuple[bool, bool, list[EnumItem]], findings: list[Finding],
                carry: dict[str, int]) -> dict[str, int]:
    """一是……二是……三是 (and 第一，第二) must count up by one, within a paragraph or
    across paragraphs that each start with the next item. Returns the state to carry."""
    found, starts, items = enum
    if not found:
        return {}
    seqs: dict[str, int] = dict(carry) if starts else {}
    for kind, n, di, shi, start, end, said in items:
        expected = seqs.get(kind, 0) + 1
        if n != expected and not (n == 1 and kind not in seqs):
            findings.append(_warn(text, offset + start, offset + end,
                                  f"列举序号不连续：应为“{di}{CN[expected - 1] if expected <= 10 else expected}"
                                  f"{shi}”，此处为“{said}”"))
        seqs[kind] = n
    return seqs


def check_form(text: str) -> list[Finding]:
    findings = check_punctuation(text) + check_numbering(text)
    findings.sort(key=lambda f: f.line)
    return findings
