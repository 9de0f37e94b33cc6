"""``speechgen templatize``: turn last year's speech into a Jinja template plus a brief.

Staff reuse old speeches by changing names and numbers; this makes that explicit.
Places (jieba ``ns`` and the gazetteer), people (``nr``), organisations (``nt``),
dates and numbers with units become variables; the brief keeps the original
values, so rendering the template with it gives back the original text exactly.
Literal ``{`` is emitted as ``{{ "{" }}`` (so no ``{{``/``{%``/``{#`` can form from
the text) and ``\\r`` as ``{{ "\\r" }}`` (Jinja would normalise it to ``\\n``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ExportError, TemplateError

DATE_RE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|(?:19|20)\d{2}年(?:\d{1,2}月)?)"
)
UNITS = (
    "个百分点|百分点|%|％|‰|万平方米|平方米|平方公里|平方千米|公顷|亩|万千瓦时|千瓦时|万吨|吨|公斤|千克|"
    "亿元|万元|元|万户|户|万人次|人次|万人|人|个|项|处|家|件|次|名|座|条|所|辆|台|套|栋|间|批|场|期|"
    "公里|千米|米|倍|天|小时|分钟|年|月|日|万|亿"
)
NUMBER_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=" + UNITS + r")")
TITLE_RE = re.compile(r"^\s*在(.{4,60}?)上的(?:讲话|主持词|发言|致辞|讲话稿|讲话提纲)\s*$", re.M)
SKIP_WORDS = {"中国", "全国", "中华", "国家", "中央", "党中央", "国务院", "中共中央", "全省", "全市",
              "全区", "全县", "人民", "同志", "同志们", "中华民族", "祖国"}
KINDS = {"ns": "place", "nr": "person", "nt": "org"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # title, date, number, place, person, org


def _entities(text: str) -> list[Span]:
    """Non-overlapping spans, earlier kinds winning: title, date, number, admin place, jieba."""
    spans: list[Span] = []
    taken = bytearray(len(text))

    def add(start: int, end: int, kind: str) -> None:
        if end > start and not any(taken[start:end]):
            spans.append(Span(start, end, kind))
            taken[start:end] = b"\x01" * (end - start)

    for m in TITLE_RE.finditer(text):
        add(m.start(1), m.end(1), "title")
    for m in DATE_RE.finditer(text):
        add(m.start(), m.end(), "date")
    for m in NUMBER_RE.finditer(text):
        add(m.start(1), m.end(1), "number")
    if re.search(r"[\u4e00-\u9fff]", text):
        from generator.checks.place import find_places

        for p in find_places(text):
            add(p.start, p.start + len(p.name), "place")
        import jieba
        import jieba.posseg as pseg

        jieba.setLogLevel(60)
        pos = 0
        for token in pseg.cut(text):
            word, flag = token.word, token.flag
            kind = KINDS.get(flag[:2] if flag.startswith("nr") else flag)
            if kind and len(word) >= 2 and word not in SKIP_WORDS and not word.isascii():
                add(pos, pos + len(word), kind)
            pos += len(word)
    spans.sort(key=lambda s: s.start)
    return spans


def _literal(text: str) -> str:
    """Template source that renders to text exactly."""
    return text.replace("{", '{{ "{" }}').replace("\r", '{{ "\\r" }}')


def _canonical_date(value: str) -> dt.date | None:
    m = re.fullmatch(r"((?:19|20)\d{2})年([1-9]\d?)月([1-9]\d?)日", value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def templatize_text(text: str) -> tuple[str, dict[str, Any]]:
    """(Jinja source, values): the same value always gets the same variable."""
    spans = _entities(text)
    values: dict[str, Any] = {}
    extra: dict[str, str] = {}
    names: dict[tuple[str, str], str] = {}
    counters: Counter[str] = Counter()

    places = Counter(text[s.start:s.end] for s in spans if s.kind == "place")
    if places:
        from generator import gazetteer as gz

        admin = [(n, c) for n, c in places.most_common() if gz.level_of(n)]
        if admin:
            locality = admin[0][0]
            level = gz.level_of(locality)
            values["locality"] = {"name": locality, "level": {"镇": "乡镇", "乡": "乡镇"}.get(level, level)}
            names[("place", locality)] = "locality.name"
    for s in spans:
        value = text[s.start:s.end]
        if s.kind == "title" and "meeting.title" not in names.values():
            values.setdefault("meeting", {})["title"] = value
            names[("title", value)] = "meeting.title"
        elif s.kind == "date" and "meeting.date" not in names.values() and _canonical_date(value):
            values.setdefault("meeting", {})["date"] = _canonical_date(value)
            names[("date", value)] = "meeting.date"
        key = (s.kind, value)
        if key not in names:
            counters[s.kind] += 1
            var = f"{s.kind}_{counters[s.kind]}"
            extra[var] = value
            names[key] = f"vars.{var}"
    if extra:
        values["vars"] = extra

    out: list[str] = []
    pos = 0
    for s in spans:
        out.append(_literal(text[pos:s.start]))
        ref = names[(s.kind, text[s.start:s.end])]
        if ref == "meeting.date":
            out.append("{{ meeting.date.year }}年{{ meeting.date.month }}月{{ meeting.date.day }}日")
        else:
            out.append("{{ " + ref + " }}")
        pos = s.end
    out.append(_literal(text[pos:]))
    return "".join(out), values


def _environment() -> Any:
    """The project's sandbox when available (same rules as user templates)."""
    try:
        from generator.environment import sandboxed_env
    except ImportError:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return sandboxed_env()


def render_template_text(template_source: str, values: dict[str, Any]) -> str:
    """Render a templatized speech with its brief values."""
    from jinja2 import TemplateError as JinjaError

    try:
        return _environment().from_string(template_source).render(**values)
    except JinjaError as exc:
        raise TemplateError(f"模板渲染失败：{exc}") from exc


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{exc}") from exc


def templatize_command(speech: Path, out: Path | None, brief_out: Path | None) -> None:
    """Write the template (stdout without -o) and the brief (beside the template by default)."""
    import yaml

    from generator.checks.reading import read_draft

    draft = read_draft(speech)
    source, values = templatize_text(draft.body)
    if render_template_text(source, values) != draft.body:  # pragma: no cover - guarded by tests
        raise TemplateError(f"模板化后无法还原原文：{speech}")
    if brief_out is None and out is not None:
        brief_out = out.with_name(out.name.split(".")[0] + ".brief.yaml")
    brief_text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1000)
    if out is None:
        sys.stdout.write(source)
    else:
        _write(out, source)
        print(f"已写入模板：{out}", file=sys.stderr)
    if brief_out is not None:
        _write(brief_out, brief_text)
        n = len(values.get("vars", {})) + sum(len(v) for k, v in values.items() if k != "vars")
        print(f"已写入简报：{brief_out}（{n}个变量）", file=sys.stderr)
