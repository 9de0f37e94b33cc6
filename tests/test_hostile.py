"""Hostile input (issue 7): bad briefs, malicious templates, values as data,
property tests, no network, atomic writes.

Every failure must be a clean Chinese message with exit code 2: never a
traceback, never a partly written file, never a leak of Python internals.
"""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.brief import parse_brief_text
from generator.cli import app
from generator.errors import SpeechgenError
from generator.render import Renderer
from tests.conftest import BRIEFS, ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"
EXPECTED = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
SPEC = BRIEFS / "valid_01_spec_example.yaml"  # a 推进会 brief, so templates/<x>/推进会.md.j2 is used
runner = CliRunner()


def cli(*args) -> tuple[int, str]:
    """Run the CLI in-process; return (exit code, stdout + stderr)."""
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped the CLI: {result.exception!r}")
    text = result.output
    try:
        stderr = result.stderr
    except ValueError:  # stderr not captured separately
        stderr = ""
    if stderr and stderr not in text:
        text += stderr
    return result.exit_code, text


def assert_clean_failure(code: int, text: str, word: str, out: Path) -> None:
    assert code == 2, text
    assert word in text, text
    assert "Traceback" not in text
    assert "错误" in text  # the message is Chinese
    assert not out.exists(), "nothing may be written on error"
    assert not list(out.parent.glob(f".{out.name}.*")), "no temp file may remain"


# ------------------------------------------------------------ the corpus

def test_corpus_is_complete():
    files = {p.name for p in HOSTILE.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED["briefs"])
    folders = {p.name for p in (HOSTILE / "templates").iterdir() if p.is_dir()}
    assert folders == set(EXPECTED["templates"])


@pytest.mark.parametrize("name", sorted(EXPECTED["briefs"]))
def test_hostile_brief(tmp_path, name):
    expected = EXPECTED["briefs"][name]
    out = tmp_path / "out.md"
    code, text = cli("render", HOSTILE / name, "-o", out)
    assert "Traceback" not in text
    if expected == "ok":
        assert code == 0, text
        draft = out.read_text(encoding="utf-8")
        assert "2026年5月8日" in draft
        if name == "fullwidth_digits.yaml":
            assert "4.15万吨" in draft and "９" not in draft
        # bidi, zero-width and control characters never reach the draft
        for bad in ("\u200b", "\u200d", "\u200f", "\u202e", "\u2066", "\u2067", "\u061c",
                    "\ufeff", "\x00", "\x07", "\x1b", "\t"):
            assert bad not in draft, f"{bad!r} leaked into the draft"
    else:
        assert_clean_failure(code, text, expected, out)
        assert name in text, "the message names the file"


def test_hostile_briefs_through_validate():
    for name, expected in EXPECTED["briefs"].items():
        code, text = cli("validate", HOSTILE / name)
        assert code == (0 if expected == "ok" else 2), (name, text)
        assert "Traceback" not in text
        if expected != "ok":
            assert expected in text, (name, text)


def test_oversize_brief(tmp_path):
    path = tmp_path / "oversize.yaml"
    padding = "# " + "填充" * 60 + "\n"
    path.write_text(SPEC.read_text(encoding="utf-8") + padding * 6000, encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    out = tmp_path / "out.md"
    assert_clean_failure(*cli("render", path, "-o", out), "太大", out)


def test_oversize_text_in_process():
    with pytest.raises(SpeechgenError, match="太大"):
        parse_brief_text("kind: 推进会\n" + "# x\n" * 300_000)


def test_extreme_nesting_is_refused(tmp_path):
    # 50000 nested brackets: 100 KB, well under the size limit, but deep enough
    # to exhaust Python's recursion limit inside the YAML parser.
    path = tmp_path / "deep.yaml"
    path.write_text("achievements: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    out = tmp_path / "out.md"
    assert_clean_failure(*cli("render", path, "-o", out), "嵌套过深", out)


def test_python_tag_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("render", HOSTILE / "python_tag.yaml", "-o", tmp_path / "out.md")
    assert not Path("/tmp/speechgen_pwned").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_error_locates_the_line():
    code, text = cli("validate", HOSTILE / "tabs.yaml")
    assert "tabs.yaml:4:" in text
    code, text = cli("validate", HOSTILE / "control_char_raw.yaml")
    assert "control_char_raw.yaml:1:9" in text and "U+0007" in text
    code, text = cli("validate", HOSTILE / "python_tag.yaml")
    assert "python_tag.yaml:1:" in text and "!!python/object" in text


# ------------------------------------------------------ malicious templates

@pytest.mark.parametrize("name", sorted(EXPECTED["templates"]))
def test_malicious_template(tmp_path, name):
    expected = EXPECTED["templates"][name]
    folder = HOSTILE / "templates" / name
    out = tmp_path / "out.md"
    code, text = cli("render", SPEC, "-o", out, "--templates", folder)
    assert_clean_failure(code, text, expected, out)
    # nothing leaked: no class list, globals, module contents or file contents
    for leak in ("<class", "<module", "<function", "__builtins__", "root:", "os.system"):
        assert leak not in text, f"{leak} leaked: {text}"
    if name != "include_passwd":
        assert "推进会.md.j2" in text and "行" in text, text


def test_template_error_names_the_right_line(tmp_path):
    _, text = cli("render", SPEC, "-o", tmp_path / "o.md", "--templates",
                  HOSTILE / "templates" / "syntax_error")
    assert "第 4 行" in text
    _, text = cli("render", SPEC, "-o", tmp_path / "o.md", "--templates",
                  HOSTILE / "templates" / "undefined_var")
    assert "第 4 行" in text and "no_such_variable" in text
    _, text = cli("render", SPEC, "-o", tmp_path / "o.md", "--templates",
                  HOSTILE / "templates" / "class_mro")
    assert "第 3 行" in text


# ------------------------------------------------------------ values are data

DATA_BRIEF = """\
kind: 推进会
topic: 文明城市创建
locality: {name: 福海区, level: 区, parent: "../../etc/passwd"}
meeting: {title: "{% include '/etc/passwd' %}推进会", date: 2026-05-08, place: "../../etc/passwd"}
speaker: {title: "{{ cycler.__init__.__globals__ }}", name: "${HOME}"}
achievements:
  - title: "{{ 7*7 }}"
    detail: "{% for x in range(3) %}x{% endfor %}{全区}"
measures:
  - title: "{{ config }}"
    points: ["{{ ''.__class__ }}", "$(rm -rf /)"]
"""


def test_values_render_literally(tmp_path, monkeypatch):
    brief = tmp_path / "data.yaml"
    brief.write_text(DATA_BRIEF, encoding="utf-8")
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    code, text = cli("render", brief, "-o", "out.md")
    assert code == 0, text
    draft = (work / "out.md").read_text(encoding="utf-8")
    for literal in ("{{ 7*7 }}", "{% include '/etc/passwd' %}", "{{ cycler.__init__.__globals__ }}",
                    "${HOME}", "{% for x in range(3) %}x{% endfor %}", "{{ config }}",
                    "{{ ''.__class__ }}"):
        assert literal in draft, literal
    assert "49" not in draft and "xxx" not in draft and "root:" not in draft
    assert "<class" not in draft and "{全区}" in draft  # no token substitution inside values
    # the draft went only where -o said; nothing was created anywhere else
    created = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert created == ["a", "a/b", "a/b/out.md", "data.yaml"]


def test_brief_cannot_choose_the_output_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    brief = tmp_path / "b.yaml"
    brief.write_text(SPEC.read_text(encoding="utf-8") + "output: ../../escaped.md\n", encoding="utf-8")
    code, text = cli("render", brief, "-o", "out.md")
    assert code == 2 and "未知的键 `output`" in text
    assert not (tmp_path.parent / "escaped.md").exists() and not (tmp_path / "out.md").exists()


# ------------------------------------------------------------ property tests

RENDERER = Renderer()
BASE = yaml.safe_load(SPEC.read_text(encoding="utf-8"))

ODD = st.sampled_from([
    "\u202e", "\u202d", "\u200b", "\u200d", "\u2066", "\u061c", "\ufeff", "\x00", "\x07", "\x1b",
    "\x7f", "\u0085", "\u2028", "\u3000", "１２３", "４１５００", "２０２６-０５-０８", "😀", "👨‍👩‍👧", "𠮷",
    "\t", "\n", "\r\n", "　", "{{ 7*7 }}", "{全区}", "{% raw %}", "--- ", "&a", "*a", ": ", "#",
    "ﬁ", "Å", "\u0301", "٣", "⑩", "Ⅻ", "½", "NaN", "inf", "-1e999", "0x1F", "0o17", "1_000",
])
odd_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(ODD, st.text(max_size=6)), max_size=8).map("".join),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    odd_text, st.dates(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(odd_text, st.sampled_from(list(BASE) + ["类型", "地区", "名称"])),
                        children, max_size=5),
    ),
    max_leaves=25,
)


def paths_of(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths_of(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths_of(v, (*prefix, i))


@st.composite
def mutated_briefs(draw):
    """The spec example with one to three of: a dropped key, a wrong type, an
    unknown key, a huge string, odd Unicode, full-width digits."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths_of(data))[1:]))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        action = draw(st.sampled_from(["drop", "type", "unknown", "huge", "odd", "fullwidth"]))
        if action == "drop":
            del parent[key]
        elif action == "type":
            parent[key] = draw(documents)
        elif action == "unknown":
            target = parent[key] if isinstance(parent[key], dict) else parent
            if isinstance(target, dict):
                target[draw(odd_text)] = draw(scalars)
            else:
                target.append({draw(odd_text): draw(scalars)})
        elif action == "huge":
            parent[key] = draw(st.sampled_from(["很", "a", "😀", "\u202e"])) * draw(st.sampled_from([1999, 2001, 50_000]))
        elif action == "odd":
            value = parent[key]
            parent[key] = f"{draw(odd_text)}{value}{draw(odd_text)}" if isinstance(value, str) else draw(odd_text)
        else:
            value = parent[key]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                parent[key] = str(value).translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
            else:
                parent[key] = draw(st.sampled_from(["１５", "４２", "９７．５", "２０２６-０５-０８"]))
    return data


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def draft_or_clean_error(source: str) -> None:
    try:
        brief = parse_brief_text(source, "hyp.yaml", RENDERER.kinds(), RENDERER.topics())
        draft = RENDERER.render(brief)
    except SpeechgenError as exc:
        assert exc.render().strip()
        return
    assert draft.chars > 0 and draft.blocks


HYP = settings(max_examples=60, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@HYP
@given(documents)
def test_arbitrary_yaml_gives_draft_or_clean_error(doc):
    draft_or_clean_error(dump(doc))


@HYP
@given(st.dictionaries(st.sampled_from(list(BASE)), documents, max_size=6))
def test_valid_brief_overlaid_with_arbitrary_values(overlay):
    draft_or_clean_error(dump({**BASE, **overlay}))


@HYP
@given(mutated_briefs())
def test_mutated_brief_gives_draft_or_clean_error(data):
    draft_or_clean_error(dump(data))


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(mutated_briefs(), documents))
def test_cli_subprocess_never_tracebacks(tmp_path, data):
    brief = tmp_path / "b.yaml"
    out = tmp_path / "out.md"
    brief.write_text(dump(data), encoding="utf-8")
    out.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-m", "generator", "render", str(brief), "-o", str(out)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode in (0, 2), proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert out.exists() == (proc.returncode == 0)


# ------------------------------------------------------------ no network

def test_no_socket_is_opened(tmp_path, monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network access is forbidden in this test")

    monkeypatch.setattr(socket.socket, "__init__", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    code, text = cli("render", SPEC, "-o", tmp_path / "draft.md")
    assert code == 0, text
    code, text = cli("render", SPEC, "-o", tmp_path / "draft.docx")
    assert code == 0, text
    code, text = cli("validate", SPEC, HOSTILE / "gbk_valid.yaml")
    assert code == 0, text
    corpus = tmp_path / "speeches"
    corpus.mkdir()
    for src in sorted((ROOT / "speeches").glob("*.md"))[:3]:
        (corpus / src.name).write_bytes(src.read_bytes())
    code, text = cli("mine", corpus, "--json")
    assert code == 0, text
    assert calls == []


# ------------------------------------------------------------ atomic writes

def test_failed_replace_leaves_nothing(tmp_path, monkeypatch):
    def broken_replace(src, dst, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    out = tmp_path / "out.md"
    code, text = cli("render", SPEC, "-o", out)
    assert code == 2 and "Traceback" not in text
    assert list(tmp_path.iterdir()) == []


def test_failed_replace_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "out.md"
    out.write_text("旧稿", encoding="utf-8")
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "I/O error")))
    code, text = cli("render", SPEC, "-o", out, "--force")
    assert code == 2 and "Traceback" not in text
    assert out.read_text(encoding="utf-8") == "旧稿"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "out.md"
    out.write_text("旧稿", encoding="utf-8")
    code, text = cli("render", SPEC, "-o", out)
    assert code == 2 and "已存在" in text and "--force" in text and "Traceback" not in text
    assert out.read_text(encoding="utf-8") == "旧稿"
    code, text = cli("render", SPEC, "-o", out, "--force")
    assert code == 0, text
    assert "2026年5月8日" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
