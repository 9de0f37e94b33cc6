"""Safe YAML loading that remembers where every value came from.

We compose the node graph with PyYAML's SafeLoader (never the full loader) and
build plain Python values ourselves, so that (a) every key path maps to a
line:column for error messages and (b) alias expansion is counted, which
refuses "billion laughs" documents before they can blow up memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from generator.errors import BriefError, Problem
from generator.textfiles import read_text

MAX_BYTES = 1_000_000  # one brief or batch file; documented in the README
MAX_NODES = 100_000  # values built, aliases counted at every use
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
    def __init__(self, file: str):
        self.file = file
        self.marks: dict[str, tuple[int, int]] = {}
        self.count = 0
        self.scalars = SafeConstructor()

    def build(self, node: yaml.Node, path: str, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > 64:
            raise BriefError(f"{self.file} 结构过大或嵌套过深（可能是别名炸弹），已拒绝读取。")
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
        try:
            return self.scalars.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError):
            # e.g. 2026-13-08 looks like a date but is not one: keep the text and
            # let the brief validator say what it expected at this key.
            return str(node.value)

    def _error(self, message: str, node: yaml.Node, path: str) -> BriefError:
        problem = Problem(message, self.file, node.start_mark.line + 1, node.start_mark.column + 1, path)
        return BriefError(f"{self.file} 有误：", [problem])


def load_yaml_text(text: str, file: str) -> Located:
    """Parse one YAML document safely; syntax errors become a located BriefError."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise BriefError(f"{file} 太大，单个文件不得超过 {MAX_BYTES // 1000} KB。")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise BriefError(f"{file} 结构过大或嵌套过深，已拒绝读取。") from None
    except yaml.reader.ReaderError as exc:
        # a raw control character; report it by line like any other syntax error
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise BriefError(
            f"{file} 不是合法的 YAML：",
            [Problem(f"含有不可见的控制字符 U+{exc.character:04X}，请删除它。", file, line, col)],
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "语法错误"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise BriefError(
            f"{file} 不是合法的 YAML：",
            [Problem(f"语法错误：{problem}{_yaml_hint(str(problem))}", file, line, col)],
        ) from None
    except yaml.YAMLError as exc:
        raise BriefError(f"{file} 不是合法的 YAML：{exc}") from None
    if node is None:
        return Located({}, file)
    builder = _Builder(file)
    data = builder.build(node, "")
    return Located(data, file, builder.marks)


def load_yaml_file(path: Path) -> Located:
    return load_yaml_text(read_text_file(path), str(path))
