import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.environment import sandboxed_env
from generator.wording import (
    change,
    clause,
    cn_date,
    countdown,
    figure_text,
    fullwidth,
    join_list,
    level_words,
    ordinal,
    parent_leadership,
    plain_number,
    quantity,
    sentence,
    tidy,
)


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (41500, "吨", "4.15万吨"),
    (126000, "平方米", "12.6万平方米"),
    (150_000_000, "元", "1.5亿元"),
    (15000, "万元", "1.5亿元"),
    (97, "%", "97%"),
    (3.0, "个", "3个"),
    (9999, "户", "9999户"),
    (41532, "吨", "41532吨"),  # scaling would round: keep the brief's exact figure
    (0.5, "万元", "0.5万元"),
    (12.30, "%", "12.3%"),
])
def test_quantity(value, unit, expected):
    assert quantity(value, unit) == expected


@pytest.mark.parametrize(("args", "expected"), [
    ((97, 89, "%"), "同比提高8个百分点"),
    ((90.5, 84.1, "%"), "同比提高6.4个百分点"),
    ((112.3, 100, "吨"), "同比增长12.3%"),
    ((58.3, 100, "吨"), "同比下降41.7%"),
    ((5, 5, ""), "与上年同期持平"),
    ((5, 0, "个"), "比上年同期增加5个"),
    ((80, 90, "%", "去年"), "比去年下降10个百分点"),
    ((10, None, "吨"), ""),
])
def test_change(args, expected):
    assert change(*args) == expected


def test_figure_text():
    assert figure_text("交办问题整改率", 97, "%", 89) == "交办问题整改率达到97%，同比提高8个百分点"
    assert figure_text("清运垃圾", 41500, "吨") == "清运垃圾4.15万吨"


def _read_back(text: str, unit: str) -> Decimal:
    """Invert quantity(): the number a reader would take from the worded text."""
    body = text[: len(text) - len(unit.lstrip("万"))] if unit.startswith("万") else text[: len(text) - len(unit)]
    factor = 1
    if unit.startswith("万"):
        body = body[:-1] if body.endswith("万") else body
        if body.endswith("亿"):
            body, factor = body[:-1], 10**4
    elif body.endswith("亿"):
        body, factor = body[:-1], 10**8
    elif body.endswith("万"):
        body, factor = body[:-1], 10**4
    return Decimal(body) * factor


@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from(["吨", "人", "", "平方米", "万元"]))
def test_quantity_never_changes_the_figure(n, unit):
    text = quantity(n, unit)
    assert not text.startswith("+") and "e" not in text
    assert _read_back(text, unit) == n


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False))
def test_plain_number_has_no_trailing_zero_or_exponent(d):
    text = plain_number(d)
    assert "e" not in text.lower()
    if "." in text:
        assert not text.endswith("0") and not text.endswith(".")
    assert Decimal(text) == d


@given(st.floats(min_value=0, max_value=1000, allow_nan=False), st.floats(min_value=0.01, max_value=1000, allow_nan=False))
def test_change_words_match_sign(value, baseline):
    text = change(value, baseline, "吨")
    if value > baseline and "持平" not in text:
        assert "增长" in text
    if value < baseline and "持平" not in text:
        assert "下降" in text
    assert "-" not in text


@given(st.floats(min_value=0, max_value=100, allow_nan=False), st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_change_is_in_points(value, baseline):
    text = change(value, baseline, "%")
    assert text.endswith("个百分点") or "持平" in text


def test_dates_and_countdown():
    assert cn_date(dt.date(2026, 5, 8)) == "2026年5月8日"
    start = dt.date(2026, 5, 8)
    assert countdown(start, dt.date(2026, 5, 30)) == "只有22天"
    assert countdown(start, dt.date(2026, 6, 30)) == "不到两个月"
    assert countdown(start, dt.date(2026, 7, 20)) == "只有两个多月"
    assert countdown(start, start) == ""


def test_level_words():
    assert level_words("县")["全区"] == "全县"
    assert level_words("街道")["区委区政府"] == "街道党工委、办事处"
    assert level_words("乡镇", "石门乡")["我区"] == "我乡"
    assert parent_leadership("滨海市") == "市委、市政府"
    assert parent_leadership("某某") == ""


def test_joining():
    assert join_list(["甲。", "乙", "丙；"]) == "甲、乙和丙"
    assert join_list(["甲"]) == "甲"
    assert clause("好。") == "好"
    assert sentence("好，") == "好。"
    assert sentence("好！") == "好！"
    assert ordinal(3) == "三是" and ordinal(2, "要") == "二要"
    assert tidy("好，。不好、、行；。") == "好。不好、行。"


def test_fullwidth_keeps_numbers():
    assert fullwidth("区,街道:社区(试点) 4.15,2026-05") == "区，街道：社区（试点） 4.15,2026-05"


def test_counts_use_liang():
    from generator.wording import cn_count
    assert [cn_count(n) for n in (1, 2, 3, 12)] == ["一", "两", "三", "十二"]


def test_filters_through_jinja():
    env = sandboxed_env()
    out = env.from_string("{{ 41500|quantity('吨') }}{{ ['a','b','c']|join_list }}{{ 2|ordinal }}").render()
    assert out == "4.15万吨a、b和c二是"


def test_noun_labels_take_a_verb_and_falls_say_so():
    assert figure_text("注册志愿者", 3600, "人") == "注册志愿者达到3600人"
    assert figure_text("细颗粒物平均浓度", 35, "微克/立方米", 41).startswith("细颗粒物平均浓度降至35")
    assert figure_text("化解矛盾纠纷", 1860, "件") == "化解矛盾纠纷1860件"


def test_days_and_small_counts_change_by_their_difference():
    from generator.wording import change, figure_text

    assert figure_text("空气质量优良天数", 318, "天", 301) == "空气质量优良天数达到318天，同比增加17天"
    assert change(9, 4, "个") == "同比增加5个"
    assert change(5, 8, "家", "上年") == "比上年减少3家"
    assert change(1860, 1500, "件") == "同比增长24%"  # a large count still moves by percent


def test_enum_length_is_the_rendered_enum_and_fit_points_keeps_one():
    """measures.j2 sizes stand-alone points with enum_length instead of rendering them."""
    from pathlib import Path

    import jinja2

    from generator.wording import FILTERS, enum_length, fit_points

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parents[1] / "templates"))
    env.filters.update(FILTERS)
    enum = env.get_template("macros.j2").module.enum
    samples = [["甲乙丙。"], ["一件事"], ["甲，乙；", "丙丁。", "戊"], [f"第{i}件事。" for i in range(12)]]
    for items in samples:
        assert enum_length(items) == len(str(enum(items))), items
    points = ["一二三四五六七八九十。"] * 4
    assert fit_points(points, 0, 1000) == 4
    assert fit_points(points, 0, 30) == 2
    assert fit_points(points, 100, 10) == 1
