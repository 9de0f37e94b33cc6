"""Topic packs and the genre phrase bank: the YAML content templates draw from.

Both live under a templates folder (``topics/<主题>.yaml`` and ``phrases.yaml``);
a user folder given with ``--templates`` overrides or adds to the built-in one.
Strings may hold level tokens such as ``{全区}`` that are replaced per draft.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator import PROJECT_ROOT
from generator.errors import TemplateError
from generator.wording import TOKENS

BUILTIN_TEMPLATES = PROJECT_ROOT / "templates"
PACK_TOKENS = frozenset(TOKENS) - {"区"}
PHRASE_TOKENS = PACK_TOKENS | {"工作", "简称", "事业", "会议", "上级"}
TOKEN_RE = re.compile(r"\{([^{}]*)\}")
MAX_PACK_BYTES = 2_000_000


@dataclass(frozen=True)
class TemplateDirs:
    """Where templates come from: the user's folder first, then the built-in one."""

    user: Path | None = None

    @property
    def search(self) -> list[Path]:
        return [p for p in (self.user, BUILTIN_TEMPLATES) if p is not None]

    def find(self, relative: str) -> Path | None:
        for base in self.search:
            candidate = base / relative
            if candidate.is_file():
                return candidate
        return None

    def kinds(self) -> list[str]:
        names = {p.name.removesuffix(".md.j2") for base in self.search
                 for p in base.glob("*.md.j2")}
        return sorted(names, key=_kind_order)

    def topics(self) -> list[str]:
        names = {p.stem for base in self.search for p in (base / "topics").glob("*.yaml")}
        return sorted(names, key=_topic_order)


_KIND_ORDER = ("推进会", "动员部署会", "主持词", "座谈发言", "总结部署会")
_TOPIC_ORDER = ("文明城市创建", "人居环境整治", "城市管理", "生态环境保护", "社区治理")


def _kind_order(name: str) -> tuple[int, str]:
    return (_KIND_ORDER.index(name) if name in _KIND_ORDER else 99, name)


def _topic_order(name: str) -> tuple[int, str]:
    return (_TOPIC_ORDER.index(name) if name in _TOPIC_ORDER else 99, name)


@functools.lru_cache(maxsize=64)
def _load_yaml(path: Path, mtime: float) -> Any:
    if path.stat().st_size > MAX_PACK_BYTES:
        raise TemplateError(f"{path} 太大，主题包不得超过 2 MB。")
    try:
        # libyaml when present: packs are large and parsed on every cold start
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise TemplateError(f"{where} YAML 语法错误：{exc.problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path} 无法读取：{exc}") from None


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


PACK_KEYS = ("name", "description", "work", "short", "cause", "situation", "achievements",
             "problems", "measures", "leadership", "closing", "host")


def load_pack(dirs: TemplateDirs, topic: str) -> dict[str, Any]:
    path = dirs.find(f"topics/{topic}.yaml")
    if path is None:
        raise TemplateError(f"找不到主题包“{topic}”（topics/{topic}.yaml）。")
    pack = load_yaml_resource(path)
    if not isinstance(pack, dict):
        raise TemplateError(f"{path} 应当是键值对。")
    missing = [k for k in PACK_KEYS if k not in pack]
    if missing:
        raise TemplateError(f"{path} 缺少：{'、'.join(missing)}。")
    return pack


def load_phrases(dirs: TemplateDirs) -> dict[str, list[str]]:
    """The phrase bank; a user phrases.yaml overrides individual pools."""
    merged: dict[str, list[str]] = {}
    for base in reversed(dirs.search):
        path = base / "phrases.yaml"
        if path.is_file():
            data = load_yaml_resource(path) or {}
            if not isinstance(data, dict):
                raise TemplateError(f"{path} 应当是“池名: [句子…]”的键值对。")
            for key, pool in data.items():
                if not isinstance(pool, list) or not all(isinstance(s, str) for s in pool):
                    raise TemplateError(f"{path} 的措辞池“{key}”应当是句子列表。")
                merged[str(key)] = pool
    return merged


def make_substitute(words: dict[str, str]):
    """Replace known ``{tokens}``; anything else is left as written."""
    def substitute(text: str) -> str:
        if "{" not in text:
            return text
        return TOKEN_RE.sub(lambda m: words.get(m.group(1), m.group(0)), text)
    return substitute
