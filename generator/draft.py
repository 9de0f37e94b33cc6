"""The rendered speech as data: what every writer (txt, md, docx) consumes.

Templates emit a small line-oriented markup; :func:`parse_markup` turns it into
blocks and numbers the headings, so no template ever numbers a heading by hand.

Markup, one paragraph per line (blank lines ignored):

``# 文字``           level-1 heading on its own line (一、)
``## 文字``          level-2 heading on its own line (（一）)
``### 小标题<TAB>正文`` a run-in heading: the numbered lead starts the paragraph
                     (levels 1–4; 1. and （1） are normally run-in)
``@ 同志们：``       salutation, flush left
anything else        a body paragraph
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for headings and 一是…)."""
    if n <= 0:
        raise ValueError(n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def heading_number(level: int, n: int) -> str:
    """GB/T 9704 heading numbers: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


@dataclass(frozen=True)
class Block:
    """One paragraph of the draft.

    kind is ``salutation``, ``heading`` (stands alone) or ``paragraph``. A
    paragraph with a ``lead`` starts with a numbered run-in heading of ``level``.
    """

    kind: str
    text: str = ""
    level: int = 0
    number: str = ""
    lead: str = ""

    @property
    def plain(self) -> str:
        """The paragraph as it reads, number and lead included."""
        return f"{self.number}{self.lead}{self.text}"


@dataclass
class Draft:
    title: str
    speaker: str  # e.g. 区委书记 王明; shown under the title
    date: str  # already worded: 2026年5月8日
    blocks: list[Block] = field(default_factory=list)
    kind: str = ""
    topic: str = ""
    locality: str = ""
    target_minutes: float = 0.0  # the brief's length; 0 when unknown

    @property
    def body_text(self) -> str:
        return "\n".join(b.plain for b in self.blocks)

    @property
    def chars(self) -> int:
        """Characters a speaker reads: body only, whitespace excluded."""
        return sum(len("".join(b.plain.split())) for b in self.blocks)

    def minutes(self, per_minute: int = 170) -> float:
        return self.chars / per_minute

    def length_hint(self) -> str:
        """What to tell the writer when the draft misses its length by more than 15 %:
        one wording for the CLI and the web page, and never "add material" when too long."""
        target, minutes = self.target_minutes, self.minutes()
        if not target:
            return ""
        if minutes < target * 0.85:
            return (f"提示：要求约 {target:g} 分钟，但现有素材只够约 {minutes:.1f} 分钟；"
                    "稿子宁短勿凑，不用套话凑篇幅；可在简报中补充成绩、问题、措施，或调整 length。")
        if minutes > target * 1.15:
            return (f"提示：要求约 {target:g} 分钟，但简报中的内容本身就需约 {minutes:.1f} 分钟；"
                    "如需更短，请精简简报中的成绩、问题、措施，或调大 length。")
        return ""


def parse_markup(text: str) -> list[Block]:
    """Turn template output into numbered blocks."""
    blocks: list[Block] = []
    counters = [0, 0, 0, 0, 0]
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@ "):
            blocks.append(Block("salutation", line[2:].strip()))
            continue
        level = len(line) - len(line.lstrip("#"))
        if 1 <= level <= 4 and line[level:level + 1] == " ":
            counters[level] += 1
            for deeper in range(level + 1, 5):
                counters[deeper] = 0
            number = heading_number(level, counters[level])
            content = line[level + 1:].strip()
            if "\t" in raw:
                lead, _, body = raw.strip().split(" ", 1)[1].partition("\t")
                blocks.append(Block("paragraph", body.strip(), level, number, lead.strip()))
            else:
                blocks.append(Block("heading", content, level, number))
            continue
        blocks.append(Block("paragraph", line))
    tops = [i for i, b in enumerate(blocks) if b.level == 1 and b.kind == "heading"]
    if len(tops) == 1:  # a lone 一、 promises a 二、: a single part keeps its heading, unnumbered
        blocks[tops[0]] = replace(blocks[tops[0]], number="")
    return blocks
