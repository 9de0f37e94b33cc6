"""Which part of a speech a section is: role cue words (derived from the corpus) and the
scoring that labels a section 开场、认清形势、肯定成绩、查摆问题、部署措施、加强领导 or 结束语.

Heading text weighs most; body cues are counted on jieba tokens (imported on first use)
and normalised by length. A heading whose clauses point at different roles
(``一、肯定成绩，正视问题``) is reported as ``combined``. Split from :mod:`generator.segment`,
which finds the sections.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

NUM = "一二三四五六七八九十"
CLAUSE_SPLIT = re.compile(r"[，,；;]")

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
