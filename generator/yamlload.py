"""Safe YAML loading that remembers where every value came from.

We compose the node graph with PyYAML's SafeLoader (never the full loader) and
build plain Python values ourselves, so that (a) every key path maps to a
line:column for error messages and (b) alias expansion is counted, which
refuses "billion laughs" documents before they can blow up memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from generator.errors import BriefError, Problem, SpeechgenError
from generator.textfiles import read_text

MAX_BYTES = 1_000_000  # one brief or batch file; documented in the README
MAX_NODES = 100_000  # values built, aliases counted at every use
MAX_DEPTH = 64  # nesting of lists and mappings
MAX_DATA_BYTES = 2_000_000  # one topic pack, phrase bank, formulations file
MAX_DATA_NODES = 500_000  # packs are bigger than briefs, but still bounded
# Tags a brief may carry (mostly implicit): anything else, e.g. ``!!python/object``
# or a custom ``!foo``, is refused rather than silently read as a plain value.
_STD = "tag:yaml.org,2002:"
PLAIN_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp",
                                          "map", "seq", "merge"))


@dataclass
class Located:
    """A loaded document plus the line:column of every key path in it."""

    data: Any
    file: str
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: str) -> tuple[int | None, int | None]:
        """Position of ``path`` or of its nearest located ancestor."""
        probe = path
        while True:
            if probe in self.marks:
                return self.marks[probe]
            if not probe:
                return (None, None)
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""


def read_text_file(path: Path) -> str:
    return read_text(path, MAX_BYTES, "单个简报（YAML 文件）")


def _yaml_hint(problem: str) -> str:
    if "tab" in problem or "\\t" in problem:
        return "（YAML 不允许用 Tab 缩进，请改用空格）"
    if "could not find expected ':'" in problem or "mapping values are not allowed" in problem:
        return "（检查冒号：键和值之间要用半角冒号加空格，如 `kind: 推进会`；值里含冒号时请加引号）"
    if "found unexpected end of stream" in problem or "quoted scalar" in problem:
        return "（引号没有闭合）"
    if "expected <block end>" in problem or "indentation" in problem:
        return "（缩进不一致：同一层级的键要对齐）"
    if "found character" in problem:
        return "（含有 YAML 不允许的字符，可给值加引号）"
    return ""


class _Builder:
    def __init__(self, file: str, error: type[SpeechgenError] = BriefError,
                 max_nodes: int = MAX_NODES):
        self.file = file
        self.error = error
        self.max_nodes = max_nodes
        self.marks: dict[str, tuple[int, int]] = {}
        self.count = 0
        self.scalars = SafeConstructor()

    def build(self, node: yaml.Node, path: str, depth: int = 0) -> Any:
        self.count += 1
        if self.count > self.max_nodes or depth > MAX_DEPTH:
            raise self.error(f"{self.file} 结构过大或嵌套过深（可能是别名炸弹或自引用的锚点），已拒绝读取。")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in PLAIN_TAGS:
            tag = node.tag.replace(_STD, "!!")
            raise self._error(f"不支持的 YAML 标签 `{tag}`：简报只能写文字、数字、日期、列表和键值对。",
                              node, path)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self._error("不支持 YAML 合并键 `<<`，请直接写出各项。", key_node, path)
                key = self.build(key_node, path, depth + 1)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise self._error("键必须是文字。", key_node, path)
                key = str(key)
                child = f"{path}.{key}" if path else key
                if key in out:
                    raise self._error(f"键 `{key}` 重复出现。", key_node, child)
                self.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, child, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node.value, str) and _SURROGATE.search(node.value):
            bad = _SURROGATE.search(node.value)
            assert bad is not None
            raise self._error(f"含有无效的字符 U+{ord(bad.group()):04X}（孤立的代理项，不是真正的文字），"
                              "请删除这个转义写法。", node, path)
        try:
            return self.scalars.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError):
            # e.g. 2026-13-08 looks like a date but is not one: keep the text and
            # let the brief validator say what it expected at this key.
            return str(node.value)

    def _error(self, message: str, node: yaml.Node, path: str) -> SpeechgenError:
        problem = Problem(message, self.file, node.start_mark.line + 1, node.start_mark.column + 1, path)
        return self.error(f"{self.file} 有误：", [problem])


_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_YET = object()


def load_yaml_text(text: str, file: str, *, error: type[SpeechgenError] = BriefError,
                   max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES,
                   fast: bool = False) -> Located:
    """Parse one YAML document safely; syntax errors become a located ``error``.

    Every YAML file we read (briefs, batch files, topic packs, phrases,
    formulations, corpus front matter) comes through here, so alias counting,
    depth caps and tag refusal hold for all of them. ``fast`` composes with
    libyaml when present (large packs, parsed on every cold start).
    """
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise error(f"{file} 太大，单个文件不得超过 {max_bytes // 1000} KB。")
    fast_loader = getattr(yaml, "CSafeLoader", None)
    loader = (fast_loader or yaml.SafeLoader) if fast else yaml.SafeLoader
    node: Any = _NOT_YET
    if not fast and fast_loader is not None:
        # libyaml composes the same node graph (tags, values, line:column marks) about ten
        # times faster: a 1,000-district batch file took 0.5 s in pure Python. Anything it
        # refuses is parsed again by the pure-Python loader, whose error messages we report.
        try:
            node = yaml.compose(text, Loader=fast_loader)
        except Exception:  # noqa: BLE001 - any refusal: let the reference loader say why
            node = _NOT_YET
    try:
        if node is _NOT_YET:
            node = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise error(f"{file} 结构过大或嵌套过深，已拒绝读取。") from None
    except yaml.reader.ReaderError as exc:
        # a raw control character; report it by line like any other syntax error
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise error(
            f"{file} 不是合法的 YAML：",
            [Problem(f"含有不可见的控制字符 U+{exc.character:04X}，请删除它。", file, line, col)],
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "语法错误"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise error(
            f"{file} 不是合法的 YAML：",
            [Problem(f"语法错误：{problem}{_yaml_hint(str(problem))}", file, line, col)],
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{file} 不是合法的 YAML：{type(exc).__name__}") from None
    if node is None:
        return Located({}, file)
    builder = _Builder(file, error, max_nodes)
    try:
        data = builder.build(node, "")
    except RecursionError:
        raise error(f"{file} 结构过大或嵌套过深，已拒绝读取。") from None
    return Located(data, file, builder.marks)


def load_yaml_file(path: Path) -> Located:
    return load_yaml_text(read_text_file(path), str(path))


def load_yaml_data(path: Path, what: str = "数据文件", error: type[SpeechgenError] | None = None,
                   max_bytes: int = MAX_DATA_BYTES) -> Any:
    """A data file (topic pack, phrase bank, formulations): same safety as a brief, bigger limits."""
    from generator.errors import TemplateError

    err = error or TemplateError
    text = read_text(path, max_bytes, what, err)
    return load_yaml_text(text, str(path), error=err, max_bytes=max_bytes,
                          max_nodes=MAX_DATA_NODES, fast=True).data
