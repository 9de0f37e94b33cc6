from generator.draft import chinese_numeral, heading_number, parse_markup


def test_chinese_numeral():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_heading_numbers():
    assert [heading_number(lv, 2) for lv in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_parse_markup_numbers_and_resets():
    blocks = parse_markup("@ 同志们：\n开场。\n# 甲\n## 乙\n## 丙\n### 丁。\t正文\n# 戊\n## 己\n")
    assert [b.plain for b in blocks] == [
        "同志们：", "开场。", "一、甲", "（一）乙", "（二）丙", "1.丁。正文", "二、戊", "（一）己",
    ]
    assert blocks[0].kind == "salutation"
    assert blocks[5].kind == "paragraph" and blocks[5].lead == "丁。"


def test_a_single_part_is_not_numbered():
    from generator.draft import parse_markup

    one = parse_markup("@ 同志们：\n开场。\n# 下一步打算\n## 甲。\t正文。\n## 乙。\t正文。\n")
    assert [b.number for b in one if b.level == 1] == [""]
    assert [b.number for b in one if b.level == 2] == ["（一）", "（二）"]
    two = parse_markup("# 甲\n# 乙\n")
    assert [b.number for b in two] == ["一、", "二、"]
