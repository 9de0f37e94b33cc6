import pytest

from generator.draft import Block, Draft, parse_markup
from generator.errors import SpeechgenError
from generator.script import _converter, convert_draft, to_traditional


def test_s2t_converts_characters():
    assert to_traditional("发展经济，加强党的建设") == "發展經濟，加強黨的建設"


def test_s2twp_uses_taiwan_phrases():
    assert to_traditional("软件", "s2t") == "軟件"
    assert to_traditional("软件", "s2twp") == "軟體"


def test_empty_text_passes_through():
    assert to_traditional("") == ""


def test_unknown_variant_raises_chinese_error():
    with pytest.raises(SpeechgenError) as info:
        to_traditional("发展", "s2hk-bogus")
    assert "不支持" in info.value.message
    assert "s2t" in info.value.message


def test_converter_is_cached_per_variant():
    assert _converter("s2t") is _converter("s2t")
    assert _converter("s2t") is not _converter("s2twp")


def test_convert_draft_converts_every_text_field_and_keeps_original():
    blocks = parse_markup("@ 同志们：\n# 统一思想\n## 强化组织领导。\t各级党委要负责。\n发展软件产业。\n# 加强领导\n")
    draft = Draft("在全区经济工作会议上的讲话", "区委书记 王明", "2026年5月8日", blocks,
                  kind="部署会", topic="经济发展", locality="东城区")
    out = convert_draft(draft, "s2twp")
    assert out is not draft
    assert out.title == "在全區經濟工作會議上的講話"
    assert out.speaker == "區委書記 王明"
    assert out.date == "2026年5月8日"
    assert (out.kind, out.topic, out.locality) == ("部署會", "經濟發展", "東城區")
    assert [b.kind for b in out.blocks] == [b.kind for b in blocks]
    assert [b.level for b in out.blocks] == [b.level for b in blocks]
    assert out.blocks[0].text == "同志們："
    assert out.blocks[1].number == "一、" and out.blocks[1].text == "統一思想"
    assert out.blocks[2].lead == "強化組織領導。" and out.blocks[2].text == "各級黨委要負責。"
    assert out.blocks[3].text == "發展軟體產業。"
    # the input is untouched
    assert draft.blocks[3].text == "发展软件产业。"
    assert draft.title == "在全区经济工作会议上的讲话"


def test_convert_draft_rejects_unknown_variant():
    with pytest.raises(SpeechgenError):
        convert_draft(Draft("题", "人", "2026年1月1日", [Block("paragraph", "文")]), "zz")
