"""Speeches copied from sites the corpus never saw: chrome, title, kind and topic.

Each page in tests/data/pages/ is our own speech inside one site's chrome (nav bars,
breadcrumbs, publishing lines, VIP and trial walls, related lists, footers, repeated
headers, pagers). ``NAME.expected.md`` is the file ingest must write for ``NAME.txt``,
written by hand from the speech, not from ingest's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.corpus import ingest_paths
from generator.speechfile import read_speech

PAGES = Path(__file__).parent / "data" / "pages"
NAMES = [
    "a_nav_vip",
    "b_breadcrumb_pager",
    "c_trial_wall",
    "d_related_footer",
    "e_host_glued",
    "f_talk_repeated",
    "g_mobile_summary",
]
SALUTATIONS = ("同志们：", "尊敬的各位领导、同志们：")


def test_every_page_has_its_expectation():
    assert sorted(p.stem for p in PAGES.glob("*.txt")) == NAMES
    assert len(NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_page_ingests_to_the_speech_alone(name, tmp_path):
    [out] = ingest_paths([PAGES / f"{name}.txt"], tmp_path)
    got, want = read_speech(out), read_speech(PAGES / f"{name}.expected.md")
    assert got.meta == want.meta  # title, kind, topic, level, source
    assert got.body == want.body  # no chrome line, nothing of the speech lost
    assert got.body.split("\n")[0] in SALUTATIONS  # the salutation stands on its own line


@pytest.mark.parametrize("name", NAMES)
def test_no_page_line_outside_the_speech_survives(name, tmp_path):
    """Every page line that is not part of the speech is gone (a second, independent view)."""
    [out] = ingest_paths([PAGES / f"{name}.txt"], tmp_path)
    body = read_speech(out).body
    speech = read_speech(PAGES / f"{name}.expected.md")
    speech_text = speech.meta["title"] + speech.body
    page_lines = (PAGES / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    chrome = [ln.strip() for ln in page_lines
              if ln.strip() and ln.strip().replace(":", "：") not in speech_text]
    assert chrome, "each page has chrome"
    for line in chrome:
        assert line not in body, line
