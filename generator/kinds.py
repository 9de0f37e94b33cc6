"""Kinds of speech as data: voice, ordered parts, caps and length band per kind.

One home for what a 推进会 or a 主持词 *is* (shared/spec/kinds.md). Profiles live in
``templates/kinds.yaml``; a user's templates folder may add or override kinds, and a
kind without a profile is read as a directive speech with the 推进会 skeleton.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problem, TemplateError

VOICES = ("directive", "report", "host")
VOICE_NAMES = {"directive": "部署", "report": "汇报", "host": "主持"}
PARTS = ("opening", "situation", "achievements", "commend", "problems", "goals", "measures",
         "leadership", "closing", "attendees", "agenda", "recap", "demands")
CONDITIONS = ("achievements", "problems", "measures", "targets", "agenda", "attendees", "prior",
              "commend")
CAPS = ("measures", "points", "support", "demands")
DEFAULT_CAPS = {"measures": 6, "points": 4, "support": 5, "demands": 3}


@dataclass(frozen=True)
class Part:
    name: str
    when: str = ""  # a condition from CONDITIONS; empty: always
    heading: str = ""  # phrase pool of the part's heading
    targets: str = ""  # "first": the brief's targets open this part; "true": carried here

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "heading": self.heading, "targets": self.targets}


@dataclass(frozen=True)
class KindProfile:
    name: str
    voice: str = "directive"
    parts: tuple[Part, ...] = ()
    caps: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CAPS))
    min_chars: int = 0
    max_chars: int = 0
    aim_chars: int = 0
    description: str = ""  # the line `speechgen list` shows  # the length to aim at when the brief asks for more (主持词: about 900)

    def active_parts(self, facts: dict[str, bool]) -> list[dict[str, str]]:
        """The parts this brief's material calls for, in order."""
        return [p.as_dict() for p in self.parts if not p.when or facts.get(p.when)]

    def target_chars(self, wanted: float) -> float:
        """The brief's length, held inside the kind's band (主持词: 600–1,500 whatever it says)."""
        if self.aim_chars:
            wanted = min(wanted, self.aim_chars)
        if self.min_chars:  # aim inside the band, so a draft 10 % off target still lands in it
            wanted = max(wanted, self.min_chars * 1.12)
        if self.max_chars:
            wanted = min(wanted, self.max_chars * 0.88)
        return wanted

    @property
    def profile(self) -> dict[str, Any]:
        return {"name": self.name, "voice": self.voice, "caps": dict(self.caps)}


@dataclass(frozen=True)
class KindBook:
    """Every known profile plus which phrase pools each voice may use."""

    kinds: dict[str, KindProfile]
    pools: dict[str, tuple[str, ...]]  # pool-name prefix -> voices
    once: tuple[str, ...] = ()  # stock images and subject words said at most once per draft

    @functools.cached_property
    def once_pattern(self) -> re.Pattern[str] | None:
        """kinds.yaml's once-per-draft words plus check's stock images and once-only subjects
        (generator/data/repetition.yaml): what the proofreader flags, the generator avoids."""
        from generator.checks.repetition import rules

        checked = rules()
        words = set(self.once) | set(checked.images) | {
            w for subject in checked.subjects if subject.once for w in subject.words}
        # the shortest form stands for all that contain it (啃硬骨头 is 硬骨头, 街长制 is 街长)
        words = {w for w in words if not any(o != w and o in w for o in words)}
        return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))) if words else None

    def profile(self, kind: str) -> KindProfile:
        found = self.kinds.get(kind)
        if found is not None:
            return found
        base = self.kinds.get("推进会")
        return KindProfile(name=kind, parts=base.parts if base else (), caps=dict(DEFAULT_CAPS))

    def pool_voices(self, pool: str) -> tuple[str, ...]:
        """Voices a phrase pool fits: the longest declared prefix wins; undeclared fits all."""
        best = ""
        for prefix in self.pools:
            if pool.startswith(prefix) and len(prefix) > len(best):
                best = prefix
        return self.pools[best] if best else VOICES


def _fail(path: Path, where: str, message: str) -> TemplateError:
    return TemplateError("讲话类型档案有误：", [Problem(message, str(path), path=where)])


def _voice(path: Path, where: str, value: Any) -> str:
    if value not in VOICES:
        allowed = "、".join(f"{v}（{VOICE_NAMES[v]}）" for v in VOICES)
        raise _fail(path, where, f"语气“{value}”无效，应为 {allowed}。")
    return str(value)


def _part(path: Path, where: str, raw: Any) -> Part:
    if isinstance(raw, str):
        raw = {"part": raw}
    if not isinstance(raw, dict) or "part" not in raw:
        raise _fail(path, where, "每个部分应写成名称或 {part: 名称, ...}。")
    unknown = set(raw) - {"part", "if", "heading", "targets"}
    if unknown:
        raise _fail(path, where, f"未知的键 {'、'.join(sorted(map(str, unknown)))}。")
    name, when = str(raw["part"]), str(raw.get("if", "") or "")
    if name not in PARTS:
        raise _fail(path, where, f"未知的部分“{name}”，可用：{'、'.join(PARTS)}。")
    if when and when not in CONDITIONS:
        raise _fail(path, where, f"未知的条件“{when}”，可用：{'、'.join(CONDITIONS)}。")
    targets = raw.get("targets", "")
    targets = "true" if targets is True else str(targets or "")
    if targets not in ("", "first", "true"):
        raise _fail(path, where, "targets 只能是 first 或 true。")
    return Part(name, when, str(raw.get("heading", "") or ""), targets)


def _profile(path: Path, name: str, raw: Any) -> KindProfile:
    if not isinstance(raw, dict):
        raise _fail(path, f"kinds.{name}", "应当是键值对。")
    voice = _voice(path, f"kinds.{name}.voice", raw.get("voice", "directive"))
    parts_raw = raw.get("parts") or []
    if not isinstance(parts_raw, list):
        raise _fail(path, f"kinds.{name}.parts", "应当是列表。")
    parts = tuple(_part(path, f"kinds.{name}.parts[{i}]", p) for i, p in enumerate(parts_raw))
    caps = dict(DEFAULT_CAPS)
    for key, value in (raw.get("caps") or {}).items():
        if key not in CAPS or not isinstance(value, int) or value < 0:
            raise _fail(path, f"kinds.{name}.caps.{key}", f"上限应为 {'、'.join(CAPS)} 之一，取非负整数。")
        caps[key] = value
    length = raw.get("length") or {}
    if not isinstance(length, dict) or set(length) - {"min", "max", "aim"} \
            or not all(isinstance(length.get(k, 0), int) for k in ("min", "max", "aim")):
        raise _fail(path, f"kinds.{name}.length", "应写成 {min: 字数, max: 字数, aim: 字数}。")
    return KindProfile(name, voice, parts, caps, int(length.get("min", 0)), int(length.get("max", 0)),
                       int(length.get("aim", 0)), str(raw.get("description", "") or ""))


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime: float) -> tuple[dict[str, KindProfile], dict[str, tuple[str, ...]], tuple[str, ...]]:
    from generator.packs import load_yaml_resource

    data = load_yaml_resource(path) or {}
    if not isinstance(data, dict):
        raise TemplateError(f"{path} 应当是键值对（pools、kinds）。")
    pools: dict[str, tuple[str, ...]] = {}
    for prefix, voices in (data.get("pools") or {}).items():
        if not isinstance(voices, list) or not voices:
            raise _fail(path, f"pools.{prefix}", "应当是语气列表。")
        pools[str(prefix)] = tuple(_voice(path, f"pools.{prefix}", v) for v in voices)
    kinds = {str(name): _profile(path, str(name), raw) for name, raw in (data.get("kinds") or {}).items()}
    once: list[str] = []
    for key, words in (data.get("once_per_draft") or {}).items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise _fail(path, f"once_per_draft.{key}", "应当是词语列表。")
        once += words
    return kinds, pools, tuple(once)


def load_kinds(search: list[Path]) -> KindBook:
    """Profiles from the built-in kinds.yaml, overridden kind by kind by the user's."""
    kinds: dict[str, KindProfile] = {}
    pools: dict[str, tuple[str, ...]] = {}
    once: tuple[str, ...] = ()
    for base in reversed(search):
        path = base / "kinds.yaml"
        if path.is_file():
            more_kinds, more_pools, more_once = _read(path, path.stat().st_mtime)
            kinds.update(more_kinds)
            pools.update(more_pools)
            once = tuple(dict.fromkeys(once + more_once))
    return KindBook(kinds, pools, once)
