"""The proofreader must not cry wolf on the project's own drafts."""

from __future__ import annotations

import pytest

from generator.brief import load_brief
from generator.check import check_files
from generator.checks.drafting import CATEGORIES
from tests.conftest import BRIEFS, GOLDEN

PAIRS = [(GOLDEN / f"{b.stem}.md", b) for b in sorted(BRIEFS.glob("valid_*.yaml"))]


@pytest.mark.parametrize(("draft", "brief"), PAIRS, ids=lambda p: p.stem)
def test_golden_drafts_have_no_findings_with_their_brief(draft, brief):
    reports = check_files([draft], brief=load_brief(brief), corpus=None)
    findings = [f for r in reports for f in r.findings if f.category not in CATEGORIES]
    assert [(f.category, f.excerpt, f.advice) for f in findings] == []


@pytest.mark.parametrize(("draft", "brief"), PAIRS, ids=lambda p: p.stem)
def test_golden_drafts_pass_the_drafting_rules(draft, brief):
    reports = check_files([draft], brief=load_brief(brief), corpus=None)
    findings = [f for r in reports for f in r.findings if f.category in CATEGORIES]
    assert [(f.category, f.excerpt, f.advice) for f in findings] == []


def test_golden_drafts_have_no_errors_without_a_brief():
    reports = check_files([d for d, _ in PAIRS], brief=None, corpus=None)
    findings = [f for r in reports for f in r.findings]
    assert [(f.file, f.category, f.excerpt) for f in findings if f.severity == "error"] == []


def test_quan_inside_a_word_is_not_a_level_word():
    from generator.checks.place import SELF_RE

    for text in ("健全社区党建工作制度", "完全市场化运作", "确保安全区域", "求全区别对待"):
        assert not SELF_RE.search(text), text
    assert [m.group(0) for m in SELF_RE.finditer("全社区居民和我区干部")] == ["全社区", "我区"]
