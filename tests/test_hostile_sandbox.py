"""Hostile templates, second round (issue 16): escapes and uncapped sandbox calls."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from generator import environment
from generator.brief import parse_brief_text
from generator.packs import TemplateDirs
from generator.render import Renderer
from tests.hostile_helpers import SPEC, clean_exit, cli

KIND = "推进会.md.j2"


@pytest.fixture(autouse=True)
def _memory_guard():
    """A regression here must fail with MemoryError, not get the shared machine's OOM killer."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (used + 3 * 1024**3, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _template(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / KIND).write_text(body, encoding="utf-8")
    return folder


# ------------------------------------------------------------ escapes


def test_symlink_to_passwd_is_not_included(tmp_path):
    """Escape: a --templates folder with a symlink to /etc/passwd; {% include %} copied it."""
    folder = _template(tmp_path, "同志们：\n{% include 'secret.txt' %}\n")
    (folder / "secret.txt").symlink_to("/etc/passwd")
    out = tmp_path / "o.md"
    code, text = cli("render", SPEC, "-o", out, "--templates", folder)
    clean_exit(code, text, "模板目录之外")
    assert "root:" not in text and not out.exists()


def test_symlinked_kind_template_outside_is_refused(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    outside = tmp_path / "elsewhere.j2"
    outside.write_text("同志们：\n外面的模板\n", encoding="utf-8")
    (folder / KIND).symlink_to(outside)
    clean_exit(*cli("render", SPEC, "-o", tmp_path / "o.md", "--templates", folder), "模板目录之外")


def test_symlink_inside_the_folder_is_fine(tmp_path):
    folder = _template(tmp_path, "同志们：\n{% include 'part.txt' %}\n")
    (folder / "real.txt").write_text("今天开会。", encoding="utf-8")
    (folder / "part.txt").symlink_to(folder / "real.txt")
    code, text = cli("render", SPEC, "-o", tmp_path / "o.md", "--templates", folder)
    assert code == 0, text
    assert "今天开会。" in (tmp_path / "o.md").read_text(encoding="utf-8")


def test_bytecode_cache_is_private(tmp_path, monkeypatch):
    """Escape: the bytecode cache folder was 0755 and its owner never checked."""
    monkeypatch.delenv("SPEECHGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "speechgen" / "jinja"
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o777)
    cache = environment.bytecode_cache()
    assert cache is not None
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder.parent).st_mode) & 0o077 == 0


def test_bytecode_cache_owned_by_someone_else_is_not_used(tmp_path, monkeypatch):
    monkeypatch.delenv("SPEECHGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    real_uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real_uid + 1)
    assert environment.bytecode_cache() is None


def test_bytecode_cache_folder_that_is_a_symlink_is_not_used(tmp_path, monkeypatch):
    monkeypatch.delenv("SPEECHGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    elsewhere = tmp_path / "planted"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "speechgen").mkdir(mode=0o700)
    (tmp_path / "speechgen" / "jinja").symlink_to(elsewhere)
    assert environment.bytecode_cache() is None


MUTATIONS = [
    "{% set _ = pack.measures.append(pack.measures[0]) %}",
    "{% set _ = pack.closing.append(place) %}",
    "{% set _ = pack.situation.significance.append(place) %}",
    "{% set _ = pack.update({'work': place}) %}",
    "{% set _ = pack.problems.pop() %}",
    "{% set _ = meeting.attendees.extend([place]) %}",
    "{% set _ = L.clear() %}",
]


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_templates_cannot_mutate_shared_state(tmp_path, mutation):
    """Escape: a template mutated shared state, so one district leaked into the next."""
    folder = _template(tmp_path, "同志们：\n" + mutation + "{{ place }}\n")
    code, text = cli("render", SPEC, "-o", tmp_path / "o.md", "--templates", folder)
    clean_exit(code, text, "模板")
    assert "沙箱" in text or "no attribute" in text  # refused, or the value is immutable already


def test_jobs_1_equals_jobs_3_with_a_mutating_user_template(tmp_path):
    """--jobs 1 and --jobs 3 give the same drafts whatever the user template tries."""
    body = ("同志们：\n{{ place }}{{ pack.measures | length }}"
            "{% if place == '甲区' %}{% set _ = pack.measures.append(1) %}{% endif %}\n")
    folder = _template(tmp_path, body)
    batch = tmp_path / "b.yaml"
    base = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    batch.write_text(yaml.safe_dump({"defaults": base, "districts": [
        {"locality": {"name": n, "level": "区", "parent": "滨海市"}} for n in ("甲区", "乙区", "丙区", "丁区")]},
        allow_unicode=True), encoding="utf-8")
    outs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"o{jobs}"
        code, text = cli("batch", batch, "-o", out, "-j", jobs, "--templates", folder)
        assert code == 1, text  # 甲区 fails in the sandbox, the others render
        outs.append({p.name: p.read_bytes() for p in out.glob("*.md")})
    assert outs[0] == outs[1] and len(outs[0]) == 3


def test_shared_pack_unchanged_after_render():
    renderer = Renderer(TemplateDirs())
    brief = parse_brief_text(SPEC.read_text(encoding="utf-8"))
    first = renderer.render(brief)
    second = renderer.render(brief)
    assert first == second


# ------------------------------------------------------------ resource caps


BOMBS = {
    "center": "{{ 'a'.center(10**9) }}",
    "ljust": "{{ 'a'.ljust(2000000000) }}",
    "rjust": "{{ 'a'.rjust(10**8) }}",
    "zfill": "{{ '1'.zfill(10**9) }}",
    "center_filter": "{{ 'a' | center(10**9) }}",
    "percent": "{{ '%999999999d' % 1 }}",
    "percent_precision": "{{ '%.999999999f' % 1 }}",
    "percent_star": "{{ '%*d' % (10**9, 1) }}",
    "format_filter": "{{ '%999999999s' | format('a') }}",
    "str_format": "{{ '{:>999999999}'.format(1) }}",
    "str_format_nested": "{{ '{:{}}'.format(1, 10**9) }}",
    "replace": "{{ ('a' * 1000).replace('', 'b' * 10000) }}",
    "replace_filter": "{{ ('a' * 1000) | replace('a', 'b' * 100000) }}",
    "concat_doubling": "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "plus_doubling": "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "list_doubling": "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "lipsum": "{{ lipsum(n=10**7) }}",
    "indent": "{{ 'a\\nb' | indent(10**9) }}",
    "wordwrap": "{{ ('a ' * 1000) | wordwrap(5, wrapstring='x' * 100000) }}",
    "join": "{{ range(1000) | join('x' * 100000) }}",
    "str_join": "{{ ('x' * 100000).join(range(1000) | map('string')) }}",
    "batch": "{{ [1] | batch(10**9, 0) | list | length }}",
    "slice": "{{ [1] | slice(10**9) | list | length }}",
    "expandtabs": "{{ ('\\t' * 100000).expandtabs(10**4) }}",
    "getitem_center": "{{ 'a'['center'](10**9) }}",
    "nested_loop_output": "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
    "macro_output": "{% macro m() %}{% for i in range(100000) %}{% for j in range(100) %}xxxxx{% endfor %}{% endfor %}"
                    "{% endmacro %}{{ m() }}",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_sandbox_caps_every_size_argument(tmp_path, name):
    """Resource exhaustion: center, ljust, % and format widths, replace, ~ doubling, lipsum… were uncapped."""
    folder = _template(tmp_path, "同志们：\n" + BOMBS[name] + "\n")
    out = tmp_path / "o.md"
    code, text = cli("render", SPEC, "-o", out, "--templates", folder)
    clean_exit(code, text, "沙箱")
    assert not out.exists()


def test_normal_sizes_still_work(tmp_path):
    body = ("同志们：\n{{ 'a'.center(9) }}|{{ '%5d' % 42 }}|{{ '{:>6}'.format('b') }}|"
            "{{ 'aa'.replace('a', 'c') }}|{{ 'x' ~ 'y' }}|{{ [1, 2] | join('、') }}|{{ 'p\\nq' | indent(2) }}\n")
    folder = _template(tmp_path, body)
    out = tmp_path / "o.md"
    code, text = cli("render", SPEC, "-o", out, "--templates", folder)
    assert code == 0, text
    draft = out.read_text(encoding="utf-8")
    assert "   42" in draft and "cc" in draft and "xy" in draft and "1、2" in draft
