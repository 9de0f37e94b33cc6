"""The brief: shared/spec/brief.md as validated, immutable data.

Validation is hand-written over the located YAML (see :mod:`generator.yamlload`)
rather than pydantic: we need the line:column of every key as written (English
or Chinese alias), a did-you-mean for misspelt keys, every problem at once, and
a cold start that does not pay for a model library on every render.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.briefcheck import (
    MAX_GROWTH,
    Checker,
    Field,
    boolean,
    choice,
    date,
    integer,
    listing,
    minutes,
    number,
    record,
    text,
)
from generator.errors import BriefError
from generator.yamlload import Located, load_yaml_file, load_yaml_text

KINDS = ("推进会", "动员部署会", "主持词", "座谈发言", "总结部署会")
TOPICS = ("文明城市创建", "人居环境整治", "城市管理", "生态环境保护", "社区治理")
LEVELS = ("市", "区", "县", "街道", "乡镇", "社区")
LEVEL_SYNONYMS = {"镇": "乡镇", "乡": "乡镇", "街": "街道", "市辖区": "区", "县级市": "市"}
DEFAULT_LENGTH = 15


# ---------------------------------------------------------------- the model

@dataclass(frozen=True)
class Locality:
    name: str
    level: str
    parent: str = ""


@dataclass(frozen=True)
class Meeting:
    title: str
    date: dt.date
    place: str = ""
    attendees: tuple[str, ...] = ()
    agenda: tuple[str, ...] = ()


@dataclass(frozen=True)
class Speaker:
    title: str
    name: str = ""


@dataclass(frozen=True)
class PriorSpeaker:
    name: str
    role: str = ""
    did: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: float
    unit: str = ""
    baseline: float | None = None
    baseline_label: str = "上年同期"


@dataclass(frozen=True)
class Achievement:
    title: str
    detail: str = ""
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class ProblemItem:
    title: str
    detail: str = ""


@dataclass(frozen=True)
class Measure:
    title: str
    points: tuple[str, ...] = ()
    owner: str = ""
    deadline: dt.date | None = None


@dataclass(frozen=True)
class Target:
    text: str
    deadline: dt.date | None = None


@dataclass(frozen=True)
class Brief:
    kind: str
    topic: str
    locality: Locality
    meeting: Meeting
    speaker: Speaker
    prior_speakers: tuple[PriorSpeaker, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    problems: tuple[ProblemItem, ...] = ()
    measures: tuple[Measure, ...] = ()
    targets: tuple[Target, ...] = ()
    deadline: dt.date | None = None
    length: float = DEFAULT_LENGTH
    seed: int | None = None
    formulations: bool = True  # 提法: the dated guiding wording in directive openings
    source: str = ""

    @property
    def effective_seed(self) -> int:
        """The brief's seed, or one derived from locality + meeting (stable across runs)."""
        if self.seed is not None:
            return self.seed
        key = "|".join((self.locality.name, self.locality.level, self.meeting.title,
                        self.meeting.date.isoformat(), self.kind, self.topic))
        return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


# Field tables: canonical key, Chinese alias, parser, required.
FIGURE = (
    Field("label", "指标", text, True),
    Field("value", "数值", number, True),
    Field("unit", "单位", text),
    Field("baseline", "对比值", number),
    Field("baseline_label", "对比口径", text),
)
ACHIEVEMENT = (
    Field("title", "标题", text, True),
    Field("detail", "详情", text),
    Field("figures", "数据", listing(record(Figure, FIGURE, "数据项"))),
)
PROBLEM = (Field("title", "标题", text, True), Field("detail", "详情", text))
MEASURE = (
    Field("title", "标题", text, True),
    Field("points", "要点", listing(text)),
    Field("owner", "责任单位", text),
    Field("deadline", "完成时限", date),
)
TARGET = (Field("text", "内容", text, True), Field("deadline", "完成时限", date))
PRIOR = (Field("name", "姓名", text, True), Field("role", "职务", text), Field("did", "发言内容", text))
LOCALITY = (
    Field("name", "名称", text, True),
    Field("level", "层级", choice(LEVELS, "层级", LEVEL_SYNONYMS), True),
    Field("parent", "上级", text),
)
MEETING = (
    Field("title", "名称", text, True),
    Field("date", "日期", date, True),
    Field("place", "地点", text),
    Field("attendees", "参会人员", listing(text)),
    Field("agenda", "议程", listing(text)),
)
SPEAKER = (Field("title", "职务", text, True), Field("name", "姓名", text))


def brief_fields(kinds: Iterable[str], topics: Iterable[str]) -> tuple[Field, ...]:
    return (
        Field("kind", "类型", choice(tuple(kinds), "讲话类型"), True),
        Field("topic", "主题", choice(tuple(topics), "主题"), True),
        Field("locality", "地区", record(Locality, LOCALITY, "地区"), True),
        Field("meeting", "会议", record(Meeting, MEETING, "会议"), True),
        Field("speaker", "讲话人", record(Speaker, SPEAKER, "讲话人"), True),
        Field("prior_speakers", "前序发言", listing(record(PriorSpeaker, PRIOR, "前序发言", "name"))),
        Field("achievements", "成绩", listing(record(Achievement, ACHIEVEMENT, "成绩", "title"))),
        Field("problems", "问题", listing(record(ProblemItem, PROBLEM, "问题", "title"))),
        Field("measures", "措施", listing(record(Measure, MEASURE, "措施", "title"))),
        Field("targets", "目标", listing(record(Target, TARGET, "目标", "text"))),
        Field("deadline", "时限", date),
        Field("length", "时长", minutes),
        Field("seed", "随机种子", integer),
        Field("formulations", "提法", boolean),  # docs/brief.md, extra keys; generator/formulations.py
    )


def brief_from_located(located: Located, kinds: Iterable[str] = KINDS,
                       topics: Iterable[str] = TOPICS) -> Brief:
    """Validate a loaded document; raise one BriefError listing every problem."""
    ck = Checker(located)
    values = ck.mapping(located.data, "", "", brief_fields(kinds, topics), "简报")
    if values is not None:
        meeting = values.get("meeting")
        if meeting and values.get("deadline") and values["deadline"] < meeting.date:
            ck.add("时限早于会议日期，无法倒计时。", "deadline", "deadline")
        _cross_checks(values, ck)
    if ck.problems:
        count = len(ck.problems.items)
        raise BriefError(f"简报 {located.file} 有 {count} 处问题：", ck.problems.items)
    assert values is not None
    values["source"] = located.file
    return Brief(**values)


def _cross_checks(values: dict[str, Any], ck: Checker) -> None:
    """Checks across fields: item deadlines after the meeting (as ``check`` expects of
    the draft), and growth rates that can be computed and said."""
    meeting = values.get("meeting")
    for key in ("measures", "targets"):
        for i, item in enumerate(values.get(key) or ()):
            deadline = getattr(item, "deadline", None)
            if meeting and deadline and deadline < meeting.date:
                path = f"{key}[{i}].deadline"
                ck.add(f"完成时限 {deadline.isoformat()} 早于会议日期 {meeting.date.isoformat()}，"
                       "请检查年份或删去这个时限。", path, path)
    for i, item in enumerate(values.get("achievements") or ()):
        for j, fig in enumerate(getattr(item, "figures", ()) or ()):
            if fig is None or fig.baseline in (None, 0):
                continue
            if abs(fig.value - fig.baseline) > MAX_GROWTH * abs(fig.baseline):
                path = f"achievements[{i}].figures[{j}].baseline"
                ck.add(f"对比值 {fig.baseline:g} 与数值 {fig.value:g} 相差过大（增幅超过 {MAX_GROWTH * 100:,}%），"
                       "多半是单位或小数点写错了，请检查。", path, path)


def load_brief(path: Path, kinds: Iterable[str] = KINDS, topics: Iterable[str] = TOPICS) -> Brief:
    return brief_from_located(load_yaml_file(path), kinds, topics)


def parse_brief_text(source: str, file: str = "<简报>", kinds: Iterable[str] = KINDS,
                     topics: Iterable[str] = TOPICS) -> Brief:
    return brief_from_located(load_yaml_text(source, file), kinds, topics)
