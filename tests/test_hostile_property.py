"""Property tests (issue 16): random bytes and random YAML trees fed to `validate`,
to `batch` via CSV, and to `check` always end in exit 0, 1 or 2 with no traceback.

In-process with the CLI's last-resort handler re-raising (pytest is loaded), so an
unexpected exception fails the test with its real traceback. Bounded example counts
keep this to a few seconds."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile_helpers import DEFAULTS, SPEC, cli

FAST = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["2026-05-08", "1,2,3", "=1+1", "推进会", "文明城市创建", "区", "\ufffe",
                     "{{ 7*7 }}", "../../etc/passwd", "99999999999999", "1e-12", "二十三十、"]),
)
keys = st.sampled_from(["kind", "topic", "locality", "meeting", "speaker", "name", "level", "date", "title",
                        "achievements", "figures", "value", "baseline", "measures", "deadline", "length",
                        "targets", "seed", "类型", "地区"]) | st.text(max_size=8)
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                     max_leaves=25)


def _ok(code: int, text: str) -> None:
    assert code in (0, 1, 2), text
    assert "Traceback" not in text, text


def _dump(tree) -> str:
    return yaml.safe_dump(tree, allow_unicode=True)


@FAST
@given(st.binary(max_size=400))
def test_validate_random_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.yaml"
        path.write_bytes(data)
        _ok(*cli("validate", path))


@FAST
@given(trees)
def test_validate_random_yaml_trees(tree):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.yaml"
        path.write_text(_dump(tree), encoding="utf-8")
        _ok(*cli("validate", path))


@FAST
@given(st.dictionaries(keys, trees, max_size=6))
def test_validate_spec_overlaid_with_random_values(overlay):
    base = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    base.update(overlay)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.yaml"
        path.write_text(_dump(base), encoding="utf-8")
        _ok(*cli("validate", path))


headers = st.sampled_from(["locality.name", "locality.level", "meeting.title", "achievements[0].title",
                           "achievements[0].figures[0].value", "measures[0].deadline", "length", "seed",
                           "a..b", "x[99999]", "", "locality"]) | st.text(max_size=12)
cells = st.text(max_size=20) | st.sampled_from(["=cmd()", "+1", "-1", "@x", "1,2,3", "2025-01-01", "福海区", "区"])


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(headers, min_size=1, max_size=5), st.lists(st.lists(cells, max_size=5), max_size=3))
def test_batch_random_csv(head, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "b.csv"
        table.write_text(buffer.getvalue(), encoding="utf-8")
        code, text = cli("batch", table, "--defaults", DEFAULTS, "-o", Path(folder) / "out", "-j", "1")
        _ok(code, text)


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_batch_random_csv_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "b.csv"
        table.write_bytes(data)
        _ok(*cli("batch", table, "--defaults", DEFAULTS, "-o", Path(folder) / "out", "-j", "1"))


@FAST
@given(st.binary(max_size=400), st.sampled_from([".md", ".txt", ".docx"]))
def test_check_random_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"d{suffix}"
        path.write_bytes(data)
        _ok(*cli("check", path, "--corpus", folder))


@FAST
@given(st.lists(st.text(alphabet="一二三四五六七八九十、（）()1234567890.同志们：今天会议工作\n ", max_size=60),
                min_size=1, max_size=6))
def test_check_random_drafts(lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        _ok(*cli("check", path, "--corpus", folder))


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(trees)
def test_check_with_a_random_yaml_brief(tree):
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "d.md"
        draft.write_text("同志们：\n一、总体情况\n今年以来，全区上下扎实推进各项工作。\n", encoding="utf-8")
        brief = Path(folder) / "b.yaml"
        brief.write_text(_dump(tree), encoding="utf-8")
        _ok(*cli("check", draft, "--brief", brief, "--corpus", folder))


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_check_with_random_front_matter(front):
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "d.md"
        draft.write_text(f"---\n{front}\n---\n同志们：\n今天开会。\n", encoding="utf-8")
        _ok(*cli("check", draft, "--corpus", folder))
        _ok(*cli("mine", draft))
