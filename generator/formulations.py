"""The bank of dated official formulations (提法): what a speech on a given day should say.

The bank is data (``templates/formulations.yaml``), validated here on load. An
office's own ``formulations.yaml`` in its ``--templates`` folder is layered over
the built-in one: an entry with the same ``text`` replaces the built-in entry,
new entries are added, and its ``verified_to`` (if given) becomes the horizon.

Render uses :func:`formulation_context`; ``check`` uses :meth:`Bank.matches`
through :mod:`generator.checks.formulation`. Past ``verified_to`` nothing is
guessed: the last known wording is kept and a warning asks for a human check.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import BriefError, Problem, TemplateError

FILE_NAME = "formulations.yaml"
MAX_BANK_BYTES = 1_000_000
KINDS = ("指导思想", "会议精神", "规划时期", "名称变更")
MAX_PATTERN = 300
# A repeated group that itself repeats, e.g. (a+)+ or (?:ab*){2,}: backtracking can take forever
# on a long line, and an office's bank may come from anywhere.
NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")
#: Kinds whose speaker gives directions; only these carry the guiding formulation.
DIRECTIVE_KINDS = frozenset({"推进会", "动员部署会", "总结部署会"})
FIELDS = ("text", "kind", "valid_from", "valid_to", "replacement", "note", "pattern",
          "render", "looking_back", "looking_ahead")


@dataclass(frozen=True)
class Formulation:
    """One dated wording. ``pattern`` (a regex) also catches its variants; default: the text."""

    text: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    replacement: str = ""
    note: str = ""
    pattern: str = ""
    render: bool = False  # render may print it (the period's guiding wording, a year phrase)
    looking_back: bool = False  # after valid_to, a retrospective mention is fine
    looking_ahead: bool = False  # before valid_from, a forward-looking mention is fine

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern or re.escape(self.text))


@dataclass(frozen=True)
class Bank:
    entries: tuple[Formulation, ...]
    verified_to: dt.date

    def _current(self, kind: str, day: dt.date) -> Formulation | None:
        found = [e for e in self.entries if e.render and e.kind == kind and e.valid_on(day)]
        return max(found, key=lambda e: e.valid_from) if found else None

    def guiding(self, day: dt.date) -> Formulation | None:
        """The guiding wording for a speech on ``day`` (the latest-starting one that is valid)."""
        return self._current("指导思想", day)

    def year_phrase(self, day: dt.date) -> Formulation | None:
        """开局之年/收官之年 where the year has one."""
        return self._current("规划时期", day)

    def by_specificity(self) -> list[Formulation]:
        """Longest text first, so 十四五收官之年 is judged before 十四五 inside it."""
        return sorted(self.entries, key=lambda e: (-len(e.text), e.text))

    def find(self, text: str) -> Formulation | None:
        return next((e for e in self.entries if e.text == text), None)


def horizon_warning(day: dt.date, bank: Bank) -> str:
    if day <= bank.verified_to:
        return ""
    v = bank.verified_to
    return f"提示：提法库只核对到{v.year}年{v.month}月{v.day}日，请核对政治性表述。"


_warned: set[str] = set()


def warn_once(message: str) -> None:
    """One line on stderr per message, from the main process only: batch workers stay
    quiet and the batch warns once from its parent (see :func:`warn_for`)."""
    import multiprocessing

    if message and message not in _warned and multiprocessing.parent_process() is None:
        _warned.add(message)
        print(message, file=sys.stderr)


def warn_for(brief: Any, library: Any = None) -> None:
    """The horizon warning for a brief whose draft will carry the guiding wording: a
    directive kind by its profile (kinds.yaml), so an office's own directive kinds warn too."""
    if not brief.formulations:
        return
    if library is not None:
        from generator.kinds import load_kinds

        directive = load_kinds(library.search).profile(brief.kind).voice == "directive"
    else:
        directive = brief.kind in DIRECTIVE_KINDS
    if directive:
        warn_once(horizon_warning(brief.meeting.date, load_bank(library)))


def formulation_context(day: dt.date, bank: Bank, *, enabled: bool = True) -> dict[str, str]:
    """What a template sees as ``tifa``: the guiding wording and year phrase valid on ``day``.

    Keys are always present (templates run with StrictUndefined); empty when off.
    """
    if not enabled:
        return {"guiding": "", "year": ""}
    guiding, year = bank.guiding(day), bank.year_phrase(day)
    if guiding or year:
        warn_once(horizon_warning(day, bank))
    return {"guiding": guiding.text if guiding else "", "year": year.text if year else ""}


# ---------------------------------------------------------------- loading

def _problem(problems: list[Problem], file: str, located: Any, path: str, message: str) -> None:
    line, col = located.where(path)
    problems.append(Problem(message, file, line, col, path))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _entry(raw: Any, path: str, file: str, located: Any, problems: list[Problem]) -> Formulation | None:
    before = len(problems)

    def bad(key: str, message: str) -> None:
        _problem(problems, file, located, f"{path}.{key}" if key else path, message)

    if not isinstance(raw, dict):
        bad("", "每个条目应当是键值对（text、kind、valid_from……）。")
        return None
    for key in raw:
        if key not in FIELDS:
            bad(str(key), f"未知的键 `{key}`。可用的键：{'、'.join(FIELDS)}。")
    values: dict[str, Any] = {}
    for key in ("text", "replacement", "note", "pattern"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            bad(key, "应当是非空的文字。")
            continue
        values[key] = " ".join(value.split()) if key != "pattern" else value.strip()
    for key in ("text", "note"):
        if key not in raw:
            bad("", f"缺少必填项 `{key}`" + ("（写明出处）。" if key == "note" else "。"))
    kind = raw.get("kind")
    if kind not in KINDS:
        bad("kind" if "kind" in raw else "", f"kind 应当是：{'、'.join(KINDS)}；实际是 {kind!r}。")
    for key in ("valid_from", "valid_to"):
        if key in raw:
            day = _date(raw[key])
            if day is None:
                bad(key, f"应当是日期，写成 2026-03-12 的形式；实际是 {raw[key]!r}。")
            else:
                values[key] = day
        elif key == "valid_from":
            bad("", "缺少必填项 `valid_from`。")
    if "valid_from" in values and "valid_to" in values and values["valid_to"] < values["valid_from"]:
        bad("valid_to", "valid_to 早于 valid_from。")
    for key in ("render", "looking_back", "looking_ahead"):
        if key in raw:
            if not isinstance(raw[key], bool):
                bad(key, "应当是 true 或 false。")
            else:
                values[key] = raw[key]
    if "pattern" in values and (len(values["pattern"]) > MAX_PATTERN or NESTED_REPEAT.search(values["pattern"])):
        bad("pattern", f"正则表达式过长（上限 {MAX_PATTERN} 字符）或含嵌套重复（如 (a+)+），校对时可能极慢，请改写。")
    elif "pattern" in values:
        try:
            compiled = re.compile(values["pattern"])
        except re.error as exc:
            bad("pattern", f"正则表达式有误：{exc}。")
        else:
            if compiled.match(""):
                bad("pattern", "正则表达式不能匹配空字符串。")
    if len(problems) != before:
        return None
    return Formulation(kind=kind, **values)


def parse_bank(located: Any, file: str, *, need_horizon: bool) -> tuple[list[Formulation], dt.date | None]:
    """Validate one loaded bank file; every problem at once in one TemplateError."""
    problems: list[Problem] = []
    data = located.data
    entries: list[Formulation] = []
    horizon = None
    if not isinstance(data, dict):
        raise TemplateError(f"提法库 {file} 应当是键值对（verified_to、entries）。")
    for key in data:
        if key not in ("verified_to", "entries"):
            _problem(problems, file, located, str(key), f"未知的键 `{key}`。可用的键：verified_to、entries。")
    if "verified_to" in data:
        horizon = _date(data["verified_to"])
        if horizon is None:
            _problem(problems, file, located, "verified_to", "verified_to 应当是日期，写成 2026-03-12 的形式。")
    elif need_horizon:
        _problem(problems, file, located, "", "缺少 verified_to（本库核对到哪一天）。")
    raw_entries = data.get("entries") or []
    if not isinstance(raw_entries, list):
        _problem(problems, file, located, "entries", "entries 应当是条目列表。")
        raw_entries = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_entries):
        entry = _entry(raw, f"entries[{i}]", file, located, problems)
        if entry is None:
            continue
        if entry.text in seen:
            _problem(problems, file, located, f"entries[{i}].text", f"条目“{entry.text}”重复出现。")
            continue
        seen.add(entry.text)
        entries.append(entry)
    if problems:
        raise TemplateError(f"提法库 {file} 有 {len(problems)} 处问题：", problems)
    return entries, horizon


def _load_file(path: Path, need_horizon: bool) -> tuple[list[Formulation], dt.date | None]:
    from generator.textfiles import read_text
    from generator.yamlload import load_yaml_text

    text = read_text(path, MAX_BANK_BYTES, "提法库（formulations.yaml）", TemplateError)
    try:
        located = load_yaml_text(text, str(path))
    except BriefError as exc:
        raise TemplateError(exc.message, exc.problems) from None
    return parse_bank(located, str(path), need_horizon=need_horizon)


@functools.lru_cache(maxsize=16)
def _load(files: tuple[tuple[str, float], ...]) -> Bank:
    merged: dict[str, Formulation] = {}
    horizon: dt.date | None = None
    for i, (name, _mtime) in enumerate(files):
        entries, own = _load_file(Path(name), need_horizon=i == 0)
        for e in entries:
            merged[e.text] = e
        horizon = own or horizon
    assert horizon is not None
    return Bank(tuple(merged.values()), horizon)


def builtin_bank() -> Path:
    """The shipped bank, inside the wheel or the checkout's templates/."""
    from generator.library import builtin_templates

    return builtin_templates() / FILE_NAME


@functools.lru_cache(maxsize=8)
def _resolved(path: Path) -> Path:
    """The built-in bank's real path, resolved once (a syscall per folder; load_bank runs
    once per draft)."""
    return path.resolve()


@functools.lru_cache(maxsize=16)
def _candidates(search: tuple[Path, ...], builtin: Path) -> tuple[Path, ...]:
    """The other folders' bank paths, last folder first (no file system access: paths
    only, worked out once per list of folders)."""
    found = [Path(p) / FILE_NAME for p in search]
    return tuple(p for p in reversed(found) if p != builtin)


def bank_files(search: Iterable[Path]) -> list[Path]:
    """The bank files to layer, built-in first: ``search`` lists folders, the user's first."""
    builtin = builtin_bank()
    others = _candidates(tuple(search), builtin)
    real = _resolved(builtin)
    users = [p for p in others if p.is_file() and p.resolve() != real]
    return [builtin, *users]


def load_bank(library: Any = None) -> Bank:
    """The built-in bank, with the ``formulations.yaml`` of a user templates folder layered
    over it. ``library`` is a TemplateLibrary (its ``search`` folders) or a list of folders.
    Runs once per draft: one ``stat`` per file says whether it changed."""
    search = getattr(library, "search", library) or ()
    files = bank_files(search)
    try:
        info = os.stat(files[0])
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        raise TemplateError(f"找不到内置提法库：{files[0]}。请重新安装 speechgen。")
    return _load(((str(files[0]), info.st_mtime), *((str(p), p.stat().st_mtime) for p in files[1:])))
