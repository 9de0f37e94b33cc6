"""Cleaning rules of ``speechgen ingest`` on small hand-made strings, plus the real seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.classify import detect_kind, detect_level, detect_topic
from generator.corpus import (
    clean_body,
    clean_line,
    clean_source,
    ingest_paths,
    join_broken_lines,
    normalize_punctuation,
    remove_page_numbers,
    remove_pinyin_glosses,
    repair_mojibake,
    to_simplified,
)
from generator.errors import CorpusError
from generator.speechfile import read_speech
from generator.webpage import read_page, title_hint

REPO = Path(__file__).resolve().parents[1]
# The seeds sit beside the repository (/work/main) or, in a worktree, two levels up.
SEEDS = next((p for p in (REPO.parent / "shared" / "seeds", REPO.parent.parent / "shared" / "seeds")
              if p.is_dir()), REPO.parent / "shared" / "seeds")
FIXTURES = Path(__file__).parent / "data" / "corpus"


# --- chrome -------------------------------------------------------------------------


def test_chrome_lines_are_dropped_and_the_page_title_kept():
    lines = [
        "您好,欢迎访问三七文档",
        "当前位置:首页 > 办公文档 > 在全区推进会上的讲话",
        "购物车",
        "我的足迹",
        "加入Vip免费下载 立即下载",
        "时间:2022-10-22 10:50:00",
        "导语:区推进会讲话一文来源于网友上传,不代表本站观点,欢迎参考。",
        "同志们:",
        "本文标题:在全区推进会上的讲话",
        "链接地址:https://www.example.com/doc-1 .html",
        "推荐访问:在全区推进会上的讲话 会上 推进",
    ]
    page = read_page([clean_line(line) for line in lines], hint=title_hint(lines, clean_line))
    assert [line for line in page.lines if line] == ["同志们："]
    assert page.title == "在全区推进会上的讲话"


def test_inline_promos_are_cut_out_of_sentences():
    assert clean_line("讲话稿多篇精选范例参考,希望能为大家提供帮助。同志们:") == "讲话稿同志们："
    assert clean_line("把目标任务细众号请化分解到站所") == "把目标任务细化分解到站所"
    # a real 公众号 is wording, not a promo
    assert clean_line("在主流公众号中设置访问渠道") == "在主流公众号中设置访问渠道"


def test_chat_assistant_residue_is_removed():
    body = clean_body(["作出积极的贡献。非常好,以上分析及总结都非常清晰明了。整体而言,非常优秀!"])
    assert body == ["作出积极的贡献。"]


# --- characters ------------------------------------------------------------------------


def test_traditional_to_simplified_and_pinyin_glosses():
    text = remove_pinyin_glosses("區(qū)環(huán)境綜治動員會")
    assert to_simplified(text) == "区环境综治动员会"
    # a gloss whose character was lost leaves a visible placeholder
    assert clean_line(remove_pinyin_glosses("變?yōu)我要干")) == "變××我要干"
    # parentheses without tone marks are not glosses
    assert remove_pinyin_glosses("条款(a)") == "条款(a)"


def test_mojibake_shifted_by_one_byte_is_decoded_again():
    assert repair_mojibake("變?yōu)椤拔乙\ue017伞薄\ue5ca^(qū)") == "變?yōu)“我要干”。區(qū)"
    # undecodable private-use characters are dropped
    assert repair_mojibake("甲 \ue017 乙") == "甲  乙"


def test_lost_names_become_a_visible_placeholder_but_questions_stay():
    assert clean_line("刚才,?结合多媒体通报") == "刚才，××结合多媒体通报"
    assert clean_line("尤其是??同志对下一阶段") == "尤其是××同志对下一阶段"
    assert clean_line("怎么做第一责任人?不是仅仅") == "怎么做第一责任人？不是仅仅"


def test_replacement_characters_and_ocr_specks():
    [speech] = clean_source("题目讲话\n同志们:\n全面\ufffd排查,经不起.上级检查,水质h被曝光。", "x.txt")
    assert speech.body == "同志们：\n全面排查，经不起上级检查，水质××被曝光。"


# --- punctuation -------------------------------------------------------------------------


def test_punctuation_goes_full_width_in_chinese_text():
    assert normalize_punctuation("同志们:今天,我们开会;好吗?好!") == "同志们：今天，我们开会；好吗？好！"
    assert normalize_punctuation("各乡镇(街道)负责") == "各乡镇（街道）负责"
    assert normalize_punctuation('街道的"面子",百姓的"里子"') == "街道的“面子”，百姓的“里子”"


def test_numbers_times_and_headings_are_left_alone():
    line = "1.机制不顺畅。共清运4.15万吨,会议10:50开始,1,000人参加"
    assert normalize_punctuation(line) == "1.机制不顺畅。共清运4.15万吨，会议10:50开始，1,000人参加"
    assert normalize_punctuation("see http://a.b/c, ok") == "see http://a.b/c, ok"


def test_pdf_spaces_between_chinese_characters_are_removed():
    assert clean_line("人居环境整治工 作攻坚部署会上的讲话 同志们: 六月") == "人居环境整治工作攻坚部署会上的讲话同志们：六月"
    assert clean_line('让" 绿富美"成为') == "让“绿富美”成为"


# --- lines and pages --------------------------------------------------------------------------


def test_lines_broken_mid_sentence_are_joined():
    long_a = "对发现的违章事件进行快速识别、分析、取证，对发现的违章事件进行快速"
    assert join_broken_lines([long_a, "定位、标识告警。"]) == [long_a + "定位、标识告警。"]
    assert join_broken_lines(["一、用心投入，真", "心实意当参谋"]) == ["一、用心投入，真心实意当参谋"]
    long_b = "如果有统一的战略和组织架构，事先进行风险预警和应急处理，就可以对风险事故进行有效的预防和化"
    assert join_broken_lines([long_b, "解。"]) == [long_b + "解。"]


def test_real_paragraph_breaks_are_kept():
    lines = ["同志们：", "今天开会。", "一、统一思想", "大家要认识到重要性。", "紧盯目标", "奋发有为",
             "——×××同志在2013年下半年工作推进会上的讲话", "2013年7月17日", "这次会议很重要。"]
    assert join_broken_lines(lines) == lines
    # a list item never continues the line before it, and a blank line is a hard break
    long_a = "我们要坚持问题导向，统筹推进各项工作，确保取得预期目标，主要有以下几个方面"
    assert join_broken_lines([long_a, "（一）加强领导"]) == [long_a, "（一）加强领导"]
    assert join_broken_lines([long_a, "", "下一段"]) == [long_a, "下一段"]


def test_a_one_line_speech_stays_one_line():
    line = "同志们：今天开会。一、统一思想。二、狠抓落实。谢谢。"
    assert join_broken_lines([line]) == [line]


def test_page_numbers_inside_sentences_are_removed_but_quantities_stay():
    assert remove_page_numbers("以“季1度赛”为抓手") == "以“季度赛”为抓手"
    assert remove_page_numbers("任务很重。4能否高质量") == "任务很重。能否高质量"
    assert remove_page_numbers("从工作最需要的事情11做起") == "从工作最需要的事情做起"
    kept = "有5个单位，清运4.15万吨，全国前7的城市，排名第7，1234行动，2022年，711厂，30来平方米"
    assert remove_page_numbers(kept) == kept


def test_glued_closing_gets_its_line_break_back():
    assert clean_body(["添砖加瓦！谢谢大家！在会上，我们还要说。"]) == ["添砖加瓦！谢谢大家！", "在会上，我们还要说。"]


# --- splitting ---------------------------------------------------------------------------------


MULTI = """篇一:在提升城市治理现代化水平推进会上的讲话
推进城市治理现代化座谈发言稿
城市是人们集中生活的地方,是现代化的重要载体。
篇二:在提升城市治理现代化水平推进会上的讲话
在城市创新治理推进会上的讲话稿(共五则范文)
第一篇:在城市创新治理推进会上的讲话稿
在城市创新治理推进会上的讲话稿
同志们:
第二,加强与企业的合作。
第二篇:在城市管理工作推进会上讲话发言2紧盯目标
奋发有为
这次区城管工作推进会,主要任务是总结上半年工作。
"""


def test_multi_speech_pages_are_split_with_their_real_titles():
    speeches = clean_source(MULTI, "003_x.txt")
    assert [s.title for s in speeches] == [
        "推进城市治理现代化座谈发言稿",
        "在城市创新治理推进会上的讲话稿",
        "在城市管理工作推进会上讲话发言",
    ]
    assert [s.index for s in speeches] == [1, 2, 3]
    assert speeches[1].body == "同志们：\n第二，加强与企业的合作。"  # 第二，… is not a header
    assert speeches[2].body.split("\n")[:2] == ["紧盯目标", "奋发有为"]


def test_a_salutation_is_never_the_title():
    [speech] = clean_source("首页\n各位代表：\n现在开会。今天召开全区城市管理工作会议。\n散会。", "205_x.txt")
    assert speech.title == "205_x"
    assert speech.body == "各位代表：\n现在开会。今天召开全区城市管理工作会议。\n散会。"


def test_single_speech_title_glued_to_the_body_is_taken_off():
    text = "本文标题:在全区推进会上的讲话稿\n在全区推进会上的讲话稿同志们:今天开会。"
    [speech] = clean_source(text, "001_x.txt")
    assert speech.title == "在全区推进会上的讲话稿"
    assert speech.body == "同志们：\n今天开会。"  # the salutation stands on its own line


# --- classification ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "kind"),
    [
        ("区环境综治动员会主持材料", "今天会议的各项议程已全部结束。", "主持词"),
        ("环境保护工作会议发言范文", "今天，我们再次召开文明城区创建工作推进会，主要目的是", "推进会"),
        ("推进城市治理现代化座谈发言稿", "城市是人们集中生活的地方。", "座谈发言"),
        ("在城市社区党建工作队推进会上发言材料", "我局工作队进驻社区后。", "座谈发言"),
        ("在全面提升社区治理水平动员部署会上的主持词和讲话", "大家好！", "动员部署会"),
        ("在街道人居环境整治攻坚部署会上的讲话", "同志们：", "动员部署会"),
        ("在全市社区治理工作推进会议上的讲话", "同志们：", "推进会"),
        ("在上半年工作总结暨下半年部署会上的讲话", "同志们：", "总结部署会"),
        ("在城市基层治理工作会议上的讲话", "今天我们召开这次工作会议。", "other"),
    ],
)
def test_kind_detection(title, body, kind):
    assert detect_kind(title, body) == kind


@pytest.mark.parametrize(
    ("title", "body", "topic"),
    [
        ("在推进会上的讲话", "文明城区创建，迎接测评，双创工作", "文明城市创建"),
        ("人居环境整治部署会", "垃圾清理，卫生死角", "人居环境整治"),
        ("城管工作推进会", "市容秩序，占道经营，城市管理", "城市管理"),
        ("水环境治理推进会", "水质达标，污染防治，环保督察", "生态环境保护"),
        ("社区治理推进会", "社区物业，小区网格", "社区治理"),
        ("市域社会治理试点推进会", "市域社会治理，社会治理，文明创建", "other"),
        ("工作会议", "今天开会。", "other"),
    ],
)
def test_topic_detection(title, body, topic):
    assert detect_topic(title, body) == topic


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("动员全区上下，我区要", "区"),
        ("全县上下，我县", "县"),
        ("全街道各社区，街道党工委", "街道"),
        ("我市处于全省前列，全市", "市"),
        ("全镇干部", "乡镇"),
        ("有社区直管党员202人，城市委员", ""),
        ("城市是人们集中生活的地方", ""),
    ],
)
def test_level_detection(text, level):
    assert detect_level(text) == level


# --- files ---------------------------------------------------------------------------------------


def test_ingest_writes_front_matter_and_is_deterministic(tmp_path):
    src = FIXTURES / "005_sample.txt"
    first = ingest_paths([src], tmp_path / "a")
    second = ingest_paths([src], tmp_path / "b")
    again = ingest_paths([src], tmp_path / "a", force=True)  # re-running overwrites only with force
    assert [p.name for p in first] == [p.name for p in second] == [p.name for p in again]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in first)
    assert [p.name for p in first] == ["005-01-在全区文明城市创建工作推进会上的讲话.md", "005-02-街道人居环境整治部署会主持词.md"]
    speech = read_speech(first[0])
    assert speech.meta == {
        "title": "在全区“文明城市创建”工作推进会上的讲话",
        "kind": "推进会",
        "topic": "文明城市创建",
        "level": "区",
        "source": "005_sample.txt",
    }
    assert speech.body.startswith("同志们：\n今天，我们召开全区文明城市创建工作推进会，")


def test_gb18030_files_are_read(tmp_path):
    src = tmp_path / "old.txt"
    src.write_bytes("在全县推进会上的讲话\n同志们:全县上下要抓落实。".encode("gb18030"))
    [out] = ingest_paths([src], tmp_path / "out")
    assert out.name == "old-01-在全县推进会上的讲话.md"
    assert read_speech(out).meta["level"] == "县"


def test_errors_name_the_file(tmp_path):
    with pytest.raises(CorpusError, match="missing.txt"):
        ingest_paths([tmp_path / "missing.txt"], tmp_path / "out")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa\x80\x81")
    with pytest.raises(CorpusError, match="bad.txt.*编码"):
        ingest_paths([bad], tmp_path / "out")
    empty = tmp_path / "empty.txt"
    empty.write_text("您好,欢迎访问三七文档\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty.txt"):
        ingest_paths([empty], tmp_path / "out")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not present")
def test_committed_corpus_matches_a_fresh_ingest_of_the_seeds(tmp_path):
    """speeches/ must never go stale: re-ingesting the seeds reproduces it byte for byte."""
    seeds = sorted(SEEDS.glob("*.txt"))
    written = ingest_paths(seeds, tmp_path)
    seed_names = {p.name for p in seeds}
    committed = {  # staff's own speeches may sit beside the seed ones
        p.name: p.read_bytes()
        for p in (REPO / "speeches").glob("*.md")
        if p.name.lower() != "readme.md" and read_speech(p).meta.get("source") in seed_names
    }
    fresh = {p.name: p.read_bytes() for p in written}
    assert sorted(fresh) == sorted(committed)
    for name, data in fresh.items():
        assert data == committed[name], f"{name} 与重新整理的结果不一致，请重新运行 speechgen ingest"
