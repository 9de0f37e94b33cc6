"""Brief → template context → markup → Draft. No file I/O beyond reading templates.

The length target (``length`` minutes at 170 characters a minute) is met by a
single scale factor that sets how many points and sentences each section
takes from the topic pack; we re-render with a fresh ``Random(seed)`` a few
times and keep the closest draft, so output stays deterministic.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError

from generator.brief import Brief, load_brief
from generator.draft import Draft, parse_markup
from generator.environment import cached_env, describe_template_error
from generator.errors import TemplateError
from generator.formulations import DIRECTIVE_KINDS, formulation_context, load_bank
from generator.packs import TemplateDirs, load_pack, load_phrases, make_substitute
from generator.variation import Variation
from generator.wording import (
    cn_date,
    countdown,
    figure_text,
    fullwidth,
    level_words,
    month_day,
    parent_leadership,
    tidy,
    topic_bigrams,
)

CHARS_PER_MINUTE = 170
TOLERANCE = 0.15
CHARS_PER_SCALE = 1100
STOP = 0.10  # accept a render this close to the target (inside TOLERANCE, with room to spare)


@dataclass(frozen=True)
class Budget:
    """How much topic-pack material each section takes, from one scale factor."""

    scale: float

    def count(self, base: float, low: int, high: int) -> int:
        return max(low, min(high, round(base * self.scale)))

    def as_dict(self) -> dict[str, Any]:
        situation = self.count(1.5, 1, 12)
        return {
            "situation": situation,
            "significance": (situation + 2) // 3,
            "urgency": (situation + 1) // 3,
            "mindset": situation // 3,
            "achievements": self.count(2, 1, 10),
            "problems": self.count(3, 1, 10),
            "measures": self.count(2.5, 1, 16),
            "points": self.count(3, 2, 8),
            "leadership": self.count(2.5, 1, 10),
            "host": self.count(3, 2, 10),
            "host_extra": self.count(2.5, 0, 30),  # supporting sentences shared out over the 一要… items
            "closing": self.count(1, 1, 3),
            "rich": self.scale >= 1.4,
            "richer": self.scale >= 2.5,
        }


def _deep_substitute(value: Any, substitute) -> Any:
    if isinstance(value, str):
        return substitute(value)
    if isinstance(value, list):
        return [_deep_substitute(v, substitute) for v in value]
    if isinstance(value, dict):
        return {k: _deep_substitute(v, substitute) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=256)
def _pack_for(dirs: TemplateDirs, topic: str, words: tuple[tuple[str, str], ...]) -> dict:
    pack = load_pack(dirs, topic)
    return _deep_substitute(pack, make_substitute(dict(words)))


def _brief_topics(brief_measures: list[dict]) -> frozenset[str]:
    """What the brief's own measures (titles and points) are about."""
    taken: set[str] = set()
    for item in brief_measures:
        taken |= topic_bigrams(item["title"] + "。".join(item["points"]))
    return frozenset(taken)


@functools.lru_cache(maxsize=1024)
def _ordered_items(dirs: TemplateDirs, topic: str, words: tuple[tuple[str, str], ...], which: str,
                   meeting_title: str, taken: frozenset[str]) -> tuple[tuple[Any, ...], int]:
    """A pack list for this meeting: items restating the brief's measures dropped, items on
    the meeting's subject first. Cached: a batch asks the same question for every district."""
    items = _pack_for(dirs, topic, words)[which]
    if taken:
        items = [m for m in items if not (topic_bigrams(str(m.get("title", ""))) & taken)]
    ordered, preferred = _by_relevance(items, meeting_title)
    return tuple(ordered), preferred


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        return "".join(_item_text(v) for v in item.values())
    if isinstance(item, list):
        return "".join(_item_text(v) for v in item)
    return str(item)


def _by_relevance(items: list[Any], meeting_title: str) -> tuple[list[Any], int]:
    """Items that speak to the meeting's own subject first (大气 in 大气污染防治攻坚会).

    A meeting-title bigram counts when it is distinctive inside the pack (found in
    at most a third of the items); returns the reordered list and how many lead it.
    """
    if not items:
        return items, 0
    texts = [_item_text(i) for i in items]
    wanted = {g for g in topic_bigrams(meeting_title)
              if 0 < sum(g in t for t in texts) <= max(1, len(texts) // 3)}
    if not wanted:
        return items, 0
    relevant = [i for i, t in zip(items, texts, strict=True) if any(g in t for g in wanted)]
    others = [i for i, t in zip(items, texts, strict=True) if not any(g in t for g in wanted)]
    return relevant + others, len(relevant)


def _fw(text: str) -> str:
    return fullwidth(text) if text else ""


def brief_context(brief: Brief) -> dict[str, Any]:
    """The facts of the brief, worded: dates, figures, level words. Nothing invented."""
    loc, meeting = brief.locality, brief.meeting
    words = level_words(loc.level, loc.name)
    parent_lead = parent_leadership(loc.parent) if loc.parent else ""
    achievements = []
    for a in brief.achievements:
        figures = [figure_text(_fw(f.label), f.value, f.unit, f.baseline, f.baseline_label)
                   for f in a.figures]
        achievements.append({"title": _fw(a.title), "detail": _fw(a.detail),
                             "figures": "，".join(figures)})
    def when(day) -> str:
        return "" if day is None else (month_day(day) if day.year == meeting.date.year else cn_date(day))

    measures = [{
        "title": _fw(m.title), "points": [_fw(p) for p in m.points], "owner": _fw(m.owner),
        "deadline": when(m.deadline),
    } for m in brief.measures]
    targets = [{"text": _fw(t.text), "deadline": when(t.deadline),
                "full": f"{when(t.deadline)}前{_fw(t.text)}" if t.deadline else _fw(t.text)}
               for t in brief.targets]
    return {
        "kind": brief.kind,
        "topic": brief.topic,
        "place": _fw(loc.name),
        "level": loc.level,
        "L": words,
        "parent": _fw(loc.parent),
        "parent_lead": f"{_fw(loc.parent)}{parent_lead[1:]}" if parent_lead and loc.parent.endswith(parent_lead[0]) else parent_lead,
        "meeting": {
            "title": _fw(meeting.title), "date": cn_date(meeting.date),
            "year": meeting.date.year, "place": _fw(meeting.place),
            "attendees": [_fw(a) for a in meeting.attendees],
            "agenda": [_fw(a) for a in meeting.agenda],
        },
        "speaker": {"title": _fw(brief.speaker.title), "name": _fw(brief.speaker.name)},
        "prior": [{"name": _fw(p.name), "role": _fw(p.role), "did": _fw(p.did)}
                  for p in brief.prior_speakers],
        "achievements": achievements,
        "problems": [{"title": _fw(p.title), "detail": _fw(p.detail)} for p in brief.problems],
        "measures": measures,
        "targets": targets,
        "countdown": countdown(meeting.date, brief.deadline) if brief.deadline else "",
        "deadline": when(brief.deadline),
        "deadline_full": cn_date(brief.deadline) if brief.deadline else "",
    }


def draft_title(brief: Brief) -> str:
    title = fullwidth(brief.meeting.title)
    if brief.kind == "主持词":
        return title if title.endswith(("主持词", "主持稿")) else f"在{title}上的主持词"
    if title.startswith("在") and title.endswith(("讲话", "发言", "讲话稿", "发言稿")):
        return title
    noun = "发言" if brief.kind == "座谈发言" else "讲话"
    return f"在{title}上的{noun}"


class Renderer:
    """Renders briefs with one template folder; reuse it across a batch."""

    def __init__(self, library: TemplateDirs | None = None):
        # a TemplateLibrary (TemplateDirs is its old name); .dirs kept for callers
        self.library = self.dirs = library or TemplateDirs()
        self.env = cached_env(self.dirs)
        self._phrases: dict[str, list[str]] | None = None

    def kinds(self) -> list[str]:
        return self.dirs.kinds()

    def topics(self) -> list[str]:
        return self.dirs.topics()

    def _draft_context(self, brief: Brief) -> dict[str, Any]:
        """Everything a template sees except the variation and the budget: the brief's
        facts and the topic pack ordered for this meeting. Built once per draft, not
        once per length-search step."""
        base = brief_context(brief)
        words = base["L"]
        key = (self.dirs, brief.topic, tuple(sorted(words.items())))
        pack = _pack_for(*key)
        title = base["meeting"]["title"]
        measures, m_pref = _ordered_items(*key, "measures", title, _brief_topics(base["measures"]))
        problems, p_pref = _ordered_items(*key, "problems", title, frozenset())
        pack = {**pack, "measures": measures, "measures_preferred": m_pref,
                "problems": problems, "problems_preferred": p_pref}
        tokens = {**words, "工作": pack["work"], "简称": pack["short"], "事业": pack["cause"],
                  "会议": title, "上级": base["parent_lead"]}
        # 提法 hook (issue 12): dated guiding wording + year phrase; see generator/formulations.py
        tifa = formulation_context(brief.meeting.date, load_bank(self.library),
                                   enabled=brief.formulations and brief.kind in DIRECTIVE_KINDS)
        return {**base, "pack": pack, "tokens": tokens, "tifa": tifa}

    def _markup(self, brief: Brief, base: dict[str, Any], scale: float) -> str:
        if self._phrases is None:
            self._phrases = load_phrases(self.dirs)
        v = Variation(brief.effective_seed, self._phrases, make_substitute(base["tokens"]))
        context = {**base, "v": v, "n": Budget(scale).as_dict()}
        name = f"{brief.kind}.md.j2"
        try:
            template = self.env.get_template(name)
            return template.render(context)
        except TemplateError:
            raise
        except (JinjaTemplateError, SecurityError, ArithmeticError, LookupError, TypeError,
                ValueError, AttributeError, RecursionError) as exc:
            raise describe_template_error(exc, name) from None

    def render(self, brief: Brief) -> Draft:
        base = self._draft_context(brief)
        target = brief.length * CHARS_PER_MINUTE
        best: tuple[float, Draft] | None = None
        low, high = 0.05, 8.0  # bracket on the scale: below low is too short, above high too long
        # about 1,100 characters of draft per unit of scale across kinds and topics:
        # start there so most drafts need two renders, not three or four
        scale, tried = target / CHARS_PER_SCALE, set()
        for _ in range(10):
            scale = round(min(max(scale, low), high), 3)
            if scale in tried:
                break
            tried.add(scale)
            draft = self._draft(brief, base, scale)
            error = (draft.chars - target) / target
            if best is None or abs(error) < best[0]:
                best = (abs(error), draft)
            if abs(error) <= STOP:
                break
            if error < 0:
                low = scale
            else:
                high = scale
            # pack material grows roughly with scale; facts are fixed. Step by the ratio,
            # but stay inside the bracket (bisect when the step would leave it).
            guess = scale * target / max(draft.chars, 1)
            scale = guess if low < guess < high else (low + high) / 2
        assert best is not None
        return best[1]

    def _draft(self, brief: Brief, base: dict[str, Any], scale: float) -> Draft:
        blocks = [replace(b, text=tidy(b.text), lead=tidy(b.lead))
                  for b in parse_markup(self._markup(brief, base, scale))]
        speaker = " ".join(x for x in (brief.speaker.title, brief.speaker.name) if x)
        return Draft(
            title=draft_title(brief), speaker=fullwidth(speaker), date=cn_date(brief.meeting.date),
            blocks=blocks, kind=brief.kind, topic=brief.topic,
            locality=brief.locality.name, target_minutes=brief.length,
        )


def render_file(path, library: TemplateDirs | None = None) -> Draft:
    renderer = Renderer(library)
    brief = load_brief(path, renderer.kinds(), renderer.topics())
    return renderer.render(brief)

