"""Read a batch file (YAML, CSV or XLSX) into one located brief per district.

Every district is deep-merged over the shared defaults (mappings merge
recursively, lists and scalars replace) *before* validation, and the merge keeps,
for every merged key path, where that value was written: the district's own
entry, the file's ``defaults:`` block, the ``--defaults`` brief, or a
spreadsheet cell (row and column header). That way a batch error points at
the line or cell the user must fix, not at an anonymous merged document.

Spreadsheet rows use dotted-path headers (``locality.name``,
``achievements[0].figures[0].value``); an empty cell means "not given", so the
default stays. CSV cells stay text (the brief validator reads numbers and dates
from text); XLSX cells keep their type (number, date).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.brief import KINDS, LOCALITY, MEETING, SPEAKER, TOPICS, brief_fields
from generator.briefcheck import clean_text
from generator.errors import BriefError, Problem
from generator.textfiles import decode_text, read_limited
from generator.yamlload import Located, load_yaml_file

MAX_TABLE_BYTES = 50_000_000  # one CSV/XLSX batch as stored; 10,000 rows are a few MB
MAX_ROWS = 20_000  # rows of a batch table (districts), header included
MAX_COLUMNS = 1_000  # columns of a batch table
MAX_CELL = 10_000  # characters in one cell
MAX_INDEX = 999  # largest list index a header may use
MAX_HEADER_PARTS = 16  # dotted/indexed parts in one header (achievements[0].figures[1].value is 6)
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")

Mark = tuple[int, int]


@dataclass(frozen=True)
class Source:
    """Where a merged value was written: a YAML file, or a spreadsheet."""

    file: str
    table: bool = False
    headers: tuple[str, ...] = ()

    def describe(self, line: int | None, column: int | None) -> str:
        if line is None:
            return self.file
        if self.table:
            where = f"{self.file} 第{line}行"
            if column and column <= len(self.headers):
                where += f"，列“{self.headers[column - 1]}”"
            return where
        return f"{self.file}:{line}" + (f":{column}" if column else "")


@dataclass
class Layer:
    """One level of the merge: its data, the marks of its key paths, its source."""

    data: Any
    marks: dict[str, Mark]
    source: Source


@dataclass
class District:
    """One district's merged brief, ready for :func:`generator.brief.brief_from_located`."""

    number: int  # 1-based position in the batch
    located: Located
    origins: dict[str, Source] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The district's name as written, or its position when it has none."""
        locality = self.located.data.get("locality") if isinstance(self.located.data, dict) else None
        name = locality.get("name") if isinstance(locality, dict) else None
        if isinstance(name, (str, int, float)) and not isinstance(name, bool):
            text = clean_text(str(name))
            if text:
                return text[:60]
        return f"第{self.number}个地区"

    def where(self, problem: Problem) -> str:
        """Human location of a validation problem: file:line:col or file 第N行，列“…”."""
        probe = problem.path
        while True:
            source = self.origins.get(probe)
            if source is not None or not probe:
                break
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        source = source or self.origins.get("") or Source(self.located.file)
        # A missing key is located at its parent; in a table that is the row, not a column.
        column = problem.column if problem.path in self.located.marks or not source.table else None
        return source.describe(problem.line, column)


@dataclass
class Batch:
    """The districts of a batch, streamed; ``total`` is known up front for progress."""

    file: str
    total: int
    districts: Iterator[District]


# ------------------------------------------------------------------ merging

def _alias_table() -> dict[str, dict[str, str]]:
    top = {f.alias: f.key for f in brief_fields(KINDS, TOPICS)}
    return {
        "": top,
        "locality": {f.alias: f.key for f in LOCALITY},
        "meeting": {f.alias: f.key for f in MEETING},
        "speaker": {f.alias: f.key for f in SPEAKER},
    }


_ALIASES = _alias_table()


def _canonical_keys(mapping: dict[str, Any], path: str) -> list[tuple[str, str]]:
    """(canonical, as written) for each key, so `地区` in one layer merges with `locality`.

    A key whose canonical form is also written in the same mapping stays as
    written, so the validator still reports the duplicate.
    """
    aliases = _ALIASES.get(path, {})
    out = []
    for raw in mapping:
        key = aliases.get(raw, raw)
        if key != raw and key in mapping:
            key = raw
        out.append((key, raw))
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _note(layer: Layer, src: str, path: str, marks: dict[str, Mark],
          origins: dict[str, Source]) -> None:
    mark = layer.marks.get(src)
    if mark is not None:
        marks[path] = mark
    origins[path] = layer.source


def _copy(value: Any, layer: Layer, src: str, path: str, marks: dict[str, Mark],
          origins: dict[str, Source]) -> Any:
    """Take a value wholesale from one layer, carrying its marks over."""
    _note(layer, src, path, marks, origins)
    if isinstance(value, dict):
        for key, child in value.items():
            _copy(child, layer, _join(src, key), _join(path, key), marks, origins)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _copy(child, layer, f"{src}[{i}]", f"{path}[{i}]", marks, origins)
    return value


def _merge(values: list[tuple[Any, Layer, str]], path: str, marks: dict[str, Mark],
           origins: dict[str, Source]) -> Any:
    top, layer, src = values[-1]
    if not isinstance(top, dict):
        return _copy(top, layer, src, path, marks, origins)
    run: list[tuple[Any, Layer, str]] = []
    for item in reversed(values):
        if not isinstance(item[0], dict):
            break
        run.append(item)
    run.reverse()
    _note(layer, src, path, marks, origins)
    children: dict[str, list[tuple[Any, Layer, str]]] = {}
    for value, lay, s in run:
        for key, raw in _canonical_keys(value, path):
            children.setdefault(key, []).append((value[raw], lay, _join(s, raw)))
    return {key: _merge(vals, _join(path, key), marks, origins) for key, vals in children.items()}


def merge_layers(layers: list[Layer], file: str) -> tuple[Located, dict[str, Source]]:
    """Deep-merge layers (later wins; lists replace) into a Located plus value origins."""
    marks: dict[str, Mark] = {}
    origins: dict[str, Source] = {}
    values = [(lay.data if lay.data is not None else {}, lay, "") for lay in layers]
    data = _merge(values, "", marks, origins)
    return Located(data, file, marks), origins


# ------------------------------------------------------------------ YAML batches

def _located_problem(located: Located, message: str, path: str) -> BriefError:
    line, col = located.where(path)
    return BriefError(f"批量文件 {located.file} 有误：", [Problem(message, located.file, line, col, path)])


def _split_marks(located: Located, count: int) -> tuple[dict[str, Mark], list[dict[str, Mark]]]:
    """One pass over the file's marks: the defaults' and each district's, made relative."""
    defaults: dict[str, Mark] = {}
    per: list[dict[str, Mark]] = [{} for _ in range(count)]
    for key, mark in located.marks.items():
        if key.startswith("districts["):
            close = key.find("]")
            index = int(key[len("districts["):close])
            rest = key[close + 1:]
            per[index][rest[1:] if rest.startswith(".") else rest] = mark
        elif key == "defaults" or key.startswith(("defaults.", "defaults[")):
            rest = key[len("defaults"):]
            defaults[rest[1:] if rest.startswith(".") else rest] = mark
    return defaults, per


def read_yaml_batch(path: Path, base: Layer | None) -> Batch:
    """``defaults:`` + ``districts:``; ``base`` (the --defaults brief) sits under both."""
    located = load_yaml_file(path)
    data, file = located.data, located.file
    if not isinstance(data, dict) or "districts" not in data:
        hint = "（单篇简报请用 speechgen render）" if isinstance(data, dict) and "kind" in data else ""
        raise BriefError(f"批量文件 {file} 应当有 districts（各地区列表），可选 defaults（共同内容）{hint}。")
    for key in data:
        if key not in ("defaults", "districts"):
            raise _located_problem(located, f"未知的键 `{key}`：批量文件只能有 defaults（共同内容）和 districts（各地区列表）。", key)
    districts = data["districts"]
    if not isinstance(districts, list) or not districts:
        raise _located_problem(located, "districts 应当是至少有一项的列表，每项是一个地区的简报内容。", "districts")
    file_defaults = data.get("defaults")
    if file_defaults is not None and not isinstance(file_defaults, dict):
        raise _located_problem(located, "defaults 应当是键值对（各地区共同的简报内容）。", "defaults")
    default_marks, per = _split_marks(located, len(districts))
    source = Source(file)
    layers = [base] if base is not None else []
    if file_defaults:
        layers.append(Layer(file_defaults, default_marks, source))

    def generate() -> Iterator[District]:
        for i, entry in enumerate(districts):
            merged, origins = merge_layers([*layers, Layer(entry, per[i], source)], file)
            yield District(i + 1, merged, origins)

    return Batch(file, len(districts), generate())


# ------------------------------------------------------------------ spreadsheets

_SEGMENT = re.compile(r"\s*([^.\[\]]*?)\s*((?:\[\s*\d+\s*\]\s*)*)")
_INDEX = re.compile(r"\d+")


def parse_header(text: str) -> tuple[str | int, ...] | None:
    """``achievements[0].figures[1].value`` → ('achievements', 0, 'figures', 1, 'value')."""
    parts: list[str | int] = []
    if text.count(".") + text.count("[") >= MAX_HEADER_PARTS:
        return None
    for segment in text.split("."):
        m = _SEGMENT.fullmatch(segment)
        if not m or not m[1]:
            return None
        parts.append(m[1])
        parts.extend(int(x) for x in _INDEX.findall(m[2]))
    if any(isinstance(p, int) and p > MAX_INDEX for p in parts):
        return None
    return tuple(parts)


def _check_headers(headers: list[str], file: str) -> list[tuple[str | int, ...] | None]:
    """Parse every header; refuse the file when two headers cannot both hold."""
    parsed: list[tuple[str | int, ...] | None] = []
    seen: dict[tuple[str | int, ...], str] = {}
    for col, text in enumerate(headers, 1):
        if not text:
            parsed.append(None)
            continue
        path = parse_header(text)
        if path is None:
            shown = text if len(text) <= 60 else text[:60] + "…"
            raise BriefError(f"{file} 第{col}列的表头“{shown}”写法有误，应当像 locality.name 或 "
                             f"achievements[0].figures[0].value（最多 {MAX_HEADER_PARTS - 1} 层，序号不超过 {MAX_INDEX}）。")
        if path in seen:
            raise BriefError(f"{file} 的表头“{text}”重复出现。")
        seen[path] = text
        parsed.append(path)
    for path, text in seen.items():
        for cut in range(1, len(path)):
            prefix = path[:cut]
            if prefix in seen:
                raise BriefError(f"{file} 的表头“{seen[prefix]}”和“{text}”冲突：前者是一个值，后者是它下面的项。")
    kinds: dict[tuple[str | int, ...], type] = {}
    for path, text in seen.items():
        for cut in range(1, len(path)):
            kind = type(path[cut])
            if kinds.setdefault(path[:cut], kind) is not kind:
                raise BriefError(f"{file} 的表头“{text}”与其他表头冲突：同一项不能既是列表又是键值对。")
    return parsed


def _cell(value: Any) -> Any:
    """Empty cells mean "not given"; text is trimmed; numbers and dates keep their type."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class _Leaf:
    __slots__ = ("value", "column")

    def __init__(self, value: Any, column: int):
        self.value, self.column = value, column


def _first_column(node: Any) -> int:
    if isinstance(node, _Leaf):
        return node.column
    return min(_first_column(child) for child in node.values())


def _finalize(node: Any, path: str, row: int, marks: dict[str, Mark]) -> Any:
    """Nested dicts of cells → plain values; list positions are compacted in order."""
    if isinstance(node, _Leaf):
        marks[path] = (row, node.column)
        return node.value
    marks[path] = (row, _first_column(node))
    if next(iter(node)).__class__ is int:
        return [_finalize(node[k], f"{path}[{i}]", row, marks) for i, k in enumerate(sorted(node))]
    return {key: _finalize(child, _join(path, key), row, marks) for key, child in node.items()}


def _row_layer(cells: tuple[Any, ...], paths: list[tuple[str | int, ...] | None], row: int,
               source: Source) -> Layer:
    tree: dict[Any, Any] = {}
    for col, (path, raw) in enumerate(zip(paths, cells, strict=False), 1):
        value = _cell(raw)
        if value is None or path is None:
            continue
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = _Leaf(value, col)
    marks: dict[str, Mark] = {}
    data = {key: _finalize(child, str(key), row, marks) for key, child in tree.items()}
    marks[""] = (row, 0)
    return Layer(data, marks, source)


def _check_shape(rows: list[tuple[Any, ...]], file: str) -> list[tuple[Any, ...]]:
    if len(rows) > MAX_ROWS:
        raise BriefError(f"{file} 行数过多（超过 {MAX_ROWS} 行），请拆成几个表格分批生成。")
    for number, row in enumerate(rows, 1):
        if len(row) > MAX_COLUMNS and any(_cell(c) is not None for c in row[MAX_COLUMNS:]):
            raise BriefError(f"{file} 第{number}行超过 {MAX_COLUMNS} 列，不像批量表格，已拒绝读取。")
        for col, cell in enumerate(row[:MAX_COLUMNS], 1):
            if isinstance(cell, str) and len(cell) > MAX_CELL:
                raise BriefError(f"{file} 第{number}行第{col}列的内容超过 {MAX_CELL} 字，已拒绝读取。")
    return [row[:MAX_COLUMNS] for row in rows]


def _csv_rows(path: Path) -> list[tuple[Any, ...]]:
    text = decode_text(read_limited(path, MAX_TABLE_BYTES, "表格文件"), str(path))
    rows: list[tuple[Any, ...]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise BriefError(f"{path} 不是合法的 CSV（第{len(rows) + 1}行附近）：{exc}") from None
    return _check_shape(rows, str(path))


def _xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    """The first worksheet's rows that hold cells, read through the reading layer.

    openpyxl would pad every missing row up to the sheet's stated dimension,
    so a 5 KB file with one stray cell at A1048576 yields a million rows: we
    walk only the rows the sheet XML actually contains, and refuse content
    beyond :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns."""
    from generator.textfiles import read_office

    name = str(path)
    raw = read_office(path, "Excel 表格（.xlsx）")
    try:
        import openpyxl
        from openpyxl.worksheet._reader import WorkSheetParser

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad package
        raise BriefError(f"{name} 不是可读取的 Excel（.xlsx）文件（{type(exc).__name__}），"
                         "请在 Excel/WPS 中另存为 .xlsx 或 .csv 后再试。") from None
    try:
        if not book.worksheets:
            raise BriefError(f"{name} 没有工作表（只有图表页？），请把数据放在第一张工作表中。")
        sheet = book.worksheets[0]
        rows: dict[int, tuple[Any, ...]] = {}
        with sheet._get_source() as src:
            parser = WorkSheetParser(src, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                     date_formats=book._date_formats,
                                     timedelta_formats=book._timedelta_formats)
            for index, cells in parser.parse():
                values = {c["column"]: c["value"] for c in cells if _cell(c["value"]) is not None}
                if not values:
                    continue
                if index > MAX_ROWS:
                    raise BriefError(f"{name} 第{index}行有内容，超过 {MAX_ROWS} 行的上限；"
                                     "请删除表格末尾多余的单元格，或拆成几个表格。")
                if max(values) > MAX_COLUMNS:
                    raise BriefError(f"{name} 第{index}行第{max(values)}列有内容，超过 {MAX_COLUMNS} 列的上限。")
                width = max(values)
                rows[index] = tuple(values.get(c) for c in range(1, width + 1))
    except BriefError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML surfaces as many types
        raise BriefError(f"{name} 的工作表无法读取（{type(exc).__name__}），文件可能已损坏；"
                         "请在 Excel/WPS 中另存后再试。") from None
    finally:
        book.close()
    if not rows:
        return []
    # keep row numbers true for messages: rows before the first with content are empty
    out = [rows.get(i, ()) for i in range(1, max(rows) + 1)]
    return _check_shape(out, name)


def read_table_batch(path: Path, base: Layer) -> Batch:
    """One district per non-empty row, merged over the --defaults brief."""
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    file = str(path)
    if not rows:
        raise BriefError(f"{file} 是空表格：第1行应当是表头（如 locality.name），以下每行一个地区。")
    headers = ["" if h is None else str(h).strip() for h in rows[0]]
    paths = _check_headers(headers, file)
    body = [(number, cells) for number, cells in enumerate(rows[1:], 2)
            if any(_cell(c) is not None for c in cells)]
    if not body:
        raise BriefError(f"{file} 只有表头，没有地区数据。")
    for number, cells in body:
        for col in range(len(paths), len(cells)):
            if _cell(cells[col]) is not None:
                raise BriefError(f"{file} 第{number}行第{col + 1}列有内容，但这一列没有表头。")
        for col, cell_path in enumerate(paths):
            if cell_path is None and col < len(cells) and _cell(cells[col]) is not None:
                raise BriefError(f"{file} 第{number}行第{col + 1}列有内容，但这一列没有表头。")
    source = Source(file, table=True, headers=tuple(headers))

    def generate() -> Iterator[District]:
        for i, (number, cells) in enumerate(body, 1):
            merged, origins = merge_layers([base, _row_layer(cells, paths, number, source)], file)
            yield District(i, merged, origins)

    return Batch(file, len(body), generate())


def read_batch(path: Path, defaults: Path | None) -> Batch:
    """Dispatch on the suffix: .csv/.xlsx need ``defaults``; anything else is YAML."""
    base = None
    if defaults is not None:
        located = load_yaml_file(defaults)
        if not isinstance(located.data, dict):
            raise BriefError(f"--defaults 指定的 {located.file} 应当是一份简报（键值对）。")
        base = Layer(located.data, located.marks, Source(located.file))
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise BriefError(f"{path} 是旧版 Excel（.xls），请另存为 .xlsx 或 .csv（UTF-8）。")
    if suffix in TABLE_SUFFIXES:
        if base is None:
            raise BriefError(f"表格批量文件 {path} 需要用 --defaults 指定各地区共同的简报（kind、topic、meeting 等）。")
        return read_table_batch(path, base)
    return read_yaml_batch(path, base)
