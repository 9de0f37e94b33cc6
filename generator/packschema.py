"""Topic-pack schema v2: tags on pack items, validated on load, used at selection.

Every pack item (situation, achievement, problem, measure, leadership, closing and host
lines; measure points too) may carry ``levels`` (the locality levels it fits), ``voices``
(directive/report/host) and ``subjects`` (short tags such as 垃圾分类). A string item
is written as is or as ``{text: ..., levels: [...], ...}``. Defaults: every level; the
section's voices (:data:`SECTION_VOICES`); subjects empty.

:func:`normalise_pack` runs once per pack file and also precomputes each item's topic
bigrams (the keyword index that matches brief items to pack items, jieba-free);
:func:`select_pack` then gives one draft the items of its voice and level only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.errors import Problem, TemplateError
from generator.kinds import VOICE_NAMES, VOICES
from generator.wording import topic_bigrams

LEVELS = ("市", "区", "县", "街道", "乡镇", "社区")
VILLAGE_WORDS = re.compile(r"村|房前屋后|乡贤|农户|农家|畜禽|散养|秸秆")  # words of places that govern villages
STAGE_WORDS = re.compile(r"冲刺|决战|攻坚阶段|最后阶段|最后关头|收官|只争朝夕|分秒必争")  # near a deadline only
SECTION_VOICES = {
    "situation": ("directive",),
    "achievements": ("directive",),  # pack praise: a report never praises beyond its brief
    "problems": ("directive",),  # hedged typical problems: directive only
    "measures": ("directive", "report"),
    "leadership": ("directive",),
    "closing": ("directive",),
    "host": ("host",),
}
TAGS = ("levels", "voices", "subjects")
STRING_KEY = "text"


def _bad(path: Path, where: str, message: str) -> TemplateError:
    """A pack error naming the file and the item (主题包 … [measures[0]（强化党建引领…）] …)."""
    return TemplateError("主题包有误：", [Problem(message, str(path), path=where)])


def _tag_list(path: Path, where: str, key: str, value: Any, allowed: tuple[str, ...] | None) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _bad(path, f"{where}", f"{key} 应当是字符串列表。")
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            names = "、".join(f"{a}（{VOICE_NAMES[a]}）" for a in allowed) if key == "voices" else "、".join(allowed)
            raise _bad(path, f"{where}", f"{key} 的“{bad[0]}”无效，可用：{names}。")
    return frozenset(value)


def _tags(path: Path, where: str, raw: dict[str, Any], voices: tuple[str, ...]) -> dict[str, Any]:
    return {
        "_levels": _tag_list(path, where, "levels", raw["levels"], LEVELS) if "levels" in raw else frozenset(LEVELS),
        "_voices": _tag_list(path, where, "voices", raw["voices"], VOICES) if "voices" in raw else frozenset(voices),
        "_subjects": _tag_list(path, where, "subjects", raw["subjects"], None) if "subjects" in raw else frozenset(),
    }


def _label(item: Any) -> str:
    text = item.get("title") or item.get(STRING_KEY) or "" if isinstance(item, dict) else str(item)
    return f"（{str(text)[:12]}）" if text else ""


def _string_item(path: Path, where: str, raw: Any, voices: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {STRING_KEY: raw}
    if not isinstance(raw, dict) or not isinstance(raw.get(STRING_KEY), str):
        raise _bad(path, f"{where}", "应当是字符串，或 {text: 字符串, levels: [...], voices: [...]}。")
    unknown = set(raw) - {STRING_KEY, *TAGS}
    if unknown:
        raise _bad(path, f"{where}{_label(raw)}", f"未知的键 {'、'.join(sorted(map(str, unknown)))}。")
    item = {STRING_KEY: raw[STRING_KEY], **_tags(path, where, raw, voices)}
    item["_grams"] = topic_bigrams(raw[STRING_KEY])
    return item


def _dict_item(path: Path, where: str, raw: Any, voices: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _bad(path, f"{where}", "应当是键值对。")
    item = {k: v for k, v in raw.items() if k not in TAGS}
    item.update(_tags(path, f"{where}{_label(raw)}", raw, voices))
    if isinstance(raw.get("points"), list):
        item["points"] = [_string_item(path, f"{where}.points[{i}]", p, tuple(item["_voices"]))
                          for i, p in enumerate(raw["points"])]
    text = str(raw.get("title", "")) + "".join(p[STRING_KEY] for p in item.get("points", []))
    item["_grams"] = topic_bigrams(str(raw.get("title", "")))
    item["_all_grams"] = topic_bigrams(text)
    return item


def normalise_pack(pack: dict[str, Any], path: Path) -> dict[str, Any]:
    """Validate every item's tags and bring items to one shape (see module docstring)."""
    out = dict(pack)
    situation = pack.get("situation")
    if isinstance(situation, dict):
        out["situation"] = {
            key: [_string_item(path, f"situation.{key}[{i}]", s, SECTION_VOICES["situation"])
                  for i, s in enumerate(items or [])]
            for key, items in situation.items()
        }
    for section in ("achievements", "closing", "host"):
        if isinstance(pack.get(section), list):
            out[section] = [_string_item(path, f"{section}[{i}]", s, SECTION_VOICES[section])
                            for i, s in enumerate(pack[section])]
    for section in ("problems", "measures", "leadership"):
        if isinstance(pack.get(section), list):
            out[section] = [_dict_item(path, f"{section}[{i}]", s, SECTION_VOICES[section])
                            for i, s in enumerate(pack[section])]
    return out


def _fits(item: dict[str, Any], voice: str, level: str, villages: bool, stage: bool) -> bool:
    if voice not in item["_voices"] or level not in item["_levels"]:
        return False
    text = item.get(STRING_KEY) or "".join(str(v) for k, v in item.items() if not k.startswith("_")
                                           and k not in ("points", "owner_hint"))
    if not villages and VILLAGE_WORDS.search(text):
        return False  # belt and braces: an untagged village word never reaches a street
    return stage or not STAGE_WORDS.search(text)


def _plain(item: dict[str, Any]) -> Any:
    return item[STRING_KEY]


def select_pack(pack: dict[str, Any], voice: str, level: str, villages: bool,
                stage: bool) -> dict[str, Any]:
    """The pack as one draft may use it: items of its voice and level, strings as strings.

    ``villages``: the locality governs villages; ``stage``: the deadline is near enough
    for words of a final sprint (冲刺、决战、攻坚阶段).
    """
    def keep(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [i for i in items if _fits(i, voice, level, villages, stage)]

    out = dict(pack)
    out["situation"] = {k: [_plain(i) for i in keep(v)] for k, v in pack["situation"].items()}
    for section in ("achievements", "closing", "host"):
        out[section] = [_plain(i) for i in keep(pack[section])]
    for section in ("problems", "measures", "leadership"):
        chosen = []
        for item in keep(pack[section]):
            item = dict(item)
            if "points" in item:
                item["points"] = [_plain(p) for p in keep(item["points"])]
                if len(item["points"]) < 2:
                    continue
            chosen.append(item)
        out[section] = chosen
    return out


def governs_villages(level: str, topic: str) -> bool:
    """kinds.md rule 3: 县 and 乡镇 always; 市 and 区 on 人居环境 (rural) work; never 街道, 社区."""
    return level in ("县", "乡镇") or (level in ("市", "区") and topic == "人居环境整治")
