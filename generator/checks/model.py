"""The finding record and the facts a brief contributes to checking."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"

CATEGORY_NAMES = {
    "placeholder": "占位符",
    "wrong_place": "其他地名",
    "stale_time": "时间错误",
    "form": "格式",
    "copied": "照抄语料",
    "twins": "雷同稿",
    "level_words": "层级用语",
    "repetition": "内部重复",
    "voice": "语气",
    "coverage": "简报遗漏",
    "structure": "结构",
    "formulation": "提法",
}


@dataclass
class Finding:
    """One problem in a draft; line is 1-based in the file (paragraph number for .docx)."""

    file: str
    line: int
    category: str
    severity: str
    excerpt: str
    advice: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Facts:
    """What a brief says about the speech that checks can compare against."""

    name: str = ""
    level: str = ""
    parent: str = ""
    date: dt.date | None = None
    kind: str = ""
    brief: Any = None  # the full generator.brief.Brief when there is one (简报遗漏 needs it)
    said: str = ""  # the brief's own wording (prior speakers, agenda…): places named there are given


def _get(obj: Any, key: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _pick(obj: Any, *keys: str) -> Any:
    for key in keys:
        value = _get(obj, key)
        if value not in (None, ""):
            return value
    return None


def facts_from_brief(brief: Any) -> Facts:
    """Accept a Facts, a loaded Brief object or a plain YAML dict (English or Chinese keys)."""
    if brief is None:
        return Facts()
    if isinstance(brief, Facts):
        return brief
    full = _full_brief(brief)
    loc = _pick(brief, "locality", "地区")
    meeting = _pick(brief, "meeting", "会议")
    date = _pick(meeting, "date", "日期")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            date = None
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        date = None
    return Facts(
        name=str(_pick(loc, "name", "名称") or ""),
        level=str(_pick(loc, "level", "层级") or ""),
        parent=str(_pick(loc, "parent", "上级") or ""),
        date=date,
        kind=str(_pick(brief, "kind", "类型") or ""),
        brief=full,
        said=_said(brief),
    )


def _said(brief: Any) -> str:
    """Who else the brief names (prior speakers, attendees, agenda): their places are facts."""
    meeting = _pick(brief, "meeting", "会议")
    parts: list[str] = []
    for p in _pick(brief, "prior_speakers", "前序发言") or ():
        parts += [str(_pick(p, "role", "职务") or ""), str(_pick(p, "did", "发言内容") or "")]
    for key in (("attendees", "参会人员"), ("agenda", "议程")):
        parts += [str(x) for x in (_pick(meeting, *key) or ())]
    return "。".join(parts)


def _full_brief(brief: Any) -> Any:
    """A Brief as is; a dict validated into one when it is a complete brief, else None."""
    from generator.brief import Brief, brief_from_located
    from generator.errors import SpeechgenError
    from generator.yamlload import Located

    if isinstance(brief, Brief):
        return brief
    if not isinstance(brief, dict):
        return None
    try:
        return brief_from_located(Located(brief, "<简报>"))
    except (SpeechgenError, TypeError, ValueError):
        return None  # a partial brief (locality and date only) still serves the other checks


def clip(text: str, start: int, end: int, pad: int = 8) -> str:
    """A short excerpt around text[start:end], on one line."""
    a = max(0, start - pad)
    b = min(len(text), end + pad)
    s = text[a:b].replace("\n", " ")
    return ("…" if a > 0 else "") + s + ("…" if b < len(text) else "")


def line_at(text: str, pos: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, pos) + 1
