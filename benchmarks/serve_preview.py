"""Benchmark for ``speechgen serve`` (issue 14).

Usage::

    python benchmarks/serve_preview.py            # prints a Markdown table
    python benchmarks/serve_preview.py --quick    # fewer repetitions

Measures:

* server-side preview latency for a 15-minute brief (target ≤ 50 ms): the
  POST /api/preview round trip through Starlette's in-process TestClient
  (JSON parse, Host/Origin/CSRF guard, validation, render, HTML), warm, median
  and 95th percentile; and the same work without HTTP (validate + render + HTML);
* that ``--help`` and a cold ``render`` did not get slower: cold processes of
  this checkout against a baseline checkout (``--baseline DIR``, default
  /work/main when present), run alternately with the same interpreter, plus a
  probe that neither command imports starlette, uvicorn, multipart or generator.web.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BRIEF = {  # the README example, at 15 minutes
    "kind": "推进会", "topic": "文明城市创建",
    "locality": {"name": "福海区", "level": "区", "parent": "滨海市"},
    "meeting": {"title": "全区创建全国文明城市工作推进会", "date": "2026-05-08"},
    "speaker": {"title": "区委书记"},
    "prior_speakers": [{"name": "陈立", "role": "区委常委、宣传部部长", "did": "通报了前一阶段创建工作情况"}],
    "achievements": [{"title": "组织推进有力", "detail": "建立了区、街道、社区三级联动的责任机制"},
                     {"title": "环境面貌改善",
                      "figures": [{"label": "清运垃圾", "value": "41500", "unit": "吨"},
                                  {"label": "交办问题整改率", "value": "97", "unit": "%", "baseline": "89"}]}],
    "problems": [{"title": "发展不够平衡", "detail": "部分片区推进缓慢，存在应付心理"}],
    "measures": [{"title": "突出专项整治", "points": ["集中整治占道经营", "规范农贸市场秩序"], "owner": "区城管局"}],
    "deadline": "2026-07-10", "length": "15",
}
WEB_MODULES = ("starlette", "uvicorn", "multipart", "generator.web")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def preview_latency(n: int) -> dict[str, float]:
    from starlette.testclient import TestClient

    from generator.web import create_app

    app = create_app()
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)[1]
    headers = {"X-CSRF-Token": token, "Origin": "http://127.0.0.1:8765"}
    body = {"brief": BRIEF}
    first = time.perf_counter()
    r = client.post("/api/preview", json=body, headers=headers)
    first = time.perf_counter() - first
    assert r.status_code == 200, r.text
    chars = r.json()["chars"]
    rounds = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.post("/api/preview", json=body, headers=headers)
        rounds.append(time.perf_counter() - t)
        assert r.status_code == 200

    from generator.web import forms

    site = app.site
    work = []
    for _ in range(n):
        t = time.perf_counter()
        brief = forms.validate(BRIEF, site.kinds(), site.topics())
        draft = site.renderer.render(brief)
        site.env.get_template("_draft.html").render(draft=draft)
        work.append(time.perf_counter() - t)
    return {"first": first, "median": statistics.median(rounds), "p95": percentile(rounds, 0.95),
            "work_median": statistics.median(work), "chars": chars, "n": n}


def cold(checkout: Path, args: list[str], reps: int) -> list[float]:
    times = []
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    for _ in range(reps):
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "generator", *args], cwd=checkout, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        assert p.returncode == 0, (checkout, args)
    return times


def imported(args: list[str]) -> list[str]:
    code = ("import runpy, sys, json\n"
            f"sys.argv = ['speechgen', *{args!r}]\n"
            "try:\n    runpy.run_module('generator', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            f"print(json.dumps(sorted(m for m in {WEB_MODULES!r} if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--baseline", type=Path, default=Path("/work/main"))
    opts = parser.parse_args()
    n, reps = (30, 4) if opts.quick else (200, 16)

    lat = preview_latency(n)
    brief = str(ROOT / "examples" / "brief.yaml")
    commands = {"`speechgen --help`": ["--help"], "`speechgen render examples/brief.yaml` (md)": ["render", brief]}
    rows = [
        ("preview, POST /api/preview round trip (TestClient), warm median",
         f"{lat['median'] * 1000:.1f} ms", "≤ 50 ms", "met" if lat["median"] <= 0.05 else "missed",
         f"n={lat['n']}, p95 {lat['p95'] * 1000:.1f} ms, first call {lat['first'] * 1000:.0f} ms, draft {lat['chars']} 字"),
        ("preview work without HTTP (validate + render + HTML), median",
         f"{lat['work_median'] * 1000:.1f} ms", "—", "", f"n={lat['n']}"),
    ]
    baseline = opts.baseline if (opts.baseline / "generator" / "cli.py").exists() and \
        opts.baseline.resolve() != ROOT else None
    for label, args in commands.items():
        mine, base = [], []
        for i in range(reps):  # alternate (ABBA), so load on the shared machine hits both alike
            if baseline and i % 2:
                base += cold(baseline, args, 1)
            mine += cold(ROOT, args, 1)
            if baseline and not i % 2:
                base += cold(baseline, args, 1)
        detail = f"n={reps}, min {min(mine):.3f} s"
        if baseline:
            # judged on the fastest run of each: the intrinsic cost, least disturbed by other load
            ratio = min(mine) / min(base)
            detail += (f"; baseline {baseline}: median {statistics.median(base):.3f} s, "
                       f"min {min(base):.3f} s (min ×{ratio:.2f})")
        web = imported(args)
        detail += f"; web modules imported: {', '.join(web) or 'none'}"
        rows.append((f"{label}, cold process", f"{statistics.median(mine):.3f} s", "unchanged",
                     "met" if not web and (not baseline or ratio <= 1.10) else "missed", detail))
    print("| figure | value | target | status | detail |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
