"""How one value of a brief is read and checked: the Checker walks located YAML against
field tables, and each parser (text, date, number, …) turns a raw value into a clean one
or records a located problem. Split from :mod:`generator.brief`, which holds the data."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.errors import Problems
from generator.yamlload import Located

MAX_TEXT = 2000  # characters in one value


# ------------------------------------------------------------ the schema

@dataclass(frozen=True)
class Field:
    key: str
    alias: str
    parse: Callable[[Any, str, str, Checker], Any]
    required: bool = False


class Checker:
    """Walks raw data against a schema, collecting located problems."""

    def __init__(self, located: Located):
        self.located = located
        self.problems = Problems(located.file)

    def add(self, message: str, src: str, canon: str) -> None:
        line, col = self.located.where(src)
        self.problems.add(message, canon, line, col)

    def mapping(self, raw: Any, src: str, canon: str, fields: tuple[Field, ...],
                what: str) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.add(f"{what}应当是键值对（如 `键: 值`），实际是{type_name(raw)}。", src, canon or "（根）")
            return None
        by_name = {}
        for f in fields:
            by_name[f.key] = f
            by_name[f.alias] = f
        out: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for key, value in raw.items():
            ksrc = f"{src}.{key}" if src else key
            f = by_name.get(key)
            if f is None:
                guess = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.5)
                hint = f"，是不是 `{guess[0]}`？" if guess else "。"
                allowed = "、".join(f"{x.key}（{x.alias}）" for x in fields)
                kcanon = f"{canon}.{key}" if canon else key
                self.add(f"未知的键 `{key}`{hint}此处可用的键：{allowed}。", ksrc, kcanon)
                continue
            fcanon = f"{canon}.{f.key}" if canon else f.key
            if f.key in seen:
                self.add(f"`{key}` 与 `{seen[f.key]}` 是同一个键，只能写一次。", ksrc, fcanon)
                continue
            seen[f.key] = key
            if value is None:
                if f.required:
                    self.add(f"`{f.key}`（{f.alias}）不能为空。", ksrc, fcanon)
                continue
            out[f.key] = f.parse(value, ksrc, fcanon, self)
        for f in fields:
            if f.required and f.key not in seen:
                fcanon = f"{canon}.{f.key}" if canon else f.key
                self.add(f"缺少必填项 `{f.key}`（{f.alias}）。", src, fcanon)
        return out


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, (dt.date, dt.datetime)):
        return "日期"
    return type(value).__name__


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def clean_text(value: str) -> str:
    """Brief text as data: no control or bidi characters, no line breaks, trimmed
    (:func:`_clean_text`). Short texts are remembered: a batch validates the same
    defaults for every district (most of its parent's time per district with a rich
    brief); long ones are not, so the memory stays bounded."""
    return _clean_cached(value) if len(value) <= 1000 else _clean_text(value)


def _clean_text(value: str) -> str:
    """Brief text as data: no control or bidi characters, no line breaks, trimmed.

    A line break inside Chinese text (a YAML block scalar, a paste from a chat
    app) joins without a space; elsewhere whitespace collapses to one space.
    """
    value = _INVISIBLE.sub("", value)
    # Cc (controls) become spaces; Cf (format: bidi marks such as U+061C, soft
    # hyphens, ...) are dropped, whether or not _INVISIBLE lists them.
    value = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value
                    if unicodedata.category(ch) != "Cf")
    value = _CJK_GAP.sub("", value)
    return " ".join(value.split())


_clean_cached = functools.lru_cache(maxsize=16384)(_clean_text)


def text(raw: Any, src: str, canon: str, ck: Checker) -> str | None:
    if isinstance(raw, bool) or isinstance(raw, (dict, list)):
        ck.add(f"应当是文字，实际是{type_name(raw)}。", src, canon)
        return None
    if isinstance(raw, (dt.date, dt.datetime)):
        raw = raw.isoformat()
    value = clean_text(str(raw))
    if not value:
        ck.add("不能为空。", src, canon)
        return None
    if len(value) > MAX_TEXT:
        ck.add(f"文字太长（{len(value)} 字），单项不得超过 {MAX_TEXT} 字。", src, canon)
        return None
    return value


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def date(raw: Any, src: str, canon: str, ck: Checker) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        s = unicodedata.normalize("NFKC", raw).strip()
        for form in _DATE_FORMS:
            m = form.match(s)
            if m:
                try:
                    return dt.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    break
    ck.add(f"应当是日期，写成 2026-05-08 的形式；实际是 {raw!r}。", src, canon)
    return None


THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
MAX_GROWTH = 10_000  # |value - baseline| / |baseline|: beyond 1,000,000 % it is a typo, not a result


def number(raw: Any, src: str, canon: str, ck: Checker) -> float | int | None:
    if isinstance(raw, bool):
        ck.add("应当是数字，实际是真假值。", src, canon)
        return None
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            ck.add("应当是有限的数字。", src, canon)
            return None
        if abs(raw) >= 1e15:
            ck.add("数字太大。", src, canon)
            return None
        return raw
    if isinstance(raw, str):
        s = unicodedata.normalize("NFKC", raw).strip()
        if "," in s:
            if not THOUSANDS.fullmatch(s):
                ck.add(f"应当是一个数字，实际是 {raw!r}：逗号只能用作千位分隔（如 41,500）；"
                       "几个数字请分成几项写。", src, canon)
                return None
            s = s.replace(",", "")
        try:
            value = float(s)
        except ValueError:
            value = None
        if value is not None and value == value and abs(value) < 1e15:
            return int(value) if re.fullmatch(r"[+-]?\d+", s) else value
    ck.add(f"应当是数字（不带单位，单位写在 unit/单位 里），实际是 {raw!r}。", src, canon)
    return None


def integer(raw: Any, src: str, canon: str, ck: Checker) -> int | None:
    value = number(raw, src, canon, ck)
    if value is None:
        return None
    if value != int(value):
        ck.add("应当是整数。", src, canon)
        return None
    return int(value)


def boolean(raw: Any, src: str, canon: str, ck: Checker) -> bool | None:
    if isinstance(raw, bool):
        return raw
    words = {"是": True, "否": False, "开": True, "关": False, "true": True, "false": False}
    if isinstance(raw, str) and raw.strip().lower() in words:
        return words[raw.strip().lower()]
    ck.add(f"应当是 true 或 false（是/否），实际是 {raw!r}。", src, canon)
    return None


def minutes(raw: Any, src: str, canon: str, ck: Checker) -> float | None:
    value = number(raw, src, canon, ck)
    if value is None:
        return None
    if not 1 <= value <= 120:
        ck.add(f"讲话时长应在 1 到 120 分钟之间，实际是 {value}。", src, canon)
        return None
    return value


def choice(options: tuple[str, ...], what: str, synonyms: dict[str, str] | None = None):
    def parse(raw: Any, src: str, canon: str, ck: Checker) -> str | None:
        value = text(raw, src, canon, ck)
        if value is None:
            return None
        value = (synonyms or {}).get(value, value)
        if value in options:
            return value
        guess = difflib.get_close_matches(value, list(options), n=1, cutoff=0.3)
        hint = f"是不是“{guess[0]}”？" if guess else ""
        ck.add(f"不认识的{what}“{value}”。{hint}可选：{'、'.join(options)}。", src, canon)
        return None
    return parse


def listing(item: Callable[[Any, str, str, Checker], Any], max_items: int = 50):
    def parse(raw: Any, src: str, canon: str, ck: Checker) -> tuple[Any, ...] | None:
        if not isinstance(raw, list):
            raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list):
            ck.add(f"应当是列表，实际是{type_name(raw)}。", src, canon)
            return None
        if len(raw) > max_items:
            ck.add(f"列表太长（{len(raw)} 项），最多 {max_items} 项。", src, canon)
            return None
        out = []
        for i, value in enumerate(raw):
            if value is None:
                ck.add("列表项不能为空。", f"{src}[{i}]", f"{canon}[{i}]")
                continue
            parsed = item(value, f"{src}[{i}]", f"{canon}[{i}]", ck)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)
    return parse


def record(cls: type, fields: tuple[Field, ...], what: str, bare: str | None = None):
    """A mapping item; a bare string stands for ``{bare: string}``."""
    def parse(raw: Any, src: str, canon: str, ck: Checker) -> Any:
        if bare and isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
            raw = {bare: raw}
        before = len(ck.problems.items)
        values = ck.mapping(raw, src, canon, fields, what)
        if values is None or len(ck.problems.items) != before:
            return None
        return cls(**values)
    return parse
