"""How the brief's names and facts are worded in a speech, and the check that none is lost.

Bylines (清溪县县长 周某), the meeting named with its locality, deadlines (年底前), the
主持词's calls and recap, and :func:`missing_items`: every brief item must appear in
the draft (shared/spec/kinds.md rule 1).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from generator.wording import clause, fullwidth, month_day

LEVEL_SUFFIXES = ("街道", "社区", "市", "区", "县", "镇", "乡")
_SPEECH = re.compile(r"^(?:请)?(.+?)(?:同志)?(?:作|做)(?:重要|动员|总结|工作|部署)*(?:讲话|部署讲话)")
_CALLED = re.compile(r"作|做|通报|发言|讲话|宣读|介绍|汇报|传达|部署|表态|领学")
_SELF_RUN = ("观看", "播放", "集体", "全体", "奏", "唱", "签订", "颁发", "举行", "进行")


def when(day: dt.date | None, meeting: dt.date) -> str:
    """A deadline as a speech says it: 年底 / 6月底 / 7月10日 / 2027年3月1日 (before 前)."""
    if day is None:
        return ""
    if day.year != meeting.year:
        return f"{day.year}年{day.month}月{day.day}日"
    if day.month == 12 and day.day == 31:
        return "年底"
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{day.month}月底"
    return month_day(day)


def _stem(name: str) -> str:
    for suffix in LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _suffix(name: str) -> str:
    return next((s for s in LEVEL_SUFFIXES if name.endswith(s)), "")


def names_place(title: str, place: str) -> bool:
    """The title already names a place: this locality, or another (东城区委副书记)."""
    if place and (place in title or _stem(place) in title):
        return True
    # 东城区委副书记 names 东城区; 市政府副市长, 区委书记, 县农业农村局局长 name no place
    return bool(re.match(r"^[^市区县镇乡街社]{2,5}(?:街道|社区|市|区|县|镇|乡)", title))


def byline(title: str, name: str, place: str) -> str:
    """清溪县县长 周某 / 福海区委书记 / 东湖街道办事处主任 陈静; unchanged when the title names a place."""
    title = fullwidth(title)
    if place and title and not names_place(title, place):
        suffix = _suffix(place)
        if suffix and title.startswith(suffix) and title != suffix + "长" and _stem(place) != place:
            title = _stem(place) + title  # 福海区委书记, 东湖街道办事处主任, 松溪县农业农村局局长
        else:
            title = place + title  # 清溪县县长, 清溪县副县长
    return " ".join(x for x in (title, fullwidth(name)) if x)


def meeting_named(title: str, place: str, own_all: str) -> tuple[str, bool]:
    """The meeting's name as the body first says it, and whether it names the locality.

    全区创建…推进会 for 福海区 reads 福海区创建…推进会; a higher meeting (全市… for a 区) is
    left as is, and the body names the locality elsewhere.
    """
    if not place or place in title or _stem(place) in title:
        return title, True
    if own_all and title.startswith(own_all):
        return place + title[len(own_all):], True
    if title.startswith("全"):
        return title, False
    return place + title, True


def speech_by(agenda: list[str]) -> str:
    """Who gave the main speech, from the last agenda item that is a speech (县委书记作重要讲话)."""
    for item in reversed(agenda):
        found = _SPEECH.match(clause(item))
        if found:
            return found.group(1)
    return ""


def agenda_call(item: str) -> str:
    """请县农业农村局局长通报…; items the hall does together (观看专题片) are called as written."""
    text = clause(item)
    if text.startswith("请") or text.startswith(_SELF_RUN) or not _CALLED.search(text):
        return text
    return "请" + text


def brief_items(base: dict[str, Any], voice: str = "") -> list[tuple[str, str]]:
    """(what, text) for every item of the brief that must appear in the draft.

    Every kind carries them all (kinds.md rule 1): a 主持词 gives achievements and problems
    as the meeting's background and the measures inside its second demand. ``voice`` is kept
    for callers that pass it; it no longer exempts anything.
    """
    items: list[tuple[str, str]] = []
    for a in base["achievements"]:
        items += [("成绩", a["title"]), ("成绩细节", a["detail"]), ("成绩数据", a["figures"])]
    for p in base["problems"]:
        items += [("问题", p["title"]), ("问题细节", p["detail"])]
    for m in base["measures"]:
        items += [("措施", m["title"]), ("责任单位", m["owner"]), ("时限", m["deadline"])]
        items += [("措施要点", p) for p in m["points"]]
    items += [("目标", t["text"]) for t in base["targets"]]
    items += [("目标时限", t["deadline"]) for t in base["targets"]]
    items += [("议程", a) for a in base["meeting"]["agenda"]]
    items += [("出席人员", a) for a in base["meeting"]["attendees"]]
    for p in base["prior"]:
        items += [("前序发言人", p["name"]), ("前序发言人职务", p["role"]), ("前序发言内容", p["did"])]
    return [(what, clause(text)) for what, text in items if clause(text)]


def missing_items(base: dict[str, Any], body: str, voice: str = "") -> list[str]:
    """Brief items the draft lost: each must appear in its own words."""
    flat = _plain(body)
    return [f"{what}“{text}”" for what, text in brief_items(base, voice) if _plain(text) not in flat]


_UNREAD = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def _plain(text: str) -> str:
    """Text as it reads: no whitespace or control characters (writers drop those)."""
    joined = "".join(text.split())  # str.split drops exactly what \s matches
    if joined.isprintable():  # no control character left: what the regex would give
        return joined
    return _UNREAD.sub("", text)
