"""Brief → template context → markup → Draft. No file I/O beyond reading templates.

The length target (``length`` minutes at 170 characters a minute) is met by a
single scale factor that sets how many points and sentences each section
takes from the topic pack; we re-render with a fresh ``Random(seed)`` a few
times and keep the closest draft, so output stays deterministic.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError

from generator.brief import Brief, load_brief
from generator.draft import Block, Draft, parse_markup
from generator.elaborate import meeting_pack
from generator.environment import cached_env, describe_template_error
from generator.errors import TemplateError
from generator.facts import (
    agenda_call,
    brief_items,
    byline,
    meeting_named,
    missing_items,
    speech_by,
    when,
)
from generator.formulations import formulation_context, load_bank
from generator.kinds import KindBook, KindProfile, load_kinds
from generator.library import TemplateLibrary, builtin_templates
from generator.packs import load_phrases, make_substitute
from generator.packschema import STAGE_WORDS, VILLAGE_WORDS, governs_villages
from generator.variation import Variation
from generator.wording import (
    clause,
    cn_date,
    countdown,
    figure_text,
    fullwidth,
    level_words,
    parent_leadership,
    tidy,
    topic_bigrams,
)

CHARS_PER_MINUTE = 170
STAGE_DAYS = 60
# which budget counts each part of a skeleton draws on (a part missing here uses none)
PART_BUDGET = {
    "opening": ("host_extra",), "situation": ("significance", "urgency", "mindset"),
    "achievements": ("achievements", "rich"), "problems": ("problems",),
    "measures": ("standalone", "extra", "points", "lead"), "leadership": ("leadership",),
    "closing": ("closing", "host_extra"), "demands": ("host_extra",),
}
FILL_TO = 3  # stand-alone pack measures top a brief's own measures up to this many, no more
TOLERANCE = 0.15
CHARS_PER_SCALE = 1100
STOP = 0.10  # accept a render this close to the target (inside TOLERANCE, with room to spare)


@dataclass(frozen=True)
class Budget:
    """How much topic-pack material each section takes, from one scale factor."""

    scale: float
    caps: dict[str, int] | None = None
    brief_measures: int = 0

    def count(self, base: float, low: int, high: int) -> int:
        return max(low, min(high, round(base * self.scale)))

    def as_dict(self) -> dict[str, Any]:
        situation = self.count(1.5, 1, 6)  # stand-alone prose: a shorter draft beats a padded one
        caps = self.caps or {}
        measures = self.count(2.5, 1, 16)
        room = caps.get("measures", 6) - self.brief_measures
        if self.brief_measures:  # the brief is the spine: with its own measures, pack ones only top up
            room = min(room, FILL_TO - self.brief_measures)
        standalone = max(0, min(room, measures - self.brief_measures))
        return {
            "standalone": standalone,
            "extra": self.count(1.2, 1, 3),  # pack points that elaborate one brief measure
            "lead": self.scale >= 0.6,
            "situation": situation,
            "significance": (situation + 2) // 3,
            "urgency": (situation + 1) // 3,
            "mindset": situation // 3,
            "achievements": self.count(2, 1, 5),
            "problems": self.count(3, 1, 5),
            "measures": self.count(2.5, 1, 16),
            "points": min(caps.get("points", 4), self.count(3, 2, 8)),
            "leadership": min(caps.get("support", 5), self.count(2.5, 1, 10)),
            "host": self.count(3, 2, 10),
            "host_extra": self.count(2.5, 0, 10),  # the host templates add follow-ups up to 10
            "closing": self.count(1, 1, 2),
            "rich": self.scale >= 1.0,
            "richer": self.scale >= 2.5,
        }


@functools.lru_cache(maxsize=8192)
def _fw(text: str) -> str:
    """fullwidth(), remembered: a batch words the same brief items for every district."""
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

    def on(day) -> str:
        return when(day, meeting.date)

    measures = [{
        "title": _fw(m.title), "points": [_fw(p) for p in m.points], "owner": _fw(m.owner),
        "deadline": on(m.deadline),
    } for m in brief.measures]
    targets = [{"text": _fw(t.text), "deadline": on(t.deadline),
                "full": f"{on(t.deadline)}前{_fw(t.text)}" if t.deadline else _fw(t.text)}
               for t in brief.targets]
    title = _fw(meeting.title)
    named, place_named = meeting_named(title, _fw(loc.name), words["全区"])
    agenda = [_fw(a) for a in meeting.agenda]
    days_left = (brief.deadline - meeting.date).days if brief.deadline else None
    return {
        "kind": brief.kind,
        "topic": brief.topic,
        "place": _fw(loc.name),
        "level": loc.level,
        "L": words,
        "parent": _fw(loc.parent),
        "parent_lead": f"{_fw(loc.parent)}{parent_lead[1:]}" if parent_lead and loc.parent.endswith(parent_lead[0]) else parent_lead,
        "meeting": {
            "title": title, "date": cn_date(meeting.date),
            "year": meeting.date.year, "place": _fw(meeting.place),
            "attendees": [_fw(a) for a in meeting.attendees],
            "agenda": agenda,
        },
        "meeting_named": named,
        "place_named": place_named,
        "agenda_calls": _calls(agenda),
        "speech_by": speech_by(agenda),
        "speaker": {"title": _fw(brief.speaker.title), "name": _fw(brief.speaker.name)},
        "prior": [{"name": _fw(p.name), "role": _fw(p.role), "did": _fw(p.did)}
                  for p in brief.prior_speakers],
        "achievements": achievements,
        "problems": [{"title": _fw(p.title), "detail": _fw(p.detail)} for p in brief.problems],
        "measures": measures,
        "targets": targets,
        "countdown": countdown(meeting.date, brief.deadline) if brief.deadline else "",
        "deadline": on(brief.deadline),
        "deadline_full": cn_date(brief.deadline) if brief.deadline else "",
        "stage": days_left is not None and 0 < days_left <= STAGE_DAYS,
        "villages": governs_villages(loc.level, brief.topic),
    }


def _said(text: str, once: re.Pattern[str] | None) -> frozenset[str]:
    """Once-per-draft words the brief itself says: pack filler must not say them again."""
    return frozenset(once.findall(text)) if once is not None else frozenset()


def _calls(agenda: list[str]) -> list[str]:
    """The host's call of each agenda item; the main speech is welcomed (大家欢迎)."""
    calls = [agenda_call(a) for a in agenda]
    speeches = [i for i, a in enumerate(agenda) if speech_by([a])]
    if speeches:
        i = speeches[-1]
        calls[i] = f"{clause(calls[i])}。大家欢迎"
    return calls


def _facts(base: dict[str, Any]) -> dict[str, bool]:
    """Which conditional parts of a kind's skeleton this brief has material for."""
    return {
        "achievements": bool(base["achievements"]), "problems": bool(base["problems"]),
        "measures": bool(base["measures"]), "targets": bool(base["targets"]),
        "agenda": bool(base["meeting"]["agenda"]), "attendees": bool(base["meeting"]["attendees"]),
        "prior": bool(base["prior"]), "commend": "表彰" in base["meeting"]["title"],
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
    """Renders briefs with one template folder; reuse it across a batch.

    ``strict`` makes a lost brief item an error (kinds.md rule 1); it is on for the
    built-in templates and for tests, off for a user's own template unless asked.
    """

    def __init__(self, library: TemplateLibrary | None = None, strict: bool | None = None):
        # .dirs kept for callers that still use the old name
        self.library = self.dirs = library or TemplateLibrary()
        self.env = cached_env(self.dirs)
        self._phrases: dict[str, list[str]] | None = None
        self._kinds: KindBook | None = None
        self.strict = strict

    def kinds(self) -> list[str]:
        return self.dirs.kinds()

    def topics(self) -> list[str]:
        return self.dirs.topics()

    def kind_book(self) -> KindBook:
        if self._kinds is None:
            self._kinds = load_kinds(self.dirs.search)
        return self._kinds

    def profile(self, kind: str) -> KindProfile:
        return self.kind_book().profile(kind)

    def _draft_context(self, brief: Brief) -> dict[str, Any]:
        """Everything a template sees except the variation and the budget: the brief's
        facts, the kind's profile and the topic pack as this draft may use it (its voice,
        its level), with the brief's items matched to pack material. Built once per draft."""
        base = brief_context(brief)
        profile = self.profile(brief.kind)
        voice = profile.voice
        words = base["L"]
        key = (self.dirs, brief.topic, tuple(sorted(words.items())))
        facts = json.dumps([base[k] for k in ("measures", "problems", "achievements", "targets")],
                           ensure_ascii=False, sort_keys=True)
        title = base["meeting"]["title"]
        pack, planned = meeting_pack(*key, voice, brief.locality.level, base["villages"], base["stage"], title, facts)
        meeting_word = base["meeting_named"] if voice != "report" else title
        tokens = {**words, "工作": pack["work"], "简称": pack["short"], "事业": pack["cause"],
                  "会议": meeting_word, "上级": base["parent_lead"], "本地": base["place"]}
        purpose = brief.kind if f"open.purpose.{brief.kind}" in self._pools() else "推进会"
        return {**base, "pack": pack, "tokens": tokens, "voice": voice,
                "profile": profile.profile, "parts": profile.active_parts(_facts(base)),
                "measures": planned[0], "problems": planned[1],
                "purpose_kind": purpose,
                "brief_text": "。".join(t for _, t in brief_items(base)),
                "brief_headings": frozenset().union(*(topic_bigrams(m["title"]) for m in base["measures"])),
                "memo": {},
                # 提法 hook (issue 12): dated guiding wording + year phrase; see generator/formulations.py
                "tifa": formulation_context(brief.meeting.date, load_bank(self.library),
                                            enabled=brief.formulations and voice == "directive")}

    def _pools(self) -> dict[str, list[str]]:
        if self._phrases is None:
            self._phrases = load_phrases(self.dirs)
        return self._phrases

    def _markup(self, brief: Brief, base: dict[str, Any], scale: float) -> str:
        book = self.kind_book()
        banned = [] if base["stage"] else [STAGE_WORDS]
        if not base["villages"]:
            banned.append(VILLAGE_WORDS)
        once = book.once_pattern
        v = Variation(brief.effective_seed, self._pools(), make_substitute(base["tokens"]),
                      voice=base["voice"], pool_voices=book.pool_voices, banned=banned,
                      once=once, seen=_said(base["brief_text"], once), headings=base["brief_headings"],
                      memo=base["memo"])
        budget = Budget(scale, base["profile"]["caps"], len(base["measures"]))
        context = {**base, "v": v, "n": budget.as_dict()}
        name = f"{brief.kind}.md.j2"
        try:
            template = self.env.get_template(name)
            return template.render(context)
        except TemplateError:
            raise
        except (JinjaTemplateError, SecurityError, ArithmeticError, LookupError, TypeError,
                ValueError, AttributeError, RecursionError) as exc:
            raise describe_template_error(exc, name) from None

    def _is_strict(self, kind: str) -> bool:
        if self.strict is not None:
            return self.strict
        found = self.dirs.find(f"{kind}.md.j2")
        return found is not None and found.parent == builtin_templates()

    def render(self, brief: Brief) -> Draft:
        base = self._draft_context(brief)
        target = self.profile(brief.kind).target_chars(brief.length * CHARS_PER_MINUTE)
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
            if error < 0 and self._saturated(base, scale):
                break  # the caps hold: more scale adds nothing (a shorter draft beats padding)
            if error < 0:
                low = scale
            else:
                high = scale
            # pack material grows roughly with scale; facts are fixed. Step by the ratio,
            # but stay inside the bracket (bisect when the step would leave it).
            guess = scale * target / max(draft.chars, 1)
            scale = guess if low < guess < high else (low + high) / 2
        assert best is not None
        if self._is_strict(brief.kind):
            lost = missing_items(base, best[1].body_text, base["voice"])
            if lost:
                raise TemplateError(f"模板“{brief.kind}”遗漏了简报内容：{'；'.join(lost)}。")
        return best[1]

    @staticmethod
    def _saturated(base: dict[str, Any], scale: float) -> bool:
        """Every budget count this kind's parts use is at its cap already at this scale."""
        keys = {k for part in base["parts"] for k in PART_BUDGET.get(part["name"], ())}
        if base["voice"] != "host":
            keys.discard("host_extra")  # the host's follow-up sentences
        now = Budget(scale, base["profile"]["caps"], len(base["measures"])).as_dict()
        top = Budget(8.0, base["profile"]["caps"], len(base["measures"])).as_dict()
        return all(now[k] == top[k] for k in keys)

    def _draft(self, brief: Brief, base: dict[str, Any], scale: float) -> Draft:
        blocks = [_tidied(b) for b in parse_markup(self._markup(brief, base, scale))]
        return Draft(
            title=draft_title(brief), speaker=byline(brief.speaker.title, brief.speaker.name, brief.locality.name),
            date=cn_date(brief.meeting.date), blocks=blocks, kind=brief.kind, topic=brief.topic,
            locality=brief.locality.name, target_minutes=brief.length,
        )


def _tidied(block: Block) -> Block:
    """The block with tidy() text and lead; the same block when tidy changes neither."""
    text, lead = tidy(block.text), tidy(block.lead)
    if text is block.text and lead is block.lead:
        return block
    return replace(block, text=text, lead=lead)


def render_file(path, library: TemplateLibrary | None = None) -> Draft:
    renderer = Renderer(library)
    brief = load_brief(path, renderer.kinds(), renderer.topics())
    return renderer.render(brief)

