"""Performance harness for speechgen (issue 6).

Usage::

    python benchmarks/run.py              # full run, writes benchmarks/results.md
    python benchmarks/run.py --quick      # smoke run (< 1 min), small N, 1 repetition
    python benchmarks/run.py --quick --no-write   # what CI runs

Everything the harness needs is generated into a temporary directory: batch files
of synthetic districts, a corpus scaled by repeating ``speeches/*.md``, and
drafts (with twins) for ``check``. Batch, render and check figures are given for
three briefs (issue 15): ``minimal`` (推进会/城市管理 defaults with only the
required keys, districts differing only in ``locality.name``), ``example``
(``examples/brief.yaml``) and ``rich`` (``benchmarks/rich.yaml``, a 街道 brief
with achievements, problems, measures and targets).

The floor: Python start plus writing N files of the brief's draft size the way
batch writes them (``atomic_write`` without the per-file fsync, one
``sync_folder`` at the end), or reading N files for ``check``. Every figure is
shown beside its floor and as a ratio to it. A scaling row times batch at
N = 100 … 10,000 and reports the time per draft.

Each figure is the median of repeated cold-process runs. Every measured command
runs inside a tiny ``python -c`` wrapper that times it with ``time.perf_counter``
and reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, i.e. the peak resident set
of the largest single process in the measured command's process tree.

Exit status: 0 when the harness ran (targets met or missed; use ``--strict`` to
fail on missed targets), non-zero only when the harness itself crashes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.md"
EXAMPLE = ROOT / "examples" / "brief.yaml"
RICH = ROOT / "benchmarks" / "rich.yaml"
BRIEFS = ("minimal", "example", "rich")
MINIMAL = {"kind": "推进会", "topic": "城市管理",
           "meeting": {"title": "全区城市管理工作推进会", "date": "2026-06-02"},
           "speaker": {"title": "区委书记"}}
SPEECHES = ROOT / "speeches"
ANALYSIS_MARKER = "<!-- analysis: hand-written below this line; run.py keeps it -->"
HEAVY = ("jieba", "docx", "opencc")
MB = 1024 * 1024

# Runs one command, times it and prints its own children's peak RSS as JSON.
WRAPPER = r"""
import json, resource, subprocess, sys, time
cmd = json.loads(sys.stdin.read())
t = time.perf_counter()
p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
rss, cpu = ru.ru_maxrss, ru.ru_utime + ru.ru_stime
err = p.stderr.decode("utf-8", "replace")[-1500:]
print(json.dumps({"seconds": seconds, "cpu": cpu, "maxrss_kb": rss, "rc": p.returncode, "stderr": err}))
"""

# Runs `speechgen ARGS` in-process and reports which heavy modules got imported.
IMPORT_PROBE = r"""
import json, runpy, sys
args, wanted = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["speechgen", *args]
try:
    runpy.run_module("generator", run_name="__main__")
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & wanted)
sys.stderr.write("\nHEAVY=" + json.dumps(heavy) + "\n")
"""

# Warm in-process rendering: one Renderer, the same brief (or N different ones) rendered repeatedly.
WARM_RENDER = r"""
import dataclasses, json, sys, time
from pathlib import Path
from generator.brief import load_brief
from generator.render import Renderer
example, names, count, reps = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = Renderer()
brief = load_brief(Path(example), r.kinds(), r.topics())
briefs = [dataclasses.replace(brief, locality=dataclasses.replace(brief.locality, name=n))
          for n in names] or [brief]
for b in briefs:
    r.render(b)  # warm-up: templates compiled, packs cached
wall, cpu = [], []
for _ in range(reps):
    t, c = time.perf_counter(), time.process_time()
    for i in range(count):
        r.render(briefs[i % len(briefs)])
    wall.append((time.perf_counter() - t) / count)
    cpu.append((time.process_time() - c) / count)
print(json.dumps({"wall": wall, "cpu": cpu}))
"""

# Renders drafts for N districts to .md files, then adds twins (a draft copied under another name).
MAKE_DRAFTS = r"""
import dataclasses, json, sys
from pathlib import Path
from generator.brief import load_brief
from generator.export import draft_bytes
from generator.render import Renderer
example, names, twins, out = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
r = Renderer()
brief = load_brief(Path(example), r.kinds(), r.topics())
unique = names[: len(names) - twins]
for i, n in enumerate(unique):
    b = dataclasses.replace(brief, locality=dataclasses.replace(brief.locality, name=n))
    (out / f"d{i:05d}.md").write_bytes(draft_bytes(r.render(b), "md"))
for j, n in enumerate(names[len(unique):]):
    src = unique[(j * 7) % len(unique)]
    text = (out / f"d{(j * 7) % len(unique):05d}.md").read_text("utf-8").replace(src, n)
    (out / f"t{j:05d}.md").write_text(text, "utf-8")
"""


# The floor of a batch: Python start, then N files written as batch writes them.
FLOOR_WRITE = r"""
import os, sys
from pathlib import Path
from generator.writers.output import atomic_write, sync_folder
data, out, n, ext = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
defer = hasattr(os, "sync") and sys.argv[5:] != ["fsync"]  # "fsync": one per file, as before issue 15
for i in range(n):
    atomic_write(out / f"d{i:05d}.{ext}", data, force=False, durable=not defer, sweep=False)
if defer:
    sync_folder(out)
"""

# The floor of check: Python start, then N files read.
FLOOR_READ = r"""
import sys
from pathlib import Path
total = sum(len(p.read_bytes()) for p in sorted(Path(sys.argv[1]).glob("*.md")))
"""


# ---------------------------------------------------------------- results


@dataclass
class Figure:
    label: str
    unit: str
    target: float | None = None  # None: informational row
    value: float | None = None
    detail: str = ""
    note: str = ""  # "not measured: …", "failed: …"
    smoke: bool = False  # quick mode with a smaller N than the target's
    floor: float | None = None  # the floor for this figure, in the figure's unit

    @property
    def floor_ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.target:
            return None
        return self.value / self.target

    @property
    def status(self) -> str:
        if self.value is None:
            return self.note or "not measured"
        if self.target is None:
            return "info"
        if self.smoke:
            return "smoke (small N)"
        return "met" if self.value <= self.target else "MISSED"


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system time of the process tree
    maxrss_kb: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_kb) / 1024

    def spread(self) -> str:
        cpu = f"cpu {statistics.median(self.cpu):.3f} s" if self.cpu else ""
        if len(self.seconds) < 2:
            return f"n={len(self.seconds)}; {cpu}"
        return (f"n={len(self.seconds)}, min {min(self.seconds):.3f}, max {max(self.seconds):.3f};"
                f" {cpu}")


# ---------------------------------------------------------------- running


def speechgen_cmd() -> list[str]:
    script = Path(sys.executable).with_name("speechgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator"]


def measure(make_cmd: Callable[[int], Sequence[str]], reps: int, *, ok: tuple[int, ...] = (0,),
            budget: float = 180.0, timeout: float = 300.0,
            cleanup: Callable[[], None] | None = None) -> Sample:
    """Run a command ``reps`` times (fewer once ``budget`` seconds are spent) through the wrapper."""
    sample = Sample()
    spent = 0.0
    for rep in range(reps):
        cmd = [str(c) for c in make_cmd(rep)]
        try:
            proc = run_group([sys.executable, "-c", WRAPPER], timeout, json.dumps(cmd))
        except subprocess.TimeoutExpired:
            sample.error = f"timed out after {timeout:.0f} s (killed; hung or far too slow)"
            break
        finally:
            if cleanup:
                cleanup()
        if proc.returncode != 0:
            sample.error = f"wrapper failed: {one_line(proc.stderr)}"
            break
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        if out["rc"] not in ok:
            tail = out["stderr"].strip().splitlines()[-3:]
            sample.error = f"exit {out['rc']}: {' | '.join(tail)[:300]}"
            break
        sample.seconds.append(out["seconds"])
        sample.maxrss_kb.append(out["maxrss_kb"])
        sample.cpu.append(out["cpu"])
        spent += out["seconds"]
        if spent > budget:
            break
    if sample.error and sample.seconds:
        sample.error = None  # a later repetition failed; keep what we have
    return sample


def run_group(cmd: list[str], timeout: float, stdin: str = "") -> subprocess.CompletedProcess:
    """Run cmd in its own process group; on timeout kill the whole group (wrapper + speechgen)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def run_py(code: str, *args: str, timeout: float = 900.0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def available(command: str) -> bool:
    proc = subprocess.run([*speechgen_cmd(), command, "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    return proc.returncode == 0


def one_line(text: str, limit: int = 300) -> str:
    return " | ".join(x.strip() for x in text.strip().splitlines() if x.strip())[-limit:]


def set_time(fig: Figure, sample: Sample, *, scale: float = 1.0) -> Figure:
    if sample.error or not sample.seconds:
        fig.note = f"failed: {sample.error}"
    else:
        fig.value = sample.median * scale
        fig.detail = sample.spread()
    return fig


def set_memory(fig: Figure, sample: Sample) -> Figure:
    if sample.error or not sample.maxrss_kb:
        fig.note = f"failed: {sample.error}"
    else:
        fig.value = sample.peak_mb
        fig.detail = f"max over n={len(sample.maxrss_kb)}"
    return fig


# ---------------------------------------------------------------- inputs


def district_names(n: int) -> list[str]:
    """Deterministic synthetic district names: 东安区, 东平区, …, then three-character stems."""
    pool = "东西南北中新安平和兴龙凤金银青白长永康宁泰华盛德仁义文武山河湖江云林丰乐嘉瑞"
    names: list[str] = []
    for size in (2, 3):
        for stem in itertools.product(pool, repeat=size):
            if len(set(stem)) < size:
                continue
            names.append("".join(stem) + "区")
            if len(names) == n:
                return names
    raise ValueError(f"cannot make {n} distinct district names")


def example_brief() -> dict:
    return yaml.safe_load(EXAMPLE.read_text("utf-8"))


def brief_parts(which: str) -> tuple[dict, dict]:
    """The shared part of a brief (batch defaults) and its locality without the name."""
    if which == "minimal":
        return dict(MINIMAL), {"level": "区"}
    brief = example_brief() if which == "example" else yaml.safe_load(RICH.read_text("utf-8"))
    loc = brief.pop("locality")
    loc.pop("name")
    return brief, loc


def names_for(which: str, n: int) -> list[str]:
    names = district_names(n)
    return [x[:-1] + "街道" for x in names] if which == "rich" else names


def write_batch(path: Path, n: int, which: str = "example") -> Path:
    defaults, loc = brief_parts(which)
    batch = {"defaults": defaults,
             "districts": [{"locality": {"name": name, **loc}} for name in names_for(which, n)]}
    path.write_text(yaml.safe_dump(batch, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def write_brief(path: Path, which: str) -> Path:
    """One brief of the kind (the first district's), for render and check."""
    if which == "example":
        shutil.copyfile(EXAMPLE, path)
        return path
    defaults, loc = brief_parts(which)
    brief = {**defaults, "locality": {"name": names_for(which, 1)[0], **loc}}
    path.write_text(yaml.safe_dump(brief, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def write_corpus(folder: Path, size_bytes: int) -> int:
    """Repeat speeches/*.md (under new file names) until the folder holds ``size_bytes``.

    Every copy after the first tags each sentence of the body with a copy-specific word, so
    no two copies are identical: jieba results are memoised per text in ``roles._cut``,
    and verbatim copies would only measure cache hits.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(SPEECHES.glob("*.md"))
    tags = district_names(5000)
    total = 0
    for copy_no in itertools.count():
        for src in sources:
            if total >= size_bytes:
                return total
            text = src.read_text("utf-8")
            if copy_no:
                head, sep, body = text.partition("\n---\n")
                text = head + sep + body.replace("。", tags[copy_no % len(tags)][:2] + "。")
            data = text.encode("utf-8")
            (folder / f"{copy_no:04d}-{src.name}").write_bytes(data)
            total += len(data)
    return total


def corpus_size() -> int:
    return sum(p.stat().st_size for p in SPEECHES.glob("*.md"))


# ---------------------------------------------------------------- benchmarks


@dataclass
class Plan:
    quick: bool
    reps_cold: int  # small cold-process commands
    reps_big: int  # batch, check, big mine
    warm_count: int
    batch_md: int
    batch_docx: int
    check_n: int
    mine_mb: tuple[int, ...]
    scaling: tuple[int, ...]  # batch sizes of the scaling row
    briefs: tuple[str, ...] = BRIEFS


def plan_for(quick: bool, reps: int | None) -> Plan:
    if quick:
        return Plan(True, 1, 1, 20, 20, 5, 40, (), (10, 30))
    return Plan(False, reps or 7, min(reps or 3, 3), 100, 1000, 200, 3000, (1, 5, 10),
                (100, 300, 1000, 3000, 10000))


class Harness:
    def __init__(self, plan: Plan, tmp: Path):
        self.plan = plan
        self.tmp = tmp
        self.sg = speechgen_cmd()
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self._floors: dict[tuple[str, int, str], float | None] = {}
        self._samples: dict[tuple[str, str], Path] = {}
        self._has: dict[str, bool] = {}

    def add(self, fig: Figure) -> Figure:
        self.figures.append(fig)
        floor = f"  floor {fmt_number(fig.floor, fig.unit)} (×{fig.floor_ratio:.2f})" \
            if fig.floor_ratio is not None else ""
        print(f"  {fig.label}: {fmt_value(fig)}{floor}  [{fig.status}]", flush=True)
        return fig

    def out_dir(self, name: str) -> Path:
        d = self.tmp / name
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        return d

    def has(self, command: str) -> bool:
        if command not in self._has:
            self._has[command] = available(command)
        return self._has[command]

    # -- floors

    def brief(self, which: str) -> Path:
        path = self.tmp / f"brief-{which}.yaml"
        if not path.exists():
            write_brief(path, which)
        return path

    def sample(self, which: str, fmt: str) -> Path:
        """One rendered draft of the brief: the bytes the floor writes N times."""
        key = (which, fmt)
        if key not in self._samples:
            out = self.tmp / f"sample-{which}.{fmt}"
            subprocess.run([*self.sg, "render", self.brief(which), "-o", out, "--force"], cwd=ROOT,
                           capture_output=True, timeout=300, check=True)
            self._samples[key] = out
        return self._samples[key]

    def floor(self, which: str, n: int, fmt: str = "md") -> float | None:
        """Median seconds of Python start + writing n files of this brief's draft size."""
        key = (which, n, fmt)
        if key not in self._floors:
            data = self.sample(which, fmt)
            out = self.tmp / "floor-out"
            reps = self.plan.reps_big if n <= 3000 else 1
            sample = measure(lambda _: [sys.executable, "-c", FLOOR_WRITE, data, self.out_dir(out.name),
                                        n, fmt], max(reps, 3) if n <= 1000 else reps,
                             cleanup=lambda: shutil.rmtree(out, ignore_errors=True))
            self._floors[key] = None if sample.error or not sample.seconds else sample.median
            if sample.error:
                self.notes.append(f"floor {which} {n} {fmt} failed: {sample.error}")
        return self._floors[key]

    def per_file_floor_ms(self, which: str) -> float | None:
        """What writing one more file costs, from the floors of 1 and batch_md files."""
        n = self.plan.batch_md
        big, one = self.floor(which, n), self.floor(which, 1)
        if big is None or one is None:
            return None
        return max(big - one, 0.0) / (n - 1) * 1000

    # -- cold start

    def help_and_render(self) -> None:
        p = self.plan
        start = measure(lambda _: [sys.executable, "-c", "pass"], p.reps_cold)
        start_fig = self.add(set_time(Figure("floor: bare `python -c pass` (Python start)", "s"), start))

        help_s = measure(lambda _: [*self.sg, "--help"], p.reps_cold)
        fig = set_time(Figure("`speechgen --help`, cold process", "s", 0.25), help_s)
        fig.floor = start_fig.value
        self.add(fig)

        probe = run_py(IMPORT_PROBE, json.dumps(["--help"]), json.dumps(HEAVY))
        fig = Figure("heavy modules imported by `--help` (jieba, docx, opencc)", "modules", 0)
        heavy = parse_heavy(probe.stderr)
        if heavy is None:
            fig.note = f"failed: {one_line(probe.stderr)}"
        else:
            fig.value = len(heavy)
            fig.detail = ", ".join(heavy) or "none"
        self.add(fig)

        bare = measure(lambda _: [sys.executable, "-c", "import typer, jinja2, yaml"], p.reps_cold)
        bare_fig = self.add(set_time(Figure("bare `python -c \"import typer, jinja2, yaml\"`", "s"),
                                     bare))

        out = self.tmp / "render.md"
        render = measure(lambda _: [*self.sg, "render", EXAMPLE, "-o", out, "--force"], p.reps_cold)
        rfig = set_time(Figure("`speechgen render examples/brief.yaml` → md, cold", "s", 0.35), render)
        rfig.floor = self.floor("example", 1)
        self.add(rfig)
        ratio = Figure("render cold ÷ bare import", "×", 2.0)
        if rfig.value is not None and bare_fig.value:
            ratio.value = rfig.value / bare_fig.value
        else:
            ratio.note = "not measured: an input figure failed"
        self.add(ratio)

        probe = run_py(IMPORT_PROBE, json.dumps(["render", str(EXAMPLE), "-o", str(out), "--force"]),
                       json.dumps(HEAVY))
        heavy = parse_heavy(probe.stderr)
        self.notes.append(f"Heavy modules imported by `render` → md: "
                          f"{', '.join(heavy) if heavy else 'none' if heavy == [] else 'probe failed'}.")
        self.notes.append("Slowest imports of `render` → md (`-X importtime`, cumulative): "
                          + slowest_imports([*self._module_cmd(), "render", str(EXAMPLE), "-o",
                                             str(out), "--force"]))

    def _module_cmd(self) -> list[str]:
        return [sys.executable, "-X", "importtime", "-m", "generator"]

    # -- warm

    def warm_render(self) -> None:
        p = self.plan
        reps = max(p.reps_big, 3) if not p.quick else 1
        for which in p.briefs:
            brief = self.brief(which)
            floor = self.per_file_floor_ms(which)
            proc = run_py(WARM_RENDER, str(brief), "[]", str(p.warm_count), str(reps))
            fig = Figure(f"render one draft in-process, warm ({which}, same brief repeated)", "ms", 2.0)
            fig.floor = floor
            self._warm(fig, proc)
            names = json.dumps(names_for(which, 50))
            proc = run_py(WARM_RENDER, str(brief), names, str(p.warm_count), str(reps))
            fig = Figure(f"render one draft in-process, warm ({which}, 50 districts in turn)", "ms")
            fig.floor = floor
            self._warm(fig, proc)
        self.notes.append("Floor of a warm render: the cost of writing one more file as batch does"
                          " ((floor of batch_md files − floor of 1 file) ÷ (batch_md − 1)).")

    def _warm(self, fig: Figure, proc: subprocess.CompletedProcess) -> None:
        if proc.returncode != 0:
            fig.note = f"failed: {one_line(proc.stderr)}"
        else:
            per = json.loads(proc.stdout.strip().splitlines()[-1])
            fig.value = statistics.median(per["wall"]) * 1000
            fig.detail = (f"{self.plan.warm_count} drafts × {len(per['wall'])} runs;"
                          f" cpu {statistics.median(per['cpu']) * 1000:.2f} ms")
        self.add(fig)

    # -- batch

    def run_batch(self, which: str, n: int, fmt: str, reps: int, timeout: float = 300) -> Sample:
        batch_file = self.tmp / f"batch-{which}-{n}.yaml"
        if not batch_file.exists():
            write_batch(batch_file, n, which)
        out = self.tmp / f"batch-{fmt}-out"
        return measure(lambda _: [*self.sg, "batch", batch_file, "-o", self.out_dir(out.name),
                                  "--format", fmt], reps, timeout=timeout,
                       cleanup=lambda: shutil.rmtree(out, ignore_errors=True))

    def batch(self) -> None:
        p = self.plan
        for which in p.briefs:
            for n, fmt, target in ((p.batch_md, "md", 3.5), (p.batch_docx, "docx", 4.0)):
                fig = Figure(f"`speechgen batch` {n:,} districts → {fmt} ({which})", "s", target,
                             smoke=p.quick)
                if not self.has("batch"):
                    fig.note = "not measured: command not available"
                    self.add(fig)
                    continue
                set_time(fig, self.run_batch(which, n, fmt, p.reps_big))
                fig.floor = self.floor(which, n, fmt)
                self.add(fig)
                if fmt == "md" and which == p.briefs[0]:
                    self.fsync_floor(which, n)
                if fmt == "md":
                    ratio = Figure(f"batch {n:,} → md ÷ its floor ({which})", "×", 2.0, smoke=p.quick)
                    if fig.floor_ratio is None:
                        ratio.note = "not measured: an input figure failed"
                    else:
                        ratio.value = fig.floor_ratio
                        ratio.detail = f"floor {fig.floor:.3f} s"
                    self.add(ratio)

    def fsync_floor(self, which: str, n: int) -> None:
        """For comparison: the floor when every file is fsynced, as batch wrote before."""
        out = self.tmp / "floor-out"
        sample = measure(lambda _: [sys.executable, "-c", FLOOR_WRITE, self.sample(which, "md"),
                                    self.out_dir(out.name), n, "md", "fsync"], self.plan.reps_big,
                         cleanup=lambda: shutil.rmtree(out, ignore_errors=True))
        fig = set_time(Figure(f"floor with an fsync per file (batch before issue 15), {n:,} md ({which})",
                              "s"), sample)
        self.add(fig)

    def scaling(self) -> None:
        """Time per draft at growing N: a cliff shows as a step between neighbours."""
        p = self.plan
        if not self.has("batch"):
            return
        for which in p.briefs:
            per: dict[int, float] = {}
            above: dict[int, float] = {}
            for n in p.scaling:
                reps = p.reps_big if n <= 1000 else 1
                sample = self.run_batch(which, n, "md", reps, timeout=900)
                fig = Figure(f"scaling ({which}): batch {n:,} → md, time per draft", "ms")
                floor = self.floor(which, n)
                if sample.error or not sample.seconds:
                    fig.note = f"failed: {sample.error}"
                else:
                    fig.value = sample.median / n * 1000
                    fig.floor = floor / n * 1000 if floor else None
                    per[n] = fig.value
                    if floor:
                        above[n] = (sample.median - floor) / n * 1000
                    fig.detail = (f"total {sample.median:.2f} s, {sample.spread()}, peak"
                                  f" {sample.peak_mb:.0f} MB"
                                  + (f"; above floor {above[n]:.2f} ms/draft" if n in above else ""))
                self.add(fig)
                if n == max(p.scaling) and not p.quick and not sample.error and sample.seconds:
                    mem = Figure(f"peak memory, `speechgen batch` {n:,} districts → md ({which})",
                                 "MB", 300.0)
                    set_memory(mem, sample)
                    self.add(mem)
            sizes = sorted(per)
            if len(sizes) >= 2:
                steps = [(b, per[b] / per[a]) for a, b in itertools.pairwise(sizes)]
                worst = max(steps, key=lambda x: x[1])
                fig = Figure(f"scaling ({which}): largest rise in time per draft between neighbouring N",
                             "×", 1.3, smoke=p.quick)
                fig.value = worst[1]
                fig.detail = ", ".join(f"→{b:,}: {r:.2f}×" for b, r in steps)
                if above and len(above) == len(per):
                    fig.detail += "; above floor: " + ", ".join(
                        f"{k:,}: {v:.2f}" for k, v in sorted(above.items())) + " ms/draft"
                self.add(fig)
            if 300 in per and 1000 in per:
                fig = Figure(f"batch 300 ÷ batch 1,000, total time ({which})", "×", 0.40)
                fig.value = per[300] * 300 / (per[1000] * 1000)
                self.add(fig)

    # -- mine

    def mine(self) -> None:
        p = self.plan
        size = corpus_size()
        sample = measure(lambda _: [*self.sg, "mine", "speeches/"], p.reps_cold if not p.quick else 1)
        self.add(set_time(Figure(f"`speechgen mine speeches/` ({size / 1024:.0f} KB)", "s", 2.0),
                          sample))
        per_mb: dict[int, float] = {}
        for mb in p.mine_mb:
            folder = self.tmp / f"corpus-{mb}mb"
            actual = write_corpus(folder, mb * MB)
            fig = Figure(f"`speechgen mine` on a {mb} MB corpus", "s", 60.0 if mb == 10 else None)
            sample = measure(lambda _, f=folder: [*self.sg, "mine", f], p.reps_big, budget=150,
                             timeout=600)
            self.add(set_time(fig, sample))
            if fig.value is not None:
                per_mb[mb] = fig.value / (actual / MB)
            shutil.rmtree(folder, ignore_errors=True)
        if len(per_mb) >= 2:
            lo, hi = min(per_mb), max(per_mb)
            growth = per_mb[hi] / per_mb[lo]
            verdict = "linear" if 0.75 <= growth <= 1.33 else "super-linear" if growth > 1 else "sub-linear"
            fig = Figure(f"`mine` cost per MB, {hi} MB ÷ {lo} MB", "×")
            fig.value = growth
            sizes = sorted(per_mb)
            marginal = [f"{a}→{b} MB: {(per_mb[b] * b - per_mb[a] * a) / (b - a):.2f} s/MB"
                        for a, b in itertools.pairwise(sizes)]
            fig.detail = (", ".join(f"{k} MB: {per_mb[k]:.2f} s/MB" for k in sizes)
                          + f"; marginal {', '.join(marginal)} → {verdict}")
            self.add(fig)

    # -- check

    def check(self) -> None:
        p = self.plan
        n = p.check_n
        for which in p.briefs:
            tfig = Figure(f"`speechgen check` {n:,} drafts incl. twins ({which})", "s", 10.0,
                          smoke=p.quick)
            mfig = Figure(f"peak memory, `speechgen check` {n:,} drafts ({which})", "MB", 300.0,
                          smoke=p.quick)
            if not self.has("check"):
                tfig.note = mfig.note = "not measured: command not available"
                self.add(tfig)
                self.add(mfig)
                continue
            folder = self.out_dir("drafts")
            twins = max(2, n // 20)
            made = run_py(MAKE_DRAFTS, str(self.brief(which)), json.dumps(names_for(which, n)),
                          str(twins), str(folder), timeout=1800)
            if made.returncode != 0:
                tfig.note = mfig.note = f"failed: making drafts: {one_line(made.stderr)}"
            else:
                files = sorted(str(f.relative_to(self.tmp)) for f in folder.glob("*.md"))
                args = [*self.sg, "check", *(str(self.tmp / f) for f in files)]
                sample = measure(lambda _, a=args: a, p.reps_big, ok=(0, 1), timeout=600, budget=40)
                set_time(tfig, sample)
                set_memory(mfig, sample)
                tfig.detail += f"; {n - twins} rendered + {twins} twins"
                floor = measure(lambda _, f=folder: [sys.executable, "-c", FLOOR_READ, f], p.reps_big)
                if floor.seconds:
                    tfig.floor = floor.median
            self.add(tfig)
            self.add(mfig)
        self.notes.append("Floor of `check`: Python start plus reading the same N files.")


def parse_heavy(stderr: str) -> list[str] | None:
    for line in reversed(stderr.splitlines()):
        if line.startswith("HEAVY="):
            return json.loads(line[len("HEAVY="):])
    return None


def slowest_imports(cmd: list[str], top: int = 6) -> str:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line[len("import time:"):].split("|") if line.startswith("import time:") else []
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2][1:]
        if not name.startswith(" "):  # top-level imports only
            rows.append((int(parts[1]), name.strip()))
    rows.sort(reverse=True)
    return ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in rows[:top]) or "n/a"


# ---------------------------------------------------------------- report


def fmt_value(fig: Figure) -> str:
    if fig.value is None:
        return "—"
    if fig.unit == "s":
        return f"{fig.value:.3f} s"
    if fig.unit == "ms":
        return f"{fig.value:.2f} ms"
    if fig.unit == "MB":
        return f"{fig.value:.0f} MB"
    if fig.unit == "×":
        return f"{fig.value:.2f}×"
    return f"{fig.value:g} {fig.unit}"


def fmt_number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return fmt_value(Figure("", unit, value=value))


def fmt_target(fig: Figure) -> str:
    if fig.target is None:
        return "—"
    if fig.unit == "×":
        return f"≤ {fig.target:g}×"
    if fig.unit == "modules":
        return "none"
    return f"≤ {fig.target:g} {fig.unit}"


def table_rows(figs: list[Figure]) -> list[list[str]]:
    rows = []
    for f in figs:
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        floor = f"{f.floor_ratio:.2f}×" if f.floor_ratio is not None else "—"
        rows.append([f.label, fmt_value(f), fmt_number(f.floor, f.unit) if f.floor else "—", floor,
                     fmt_target(f), ratio, f.status, f.detail])
    return rows


HEADER = ["figure", "measured", "floor", "÷ floor", "target", "measured/target", "status", "detail"]


def text_table(figs: list[Figure]) -> str:
    rows = [HEADER, *table_rows(figs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
    return "\n".join(lines)


def markdown_table(figs: list[Figure]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in table_rows(figs):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    mem = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("MemTotal", "MemAvailable"):
                mem[key] = f"{int(value.split()[0]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "cpu_count": str(os.cpu_count()),
        "processor": platform.processor() or platform.machine(),
        "memory": f"{mem.get('MemTotal', 'n/a')} total, {mem.get('MemAvailable', 'n/a')} available",
        "load average at start": load,
    }


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "templates"],
                               cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        return rev + (" (with uncommitted changes in generator/ or templates/)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write_results(h: Harness, info: dict[str, str], started: dt.datetime, elapsed: float) -> None:
    kept = ""
    if RESULTS.exists():
        old = RESULTS.read_text("utf-8")
        if ANALYSIS_MARKER in old:
            kept = old.split(ANALYSIS_MARKER, 1)[1]
    missed = [f.label for f in h.figures if f.status == "MISSED"]
    lines = [
        "# speechgen benchmarks",
        "",
        "Generated by `python benchmarks/run.py`"
        + (" --quick" if h.plan.quick else "") + ". Do not edit above the analysis marker.",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} (harness took {elapsed:.0f} s)",
        f"- revision: {git_revision()}",
        *(f"- {k}: {v}" for k, v in info.items()),
        "- method: each figure is the median wall-clock time of repeated cold-process runs (n in the"
        " detail column, with min/max and the median CPU time, user + system, of the whole process"
        " tree — a steadier number on a loaded machine, but it adds up all workers of a"
        " `--jobs` run); peak memory is `ru_maxrss` of the largest single process under a"
        " `python -c` wrapper (so not the sum over `--jobs` workers).",
        "- floor: Python start plus writing N files of the brief's draft the way batch writes them"
        " (atomic temp + rename, no per-file fsync, one folder sync at the end); for `--help`, bare"
        " Python start; for `check`, Python start plus reading the N files; for a warm render, the"
        " marginal cost of writing one more file. `÷ floor` is the figure divided by its floor.",
        "- bytecode: measured with compiled `.pyc` files, as an installed package runs"
        " (the harness unsets PYTHONDONTWRITEBYTECODE and runs compileall first).",
        "- briefs: minimal = 推进会/城市管理 defaults with only the required keys, districts differing"
        " only in `locality.name`; example = `examples/brief.yaml`; rich = `benchmarks/rich.yaml`.",
        "- the machine is shared (2 cores, other agents working): expect ±20 % noise on timings.",
        "",
        markdown_table(h.figures),
        "",
        f"Missed targets: {', '.join(missed) if missed else 'none'}.",
        "",
        *(f"- {n}" for n in h.notes),
        "",
        ANALYSIS_MARKER,
    ]
    RESULTS.write_text("\n".join(lines) + (kept if kept else "\n"), "utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: small N, 1 repetition")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/results.md")
    ap.add_argument("--reps", type=int, help="repetitions for cold-process figures (default 7)")
    ap.add_argument("--only", nargs="*", choices=["cold", "warm", "batch", "scaling", "mine", "check"],
                    help="run only these groups")
    ap.add_argument("--briefs", nargs="*", choices=list(BRIEFS), help="only these briefs")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    started = dt.datetime.now()
    t0 = time.perf_counter()
    # Measure as an installed package runs: with compiled bytecode. PYTHONDONTWRITEBYTECODE
    # (set in some shells and CI) would make every process compile ~25 modules (~70 ms).
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        print("  PYTHONDONTWRITEBYTECODE unset for the measured commands (bytecode as installed)")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], cwd=ROOT,
                   capture_output=True, timeout=300)
    info = machine()
    print("speechgen benchmarks" + (" (quick)" if args.quick else ""))
    for k, v in info.items():
        print(f"  {k}: {v}")
    plan = plan_for(args.quick, args.reps)
    if args.briefs:
        plan.briefs = tuple(args.briefs)
    with tempfile.TemporaryDirectory(prefix="speechgen-bench-") as tmp:
        h = Harness(plan, Path(tmp))
        groups = {"cold": h.help_and_render, "warm": h.warm_render, "batch": h.batch,
                  "scaling": h.scaling, "mine": h.mine, "check": h.check}
        for name, step in groups.items():
            if args.only and name not in args.only:
                continue
            print(f"[{name}]", flush=True)
            step()
    elapsed = time.perf_counter() - t0
    print()
    print(text_table(h.figures))
    for note in h.notes:
        print(f"- {note}")
    print(f"\nharness took {elapsed:.0f} s")
    if not args.no_write:
        write_results(h, info, started, elapsed)
        print(f"wrote {RESULTS}")
    missed = any(f.status == "MISSED" for f in h.figures)
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
