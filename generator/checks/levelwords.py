"""层级用语: words of another level of government (kinds.md rule 3).

我市/全市上下 in a 县 speech, 全区上下 in a 街道 speech, 县委 in a 区 speech; 村 words in a
街道 or 社区 speech; a speech telling its own superior what to do; a 网格 that 统筹指导 a 社区.
The level is the brief's, or else the one the speech most often uses for itself.
"""

from __future__ import annotations

import re

from generator import gazetteer as gz
from generator.checks.model import ERROR, WARNING, Facts, Finding, line_at
from generator.checks.place import dominant_level, own_words, self_words
from generator.checks.prefilter import Scan
from generator.checks.units import brief_spans

CATEGORY = "level_words"
WHOLE_RE = re.compile(r"上下|人民|各级|广大|干部群众|党员干部|各族")
ORGAN_RE = re.compile(r"(?<![全我本各该])(?P<lv>街道|市|区|县|州|旗|镇|乡)(?:委|政府|人大|政协)(?!员)")

# 村 words: not 城中村 (a street's own business), 新村 (a housing estate), 度假村, 地球村…
VILLAGE_RE = re.compile(r"房前屋后|(?<!城中)(?<![新假球运])村(?!镇银行)")
VILLAGE_WORDS = re.compile(r"村民(?:代表|小组)?|村庄|乡村(?:振兴)?|村级|村规民约|村干部|村两委|村党组织|"
                           r"行政村|自然村|农村|村组|村居|村容村貌|村容|村貌|村集体|各村|每个村|村（社区）")
# A draft without a brief that speaks of its own villages governs some (a 街道 with 村).
OWN_VILLAGES_RE = re.compile(r"各(?:自然|行政)?村|村（社区）|村\(社区\)|村两委|村居|行政村|自然村")
VILLAGE_FREE = ("街道", "社区")

# Unit ranks for "who directs whom": a unit never 统筹/指导/督促 one above it.
UNIT_RANK = {"网格": 0, "网格员": 0, "楼栋": 0, "楼栋长": 0, "社区": 1, "村": 1, "居委会": 1,
             "村委会": 1, "街道": 2, "乡镇": 2, "镇": 2, "乡": 2, "区": 3, "县": 3, "市": 4}
DIRECT_RE = re.compile(
    r"(?P<a>网格员?|楼栋长?|社区|居委会|村委会|街道|乡镇)"
    r"(?:党组织|党支部|党委|党工委|办事处)?(?:要|负责|牵头|具体)?"
    r"(?:统筹指导|统筹协调|统筹|指导|督促|督导|考核|领导)好?(?:各|全|所在|辖区内?)?"
    r"(?P<b>社区|街道|乡镇|区委|区政府|县委|县政府|市委|市政府)"
)
# The superior's organs, by the speech's level; a speech may ask them (恳请、建议) but not order.
SUPERIOR = {
    "社区": r"街道(?:党工委|办事处)?|区委|区政府|县委|县政府",
    "街道": r"区委|区政府|区直|区级|县委|县政府|县直|县级|市委|市政府",
    "乡镇": r"县委|县政府|县直|县级|区委|区政府|区直|区级|市委|市政府",
    "区": r"市委|市政府|市直|市级|省委|省政府",
    "县": r"市委|市政府|市直|市级|省委|省政府",
    "市": r"省委|省政府|省直|省级",
}
ORDER = r"(?:要(?![求点素害件务])|必须|务必|一定要)"
ASKING_RE = re.compile(r"建议|恳请|希望|请求|争取|需要|离不开|在.{0,6}领导下|按照|根据|得到|感谢")
CLAUSE_START = "。！？；\n"
ORGAN_SCAN, VILLAGE_SCAN, DIRECT_SCAN, OWN_VILLAGES_SCAN = map(
    Scan, (ORGAN_RE, VILLAGE_RE, DIRECT_RE, OWN_VILLAGES_RE))


def _superior_re(level: str, parent: str) -> re.Pattern[str] | None:
    organs = SUPERIOR.get(level)
    if not organs:
        return None
    organs = r"(?:" + organs + r")(?:各|有关|相关)?(?:部门|单位|领导)?"
    if parent:
        organs = re.escape(parent) + r"[^，。；、]{0,6}?(?:委|政府|局|办)|" + organs
    organ = r"(?<![我全本各该])(?:" + organs + r")"
    return re.compile(organ + r"(?:[、和]" + organ + r")*" + ORDER)


def _clause_before(text: str, pos: int) -> str:
    start = max(text.rfind(ch, 0, pos) for ch in CLAUSE_START) + 1
    return text[start:pos]


def check_level_words(text: str, facts: Facts) -> list[Finding]:
    """Every 层级用语 finding of one draft, except in the brief's own words (全市…座谈会
    as a 区's meeting title, a 村 in a brief item): the draft must carry those as given."""
    level = facts.level or dominant_level(text)
    if not level:
        return []
    given = brief_spans(text, facts.brief)
    findings = _self_words(text, facts, level, given)
    findings += _village_words(text, facts, level, given)
    findings += _directing_up(text, facts, level, given)
    findings.sort(key=lambda f: f.line)
    return findings


def _given(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def _self_words(text: str, facts: Facts, level: str, given: list[tuple[int, int]]) -> list[Finding]:
    """我市/全市上下 in a 县 speech, 全区上下 in a 街道 speech, 县委 in a 区 speech…"""
    mine = own_words(level)
    rank = max((gz.LEVEL_RANK.get(w, 0) for w in mine), default=0)
    parent_level = gz.level_of(facts.parent) if facts.parent else ""
    parent_rank = gz.rank_of(facts.parent) if facts.parent else 0
    who = facts.name or f"本{mine[0] if mine else level}"
    findings: list[Finding] = []
    for m in self_words(text):
        word, pre = m.group("lv"), m.group("pre")
        if word in mine or _given(given, m.start()):
            continue
        x_rank = gz.LEVEL_RANK.get(word, 0)
        whole = bool(WHOLE_RE.match(text, m.end()))
        severity = ERROR
        if pre == "全" and not whole and x_rank > rank:
            if parent_level and (word == parent_level or x_rank > parent_rank):
                continue
            if not facts.parent and x_rank > rank:
                severity = WARNING
            if not facts.level:
                continue  # without a brief, a higher 全X usually means the level above
        span = m.group(0) + (text[m.end():m.end() + 2] if whole else "")
        findings.append(Finding(
            "", line_at(text, m.start()), CATEGORY, severity, _clip(text, m.start(), m.end()),
            f"“{span}”是{word}一级的用语，与讲话层级（{level}）不符，应为“{pre}{mine[0] if mine else level}”"
            + ("；如指上级请核实" if severity == WARNING else "") + f"（{who}）",
        ))
    for m in ORGAN_SCAN.finditer(text):
        word = m.group("lv")
        if word in mine or gz.LEVEL_RANK.get(word, 0) != rank or _given(given, m.start()):
            continue
        findings.append(Finding(
            "", line_at(text, m.start()), CATEGORY, ERROR, _clip(text, m.start(), m.end()),
            f"“{m.group(0)}”与讲话层级（{level}）不符，应为“{mine[0]}{m.group(0)[len(word):]}”",
        ))
    return findings


def _village_words(text: str, facts: Facts, level: str,
                   given: list[tuple[int, int]]) -> list[Finding]:
    """村、村民、村庄、乡村、房前屋后 in a 街道 or 社区 speech: one finding per line."""
    if level not in VILLAGE_FREE:
        return []
    if not facts.level and OWN_VILLAGES_SCAN.search(text):
        return []  # no brief, and the speech names its own villages: a 街道 that has some
    severity = ERROR if facts.level else WARNING
    findings: list[Finding] = []
    seen: set[int] = set()
    for m in VILLAGE_SCAN.finditer(text):
        line = line_at(text, m.start())
        if line in seen or _given(given, m.start()):
            continue
        seen.add(line)
        word = _village_word(text, m.start())
        findings.append(Finding(
            "", line, CATEGORY, severity, _clip(text, m.start(), m.end()),
            f"“{word}”是有村的乡镇、县一级的用语，{level}讲话中不应出现；"
            f"{'街道讲“社区”“小区”' if level == '街道' else '社区讲“网格”“楼栋”“小区”'}"
            + ("（未给简报，层级按全文自称推断，如本街道确实辖村请忽略）" if not facts.level else ""),
        ))
    return findings


def _directing_up(text: str, facts: Facts, level: str,
                  given: list[tuple[int, int]]) -> list[Finding]:
    """A unit told to direct the one above it, or the speech ordering its own superior."""
    findings: list[Finding] = []
    for m in DIRECT_SCAN.finditer(text):
        a, b = m.group("a"), m.group("b")
        if UNIT_RANK[a] >= UNIT_RANK.get(b, UNIT_RANK.get(b[0], 0)) or _given(given, m.start()):
            continue  # 街道指导社区: downwards is how it should be
        findings.append(Finding(
            "", line_at(text, m.start()), CATEGORY, ERROR, _clip(text, m.start(), m.end()),
            f"“{m.group(0)}”：{a}是{b}的下级，不能由它统筹、指导或督促上级；请调换主语或改为“配合”",
        ))
    sup = _superior_re(level, facts.parent)
    if sup is not None:
        for m in Scan(sup).finditer(text):
            if ASKING_RE.search(_clause_before(text, m.start())) or _given(given, m.start()):
                continue
            findings.append(Finding(
                "", line_at(text, m.start()), CATEGORY, ERROR, _clip(text, m.start(), m.end()),
                f"“{m.group(0)}”：{level}一级的讲话不能给上级布置任务；"
                "如需上级支持，可改为“恳请……给予指导支持”，或删去",
            ))
    return findings


def _village_word(text: str, pos: int) -> str:
    """The word around a 村 (乡村振兴, 村级, 村民代表), or 村 itself."""
    for m in VILLAGE_WORDS.finditer(text, max(0, pos - 3), pos + 6):
        if m.start() <= pos < m.end():
            return m.group(0)
    return text[pos:pos + 4] if text.startswith("房前屋后", pos) else "村"


def _clip(text: str, start: int, end: int, pad: int = 8) -> str:
    """A short excerpt around text[start:end] that stays on its own line."""
    a = max(text.rfind("\n", 0, start) + 1, start - pad)
    stop = text.find("\n", end)
    b = min(len(text) if stop < 0 else stop, end + pad)
    return ("…" if a > 0 and text[a - 1] != "\n" else "") + text[a:b].strip("#* ") + (
        "…" if b < len(text) and text[b] != "\n" else "")
