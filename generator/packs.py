"""Topic packs and the genre phrase bank: the YAML content templates draw from.

Both live under a templates folder (``topics/<主题>.yaml`` and ``phrases.yaml``);
a user folder given with ``--templates`` overrides or adds to the built-in one.
Strings may hold level tokens such as ``{全区}`` that are replaced per draft.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import Problem, TemplateError
from generator.packschema import normalise_pack
from generator.wording import TOKENS

if TYPE_CHECKING:
    from generator.library import TemplateLibrary

PACK_TOKENS = frozenset(TOKENS) - {"区"}
PHRASE_TOKENS = PACK_TOKENS | {"工作", "简称", "事业", "会议", "上级", "本地"}
TOKEN_RE = re.compile(r"\{([^{}]*)\}")
MAX_PACK_BYTES = 2_000_000


def __getattr__(name: str) -> Any:
    """Old names: ``TemplateDirs`` is now :class:`generator.library.TemplateLibrary`."""
    if name == "TemplateDirs":
        from generator.library import TemplateLibrary

        return TemplateLibrary
    if name == "BUILTIN_TEMPLATES":
        from generator.library import builtin_templates

        return builtin_templates()
    raise AttributeError(name)


@functools.lru_cache(maxsize=64)
def _load_yaml(path: Path, mtime: float) -> Any:
    # the shared safe loader: regular files, size cap, alias counting, depth cap, tags refused
    from generator.yamlload import load_yaml_data

    return load_yaml_data(path, "主题包或措辞文件", TemplateError, MAX_PACK_BYTES)


def load_yaml_resource(path: Path) -> Any:
    return _load_yaml(path, path.stat().st_mtime)


def check_tokens(value: Any, allowed: frozenset[str], where: str) -> list[str]:
    """Every ``{token}`` in a pack must be one we know how to fill."""
    bad: list[str] = []
    if isinstance(value, str):
        bad += [f"{where}: 未知占位符 {{{t}}}" for t in TOKEN_RE.findall(value) if t not in allowed]
    elif isinstance(value, dict):
        for k, v in value.items():
            bad += check_tokens(v, allowed, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            bad += check_tokens(v, allowed, f"{where}[{i}]")
    return bad


def token_problems(value: Any, allowed: frozenset[str], file: Path, where: str = "") -> list[Problem]:
    """:func:`check_tokens` as problems naming the file and the item."""
    return [Problem(f"未知占位符 {{{t}}}（可用：{'、'.join('{' + a + '}' for a in sorted(allowed))}）",
                    str(file), path=item)
            for item, t in _bad_tokens(value, allowed, where)]


def _bad_tokens(value: Any, allowed: frozenset[str], where: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(where, t) for t in TOKEN_RE.findall(value) if t not in allowed]
    bad: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            bad += _bad_tokens(v, allowed, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            bad += _bad_tokens(v, allowed, f"{where}[{i}]")
    return bad


PACK_KEYS = ("name", "description", "work", "short", "cause", "situation", "achievements",
             "problems", "measures", "leadership", "closing", "host")


_TEXT, _TEXTS = "文字", "文字列表"
_ITEMS = "条目列表"  # schema v2: each item is text or {text: 文字, levels/voices/subjects: […]}
# pack key → shape; list items that are mappings give each key's shape
PACK_SHAPE: dict[str, Any] = {
    "name": _TEXT, "description": _TEXT, "work": _TEXT, "short": _TEXT, "cause": _TEXT,
    "keywords": _TEXTS, "achievements": _ITEMS, "closing": _ITEMS, "host": _ITEMS,
    "situation": {"*": _ITEMS},
    "problems": [{"title": _TEXT, "detail": _TEXTS}],
    "measures": [{"title": _TEXT, "titles": _TEXTS, "lead": _TEXTS, "points": _ITEMS, "owner_hint": _TEXT}],
    "leadership": [{"title": _TEXT, "titles": _TEXTS, "body": _TEXTS}],
}


def pack_shape_problems(value: Any, shape: Any, where: str) -> list[str]:
    """Where a user pack's value does not have the shape templates rely on."""
    if shape == _TEXT:
        return [] if isinstance(value, str) else [f"{where} 应当是文字"]
    if shape == _TEXTS:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            return [f"{where} 应当是文字列表"]
        return []
    if shape == _ITEMS:  # tags are checked by generator.packschema
        if not isinstance(value, list) or not all(
                isinstance(x, str) or (isinstance(x, dict) and isinstance(x.get("text"), str)) for x in value):
            return [f"{where} 应当是列表，每项是文字或 {{text: 文字, levels: […]}}"]
        return []
    if isinstance(shape, list):
        if not isinstance(value, list) or not value:
            return [f"{where} 应当是非空列表，每项是键值对"]
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict) or not isinstance(item.get("title"), str):
                out.append(f"{where}[{i}] 应当是带 title 的键值对")
                continue
            for key, sub in shape[0].items():
                if key in item:
                    out += pack_shape_problems(item[key], sub, f"{where}[{i}].{key}")
        return out
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where} 应当是键值对"]
        return [p for k, v in value.items() for p in pack_shape_problems(v, shape["*"], f"{where}.{k}")]
    return []


def load_pack(dirs: TemplateLibrary, topic: str) -> dict[str, Any]:
    """A topic pack, validated (keys, ``{tokens}``) before anything can use it."""
    path = dirs.find(f"topics/{topic}.yaml")
    if path is None:
        raise TemplateError(f"找不到主题包“{topic}”（topics/{topic}.yaml）。")
    return _checked_pack(path, path.stat().st_mtime)


@functools.lru_cache(maxsize=64)
def _checked_pack(path: Path, mtime: float) -> dict[str, Any]:
    pack = _load_yaml(path, mtime)
    if not isinstance(pack, dict):
        raise TemplateError(f"{path} 应当是键值对。")
    missing = [k for k in PACK_KEYS if k not in pack]
    if missing:
        raise TemplateError(f"{path} 缺少：{'、'.join(missing)}。")
    wrong = [p for k, shape in PACK_SHAPE.items() if k in pack
             for p in pack_shape_problems(pack[k], shape, k)]
    if wrong:
        raise TemplateError(f"主题包 {path} 的结构有误：{'；'.join(wrong[:5])}。")
    problems = token_problems(pack, PACK_TOKENS, path)
    if problems:
        raise TemplateError(f"主题包 {path} 有未知占位符：", problems)
    return normalise_pack(pack, path)


def check_phrase_file(path: Path) -> dict[str, list[str]]:
    """One phrases.yaml: pools of sentences using only the tokens we fill."""
    return _checked_phrases(path, path.stat().st_mtime)


@functools.lru_cache(maxsize=16)
def _checked_phrases(path: Path, mtime: float) -> dict[str, list[str]]:
    data = _load_yaml(path, mtime) or {}
    if not isinstance(data, dict):
        raise TemplateError(f"{path} 应当是“池名: [句子…]”的键值对。")
    for key, pool in data.items():
        if not isinstance(pool, list) or not all(isinstance(s, str) for s in pool):
            raise TemplateError(f"{path} 的措辞池“{key}”应当是句子列表。")
    problems = token_problems(data, PHRASE_TOKENS, path)
    if problems:
        raise TemplateError(f"措辞库 {path} 有未知占位符：", problems)
    return {str(k): v for k, v in data.items()}


def load_phrases(dirs: TemplateLibrary) -> dict[str, list[str]]:
    """The phrase bank; a user phrases.yaml overrides individual pools."""
    merged: dict[str, list[str]] = {}
    for base in reversed(dirs.search):
        path = base / "phrases.yaml"
        if path.is_file():
            merged.update(check_phrase_file(path))
    return merged


def make_substitute(words: dict[str, str]):
    """Replace known ``{tokens}``; anything else is left as written."""
    def substitute(text: str) -> str:
        if "{" not in text:
            return text
        return TOKEN_RE.sub(lambda m: words.get(m.group(1), m.group(0)), text)
    substitute.tokens_only = True  # type: ignore[attr-defined]  # text without "{" comes back as is
    return substitute
