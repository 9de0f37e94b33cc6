"""Speed work (issue 15) without timing anything: the exact twin check of a batch gives
the same answer as comparing every pair, and its work grows linearly in Python steps;
trusted built-in templates render the same bytes as the sandbox."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from generator.batch import SIMILAR, ExactJaccard, Similarity
from generator.checks.similar import shingle_hashes


def reference(labels: list[str], sets: list[np.ndarray]):
    """The pair-by-pair frozenset loop the batch used before (kept here as the oracle)."""
    best, similar, items = None, [], []
    for label, hashes in zip(labels, sets, strict=True):
        mine = frozenset(hashes.tolist())
        for other, theirs in items:
            common = len(mine & theirs)
            union = len(mine) + len(theirs) - common
            value = common / union if union else 1.0
            if best is None or value > best[0]:
                best = (value, other, label)
            if value > SIMILAR:
                similar.append((value, other, label))
        items.append((label, mine))
    return best, similar


def texts(n: int, seed: int) -> list[str]:
    """Drafts that share a skeleton and differ in picked sentences: many pairs near 0.5,
    exact copies (ties), an empty text and a very short one."""
    rng = random.Random(seed)
    pool = [f"第{i}句：统筹推进城市管理精细化，落实第{i * 7}项责任清单。" for i in range(60)]
    out = []
    for i in range(n):
        if i % 11 == 5:
            out.append(out[i - 3])  # an exact copy
        elif i == 7:
            out.append("")
        elif i == 9:
            out.append("短")
        else:
            out.append("开头。" + "".join(rng.sample(pool, rng.randint(5, 25))) + f"地区{i}。")
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_similarity_matches_pair_by_pair_loop(seed):
    drafts = texts(70, seed)
    labels = [f"区{i}" for i in range(len(drafts))]
    sets = [shingle_hashes(t, 5) for t in drafts]
    sim = Similarity(True, len(sets))
    for label, hashes in zip(labels, sets, strict=True):
        sim.add(label, hashes)
    best, similar = reference(labels, sets)
    assert sim.best == best  # same value, same pair: the first maximum in input order
    assert sim.similar == similar and similar  # same warnings, same order
    assert sim.describe()[0].startswith("各稿之间的最高相似度")


def test_exact_similarity_with_no_shared_text_and_with_two_empty_drafts():
    for drafts in (["甲乙丙丁戊己", "庚辛壬癸子丑"], ["", ""], ["", "一二三四五六"]):
        labels = ["a", "b"]
        sets = [shingle_hashes(t, 5) for t in drafts]
        sim = Similarity(True, 2)
        for label, hashes in zip(labels, sets, strict=True):
            sim.add(label, hashes)
        assert (sim.best, sim.similar) == reference(labels, sets)


def test_exact_check_work_grows_linearly_not_per_pair():
    """The cliff was a Python loop over every pair (45,000 at 300 drafts). Now each draft
    costs one vectorised lookup and each block of rows one vectorised popcount: the
    number of Python-level steps is linear in the number of drafts."""
    steps = {}
    for n in (64, 128, 256):
        exact = ExactJaccard()
        for t in texts(n, 5):
            exact.add(shingle_hashes(t, 5))
        exact.jaccard()
        steps[n] = exact.steps
        assert exact.steps == n + -(-n // ExactJaccard.BLOCK)
    assert steps[256] / steps[128] == steps[128] / steps[64] == 2


# ------------------------------------------------------------------ trusted built-in templates

from pathlib import Path  # noqa: E402

from jinja2 import nodes  # noqa: E402
from jinja2.sandbox import SandboxedEnvironment  # noqa: E402

from generator import environment  # noqa: E402
from generator.brief import load_brief  # noqa: E402
from generator.errors import TemplateError  # noqa: E402
from generator.library import TemplateLibrary, builtin_templates  # noqa: E402
from generator.render import Renderer  # noqa: E402

BRIEFS = sorted((Path(__file__).parent / "data" / "briefs").glob("valid_*.yaml"))


def sandboxed_renderer(library: TemplateLibrary | None = None) -> Renderer:
    renderer = Renderer(library)
    renderer.env = environment.sandboxed_env(renderer.library)
    return renderer


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.stem)
def test_trusted_builtin_templates_render_the_sandbox_bytes(path):
    trusted, sandboxed = Renderer(), sandboxed_renderer()
    assert trusted.env.trusted is not None
    brief = load_brief(path, trusted.kinds(), trusted.topics())
    assert trusted.render(brief) == sandboxed.render(brief)


def test_builtin_templates_load_only_j2_names():
    """The trusted environment is used only when the user's folder has no *.j2: that keeps
    every user file out of it only if built-in templates never load anything else."""
    env = environment.sandboxed_env()
    root = builtin_templates()
    for path in root.rglob("*.j2"):
        tree = env.parse(path.read_text("utf-8"))
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            name = node.template
            last = name.nodes[-1] if isinstance(name, nodes.Concat) else name
            assert isinstance(last, nodes.Const) and str(last.value).endswith(".j2"), \
                f"{path.relative_to(root)} 第 {node.lineno} 行"


def test_user_templates_and_what_they_include_stay_sandboxed(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "自定义.md.j2").write_text('{{ "".__class__.__mro__ }}{% include "sections/opening.j2" %}',
                                         "utf-8")
    library = TemplateLibrary.load(folder)
    env = environment.cached_env(library)
    assert env.trusted is None and not env.trusts("推进会.md.j2")
    for name in ("自定义.md.j2", "推进会.md.j2"):
        assert isinstance(env.get_template(name).environment, SandboxedEnvironment)
    brief = load_brief(BRIEFS[0], library.kinds(), library.topics())
    brief = dataclasses.replace(brief, kind="自定义")
    with pytest.raises(TemplateError, match="沙箱"):
        Renderer(library).render(brief)


def test_a_user_folder_with_only_data_keeps_builtin_templates_trusted(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "README.md").write_text("本单位的模板目录\n", "utf-8")
    env = environment.cached_env(TemplateLibrary.load(folder))
    assert env.trusted is not None
    assert not isinstance(env.get_template("推进会.md.j2").environment, SandboxedEnvironment)
    (folder / "sections").mkdir()
    (folder / "sections" / "mine.j2").write_text("{{ place }}\n", "utf-8")
    (folder / "自定义.md.j2").write_text("{{ place }}\n", "utf-8")
    assert not env.trusts("自定义.md.j2")  # added while the environment lives: sandboxed
    environment.cached_env.cache_clear()
    assert environment.cached_env(TemplateLibrary.load(folder)).trusted is None


def test_trusted_code_is_cached_apart_from_sandboxed_code(tmp_path, monkeypatch):
    """Bytecode compiled without the sandbox's checks must never load into the sandbox."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SPEECHGEN_NO_CACHE", raising=False)
    sandbox = environment.sandboxed_env(TemplateLibrary())
    trusted = environment.trusted_env(builtin_templates())
    assert sandbox.bytecode_cache.directory != trusted.bytecode_cache.directory
    assert Path(trusted.bytecode_cache.directory).name == "jinja-trusted"


# ------------------------------------------------------------------ batch: sync once, determinism

import os  # noqa: E402

import yaml  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from generator import batch as batch_mod  # noqa: E402
from generator.cli import app  # noqa: E402
from generator.writers import output  # noqa: E402

RICH = Path(__file__).resolve().parent.parent / "benchmarks" / "rich.yaml"
NAMES = ["城关街道", "东城街道", "西城街道", "南湖街道", "北山街道", "新华街道", "城关街道"]


def rich_batch(path: Path) -> Path:
    defaults = yaml.safe_load(RICH.read_text("utf-8"))
    parent = defaults.pop("locality")["parent"]
    doc = {"defaults": defaults,
           "districts": [{"locality": {"name": n, "level": "街道", "parent": parent}} for n in NAMES]}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_rich_batch_jobs_1_equals_jobs_2(tmp_path):
    batch = rich_batch(tmp_path / "b.yaml")
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["batch", str(batch), "-o", str(tmp_path / jobs), "-j", jobs])
        assert result.exit_code == 0, result.output
    one, two = folder_bytes(tmp_path / "1"), folder_bytes(tmp_path / "2")
    assert one == two and len(one) == len(NAMES) + 1  # drafts (a duplicate name gets -2) + summary.csv


def test_batch_skips_fsync_per_draft_and_syncs_the_folder_once(tmp_path, monkeypatch):
    if not batch_mod.DEFER_SYNC:
        pytest.skip("no os.sync here: batch keeps the fsync per draft")
    calls = {"fsync": 0, "sync": 0}
    real_fsync, real_sync = os.fsync, output.sync_folder

    def counting_fsync(fd):
        calls["fsync"] += 1
        return real_fsync(fd)

    def counting_sync(folder):
        calls["sync"] += 1
        return real_sync(folder)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    monkeypatch.setattr(output, "sync_folder", counting_sync)
    report = batch_mod.run_batch(rich_batch(tmp_path / "b.yaml"), tmp_path / "out", jobs=1)
    assert report.count(batch_mod.WRITTEN) == len(NAMES)
    assert calls["sync"] == 1 and calls["fsync"] == 1  # the folder's, inside sync_folder; none per draft


def test_resume_rewrites_an_empty_draft_but_never_a_real_file(tmp_path):
    """What a power cut can leave of a draft written without fsync is an empty file:
    a re-run writes it again (same bytes); any non-empty file is still skipped."""
    batch = rich_batch(tmp_path / "b.yaml")
    out = tmp_path / "out"
    batch_mod.run_batch(batch, out, jobs=1)
    drafts = sorted(p for p in out.iterdir() if p.suffix == ".md")
    reference = {p.name: p.read_bytes() for p in drafts}
    drafts[0].write_bytes(b"")
    drafts[1].write_bytes("我自己的稿子".encode())
    report = batch_mod.run_batch(batch, out, jobs=1)
    assert [r.status for r in report.rows].count(batch_mod.WRITTEN) == 1
    assert drafts[0].read_bytes() == reference[drafts[0].name]
    assert drafts[1].read_bytes() == "我自己的稿子".encode()
    with pytest.raises(Exception, match="已存在"):
        output.atomic_write(drafts[1], b"x", force=False, replace_empty=True)


def test_batch_lists_its_folder_once_not_once_per_draft(tmp_path, monkeypatch):
    """Each write used to list the whole output folder for stale temp files: quadratic
    at 10,000 drafts. The batch sweeps once at the start; the writes skip it."""
    listed = []
    real = output.sweep_stale

    def counting(folder, name=None):
        listed.append(name)
        return real(folder, name)

    monkeypatch.setattr(output, "sweep_stale", counting)
    batch_mod.run_batch(rich_batch(tmp_path / "b.yaml"), tmp_path / "out", jobs=1)
    assert listed == [None]


def test_sorted_overlap_counts_what_intersect1d_counts():
    from generator.checks.similar import sorted_overlap

    rng = np.random.default_rng(15)
    for size_a, size_b in ((0, 5), (5, 0), (1, 1), (50, 3000), (2500, 2400)):
        pool = np.unique(rng.integers(0, 2 ** 63, size=2 * (size_a + size_b) + 2, dtype=np.uint64))
        pool = rng.permutation(pool)[: size_a + size_b]
        a = np.unique(pool[:size_a])
        b = np.unique(np.concatenate([pool[size_a:], a[: size_a // 2]]))
        assert sorted_overlap(a, b) == len(np.intersect1d(a, b, assume_unique=True)) \
            == sorted_overlap(b, a)
    top = np.array([np.iinfo(np.uint64).max], dtype=np.uint64)
    assert sorted_overlap(top, np.array([1, 2], dtype=np.uint64)) == 0


def test_tidy_shortcut_changes_nothing():
    """tidy skips its substitutions when a cheap search finds nothing they could match."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.wording import _TIDY, tidy

    def slow(text: str) -> str:
        for pattern, repl in _TIDY:
            text = pattern.sub(repl, text)
        return text

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet="，、；：。！？ \t甲乙a1,", max_size=30))
    def same(text):
        assert tidy(text) == slow(text)

    same()


def test_shingle_hashes_are_sorted_unique_and_ignore_whitespace():
    from generator.checks.similar import SPACE_RE

    text = "全区 上下\t要\u3000坚持\n问题导向，全区上下要坚持问题导向。" * 3
    hashes = shingle_hashes(text, 5)
    assert np.array_equal(hashes, np.unique(hashes)) and len(hashes) > 5
    assert np.array_equal(hashes, shingle_hashes(SPACE_RE.sub("", text), 5))
    assert len(shingle_hashes("一二三四五", 5)) == 1 and len(shingle_hashes("一二三四", 5)) == 0


def test_libyaml_and_pure_python_compose_the_same_located_values():
    """Briefs and batch files are composed by libyaml first: the values and every
    line:column must be what the pure-Python loader gives."""
    import yaml as pyyaml

    from generator import yamlload

    if not hasattr(pyyaml, "CSafeLoader"):
        pytest.skip("no libyaml")
    root = Path(__file__).resolve().parent.parent
    files = [*sorted((root / "tests" / "data" / "briefs").glob("*.yaml")), root / "examples" / "batch.yaml",
             root / "examples" / "brief.yaml", RICH]
    for path in files:
        text = yamlload.read_text_file(path)
        fast = yamlload.load_yaml_text(text, str(path))
        slow_loader = pyyaml.CSafeLoader
        try:
            del pyyaml.CSafeLoader
            slow = yamlload.load_yaml_text(text, str(path))
        finally:
            pyyaml.CSafeLoader = slow_loader
        assert (fast.data, fast.marks) == (slow.data, slow.marks), path.name


# ---------------------------------------------------------------- issue 15: render and batch speed

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "brief.yaml"
MINIMAL = {"kind": "推进会", "topic": "城市管理",
           "meeting": {"title": "全区城市管理工作推进会", "date": "2026-06-02"},
           "speaker": {"title": "区委书记"}}
DISTRICTS = ["东安区", "西平区", "南湖区", "北山区", "中和区", "新华区", "东城区", "西城区"]


def brief_batch(path: Path, which: str) -> Path:
    """The benchmark's minimal and example briefs as a batch of a few districts."""
    if which == "minimal":
        defaults, loc = dict(MINIMAL), {"level": "区"}
    else:
        defaults = yaml.safe_load(EXAMPLE.read_text("utf-8"))
        loc = defaults.pop("locality")
        loc.pop("name")
    doc = {"defaults": defaults, "districts": [{"locality": {"name": n, **loc}} for n in DISTRICTS]}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("which", ["minimal", "example"])
def test_minimal_and_example_batches_jobs_1_equal_jobs_2(tmp_path, which):
    """Workers forked after the parent preloaded (and rendered the first district once)
    write the same bytes as one process doing everything."""
    batch = brief_batch(tmp_path / "b.yaml", which)
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["batch", str(batch), "-o", str(tmp_path / jobs), "-j", jobs])
        assert result.exit_code == 0, result.output
    one, two = folder_bytes(tmp_path / "1"), folder_bytes(tmp_path / "2")
    assert one == two and len(one) == len(DISTRICTS) + 1


def test_preload_keeps_every_task_in_order_and_workers_reuse_its_renderer(tmp_path, monkeypatch):
    from generator.batchio import read_batch
    from generator.packs import TemplateDirs

    monkeypatch.setattr(batch_mod, "_WORKER", None)
    path = brief_batch(tmp_path / "b.yaml", "minimal")
    dirs = TemplateDirs()
    settings = batch_mod.Settings((tmp_path / "out").resolve(), "md", "simplified", None, False, dirs, exact=True)
    planned = list(batch_mod.plan(read_batch(path, None).districts, settings, dirs.kinds(), dirs.topics()))
    again = batch_mod.plan(read_batch(path, None).districts, settings, dirs.kinds(), dirs.topics())
    tasks = list(batch_mod.preload(settings, again))
    assert [(t.number, t.name) for t in tasks] == [(t.number, t.name) for t in planned]
    renderer = batch_mod._WORKER[1]
    batch_mod.init_worker(settings)  # what a forked worker's initializer does
    assert batch_mod._WORKER[1] is renderer
    batch_mod.init_worker(dataclasses.replace(settings))  # other settings (spawned worker): its own
    assert batch_mod._WORKER[1] is not renderer


def test_variation_tables_shared_across_drafts_change_no_draft():
    """Wording facts, pack-item facts and grams are kept across drafts (keyed by the
    draft's rules, by text or by identity): a draft rendered after many others, with other
    banned words (村, 冲刺), is the draft rendered from empty tables."""
    import generator.variation as variation
    from generator.brief import parse_brief_text
    from generator.export import draft_bytes
    from generator.render import Renderer
    from tests.conftest import brief_yaml

    renderer = Renderer()
    target = parse_brief_text(brief_yaml(kind="推进会", topic="城市管理"))
    others = [parse_brief_text(brief_yaml(kind=k, topic=t)) for k, t in
              (("动员部署会", "人居环境整治"), ("总结部署会", "城市管理"), ("座谈发言", "城市管理"))]
    for table in (variation._STR_STATIC, variation._ITEM_STATIC, variation._PREPARED, variation._PLAIN_TEXT):
        table.clear()
    fresh = draft_bytes(renderer.render(target), "md")
    for brief in others:
        renderer.render(brief)
    assert draft_bytes(renderer.render(target), "md") == fresh


def test_plain_text_shortcut_matches_the_regex():
    """facts._plain joins str.split() pieces unless a control character is left; the
    result is what the whitespace-and-control regex gives, for every character class."""
    from generator.facts import _UNREAD, _plain

    for c in [*range(0x3100), *range(0xFE00, 0x10000), 0x1D173, 0xE0001]:
        if 0xD800 <= c <= 0xDFFF:
            continue
        text = f"甲{chr(c)}乙 {chr(c)}\n"
        assert _plain(text) == _UNREAD.sub("", text), hex(c)
