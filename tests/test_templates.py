"""Templates, topic packs and the phrase bank stay consistent with each other and the corpus."""

from __future__ import annotations

import re

import pytest
import yaml

from generator.kinds import load_kinds
from generator.library import TemplateLibrary
from generator.packs import (
    BUILTIN_TEMPLATES,
    PACK_TOKENS,
    PHRASE_TOKENS,
    check_tokens,
)
from tests.conftest import KINDS, ROOT, TOPICS

SKELETON = yaml.safe_load((ROOT / "speeches" / "skeleton.yaml").read_text(encoding="utf-8"))

# Where a template departs from the mined skeleton, and why. The corpus holds only
# two 动员部署会 and two 座谈发言 speeches, and no 总结部署会, so for those kinds the
# mined order is a weak signal; the departures follow the genre's usual order.
DEVIATIONS = {
    "动员部署会": "语料仅2篇，其中1篇把“压实责任”放在前面讲思想认识；通行写法是先部署任务、后讲组织保障。"
                  "简报有成绩时才插入肯定成绩。",
    "座谈发言": "语料中的座谈发言是经验交流，被标为 measures/leadership；单位座谈发言的通行结构是"
                "做法成效、存在问题、下步打算。",
    "总结部署会": "语料中没有总结部署会，按“总结成绩—查摆问题—分析形势—部署任务—组织保障”的通行结构。",
    "主持词": "kinds.md：主持语气不讲形势和意义（语料中的 situation 段落正是要去掉的“讲课”）；"
              "讲话后的回顾不单列角色，三点要求对应语料的 leadership。",
}
ROLE = {"demands": "leadership", "recap": None, "goals": None, "commend": None}
BOOK = load_kinds(TemplateLibrary().search)


def template_skeleton(kind: str) -> list[str]:
    """The kind's parts (from kinds.yaml) as the corpus miner names its roles."""
    names = [ROLE.get(p.name, p.name) for p in BOOK.profile(kind).parts]
    return [n for n in names if n]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_profile_and_its_parts_exist(kind):
    text = (BUILTIN_TEMPLATES / f"{kind}.md.j2").read_text(encoding="utf-8")
    assert 'include "sections/body.j2"' in text
    profile = BOOK.kinds[kind]
    assert profile.parts[0].name == "opening" and profile.parts[-1].name == "closing"
    for part in profile.parts:
        assert (BUILTIN_TEMPLATES / "sections" / f"{part.name}.j2").is_file(), part.name


@pytest.mark.parametrize("kind", KINDS)
def test_templates_follow_the_mined_skeleton(kind):
    mined = SKELETON["skeletons"].get(kind)
    if kind in DEVIATIONS:
        return  # documented above
    assert mined is not None, f"no mined skeleton for {kind}"
    assert template_skeleton(kind) == mined


def test_tuijinhui_skeleton_is_the_classic_one():
    assert SKELETON["skeletons"]["推进会"] == [
        "opening", "achievements", "problems", "measures", "leadership", "closing"]


MINIMUMS = {"achievements": 8, "problems": 10, "measures": 10, "leadership": 6, "closing": 6, "host": 6}


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_pack_contract(topic):
    pack = yaml.safe_load((BUILTIN_TEMPLATES / "topics" / f"{topic}.yaml").read_text(encoding="utf-8"))
    assert pack["name"] == topic
    for key, minimum in MINIMUMS.items():
        assert len(pack[key]) >= minimum, key
    for key in ("significance", "urgency", "mindset"):
        assert len(pack["situation"][key]) >= 6
    for m in pack["measures"]:
        assert m["title"] and len(m["lead"]) >= 2 and len(m["points"]) >= 6
    text = yaml.safe_dump(pack, allow_unicode=True)
    assert not re.search(r"[0-9]", text), "packs must not state figures"
    assert check_tokens(pack, PACK_TOKENS, topic) == []
    for level_word in ("全区", "我区", "区委", "区政府"):
        assert level_word not in text.replace("{全区}", "").replace("{我区}", "").replace("{区委区政府}", "")


def test_phrase_bank_tokens():
    phrases = yaml.safe_load((BUILTIN_TEMPLATES / "phrases.yaml").read_text(encoding="utf-8"))
    assert check_tokens(phrases, PHRASE_TOKENS, "phrases") == []
    assert not re.search(r"[0-9]", yaml.safe_dump(phrases, allow_unicode=True))


@pytest.mark.parametrize("topic", TOPICS)
def test_pack_tags_keep_village_words_off_streets(topic):
    """Schema v2: every item that speaks of villages is tagged for levels that govern them."""
    from generator.packs import load_pack
    from generator.packschema import VILLAGE_WORDS

    pack = load_pack(TemplateLibrary(), topic)
    items = [*pack["achievements"], *pack["closing"], *pack["host"], *pack["problems"],
             *pack["measures"], *pack["leadership"]]
    items += [s for group in pack["situation"].values() for s in group]
    # a point inherits its measure's levels: only points of measures that reach streets count
    items += [p for m in pack["measures"] if m["_levels"] & {"街道", "社区"} for p in m["points"]]
    for item in items:
        text = item.get("text") or "".join(str(v) for k, v in item.items() if k not in ("points", "owner_hint") and not k.startswith("_"))
        if VILLAGE_WORDS.search(text):
            assert not item["_levels"] & {"街道", "社区"}, text[:30]
    assert any(m["_subjects"] for m in pack["measures"])
    assert all(i["_voices"] == {"host"} for i in pack["host"])
    assert all(s["_voices"] == {"directive"} for g in pack["situation"].values() for s in g)


def test_a_misspelt_tag_is_a_chinese_error_naming_file_and_item(tmp_path):
    from generator.errors import TemplateError
    from generator.packs import load_pack

    src = (BUILTIN_TEMPLATES / "topics" / "社区治理.yaml").read_text(encoding="utf-8")
    bad = src.replace("    subjects: [党建]", "    subjects: [党建]\n    levels: [街到]", 1)
    assert bad != src
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "社区治理.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_pack(TemplateLibrary(tmp_path), "社区治理")
    message = err.value.render()
    assert "社区治理.yaml" in message and "measures[0]" in message and "街到" in message and "强化党建引领" in message
    bad = src.replace("    subjects: [党建]", "    subjects: [党建]\n    voices: [lecture]", 1)
    (tmp_path / "topics" / "社区治理.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_pack(TemplateLibrary(tmp_path), "社区治理")
    assert "lecture" in err.value.render()


def test_every_phrase_pool_declares_its_voices():
    library = TemplateLibrary()
    pools = BOOK.pools
    for name in library.phrases():
        assert any(name.startswith(prefix) for prefix in pools), name
    assert BOOK.pool_voices("talk.open") == ("report",)
    assert BOOK.pool_voices("host.recap.tail") == ("host",)
    assert "report" not in BOOK.pool_voices("meas.owner")  # 此项工作由…牵头 is for directives only


def test_a_draft_draws_only_from_its_voice():
    from generator.errors import TemplateError
    from generator.variation import Variation

    v = Variation(1, {"meas.owner": ["负责牵头。"], "talk.owner": ["我们明确由%s牵头，"]},
                  voice="report", pool_voices=BOOK.pool_voices)
    assert v.pick("talk.owner")
    with pytest.raises(TemplateError, match="meas.owner"):
        v.pick("meas.owner")


def test_kind_profiles_follow_kinds_md():
    assert BOOK.kinds["座谈发言"].voice == "report" and BOOK.kinds["主持词"].voice == "host"
    assert {p.name for p in BOOK.kinds["主持词"].parts}.isdisjoint({"situation", "measures", "leadership"})
    host = BOOK.kinds["主持词"]
    assert (host.min_chars, host.max_chars) == (600, 1500) and host.caps["demands"] <= 3
    for kind in ("推进会", "动员部署会", "总结部署会"):
        caps = BOOK.kinds[kind].caps
        assert caps["measures"] <= 6 and caps["points"] <= 4 and caps["support"] <= 5
    talk = {p.name: p.when for p in BOOK.kinds["座谈发言"].parts}
    assert talk["problems"] == "problems"  # no brief problems, no such section
    mobilise = {p.name: p.when for p in BOOK.kinds["动员部署会"].parts}
    assert mobilise["problems"] == "problems" and mobilise["goals"] == "targets"
    assert BOOK.profile("自定义讲话").voice == "directive"  # a user kind without a profile


def test_a_user_kind_profile_is_validated(tmp_path):
    from generator.errors import TemplateError

    (tmp_path / "kinds.yaml").write_text("kinds:\n  表态发言:\n    voice: 汇报\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_kinds([tmp_path])
    assert "kinds.yaml [kinds.表态发言.voice]" in err.value.render() and "汇报" in err.value.render()
    (tmp_path / "kinds.yaml").write_text("kinds:\n  表态发言:\n    voice: report\n    parts: [opening, measures, closing]\n",
                                         encoding="utf-8")
    book = load_kinds([tmp_path, *TemplateLibrary().search])
    assert book.profile("表态发言").voice == "report" and book.profile("推进会").voice == "directive"
