"""The brief as a web form: the form's layout, and conversions form ↔ brief ↔ YAML.

The form is the brief spec (docs/brief.md) field for field. The browser sends
the form as a nested object with the canonical keys and text values, exactly
what a YAML brief would hold; :func:`validate` runs the CLI's own validator over
it, so the errors (and their key paths) are the CLI's. Import goes the other
way: a YAML brief (English keys or Chinese aliases) becomes the same nested
object of text, ready to fill the form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.brief import (
    ACHIEVEMENT,
    FIGURE,
    LEVELS,
    LOCALITY,
    MEASURE,
    MEETING,
    PRIOR,
    PROBLEM,
    SPEAKER,
    TARGET,
    Brief,
    Field,
    brief_fields,
    brief_from_located,
)
from generator.errors import Problem
from generator.yamlload import Located

FORM_FILE = "表单"


# ------------------------------------------------------------------ layout

@dataclass(frozen=True)
class Input:
    """One form control bound to one brief key."""

    key: str
    label: str
    help: str = ""
    kind: str = "text"  # text, textarea, number, date, select, checkbox
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    placeholder: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Group:
    """A nested mapping (地区, 会议, 讲话人)."""

    key: str
    label: str
    fields: tuple[Any, ...]
    help: str = ""


@dataclass(frozen=True)
class Repeat:
    """A list: of records (``fields``) or of plain strings (``fields`` is one Input)."""

    key: str
    label: str
    fields: tuple[Any, ...]
    help: str = ""
    add: str = "添加一项"
    strings: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Any, ...]
    help: str = ""


DATE_HINT = "写成 2026-05-08（也可写 2026年5月8日）"

FIGURE_ROW = (
    Input("label", "指标", "如 清运垃圾、问题整改率", required=True),
    Input("value", "数值", "只写数字，如 41500", "number", required=True),
    Input("unit", "单位", "如 吨、%、万元、个"),
    Input("baseline", "对比值", "可选：上年同期等的数值，用来写“同比增长”“提高几个百分点”", "number"),
    Input("baseline_label", "对比口径", "默认“上年同期”"),
)


def layout(kinds: Iterable[str], topics: Iterable[str], notes: dict[str, str],
           brief_keys: Iterable[str] = ()) -> tuple[Section, ...]:
    """The whole form, in the order a secretary fills it in."""
    keys = set(brief_keys)
    basics: list[Any] = [
        Input("kind", "讲话类型", "决定讲话的体裁和结构", "select", True,
              tuple((k, f"{k}（{notes[k].split('：')[0].rstrip('。')}）" if k in notes else k)
                    for k in kinds)),
        Input("topic", "主题", "决定主题包（常用表述和标准措施）", "select", True,
              tuple((t, t) for t in topics)),
        Input("length", "讲话时长（分钟）", "按每分钟170字控制篇幅，默认15", "number", placeholder="15"),
    ]
    if "formulations" in keys:
        basics.append(Input("formulations", "提法", "勾选时开场写入按会议日期选用的规范提法；取消勾选则不写",
                            "checkbox"))
    return (
        Section("讲话", tuple(basics)),
        Section("地区", (Group("locality", "地区", (
            Input("name", "名称", "如 福海区、城关街道、靖安县", required=True),
            Input("level", "层级", "决定“全区”“区委、区政府”等说法", "select", True,
                  tuple((x, x) for x in LEVELS)),
            Input("parent", "上级", "可选，如 滨海市；用于“落实市委、市政府部署”的表述"),
        )),)),
        Section("会议", (Group("meeting", "会议", (
            Input("title", "会议名称", "标题会写成“在……上的讲话”", required=True, wide=True),
            Input("date", "会议日期", DATE_HINT, "date", True, placeholder="2026-05-08"),
            Input("place", "会议地点", "可选"),
            Repeat("attendees", "参会人员", (Input("", "参会人员"),), "主持词用：出席会议的人员",
                   "添加参会人员", strings=True),
            Repeat("agenda", "议程", (Input("", "议程"),), "主持词用：会议议程，稿中逐项串联",
                   "添加议程", strings=True),
        )),)),
        Section("讲话人", (
            Group("speaker", "讲话人", (
                Input("title", "职务", "如 区委书记", required=True),
                Input("name", "姓名", "可选；只出现在标题下方的署名中"),
            )),
            Repeat("prior_speakers", "前序发言", (
                Input("name", "姓名", "如 陈立", required=True),
                Input("role", "职务", "如 区委常委、宣传部部长"),
                Input("did", "发言内容", "如 通报了前一阶段工作情况", wide=True),
            ), "会上先发言的同志，稿中写成“刚才，……同志……，讲得很好”", "添加前序发言"),
        )),
        Section("成绩", (Repeat("achievements", "成绩", (
            Input("title", "标题", "每条成绩的小标题", required=True, wide=True),
            Input("detail", "详情", "可选：具体做法", "textarea", wide=True),
            Repeat("figures", "数据", FIGURE_ROW, "可选：指标、数值、单位、对比值", "添加数据"),
        ), "不填则只用不含具体数字的笼统表述", "添加成绩"),)),
        Section("问题", (Repeat("problems", "问题", (
            Input("title", "标题", "如 发展不够平衡", required=True, wide=True),
            Input("detail", "详情", "可选", "textarea", wide=True),
        ), "不填则从主题包的常见问题中选用", "添加问题"),)),
        Section("措施", (Repeat("measures", "措施", (
            Input("title", "标题", "如 突出专项整治", required=True, wide=True),
            Repeat("points", "要点", (Input("", "要点"),), "稿中写成“一是……；二是……”", "添加要点",
                   strings=True),
            Input("owner", "责任单位", "可选，如 区城管局"),
            Input("deadline", "完成时限", f"可选；{DATE_HINT}", "date", placeholder="2026-06-30"),
        ), "不够时由主题包的标准措施补足", "添加措施"),)),
        Section("目标与时限", (
            Repeat("targets", "目标", (
                Input("text", "内容", "如 问题整改率稳定在较高水平", required=True, wide=True),
                Input("deadline", "完成时限", f"可选；{DATE_HINT}", "date", placeholder="2026-07-10"),
            ), "可选", "添加目标"),
            Input("deadline", "时限", f"可选：下一个节点日期（如迎检），稿中倒计时；{DATE_HINT}", "date",
                  placeholder="2026-07-10"),
            Input("seed", "随机种子", "可选整数；不填则按地区和会议自动确定，同一简报每次结果相同", "number"),
        )),
    )


def form_keys(sections: Iterable[Section]) -> set[str]:
    """Every key path the form can produce, with ``[]`` for list items (for tests)."""
    out: set[str] = set()

    def walk(fields: Iterable[Any], prefix: str) -> None:
        for f in fields:
            path = f"{prefix}.{f.key}" if prefix and f.key else (f.key or prefix)
            if isinstance(f, Input):
                out.add(path)
            elif isinstance(f, Group):
                walk(f.fields, path)
            elif isinstance(f, Repeat):
                out.add(f"{path}[]")
                if not f.strings:
                    walk(f.fields, f"{path}[]")
    for section in sections:
        walk(section.fields, "")
    return out


# ------------------------------------------------------------------ validation

def validate(data: Any, kinds: Iterable[str], topics: Iterable[str]) -> Brief:
    """The CLI's validator over form data; raises BriefError with key-path problems."""
    return brief_from_located(Located(data, FORM_FILE), kinds, topics)


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "message": problem.message, "line": problem.line,
            "text": str(problem)}


# ------------------------------------------------------------------ import

# The canonical field tables, by the position of a value in the brief.
_NESTED: dict[str, tuple[Field, ...]] = {
    "locality": LOCALITY, "meeting": MEETING, "speaker": SPEAKER, "prior_speakers": PRIOR,
    "achievements": ACHIEVEMENT, "achievements.figures": FIGURE, "problems": PROBLEM,
    "measures": MEASURE, "targets": TARGET,
}
_BARE = {"prior_speakers": "name", "achievements": "title", "problems": "title",
         "measures": "title", "targets": "text"}
_STRING_LISTS = {"meeting.attendees", "meeting.agenda", "measures.points"}


def as_text(value: Any) -> str:
    """A YAML scalar as the form shows it: dates ISO, 97.0 as 97."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def to_form(data: Any, kinds: Iterable[str], topics: Iterable[str]) -> dict[str, Any]:
    """A loaded YAML brief (aliases allowed) → the form's nested object of text.

    Keys the form does not have are dropped here; the caller reports them with
    the validator's own words (it names the key and suggests the closest one).
    """
    if not isinstance(data, dict):
        return {}
    return _mapping(data, brief_fields(kinds, topics), "")


def _mapping(raw: dict[Any, Any], fields: tuple[Field, ...], where: str) -> dict[str, Any]:
    by_name = {name: f for f in fields for name in (f.key, f.alias)}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        f = by_name.get(str(key))
        if f is None or value is None or f.key in out:
            continue
        schema = f"{where}.{f.key}" if where else f.key
        converted = _value(value, schema)
        if converted not in (None, "", [], {}):
            out[f.key] = converted
    return out


def _value(value: Any, schema: str) -> Any:
    if schema in _STRING_LISTS:
        items = value if isinstance(value, list) else [value]
        return [as_text(v) for v in items if v is not None and not isinstance(v, (dict, list))]
    top = schema.split(".")[0]
    fields = _NESTED.get(schema)
    if fields is not None and top in _BARE and "." not in schema:
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if isinstance(item, (str, int, float, dt.date)) and not isinstance(item, bool):
                item = {_BARE[top]: item}
            if isinstance(item, dict):
                out.append(_mapping(item, fields, schema))
        return out
    if fields is not None and schema == "achievements.figures":
        items = value if isinstance(value, list) else [value]
        return [_mapping(item, fields, schema) for item in items if isinstance(item, dict)]
    if fields is not None:
        return _mapping(value, fields, schema) if isinstance(value, dict) else None
    if isinstance(value, (dict, list)):
        return None
    if schema == "formulations" and isinstance(value, bool):
        return value
    return as_text(value)


# ------------------------------------------------------------------ export

def brief_data(brief: Brief) -> dict[str, Any]:
    """A validated brief as plain YAML-ready data: canonical keys, defaults left out."""
    data = _plain(brief)
    data.pop("source", None)
    return data


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            default = f.default if f.default is not dataclasses.MISSING else None
            if value in (None, "", ()) or (value == default and f.name != "length"):
                continue
            out[f.name] = _plain(value)
        return out
    if isinstance(obj, tuple):
        return [_plain(v) for v in obj]
    return obj


def brief_yaml(data: Any, note: str = "") -> str:
    """YAML text a CLI user can render; ``note`` becomes a comment at the top."""
    import yaml

    head = "# 由 speechgen serve 导出的简报。命令行生成：speechgen render 简报.yaml -o 讲话稿.docx\n"
    if note:
        head += "".join(f"# {line}\n" for line in note.splitlines())
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False,
                                 width=1000)
