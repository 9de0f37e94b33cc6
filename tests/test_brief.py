import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.brief import load_brief, parse_brief_text
from generator.briefcheck import clean_text
from generator.errors import BriefError
from tests.conftest import BRIEFS, brief_yaml


def errors_of(source: str) -> list:
    with pytest.raises(BriefError) as info:
        parse_brief_text(source, "b.yaml")
    return info.value.problems


def test_spec_example_loads():
    brief = load_brief(BRIEFS / "valid_01_spec_example.yaml")
    assert brief.locality.parent == "滨海市"
    assert brief.meeting.date == dt.date(2026, 5, 8)
    assert brief.achievements[1].figures[1].baseline == 89
    assert brief.measures[0].points == ("集中整治占道经营", "规范农贸市场秩序")
    assert brief.deadline == dt.date(2026, 7, 10)


def test_chinese_aliases_and_bare_strings():
    brief = load_brief(BRIEFS / "valid_03_chinese_keys_street.yaml")
    assert brief.kind == "主持词" and brief.locality.level == "街道"
    assert brief.meeting.agenda[0] == "观看社区治理工作专题片"
    assert brief.prior_speakers[0].did == "对下一步工作作了全面部署"
    b4 = load_brief(BRIEFS / "valid_04_city_management_summary.yaml")
    assert b4.problems[0].title == "渣土运输监管仍有漏洞"
    assert b4.targets[1].text.startswith("数字化城管")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "b.yaml"
    path.write_bytes(brief_yaml().encode(encoding))
    assert load_brief(path).locality.name == "福海区"


def test_undecodable_file_names_encodings(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_bytes(b"kind: \xff\xfe\xfd\x80\x81")
    with pytest.raises(BriefError, match="GB18030"):
        load_brief(path)


def test_binary_file(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_bytes(b"\x00\x01\x02PK")
    with pytest.raises(BriefError, match="二进制"):
        load_brief(path)


def test_every_problem_reported_at_once_with_location():
    source = (
        "类型: 推进汇\n主题: 文明城市创建\n地区: {名称: 福海区, 层级: 区县}\n"
        "会议:\n  名称: 会\n  日期: 2026-13-08\n讲话人: {职物: 区委书记}\n"
        "成绩:\n  - 标题: 好\n    数据:\n      - {指标: 垃圾, 数值: 四万, 单位: 吨}\n"
    )
    problems = errors_of(source)
    paths = [p.path for p in problems]
    assert paths == ["kind", "locality.level", "meeting.date", "speaker.职物", "speaker.title",
                     "achievements[0].figures[0].value"]
    assert problems[0].line == 1 and "推进会" in problems[0].message
    assert "职务" in problems[3].message  # did-you-mean
    assert (problems[2].line, problems[2].column) == (6, 3)
    assert problems[5].line == 11
    assert all(p.file == "b.yaml" for p in problems)


def test_unknown_top_level_key_suggests():
    problems = errors_of(brief_yaml(achievments=[]))
    assert problems[0].path == "achievments" and "achievements" in problems[0].message


def test_missing_required_keys():
    problems = errors_of("kind: 推进会\n")
    assert {p.path for p in problems} == {"topic", "locality", "meeting", "speaker"}


@pytest.mark.parametrize(("source", "fragment"), [
    ("kind: 推进会\n\ttopic: x\n", "Tab"),
    ("kind: '推进会\n", "引号"),
    ("a: b: c\n", "冒号"),
])
def test_yaml_syntax_errors_have_hints(source, fragment):
    problems = errors_of(source)
    assert problems[0].line is not None and fragment in problems[0].message


def test_alias_bomb_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(BriefError, match="别名炸弹"):
        parse_brief_text("\n".join(lines))


def test_oversize_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("kind: " + "好" * 600_000, encoding="utf-8")
    with pytest.raises(BriefError, match="太大"):
        load_brief(path)


def test_wrong_types():
    problems = errors_of(brief_yaml(length="很长", seed=1.5, meeting={"attendees": {"a": 1}}))
    assert {p.path for p in problems} == {"length", "seed", "meeting.attendees"}


def test_deadline_before_meeting():
    problems = errors_of(brief_yaml(deadline="2026-01-01"))
    assert problems[0].path == "deadline"


def test_template_syntax_in_values_is_data():
    brief = parse_brief_text(brief_yaml(meeting={"title": "{{ 7*7 }}会"}))
    assert brief.meeting.title == "{{ 7*7 }}会"


def test_numbers_from_strings_and_fullwidth_digits():
    brief = parse_brief_text(brief_yaml(achievements=[{"title": "好", "figures": [
        {"label": "清运", "value": "４１５００", "unit": "吨"}]}]))
    assert brief.achievements[0].figures[0].value == 41500


def test_clean_text():
    assert clean_text("建立了\n三级\u202e机制\x07") == "建立了三级机制"
    assert clean_text("  a  b ") == "a b"


def test_seed_is_stable_and_district_specific():
    a = parse_brief_text(brief_yaml())
    b = parse_brief_text(brief_yaml())
    c = parse_brief_text(brief_yaml(locality={"name": "立后区"}))
    assert a.effective_seed == b.effective_seed != c.effective_seed
    assert parse_brief_text(brief_yaml(seed=7)).effective_seed == 7


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
))
def test_arbitrary_documents_give_brief_or_clean_error(doc):
    import yaml

    try:
        source = yaml.safe_dump(doc, allow_unicode=True)
    except yaml.YAMLError:
        return
    try:
        parse_brief_text(source)
    except BriefError as exc:
        assert exc.render()
