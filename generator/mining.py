"""``speechgen mine``: what recurs across the corpus — section roles, skeletons, stock phrases.

Each speech is cut into top-level sections and labelled by :mod:`generator.segment`
(re-exported here: :func:`segment`, :func:`label_section`, :class:`Section`). This
module aggregates:

* ``skeletons`` — per kind, the typical order of roles. Method: for every speech take
  its role sequence without ``other``; keep the roles present in at least 40 % of that
  kind's speeches (not half: the corpus is small and several sources are truncated —
  003-02 and 003-10 stop before their closing, 004 after two of its sections — so
  presence is undercounted; with 1/2 the 推进会 skeleton loses 肯定成绩, carried by 4
  of 9 speeches); order them by the median relative position (start offset / body
  length) of their first occurrence, ties by the canonical role order. With a dozen
  speeches the exact modal sequence is usually shared by only one or two of them, so
  the median order is the stable summary; the modal sequence itself is reported next to
  it (``kinds.<kind>.modal_sequence``).

  On the 推进会 corpus this yields opening → achievements → problems → measures →
  leadership → closing. A frequent variant (开场后直接“认清形势”, no 成绩 section) is
  visible in ``kinds.推进会.sequences``.
* ``role_frequency`` — per role, how many speeches contain it and the share.
* ``phrases`` — per role, recurring stock expressions: four-character clauses standing
  between punctuation (四字格 such as 狠抓落实、齐抓共管 — four-character jieba words
  were tried and dropped: they are mostly nouns like 基础设施) and sentence openers
  (要坚持, 要进一步, 必须…, jieba's first two words of a clause), kept when at least
  two speeches use them.
* per-section ``keywords`` — TF-IDF over the corpus's own sections (jieba tokens).
  ``jieba.analyse`` is not used: importing it costs ~0.9 s (it loads a 6 MB IDF table
  and the POS tagger), which would break the 2 s budget; corpus IDF fits the genre
  better anyway.

Output is deterministic: sorted paths, ties broken by text/role order.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.errors import CorpusError
from generator.roles import ROLE_CUES, ROLE_NAMES, ROLES, label_section, tokens
from generator.segment import Section, segment
from generator.speechfile import iter_speech_paths, read_speech

__all__ = [
    "ROLES", "ROLE_NAMES", "ROLE_CUES", "Section", "segment", "label_section", "SpeechRecord",
    "MiningReport", "mine", "mine_command", "infer_kind", "render_table",
]

TOP_PHRASES = 15
CORE_SHARE = 0.4  # a role is part of a kind's skeleton when this share of its speeches has it
TOP_KEYWORDS = 5
KIND_RULES = (  # first match wins; used only when a file has no ``kind`` in its front matter
    (r"主持", "主持词"),
    (r"推进会|推进会议|点评会|调度会|现场会|观摩会|讲评会", "推进会"),
    (r"动员|部署|誓师|启动会|启动大会|启动仪式", "动员部署会"),
    (r"座谈|发言|交流", "座谈发言"),
    (r"工作会|会议", "工作会议"),
)
OPENER_HEADS = {"要", "必须", "务必", "切实", "始终", "更加", "进一步", "坚决", "着力", "全力"}
STOPWORDS = {
    "我们", "工作", "进一步", "一个", "一些", "这个", "没有", "就是", "还是", "以及", "同时", "通过",
    "进行", "加强", "推进", "要求", "开展", "各级", "部门", "全面", "各项", "全县", "全市", "全区",
    "这些", "他们", "大家", "已经", "问题", "城市", "社区", "治理",
}
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
CLAUSE_RE = re.compile(r"[^，,。！？!?；;：:、“”\"‘’（）()《》\s]+")


def infer_kind(title: str) -> str:
    """Kind from a title or first line (for plain .txt files); ``other`` if nothing fits."""
    for pattern, kind in KIND_RULES:
        if re.search(pattern, title):
            return kind
    return "other"


@dataclass
class SpeechRecord:
    path: str
    title: str
    kind: str
    sections: list[Section]
    length: int
    keywords: list[list[str]] = field(default_factory=list)  # per section

    def roles(self) -> list[str]:
        """Role sequence without ``other`` and without immediate repeats."""
        out: list[str] = []
        for s in self.sections:
            if s.role != "other" and (not out or out[-1] != s.role):
                out.append(s.role)
        return out

    def to_dict(self) -> dict:
        secs = []
        for i, s in enumerate(self.sections):
            d = s.to_dict()
            if self.keywords:
                d["keywords"] = self.keywords[i]
            secs.append(d)
        return {"path": self.path, "title": self.title, "kind": self.kind, "sections": secs}


@dataclass
class MiningReport:
    speeches: list[SpeechRecord]
    skeletons: dict[str, list[str]]
    kinds: dict[str, dict]
    role_frequency: dict[str, dict]
    phrases: dict[str, list[dict]]

    def to_dict(self) -> dict:
        return {
            "speeches": [s.to_dict() for s in self.speeches],
            "skeletons": self.skeletons,
            "skeleton_method": "各类讲话中出现于至少40%篇目的角色，按首次出现的相对位置中位数排序",
            "kinds": self.kinds,
            "role_frequency": self.role_frequency,
            "phrases": self.phrases,
        }


def display_path(p: Path) -> str:
    """Path relative to the working directory when possible, POSIX style (stable output)."""
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def read_record(path: Path) -> SpeechRecord:
    sf = read_speech(path)
    body = sf.body
    title = str(sf.meta.get("title") or "")
    if not title:
        first = next((ln.strip() for ln in body.split("\n") if ln.strip()), "")
        title = first[:40] if len(first) <= 40 else path.stem
    kind = str(sf.meta.get("kind") or infer_kind(title + body[:60]))
    sections = segment(body, sf.body_line)
    return SpeechRecord(display_path(path), title, kind, sections, max(len(body.strip()), 1))


def skeleton_for(records: list[SpeechRecord]) -> tuple[list[str], dict]:
    """Typical role order for one kind (see module docstring) plus the supporting detail."""
    positions: dict[str, list[float]] = defaultdict(list)
    for r in records:
        seen: set[str] = set()
        base = r.sections[0].start if r.sections else 0
        span = max(r.sections[-1].start + r.sections[-1].chars - base, 1) if r.sections else 1
        for s in r.sections:
            if s.role != "other" and s.role not in seen:
                seen.add(s.role)
                positions[s.role].append((s.start - base) / span)
    need = math.ceil(len(records) * CORE_SHARE)
    core = [role for role in ROLES if len(positions[role]) >= need]
    core.sort(key=lambda role: (statistics.median(positions[role]), ROLES.index(role)))
    seqs = Counter(tuple(r.roles()) for r in records)
    ranked = sorted(seqs.items(), key=lambda kv: (-kv[1], kv[0]))
    detail = {
        "speeches": len(records),
        "modal_sequence": list(ranked[0][0]) if ranked else [],
        "modal_count": ranked[0][1] if ranked else 0,
        "sequences": [{"roles": list(k), "count": v} for k, v in ranked],
        "median_position": {role: round(statistics.median(positions[role]), 3) for role in core},
    }
    return core, detail


def phrase_candidates(text: str) -> list[str]:
    """Stock four-character expressions and sentence openers found in one section."""
    found: list[str] = []
    for clause in CLAUSE_RE.findall(text):
        if len(clause) == 4 and CJK.match(clause):
            found.append(clause)
        toks = tokens(clause)
        if len(toks) >= 2 and toks[0] in OPENER_HEADS and CJK.match(toks[1]) and len(toks[1]) >= 2:
            found.append(toks[0] + toks[1])
    return found


def collect_phrases(records: list[SpeechRecord]) -> dict[str, list[dict]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    where: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for i, r in enumerate(records):
        for s in r.sections:
            for ph in phrase_candidates(s.text):
                counts[s.role][ph] += 1
                where[s.role][ph].add(i)
    out: dict[str, list[dict]] = {}
    for role in ROLES:
        rows = [(len(where[role][ph]), n, ph) for ph, n in counts[role].items() if len(where[role][ph]) >= 2]
        rows.sort(key=lambda x: (-x[0], -x[1], x[2]))
        if rows:
            out[role] = [{"text": ph, "count": n, "speeches": k} for k, n, ph in rows[:TOP_PHRASES]]
    return out


def add_keywords(records: list[SpeechRecord]) -> None:
    """Top TF-IDF words per section, IDF over all sections of the corpus."""
    docs = [[t for t in tokens(s.text) if len(t) >= 2 and CJK.match(t) and t not in STOPWORDS]
            for r in records for s in r.sections]
    df = Counter(t for d in docs for t in set(d))
    n = max(len(docs), 1)
    it = iter(docs)
    for r in records:
        r.keywords = []
        for _ in r.sections:
            tf = Counter(next(it))
            scored = sorted(tf.items(), key=lambda kv: (-kv[1] * math.log((n + 1) / (df[kv[0]] + 0.5)), kv[0]))
            r.keywords.append([w for w, _ in scored[:TOP_KEYWORDS]])


def mine(paths: list[Path]) -> MiningReport:
    """Segment and label every speech under ``paths`` and aggregate what recurs."""
    files = sorted(iter_speech_paths(list(paths)), key=lambda p: p.as_posix())
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CorpusError("找不到语料：" + "、".join(str(p) for p in missing))
    if not files:
        raise CorpusError("没有找到讲话稿（.md/.txt）：" + "、".join(str(p) for p in paths))
    records = [read_record(p) for p in files]
    add_keywords(records)
    by_kind: dict[str, list[SpeechRecord]] = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    skeletons: dict[str, list[str]] = {}
    kinds: dict[str, dict] = {}
    for kind in sorted(by_kind):
        skeletons[kind], kinds[kind] = skeleton_for(by_kind[kind])
    total = len(records)
    freq = {}
    for role in ROLES:
        k = sum(1 for r in records if any(s.role == role for s in r.sections))
        freq[role] = {"speeches": k, "share": round(k / total, 3)}
    return MiningReport(records, skeletons, kinds, freq, collect_phrases(records))


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: str, n: int) -> str:
    return s + " " * max(n - width(s), 0)


def clip(s: str, n: int) -> str:
    out = ""
    for c in s:
        if width(out + c) > n - 1:
            return out + "…"
        out += c
    return out


def render_table(report: MiningReport) -> str:
    """Readable plain-text report with Chinese column heads."""
    lines: list[str] = []
    for sp in report.speeches:
        lines.append(f"【{sp.title}】 {sp.kind}  {sp.path}")
        lines.append("  " + pad("序号", 6) + pad("角色", 12) + pad("位置", 10) + pad("字数", 8) + "小标题 / 说明")
        for i, s in enumerate(sp.sections, 1):
            where = f"{s.line}:{s.col}"
            extra = s.heading or "（无小标题）"
            if s.combined:
                extra += f"  ［兼含：{'、'.join(ROLE_NAMES[r] for r in s.combined)}］"
            lines.append("  " + pad(str(i), 6) + pad(ROLE_NAMES[s.role], 12) + pad(where, 10)
                         + pad(str(s.chars), 8) + clip(extra, 60))
        lines.append("")
    lines.append("== 各类讲话的常见结构（骨架） ==")
    for kind, roles in report.skeletons.items():
        n = report.kinds[kind]["speeches"]
        lines.append(f"  {pad(kind, 12)}（{n} 篇）" + " → ".join(ROLE_NAMES[r] for r in roles))
    lines.append("")
    lines.append("== 角色出现频率 ==")
    for role, f in report.role_frequency.items():
        if f["speeches"]:
            lines.append(f"  {pad(ROLE_NAMES[role], 12)}{f['speeches']:>3} 篇  {f['share'] * 100:5.1f}%")
    lines.append("")
    lines.append("== 常用语（至少两篇出现） ==")
    for role, rows in report.phrases.items():
        shown = "、".join(f"{r['text']}({r['speeches']}篇/{r['count']}次)" for r in rows[:8])
        lines.append(f"  {pad(ROLE_NAMES[role], 12)}{shown}")
    return "\n".join(lines) + "\n"


def report_yaml(report: MiningReport) -> str:
    return yaml.safe_dump(report.to_dict(), allow_unicode=True, sort_keys=False, width=1000)


def mine_command(paths: list[Path], as_json: bool, out: Path | None, force: bool = False) -> None:
    """CLI body: table by default, JSON with ``--json``, YAML file with ``-o``."""
    from generator.writers.output import atomic_write, check_target

    if out is not None:
        check_target(out, force, paths)
    report = mine(paths)
    if out is not None:
        atomic_write(out, report_yaml(report).encode("utf-8"), force=force, inputs=paths)
        print(f"已写入 {out}（{len(report.speeches)} 篇）", file=sys.stderr)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif out is None:
        sys.stdout.write(render_table(report))
