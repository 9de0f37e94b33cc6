from generator.variation import Variation


def test_same_seed_same_choices_and_no_repeats():
    pools = {"p": [f"句子{i}" for i in range(6)]}
    a, b = Variation(7, pools), Variation(7, pools)
    picks_a = [a.pick("p") for _ in range(6)]
    assert picks_a == [b.pick("p") for _ in range(6)]
    assert len(set(picks_a)) == 6  # a pool is used up before anything repeats


def test_different_seeds_differ():
    pools = {"p": [f"句子{i}" for i in range(20)]}
    assert [Variation(1, pools).pick("p") for _ in range(3)] != [Variation(2, pools).pick("p") for _ in range(3)]


def test_choose_never_repeats_an_item():
    v = Variation(3, {})
    items = ["甲", "乙", "丙"]
    first = v.choose(items, 2)
    second = v.choose(items, 2)
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)


def test_choose_prefer_takes_preferred_first():
    v = Variation(5, {})
    items = [{"title": "守护蓝天"}, {"title": "治理河湖"}, {"title": "净化土壤"}]
    assert v.choose_prefer(items, 1, 1) == [items[0]]


def test_choose_prefer_avoids_contradicting_praise():
    v = Variation(5, {})
    v.praise(["志愿服务队伍持续壮大。"])
    items = [{"title": "志愿服务活力不足"}, {"title": "群众参与程度不高"}]
    assert v.choose_prefer(items, 1, 0) == [items[1]]
    assert len(v.choose_prefer(items, 2, 0)) == 1  # the other was used; the clash comes last


def test_no_stock_phrase_twice_in_neighbouring_picks():
    pools = {"p": ["希望大家再接再厉。", "希望大家迎难而上。", "让我们携手并进。"]}
    for seed in range(20):
        v = Variation(seed, pools)
        first, second = v.pick("p"), v.pick("p")
        assert not (first.startswith("希望大家") and second.startswith("希望大家"))


def test_wording_pools_avoid_repeats_within_one_choice():
    items = ["希望大家再接再厉。", "希望大家迎难而上。", "让我们携手并进。"]
    for seed in range(20):
        picked = Variation(seed, {}).choose(items, 2, wording=True)
        assert sum(p.startswith("希望大家") for p in picked) <= 1


def test_choose_prefer_spreads_themes():
    items = [{"title": "巩固创建成果"}, {"title": "守住创建成果"}, {"title": "深化诚信建设"}]
    for seed in range(10):
        picked = Variation(seed, {}).choose_prefer(items, 2, 0)
        assert {"title": "深化诚信建设"} in picked


def test_list_lead_ins_are_not_used_for_one_item():
    pools = {"intro": ["主要体现在以下几个方面。", "主要有：", "工作取得了积极进展。"]}
    for seed in range(20):
        assert Variation(seed, pools).pick("intro", 1) == "工作取得了积极进展。"


def test_memo_never_answers_for_another_item_at_a_reused_address():
    """The memo is keyed by id(); a freed item's id can be reused by a new one (seen in
    batch workers: one district's draft changed with the worker's memory history)."""
    import re

    memo: dict = {}
    v = Variation(1, {}, once=re.compile("试金石|硬骨头"), memo=memo)
    for _ in range(200):
        first = {"title": "甲", "body": "这是试金石"}
        assert v._static(first)[1] == frozenset({"试金石"})
        key = id(first)
        del first
        second = {"title": "乙", "body": "啃下硬骨头"}  # often lands at the freed address
        assert v._static(second)[1] == frozenset({"硬骨头"}), key == id(second)
        del second


def test_points_of_each_measure_may_say_its_own_subject():
    """points() looks up a temporary {title, lead} dict per call; once freed, its id passes
    to the next call's dict. The memo keyed by id() must not hand the second measure the
    first one's once-words (it did: 垃圾分类 stayed banned in the 垃圾分类 measure's points)."""
    import re

    once = re.compile("垃圾分类|门前三包")
    for seed in range(5):
        v = Variation(seed, {}, once=once, seen=frozenset({"垃圾分类", "门前三包"}))
        first = {"title": "落实门前三包", "lead": [], "points": ["督促商户履行门前三包责任"]}
        second = {"title": "推进垃圾分类", "lead": [], "points": ["推动垃圾分类进小区"]}
        assert v.points(first, 1) == ["督促商户履行门前三包责任"]
        assert v.points(second, 1) == ["推动垃圾分类进小区"]
