"""内部重复: one idea said twice in one draft (kinds.md rule 4).

Three findings, all from one pass over the draft's clauses (see :mod:`generator.checks.units`):
- a stock image (试金石、绣花功夫、“最后一公里”…) used a second time;
- two clauses in different sections on the same subject (满意度 and 考核 together, or a
  subject such as 街长制 that belongs in one place only, or a subject plus many shared words);
- two near-identical clauses anywhere (character-bigram overlap).
Word lists live in generator/data/repetition.yaml, validated when first used.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import chain
from typing import Any

from generator.checks.model import ERROR, WARNING, Finding
from generator.checks.units import Clause, Reading, related
from generator.errors import TemplateError
from generator.wording import GENERIC_BIGRAMS

CATEGORY = "repetition"
DATA_FILE = "repetition.yaml"
SUBJECT_OVERLAP = 0.3  # Dice of content bigrams for two clauses sharing one subject
NEAR_DUPLICATE = 0.6  # Dice of content bigrams for two clauses on any subject
MIN_BIGRAMS = 6  # shorter clauses (headings like 一是加强领导) are too short to compare
PARALLEL_MAX = 24  # characters: a paragraph's short topic sentence may echo its siblings
PER_DRAFT = 12  # enough to show the pattern; the rest would bury other categories
INDEX_CAP = 48  # clauses kept per bigram or subject: the earliest twin is the one reported
QUOTES = "“”‘’\"'「」"
# Genre lines that repeat by design: the host lists the agenda, then calls each item; the
# recap names the speech just called. The byline is not speech.
EXEMPT_RE = re.compile(r"议程|刚才|出席|参加.{0,4}会议的|大家欢迎|请.{0,20}(?:讲话|发言|通报)"
                       r"|（\d{4}年\d{1,2}月\d{1,2}日）")
# Salutations open and close a speech by design: compare what follows them.
SALUTATION_RE = re.compile(r"^(?:尊敬的)?(?:(?:各位|同志们|女士们|先生们|朋友们)[^，：。！]{0,12}?[、，：！])+")
PHRASE_RE = re.compile(r"[^，：、]+")
STOP_BIGRAMS = GENERIC_BIGRAMS | frozenset(
    "一是 二是 三是 四是 五是 六是 七是 八是 九是 十是 我们 同志 进一 一步 各级 相关 有关 部门 单位 "
    "工作 问题 要求 加大 力度 确保 切实 积极 主动 及时 不断 更加 认真 实现 形成 做到 作为 重要 "
    "群众 居民 社区 街道 全区 全县 全市 全镇 我区 我县 我市".split()
)
CJK = re.compile(r"[\u4e00-\u9fff]+")
CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")  # every two CJK characters in a row, overlapping
CLAUSE_MEMO = 4096  # clause texts remembered: a batch's drafts share most of their clauses
ARRAY_MAX = 512  # clauses up to which _alike counts with numpy (an n × n table)


@dataclass(frozen=True)
class Subject:
    name: str
    words: tuple[str, ...]
    once: bool = False


@dataclass(frozen=True)
class Rules:
    images: dict[str, str]  # each written form → the image's name
    image_re: re.Pattern[str]
    subjects: tuple[Subject, ...]
    subject_re: re.Pattern[str]
    subject_of: dict[str, int]  # word → index into subjects


def _word(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{DATA_FILE} 中 {where} 应当是非空的词，实际是 {value!r}。")
    value = value.strip()
    if not re.fullmatch(r"[\u4e00-\u9fff]+", value):
        raise TemplateError(f"{DATA_FILE} 中 {where}“{value}”只能由汉字组成（引号、空格、标点都不要）。")
    return value


def parse_rules(data: Any) -> Rules:
    """Validate the word lists; a mistake names the file and the item."""
    if not isinstance(data, dict) or set(data) != {"stock_images", "subjects"}:
        raise TemplateError(f"{DATA_FILE} 应当只有两个键：stock_images（套话意象）和 subjects（话题）。")
    images: dict[str, str] = {}
    for i, entry in enumerate(data["stock_images"] or []):
        forms = entry if isinstance(entry, list) else [entry]
        if not forms:
            raise TemplateError(f"{DATA_FILE} 中 stock_images 第{i + 1}项是空列表。")
        words = [_word(f, f"stock_images 第{i + 1}项") for f in forms]
        for w in words:
            if w in images:
                raise TemplateError(f"{DATA_FILE} 中 stock_images 的“{w}”重复出现。")
            images[w] = words[0]
    subjects: list[Subject] = []
    subject_of: dict[str, int] = {}
    for i, entry in enumerate(data["subjects"] or []):
        where = f"subjects 第{i + 1}项"
        if not isinstance(entry, dict) or not {"name", "words"} <= set(entry) \
                or not set(entry) <= {"name", "words", "once"}:
            raise TemplateError(f"{DATA_FILE} 中 {where} 应写成 {{name: 话题, words: [说法…], once: true/false}}。")
        if not isinstance(entry["words"], list) or not entry["words"]:
            raise TemplateError(f"{DATA_FILE} 中 {where} 的 words 应当是非空列表。")
        if not isinstance(entry.get("once", False), bool):
            raise TemplateError(f"{DATA_FILE} 中 {where} 的 once 只能是 true 或 false。")
        subject = Subject(_word(entry["name"], where),
                          tuple(_word(w, f"{where} 的 words") for w in entry["words"]),
                          entry.get("once", False))
        for w in subject.words:
            if w in subject_of:
                raise TemplateError(f"{DATA_FILE} 中话题用词“{w}”重复出现。")
            subject_of[w] = len(subjects)
        subjects.append(subject)
    if not images or not subjects:
        raise TemplateError(f"{DATA_FILE} 中 stock_images 和 subjects 都不能为空。")
    quote = f"[{QUOTES}]?"
    image_re = re.compile("|".join(
        quote.join(map(re.escape, form)) for form in sorted(images, key=len, reverse=True)))
    subject_re = re.compile("|".join(map(re.escape, sorted(subject_of, key=len, reverse=True))))
    return Rules(images, image_re, tuple(subjects), subject_re, subject_of)


@cache
def rules() -> Rules:
    from generator.yamlload import (  # the shared safe loader
        MAX_DATA_BYTES,
        MAX_DATA_NODES,
        load_yaml_text,
    )

    text = resources.files("generator.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = load_yaml_text(text, DATA_FILE, error=TemplateError, max_bytes=MAX_DATA_BYTES,
                          max_nodes=MAX_DATA_NODES, fast=True).data
    return parse_rules(data)


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams inside runs of CJK characters, less the stop bigrams."""
    return frozenset(set(CJK_PAIR.findall(text)) - STOP_BIGRAMS)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def excerpt(clause: Clause, limit: int = 36) -> str:
    text = clause.text
    return text if len(text) <= limit else text[:limit] + "…"


def check_repetition(reading: Reading) -> list[Finding]:
    r = rules()
    findings = _images(reading, r) + _same_idea(reading, r)
    findings.sort(key=lambda f: f.line)
    return findings[:PER_DRAFT]


def _images(reading: Reading, r: Rules) -> list[Finding]:
    first: dict[str, int] = {}
    findings: list[Finding] = []
    for m in r.image_re.finditer(reading.text):
        name = r.images[m.group(0).translate({ord(q): None for q in QUOTES})]
        if name not in first:
            first[name] = m.start()
            continue
        findings.append(Finding(
            "", reading.line(m.start()), CATEGORY, WARNING, _around(reading.text, m.start(), m.end()),
            f"“{name}”前文已经用过，同一意象一篇只用一次，请换个说法或删去",
        ))
    return findings


def _around(text: str, start: int, end: int, pad: int = 10) -> str:
    a = max(0, max(text.rfind(ch, 0, start) for ch in "。！？；\n") + 1, start - pad)
    stops = [i for i in (text.find(ch, end) for ch in "。！？；\n") if i >= 0]
    b = min([len(text), end + pad, *stops])
    return text[a:b].strip("#* ")


ClauseFacts = tuple[str, bool, frozenset[str], frozenset[int], frozenset[frozenset[int]]]
_memo: dict[str, ClauseFacts] = {}
_memo_rules: list[Rules] = []


def clause_facts(raw: str, r: Rules) -> ClauseFacts:
    """What :func:`_same_idea` reads of one clause: its text without the salutation, whether
    it takes part (not genre text that repeats by design), its bigrams, subjects and subject
    pairs. Remembered by text: 3,000 drafts of one batch share all but a few thousand clauses.
    """
    if not _memo_rules or _memo_rules[0] is not r:
        _memo.clear()
        _memo_rules[:] = [r]
    got = _memo.get(raw)
    if got is None:
        text = SALUTATION_RE.sub("", raw)
        keep = len(text) > 1 and not EXEMPT_RE.search(text)
        topics = frozenset(r.subject_of[w] for w in r.subject_re.findall(text)) if keep else frozenset()
        # a phrase names only subjects the clause names: one subject makes no pair
        pairs = _phrase_pairs(text, r) if len(topics) > 1 else frozenset()
        got = (text, keep, bigrams(text) if keep else frozenset(), topics, pairs)
        if len(_memo) >= CLAUSE_MEMO:
            del _memo[next(iter(_memo))]  # the oldest
        _memo[raw] = got
    return got


def _same_idea(reading: Reading, r: Rules) -> list[Finding]:
    """Pairs of clauses on one idea; each later clause is reported once, against its first twin.

    Candidates come from inverted indexes (bigram → clauses, subject → clauses) whose lists
    are capped, so a hostile draft of thousands of alike clauses stays linear.
    """
    clauses = []
    grams: list[frozenset[str]] = []
    topics: list[frozenset[int]] = []
    pairs: list[frozenset[frozenset[int]]] = []
    title_line = reading.title_line
    for c in reading.clauses:
        text, keep, g, t, p = clause_facts(c.text, r)
        if keep and c.para != title_line:
            clauses.append(c if text == c.text else replace(c, text=text))
            grams.append(g)
            topics.append(t)
            pairs.append(p)
    from_brief = _brief_clauses(clauses, reading)
    alike = _alike(grams)
    by_topic: dict[int, list[int]] = {}
    by_text: dict[str, int] = {}
    findings: list[Finding] = []
    for j, clause in enumerate(clauses):
        key = clause.text.rstrip("。！？；")
        first = by_text.setdefault(key, j) if len(grams[j]) >= 3 else j
        candidates: set[int] = {first} if first != j else set()
        for t in topics[j]:
            candidates.update(by_topic.get(t, ()))
        candidates.update(alike[j])
        if from_brief[j]:
            candidates -= {i for i in candidates if from_brief[i]}  # the brief's own words, twice
        hit = _first_twin(j, sorted(candidates), clauses, grams, topics, pairs, from_brief, r) \
            if candidates else None
        if hit is not None:
            i, why, severity = hit
            findings.append(Finding(
                "", clause.para + 1, CATEGORY, severity, excerpt(clause),
                f"与前文“{excerpt(clauses[i], 24)}”{why}，一个意思一篇只说一次，请删去或合并",
            ))
        for t in topics[j]:
            posted = by_topic.setdefault(t, [])
            if len(posted) < INDEX_CAP:
                posted.append(j)
    return findings


def _alike(grams: list[frozenset[str]]) -> list[list[int]]:
    """For each clause j (of at least MIN_BIGRAMS bigrams), the earlier such clauses i that
    share at least NEAR_DUPLICATE·|j|/2 of j's bigrams, counting only the bigrams under
    which i is indexed: the first INDEX_CAP clauses having a bigram are indexed under it."""
    np = sys.modules.get("numpy")
    eligible = sum(1 for g in grams if len(g) >= MIN_BIGRAMS)
    if np is not None and 2 <= eligible <= ARRAY_MAX:
        return _alike_arrays(grams, np)
    # A bigram of one clause only never makes two clauses share: while no posting list
    # can reach INDEX_CAP, leaving such bigrams out of the index changes no count.
    freq = Counter(chain.from_iterable(g for g in grams if len(g) >= MIN_BIGRAMS))
    shared_only = {g for g, n in freq.items() if n > 1} \
        if freq and max(freq.values()) <= INDEX_CAP else None
    by_gram: dict[str, list[int]] = {}
    out: list[list[int]] = []
    for j, mine in enumerate(grams):
        keys = (mine if shared_only is None else mine & shared_only) \
            if len(mine) >= MIN_BIGRAMS else ()
        lists = [by_gram[g] for g in keys if g in by_gram]
        if lists:
            need = NEAR_DUPLICATE * len(mine) / 2
            out.append([i for i, n in Counter(chain.from_iterable(lists)).items() if n >= need])
        else:
            out.append([])
        for g in keys:
            posted = by_gram.setdefault(g, [])
            if len(posted) < INDEX_CAP:
                posted.append(j)
    return out


_gram_number: dict[str, int] = {}
_gram_numbers: dict[frozenset[str], Any] = {}


def _numbers(grams: frozenset[str], np: Any) -> Any:
    """The clause's bigrams as a sorted array of numbers (remembered with the clause)."""
    got = _gram_numbers.get(grams)
    if got is None:
        if len(_gram_number) > 4 * CLAUSE_MEMO * 16 or len(_gram_numbers) >= CLAUSE_MEMO:
            _gram_number.clear()  # numbers need only agree within one draft: start afresh
            _gram_numbers.clear()
        number = _gram_number.setdefault
        got = np.array(sorted(number(g, len(_gram_number)) for g in grams), dtype=np.int64)
        _gram_numbers[grams] = got
    return got


def _alike_arrays(grams: list[frozenset[str]], np: Any) -> list[list[int]]:
    """:func:`_alike` with numpy, loaded anyway in a batch: every (later, earlier indexed)
    pair of clauses sharing a bigram is listed at once and counted with bincount."""
    rows = [k for k, g in enumerate(grams) if len(g) >= MIN_BIGRAMS]
    arrays = [_numbers(grams[k], np) for k in rows]
    sizes = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    number = np.concatenate(arrays)
    row = np.repeat(np.arange(len(rows)), sizes)
    order = np.argsort(number, kind="stable")  # by bigram, each bigram's clauses in order
    number, row = number[order], row[order]
    fresh = np.empty(len(number), dtype=bool)
    fresh[0] = True
    np.not_equal(number[1:], number[:-1], out=fresh[1:])
    starts = np.flatnonzero(fresh)
    group = np.cumsum(fresh) - 1
    rank = np.arange(len(number)) - starts[group]  # earlier clauses with the same bigram
    indexed = np.minimum(rank, INDEX_CAP)  # of which the first INDEX_CAP are indexed
    out: list[list[int]] = [[] for _ in grams]
    total = int(indexed.sum())
    if not total:
        return out
    entry = np.repeat(np.arange(len(number)), indexed)
    k = np.arange(total) - np.repeat(np.cumsum(indexed) - indexed, indexed)
    earlier = row[starts[group[entry]] + k]
    later = row[entry]
    n = len(rows)
    shared = np.bincount(later * n + earlier, minlength=n * n).reshape(n, n)
    need = NEAR_DUPLICATE * sizes / 2
    for j, i in zip(*(x.tolist() for x in np.nonzero(shared >= need[:, None])), strict=True):
        out[rows[j]].append(rows[i])
    return out


def _brief_clauses(clauses: list[Clause], reading: Reading) -> list[bool]:
    """Which clauses carry a brief item's own words (not the draft's to reword)."""
    brief = reading.facts.brief
    if brief is None:
        return [False] * len(clauses)
    from generator.checks.coverage import norm

    items = [a.title for a in brief.achievements] + [a.detail for a in brief.achievements]
    items += [p.title for p in brief.problems] + [p.detail for p in brief.problems]
    for m in brief.measures:
        items += [m.title, *m.points]
    items += [t.text for t in brief.targets]
    keys = [k for k in (norm(i) for i in items if i) if len(k) >= 4]
    flat = [norm(c.text) for c in clauses]
    return [any(k in f for k in keys) for f in flat]


def _phrase_pairs(text: str, r: Rules) -> frozenset[frozenset[int]]:
    """Pairs of subjects named in one phrase (满意度纳入考核): a narrower idea than either."""
    out: set[frozenset[int]] = set()
    for phrase in PHRASE_RE.findall(text):
        found = sorted({r.subject_of[w] for w in r.subject_re.findall(phrase)})
        out.update(frozenset((x, y)) for k, x in enumerate(found) for y in found[k + 1:])
    return frozenset(out)


def _first_twin(j: int, candidates: list[int], clauses: list[Clause], grams: list[frozenset[str]],
                topics: list[frozenset[int]], pairs: list[frozenset[frozenset[int]]],
                from_brief: list[bool], r: Rules) -> tuple[int, str, str] | None:
    """The first earlier clause that says what clause j says, with why and how severe.

    Near-identical wording counts anywhere; a shared subject only between two clauses the
    draft wrote itself: genre text on a brief item's subject (a measure against the brief's
    problem 扬尘管控不够到位) is how the brief gets elaborated, not a repeat.
    """
    for i in candidates:
        a, b = clauses[i], clauses[j]
        if a.text.rstrip("。！？；") == b.text.rstrip("。！？；") and len(grams[j]) >= 3:
            return i, "完全相同", ERROR
        both = len(grams[i]) >= MIN_BIGRAMS and len(grams[j]) >= MIN_BIGRAMS
        # 一要与全域文明创建相结合 / 三要与全域生态文明创建相结合: short parallel leads, by design
        parallel = a.lead and b.lead and max(len(a.text), len(b.text)) <= PARALLEL_MAX
        own_heading = related(a, b) and (a.heading or b.heading)
        if both and not parallel and not own_heading and dice(grams[i], grams[j]) >= NEAR_DUPLICATE:
            return i, "几乎相同", WARNING
        if related(a, b) or from_brief[i] or from_brief[j]:
            continue  # a heading and its own points elaborate one subject: not repetition
        common = topics[i] & topics[j]
        if not common:
            continue
        names = "、".join(r.subjects[t].name for t in sorted(common))
        shared_pairs = pairs[i] & pairs[j]
        if shared_pairs:
            pair = sorted(next(iter(shared_pairs)))
            return i, f"都讲“{r.subjects[pair[0]].name}”和“{r.subjects[pair[1]].name}”", WARNING
        only = [r.subjects[t] for t in common if r.subjects[t].once]
        if only:
            return i, f"都讲“{only[0].name}”", WARNING
        if (both or (a.heading and b.heading)) and dice(grams[i], grams[j]) >= SUBJECT_OVERLAP:
            return i, f"都讲“{names}”，说法也相近", WARNING
    return None
