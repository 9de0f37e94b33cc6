"""提法: the dated bank, its use in directive openings, and the check category."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.brief import parse_brief_text
from generator.check import check_files
from generator.checks.formulation import check_formulations, title_date
from generator.checks.reading import read_draft
from generator.cli import app
from generator.errors import TemplateError
from generator.export import draft_bytes
from generator.formulations import KINDS, load_bank
from generator.packs import TemplateDirs
from generator.render import Renderer
from tests.conftest import BRIEFS, GOLDEN, ROOT, brief_yaml

BANK = load_bank()
DATA = ROOT / "tests" / "data" / "check"
DAY = dt.timedelta(days=1)


def probe(entry) -> str:
    """A neutral present-tense sentence: no cue that it looks back or ahead."""
    return f"我们要认真落实{entry.text}的有关要求。"


def render(date: str, **overrides) -> str:
    brief = parse_brief_text(brief_yaml(meeting={"title": "全区创建全国文明城市工作推进会", "date": date},
                                        **overrides))
    return draft_bytes(Renderer().render(brief), "md").decode("utf-8")


# ---------------------------------------------------------------- the bank

def test_every_entry_is_complete_and_sourced():
    assert BANK.verified_to == dt.date(2026, 3, 12)
    assert len(BANK.entries) >= 20
    for e in BANK.entries:
        assert e.kind in KINDS, e.text
        assert len(e.note) >= 15, e.text  # a source, not a placeholder
        assert e.valid_to is None or e.valid_to >= e.valid_from, e.text
        assert e.regex.search(e.text.strip("“”")) or e.regex.search(e.text), e.text
    texts = {e.text for e in BANK.entries}
    for needed in ("党的二十大和二十届历次全会精神", "党的十九大和十九届历次全会精神", "二十届四中全会",
                   "十四五", "十五五", "“十五五”规划纲要", "新冠肺炎", "扫黑除恶专项斗争"):
        assert needed in texts


BOUNDARIES = [(e, side) for e in BANK.entries for side in ("from", "to") if side == "from" or e.valid_to]


@pytest.mark.parametrize(("entry", "side"), BOUNDARIES, ids=lambda x: x if isinstance(x, str) else x.text)
def test_both_sides_of_every_boundary_date(entry, side):
    """The day before valid_from and the day after valid_to are flagged; the boundary days are not."""
    text = probe(entry)
    if side == "from":
        outside, inside = entry.valid_from - DAY, entry.valid_from
    else:
        outside, inside = entry.valid_to + DAY, entry.valid_to
    assert check_formulations(text, inside, BANK) == []
    found = check_formulations(text, outside, BANK)
    assert len(found) == 1, [f.advice for f in found]
    assert found[0].category == "formulation" and found[0].severity == "error"
    if side == "to" and entry.replacement:
        assert entry.replacement in found[0].advice


@pytest.mark.parametrize(("date", "guiding", "year"), [
    ("2022-09-30", "党的十九大和十九届历次全会精神", None),
    ("2022-10-16", "党的二十大精神", None),
    ("2023-02-27", "党的二十大精神", None),
    ("2023-02-28", "党的二十大和二十届二中全会精神", None),
    ("2024-07-17", "党的二十大和二十届二中全会精神", None),
    ("2024-07-18", "党的二十大和二十届二中、三中全会精神", None),
    ("2025-10-22", "党的二十大和二十届二中、三中全会精神", "“十四五”收官之年"),
    ("2025-10-23", "党的二十大和二十届历次全会精神", "“十四五”收官之年"),
    ("2026-01-01", "党的二十大和二十届历次全会精神", "“十五五”开局之年"),
    ("2027-01-01", "党的二十大和二十届历次全会精神", None),
])
def test_the_wording_for_each_day(date, guiding, year):
    day = dt.date.fromisoformat(date)
    assert BANK.guiding(day).text == guiding
    found = BANK.year_phrase(day)
    assert (found.text if found else None) == year


# ---------------------------------------------------------------- render

def test_a_2026_draft_opens_with_the_current_wording():
    text = render("2026-05-08")
    opening = text.split("同志们：", 1)[1].split("\n## ", 1)[0]
    assert "今年是“十五五”开局之年" in opening
    assert "贯彻党的二十大和二十届历次全会精神" in opening
    assert text.count("历次全会精神") == 1 and text.count("开局之年") == 1


def test_a_2022_09_draft_carries_the_nineteenth_wording():
    text = render("2022-09-15")
    assert "党的十九大和十九届历次全会精神" in text
    assert "二十大" not in text and "二十届" not in text and "之年" not in text


def test_a_2025_draft_closes_the_fourteenth_plan():
    text = render("2025-06-10")
    assert "今年是“十四五”收官之年" in text and "二十届二中、三中全会精神" in text


def test_a_2031_draft_warns_and_guesses_nothing(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(brief_yaml(meeting={"title": "全区创建全国文明城市工作推进会", "date": "2031-04-01"}),
                    encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "generator", "render", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "提法库" in line]
    assert warnings == ["提示：提法库只核对到2026年3月12日，请核对政治性表述。"]
    assert "十六五" not in proc.stdout and "之年" not in proc.stdout


def test_no_warning_inside_the_horizon(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(brief_yaml(meeting={"title": "全区创建全国文明城市工作推进会", "date": "2026-02-10"}),
                    encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "generator", "render", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "提法库" not in proc.stderr
    assert "“十五五”开局之年" in proc.stdout


@pytest.mark.parametrize("key", ["formulations", "提法"])
def test_the_brief_can_turn_it_off(key):
    text = render("2026-05-08", **{key: False})
    assert "历次全会" not in text and "开局之年" not in text and "习近平" not in text


def test_a_bad_switch_is_a_located_brief_error():
    from generator.errors import BriefError

    with pytest.raises(BriefError) as err:
        parse_brief_text(brief_yaml(提法="也许"))
    assert ":11:1 [formulations]" in err.value.render() and "true 或 false" in err.value.render()


@pytest.mark.parametrize("kind", ["主持词", "座谈发言"])
def test_host_and_report_kinds_carry_no_guiding_wording(kind):
    text = render("2026-05-08", kind=kind)
    assert "历次全会" not in text and "开局之年" not in text


@pytest.mark.parametrize("date", ["2022-09-15", "2022-11-20", "2023-06-01", "2024-09-01", "2025-06-10",
                                  "2025-11-20", "2026-05-08", "2028-05-08"])
def test_render_and_check_agree(date):
    """What render writes on a day, check accepts on that day."""
    text = render(date)
    assert check_formulations(text, dt.date.fromisoformat(date), BANK) == []


# ---------------------------------------------------------------- an office's own bank

def write_bank(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "formulations.yaml"
    path.write_text(body, encoding="utf-8")
    return folder


def test_an_office_bank_layers_over_the_builtin(tmp_path):
    folder = write_bank(tmp_path / "office", """\
verified_to: 2026-06-30
entries:
  - text: 创建国家卫生城市
    kind: 名称变更
    valid_from: 2000-01-01
    valid_to: 2025-12-31
    replacement: 巩固国家卫生城市创建成果
    note: 本市爱卫办2026年1月通知（示例）。
  - text: 十五五
    kind: 规划时期
    pattern: '十五五'
    valid_from: 2026-01-01
    valid_to: 2030-12-31
    note: 本办覆盖内置条目的示例，去掉回顾豁免。
""")
    bank = load_bank([folder, ROOT / "templates"])
    assert bank.verified_to == dt.date(2026, 6, 30)
    assert len(bank.entries) == len(BANK.entries) + 1
    assert not bank.find("十五五").looking_back
    found = check_formulations("要继续创建国家卫生城市。", dt.date(2026, 5, 1), bank)
    assert len(found) == 1 and "巩固国家卫生城市创建成果" in found[0].advice
    renderer = Renderer(TemplateDirs(folder))
    brief = parse_brief_text(brief_yaml())
    assert "“十五五”开局之年" in "".join(b.plain for b in renderer.render(brief).blocks)


@pytest.mark.parametrize(("body", "expected", "where"), [
    ("entries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01, note: 出处写在这里}\n",
     "缺少 verified_to", ":1:1"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 口号, valid_from: 2020-01-01, note: 出处写在这里}\n",
     "kind 应当是", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 去年, note: 出处写在这里}\n",
     "应当是日期", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01, "
     "valid_to: 2019-01-01, note: 出处写在这里}\n", "valid_to 早于 valid_from", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01}\n",
     "缺少必填项 `note`", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01, "
     "note: 出处, pattern: '(甲'}\n", "正则表达式有误", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01, "
     "note: 出处, pattern: '(a+)+$'}\n", "嵌套重复", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01, "
     "note: 出处, valid: true}\n", "未知的键 `valid`", ":3:"),
    ("verified_to: 2026-01-01\nentries:\n  - {text: 甲, kind: 指导思想, valid_from: 2020-01-01, "
     "note: 出处, render: 是}\n", "true 或 false", ":3:"),
])
def test_a_broken_bank_is_a_clear_located_error(tmp_path, monkeypatch, body, expected, where):
    import generator.formulations as formulations

    path = write_bank(tmp_path, body) / "formulations.yaml"
    monkeypatch.setattr(formulations, "builtin_bank", lambda: path)
    with pytest.raises(TemplateError) as err:
        load_bank()
    message = err.value.render()
    assert expected in message and f"{path}{where}" in message  # file:line of the entry or the document


def test_a_broken_office_bank_stops_render_with_exit_2(tmp_path, make_brief):
    folder = write_bank(tmp_path / "office", "entries:\n  - {text: 甲, kind: 指导思想}\n")
    result = CliRunner().invoke(app, ["render", str(make_brief()), "--templates", str(folder)])
    assert result.exit_code == 2
    assert "formulations.yaml:2:5" in result.output and "valid_from" in result.output


# ---------------------------------------------------------------- check

def test_the_title_block_dates_a_draft():
    assert title_date("# 标题\n\n区委书记（2026年5月8日）\n\n同志们：") == dt.date(2026, 5, 8)
    assert title_date("# 标题\n\n(2011年7月26日)\n同志们：") == dt.date(2011, 7, 26)
    assert title_date("# 标题\n\n同志们：会议定于（2026年5月8日）召开") is None
    assert title_date("# 在2022年全县水环境治理推进会上的讲话\n\n同志们：") is None


HUMAN_2026 = [  # line, words quoted, what the advice names
    (7, "党的十九大和十九届历次全会精神", "党的二十大和二十届历次全会精神"),
    (11, "新冠肺炎", "新型冠状病毒感染"),
    (15, "对照“十四五”规划目标要求", "十五五"),
    (19, "今年是“十四五”规划实施的关键之年", "十五五"),
    (19, "党的二十大和二十届三中全会精神", "党的二十大和二十届历次全会精神"),
    (19, "深入推进扫黑除恶专项斗争", "常态化扫黑除恶斗争"),
    (19, "到“十四五”末", "十五五"),
]
HUMAN_2025 = [
    (7, "深入学习贯彻党的二十届四中全会精神", "2025年10月20日才召开"),
    (9, "“十五五”规划纲要明确提出", "2026年3月12日"),
    (9, "今年是“十五五”开局之年", "2026年1月1日"),
]


@pytest.mark.parametrize(("name", "expected"), [("bad_formulation.md", HUMAN_2026),
                                                ("bad_formulation_2025.md", HUMAN_2025)])
def test_check_finds_every_stale_formulation_in_a_human_draft(name, expected):
    reports = check_files([DATA / name], corpus=None)
    found = [f for f in reports[0].findings if f.category == "formulation"]
    assert len(found) == len(expected), [(f.line, f.excerpt) for f in found]
    for (line, quoted, advice), f in zip(expected, found, strict=True):
        assert f.line == line and quoted in f.excerpt and advice in f.advice, (f.excerpt, f.advice)
    assert reports[0].skipped == []


def test_retrospective_and_forward_mentions_are_not_flagged():
    fine = ("“十四五”时期，全区累计新建公园12个。“十四五”以来，城市面貌持续改善。"
            "去年是“十四五”收官之年。2025年，“十四五”规划目标任务全面完成。"
            "要巩固扫黑除恶专项斗争成果，常态化开展扫黑除恶斗争。全面落实“十五五”规划纲要。")
    assert check_formulations(fine, dt.date(2026, 6, 1), BANK) == []
    ahead = "迎接即将召开的二十届四中全会。科学谋划“十五五”发展思路。研究编制“十五五”规划。"
    assert check_formulations(ahead, dt.date(2025, 9, 1), BANK) == []


def test_a_plenum_list_names_each_plenum():
    found = check_formulations("要贯彻二十届二中、三中、四中全会精神。", dt.date(2025, 9, 1), BANK)
    assert len(found) == 1 and "四中全会" in found[0].advice


def test_the_brief_date_overrides_the_title_block(tmp_path):
    draft = tmp_path / "稿.md"
    draft.write_text("# 讲话\n\n区长（2026年5月8日）\n\n同志们：\n\n今年是“十四五”收官之年。\n", encoding="utf-8")
    assert [f.category for r in check_files([draft], corpus=None) for f in r.findings] == ["formulation"]
    brief = {"meeting": {"date": "2025-05-08"}}
    assert [f for r in check_files([draft], brief=brief, corpus=None) for f in r.findings] == []


def test_an_undated_draft_is_said_once_and_skipped(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    for p in (a, b):
        p.write_text("# 讲话\n\n同志们：\n\n深入贯彻党的十九大精神。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "generator", "check", str(a), str(b), "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.stderr.count("无法确定") == 1 and "2篇稿子" in proc.stderr and "未检查提法" in proc.stderr
    import json

    assert [f for f in json.loads(proc.stdout)["findings"] if f["category"] == "formulation"] == []


# ---------------------------------------------------------------- no false alarms

SPEECHES = sorted((ROOT / "speeches").glob("*.md"))


def test_no_false_alarms_over_the_corpus():
    """Corpus speeches are dated by their own title block or not at all; either way, 0 findings."""
    reports = check_files(SPEECHES, corpus=None)
    assert [f for r in reports for f in r.findings if f.category == "formulation"] == []
    dated = [r.file for r in reports if "提法" not in r.skipped]
    assert [Path(f).name[:6] for f in dated] == ["003-10"]  # （2011年7月26日）


@pytest.mark.parametrize("date", ["2016-06-01", "2019-06-01", "2021-06-01", "2023-06-01", "2026-06-01"])
def test_the_corpus_stays_clean_whatever_its_date(date):
    """Harder than the real run: give every corpus speech a date and still expect nothing."""
    day = dt.date.fromisoformat(date)
    found = [(p.name, f.excerpt) for p in SPEECHES for f in check_formulations(read_draft(p).body, day, BANK)]
    assert found == []


def test_no_false_alarms_over_the_golden_drafts():
    goldens = sorted(GOLDEN.glob("*.md"))
    assert len(goldens) == len(list(BRIEFS.glob("valid_*.yaml")))
    reports = check_files(goldens, corpus=None)
    assert all(r.skipped == [] for r in reports)  # each dated by its title block
    assert [f for r in reports for f in r.findings if f.category == "formulation"] == []


def test_a_batch_warns_once_not_once_per_worker(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "generator", "batch", str(ROOT / "examples" / "batch.yaml"),
                           "-o", str(tmp_path / "out"), "--jobs", "2"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("提法库只核对到") == 1


def test_check_uses_the_office_bank_given_with_templates(tmp_path):
    folder = write_bank(tmp_path / "office", """\
entries:
  - text: 创建国家卫生城市
    kind: 名称变更
    valid_from: 2000-01-01
    valid_to: 2025-12-31
    replacement: 巩固国家卫生城市创建成果
    note: 本市爱卫办2026年1月通知（示例）。
""")
    draft = tmp_path / "稿.md"
    draft.write_text("# 讲话\n\n区长（2026年5月8日）\n\n同志们：\n\n要继续创建国家卫生城市。\n", encoding="utf-8")
    args = [sys.executable, "-m", "generator", "check", str(draft), "--json"]
    plain = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    office = subprocess.run([*args, "--templates", str(folder)], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    import json

    def formulation(proc):
        return [f["advice"] for f in json.loads(proc.stdout)["findings"] if f["category"] == "formulation"]

    assert formulation(plain) == []
    assert len(formulation(office)) == 1 and "巩固国家卫生城市创建成果" in formulation(office)[0]


def test_a_broken_office_bank_is_refused_when_the_library_loads(tmp_path, make_brief):
    folder = write_bank(tmp_path / "office", "entries:\n  - {text: 甲, kind: 指导思想}\n")
    result = CliRunner().invoke(app, ["validate", str(make_brief()), "--templates", str(folder)])
    assert result.exit_code == 2 and "formulations.yaml:2:5" in result.output
