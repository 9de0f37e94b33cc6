"""Kind, topic and level of an ingested speech, from its title and opening.

Cues and synonyms (誓师大会 → 动员部署会, 环境卫生整治 → 人居环境整治) come from
``generator/data/ingest_rules.yaml``; only the structural rules (主持 unless
主持词和讲话, 发言 without 讲话) are code. What cannot be recognised is ``other``,
and :func:`classification_notes` tells staff which file to look at.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from generator.webpage import rules

KINDS = ("推进会", "动员部署会", "主持词", "座谈发言", "总结部署会", "other")
LEVELS = {  # self-references: 全区/我区/本区 …
    "市": (r"全市(?!场)|我市|本市", r"(?<![城都])市委|(?<![城都])市政府|市直"),
    "区": (r"全区(?!域)|我区|本区", r"(?<![社小园片辖城街景])区委|(?<![社小园片辖城街景])区政府|(?<![社小园片辖城街景])区直"),
    "县": (r"全县(?!城)|我县|本县", r"县委|县政府|县直"),
    "街道": (r"全街道|我街道|本街道|街道党工委|街道层面", r"街道办事处"),
    "乡镇": (r"全镇|我镇|本镇|全乡|我乡|镇党委|乡党委", r"镇政府|乡政府"),
}
HOSTING = re.compile(r"议程|下面[，,]?请|会议到此结束|散会|现在开会|请.{1,12}(讲话|作报告)")


def _kind_of(text: str) -> str | None:
    """The first kind (rule order) whose title cue (誓师 → 动员部署会, 调度会 → 推进会 …) occurs."""
    for kind, cues in rules().kinds:
        if any(cue in text for cue in cues):
            return kind
    return None


def _convened(opening: str) -> str | None:
    """``今天召开……推进会``: the meeting the opening names, by the rule order of kinds."""
    r = rules()
    names = "|".join(f"(?:{p.pattern})" for _, p in r.convened)
    m = re.search(r"召开[^。！？]{0,40}?(?:" + names + ")", opening)
    if m:
        return next(kind for kind, p in r.convened if p.search(m.group(0)))
    return None


def detect_kind(title: str, body: str) -> str:
    """Genre from the title, the opening ("今天召开…推进会") and hosting phrases."""
    if ("主持" in title and "讲话" not in title) or HOSTING.search(body) and "主持" in title:
        return "主持词"
    if kind := _convened(body[:300]):
        return kind
    if "座谈" in title or ("发言" in title and "讲话" not in title):
        return "座谈发言"
    return _kind_of(title) or _opening_kind(body[:300]) or "other"


def _opening_kind(opening: str) -> str | None:
    return next((kind for kind, p in rules().opening if p.search(opening)), None)


def detect_topic(title: str, body: str) -> str:
    """Topic with the most keyword hits (title hits count 3×); weak evidence gives other."""
    scores = {
        topic: 3 * len(re.findall(cues, title)) + len(re.findall(cues, body))
        for topic, cues in _topic_cues().items()
    }
    best = max(scores, key=lambda t: scores[t])  # first topic in TOPICS wins ties
    return best if scores[best] >= 3 else "other"


@lru_cache(maxsize=1)
def _topic_cues() -> dict[str, str]:
    """One alternation per topic, longest cue first (环境卫生整治 before 环境整治)."""
    return {topic: "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
            for topic, cues in rules().topics.items()}


def detect_level(text: str) -> str:
    """Administrative level the speaker addresses (全区/我区 → 区); empty when unclear."""
    strong = Counter({lv: len(re.findall(pats[0], text)) for lv, pats in LEVELS.items()})
    level, hits = strong.most_common(1)[0]
    if hits:
        return level
    weak = Counter({lv: len(re.findall(pats[1], text)) for lv, pats in LEVELS.items()})
    level, hits = weak.most_common(1)[0]
    return level if hits >= 2 else ""


def classification_notes(name: str, meta: dict[str, str]) -> list[str]:
    """Chinese lines for staff when the title named no known kind or topic (other)."""
    notes = []
    if meta["kind"] == "other":
        notes.append(f"{name}：从标题“{meta['title']}”和开头认不出讲话类型，已记为 other，请核对文件头的 kind。")
    if meta["topic"] == "other":
        notes.append(f"{name}：题材不在五类之内或认不出，已记为 other，请核对文件头的 topic。")
    return notes
