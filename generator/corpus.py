"""Ingest web copies of past speeches into the corpus (``speechgen ingest``).

Web copies carry site chrome, traditional characters, half-width punctuation,
PDF line breaks, page numbers and several speeches per page. Mining and the
templates need one clean simplified-Chinese speech per file, so this module
cleans *only* those artefacts and never rewrites the wording itself. The
rules are documented for staff in ``speeches/README.md``.

Everything here is deterministic: the same input bytes always give the same
file names and the same output bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.classify import classification_notes, detect_kind, detect_level, detect_topic
from generator.errors import CorpusError
from generator.speechfile import format_speech
from generator.webpage import (
    read_page,
    rules,
    split_salutation,
    strip_inline,
    tidy_title,
    title_hint,
)

# --- character classes ------------------------------------------------------

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width punctuation that sits "inside" Chinese text (spaces around it are PDF noise).
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·"
CJK = HAN + CJK_PUNCT
PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹḿńň"
LOST = "××"  # visible marker for text lost in the source (a name, a character)

# Evaluation text left behind by a chat assistant that wrote the page.
AI_RESIDUE = re.compile(r"(非常好|很好)[，,]以上(分析|内容|讲话)[^\n]*$")

# --- structure ------------------------------------------------------------------

SPEECH_HEADER = re.compile(
    r"^(?:篇[一二三四五六七八九十百]+|第[一二三四五六七八九十百\d]+篇|范文[一二三四五六七八九十\d]+)\s*[：:]\s*(.*)$"
)
TITLE_WORDS = re.compile(r"讲话|发言|主持|致辞|稿|提纲|材料|汇报|报告")
TITLE_END = re.compile(r"^(.*(?:讲话稿|讲话|发言稿|发言材料|发言|主持词|致辞|提纲|材料))\d+([" + HAN + r"].*)$")
LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是要]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)"
    r"|第[一二三四五六七八九十]+[，、：是]|首先|其次|再次|最后|同志们|——)"
)
DATE_LINE = re.compile(r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$")
# Characters that may follow a number as a measure word, so "5个" is never a page number.
UNITS = set(
    "年月日号时点分秒个万亿千百十元角人名家项次件条处户台辆米吨份多余来倍期届批所座支位天周岁部类级星"
    "幢层栋间张本门套篇章节遍轮斤克升块对组队场岗平里亩顷厂区镇乡村县省路线楼室床架艘只头匹棵株口小"
    "成折股季"
)
PAGE_NUMBER = re.compile(r"(?<=[" + CJK + r"])(?<![第前后近约共计超达至占列排])(\d{1,2})(?=[" + HAN + r"])")


@dataclass
class Speech:
    """One cleaned speech, ready to be written as a corpus file."""

    title: str
    body: str
    source: str
    index: int = 1

    @property
    def meta(self) -> dict[str, str]:
        text = self.title + "\n" + self.body
        return {
            "title": self.title,
            "kind": detect_kind(self.title, self.body),
            "topic": detect_topic(self.title, self.body),
            "level": detect_level(text),
            "source": self.source,
        }


# --- reading ----------------------------------------------------------------------


MAX_SOURCE_BYTES = 20_000_000  # one web copy or Word file; the seeds are under 100 KB


def read_source(path: Path) -> str:
    """Read a web copy (UTF-8 with or without BOM, or GB18030) or a Word file (.docx)."""
    from generator.docxtext import docx_text, is_docx
    from generator.textfiles import decode_text, read_limited

    if path.suffix.lower() == ".doc":
        raise CorpusError(f"{path} 是旧版 Word 格式（.doc），请在 Word 或 WPS 中另存为 .docx 或纯文本后再整理。")
    raw = read_limited(path, MAX_SOURCE_BYTES, "讲话稿文件", CorpusError)
    if is_docx(path, raw):
        return docx_text(raw, str(path))
    return decode_text(raw, str(path), CorpusError)


# --- character-level cleaning --------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazy: only ingest needs it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s); simplified text passes unchanged."""
    return _t2s().convert(text)


def repair_mojibake(text: str) -> str:
    """Re-decode GBK text that was read one byte out of step (shows up as private-use chars).

    A run is the Chinese/private-use stretch around the private-use characters; it must
    start after a non-Chinese character (as it does in the seeds), otherwise the good
    characters glued in front would be re-decoded too. If the run cannot be decoded
    cleanly the private-use characters are simply dropped.
    """

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        raw = run.encode("gb18030", errors="replace")
        for trim in range(3):
            try:
                fixed = raw[1:len(raw) - trim].decode("gbk")
            except UnicodeDecodeError:
                continue
            if fixed and not re.search("[\ue000-\uf8ff]", fixed):
                return fixed
        return re.sub("[\ue000-\uf8ff]", "", run)

    return re.sub(r"[" + HAN + r"\ue000-\uf8ff]*[\ue000-\uf8ff][" + HAN + r"\ue000-\uf8ff\^`~|]*", fix, text)


def remove_pinyin_glosses(text: str) -> str:
    """Drop reading aids such as 區(qū); a gloss whose character was lost becomes a placeholder."""
    gloss = r"[(（](?=[^)）]*[" + TONE + r"])[" + PINYIN + r"]{1,8}[)）]"
    text = re.sub(r"(?<=[" + HAN + r"])" + gloss, "", text)
    # "變?yōu)" — the character and the "(" were lost, only the reading survived.
    return re.sub(r"\?(?=[^)]*[" + TONE + r"])[" + PINYIN + r"]{1,8}\)", "??", text)


def remove_noise(text: str) -> str:
    """Replacement characters, zero-width and control characters, leftover private-use chars."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\ufffd\ufeff\u200b-\u200f\u2060\ue000-\uf8ff]", "", text)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    return text.replace("\u00a0", " ").replace("\u3000", " ")


def mark_lost_names(line: str) -> str:
    """Turn ``?`` placeholders (a name lost by the site's encoding) into a visible ××.

    ``??`` is always a placeholder; a single ``?`` is one when it opens a clause
    (``刚才,?结合``). A ``?`` after a Chinese character is a real question mark.
    """
    line = re.sub(r"[?？]{2,}", LOST, line)
    return re.sub(r"(^|(?<=[，,、：:；;。（(“\"]))[?？](?=[" + HAN + r"])", LOST, line)


def pair_quotes(line: str) -> str:
    """Straight double quotes become “ ” in turn (the count restarts on every line)."""
    if '"' not in line or not re.search("[" + HAN + "]", line):
        return line
    out, opening = [], True
    for ch in line:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def normalize_punctuation(line: str) -> str:
    """Half-width , : ; ? ! ( ) " → full width in Chinese text; 1. 4.15 10:50 stay as they are."""
    if not re.search("[" + HAN + "]", line):
        return line
    line = pair_quotes(line)
    line = re.sub(r"(?<!\d),|,(?!\d)", "，", line)
    line = re.sub(r"(?<!\d):(?!//)|:(?!\d|//)", "：", line)
    line = line.replace(";", "；").replace("!", "！").replace("?", "？")
    # Parentheses: a pair around or next to Chinese becomes full width; so does a lone one.
    line = re.sub(
        r"\(([^()\n]*)\)",
        lambda m: f"（{m.group(1)}）" if re.search("[" + HAN + "]", m.group(0)) or _han_near(line, m) else m.group(0),
        line,
    )
    line = re.sub(r"\((?=[" + HAN + r"])|(?<=[" + HAN + r"])\(", "（", line)
    return re.sub(r"(?<=[" + HAN + r"])\)|\)(?=[" + HAN + r"])", "）", line)


def _han_near(line: str, m: re.Match[str]) -> bool:
    before = line[m.start() - 1:m.start()]
    after = line[m.end():m.end() + 1]
    return bool(re.match("[" + HAN + "]", before) or re.match("[" + HAN + "]", after))


def remove_ocr_specks(line: str) -> str:
    """A dot between two Chinese characters is a speck (``经不起.上级``); a lone lowercase
    letter there stands for a misread character (``水环境质h被曝光``) and is marked as lost."""
    line = re.sub(r"(?<=[" + HAN + r"])[.·](?=[" + HAN + r"])", "", line)
    return re.sub(r"(?<=[" + HAN + r"])[a-z](?=[" + HAN + r"])", LOST, line)


def remove_cjk_spaces(line: str) -> str:
    """Spaces between Chinese characters/punctuation come from PDF copy (``工 作攻坚``)."""
    return re.sub(r"(?<=[" + CJK + r"])[ \t]+(?=[" + CJK + r"])", "", line).strip()


def clean_line(line: str) -> str:
    """All per-line rules, in the order they depend on each other."""
    line = mark_lost_names(strip_inline(line))
    line = normalize_punctuation(remove_ocr_specks(line))
    return remove_cjk_spaces(line)


# --- paragraph-level cleaning ----------------------------------------------------------


def _cut_clause(line: str) -> bool:
    """A line ending in ``，真`` was cut mid-word: a one-character clause is never complete."""
    return bool(re.search(r"[，、][" + HAN + r"]$", line))


def should_join(a: str, b: str) -> bool:
    """Was the break between lines *a* and *b* made by the page, not by the author?"""
    if not a or not b or LIST_MARKER.match(b) or DATE_LINE.match(a) or DATE_LINE.match(b):
        return False
    if a.startswith("——"):
        return False
    last = a[-1]
    if last in "。！？：…" or (last in "”’）" and len(a) > 1 and a[-2] in "。！？…"):
        return False
    if last in "，、":
        return True
    if last == "；":
        return len(a) >= 40
    if LIST_MARKER.match(a) and len(a) <= 40:
        return _cut_clause(a)
    return len(a) >= 25 or _cut_clause(a)


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join lines broken mid-sentence; a blank line is always a real paragraph break."""
    out: list[str] = []
    prev_blank = True
    for line in lines:
        if not line:
            prev_blank = True
            continue
        if out and not prev_blank and should_join(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
        prev_blank = False
    return out


def remove_page_numbers(line: str) -> str:
    """Page numbers that PDF copy dropped into a sentence (``以“季1度赛”`` → ``以“季度赛”``)."""

    def drop(m: re.Match[str]) -> str:
        nxt = line[m.end():m.end() + 1]
        return m.group(0) if nxt in UNITS else ""

    return PAGE_NUMBER.sub(drop, line)


def split_glued(line: str) -> list[str]:
    """A closing "谢谢大家！" followed by more text lost its line break; restore it."""
    parts = re.split(r"(?<=谢谢大家！)(?=.)", line)
    return [p for p in parts if p]


def clean_body(lines: list[str]) -> list[str]:
    """Paragraph rules over one speech's lines."""
    unglued = [part for line in lines for part in (split_glued(line) if line else [""])]
    out: list[str] = []
    for line in join_broken_lines(unglued):
        line = AI_RESIDUE.sub("", remove_page_numbers(line)).strip()
        if line:
            out.append(line)
    return out


# --- splitting ----------------------------------------------------------------------------


def looks_like_title(line: str) -> bool:
    """Short, no sentence punctuation, and names a speech genre (讲话/发言/主持词…)."""
    return (
        0 < len(line) <= 60
        and not re.search(r"[。！？]", line)
        and not line.endswith("：")
        and not line.startswith(("同志们", "尊敬的", "各位"))
        and bool(TITLE_WORDS.search(line))
    )


def split_speeches(lines: list[str], hint: str, fallback: str) -> list[tuple[str, list[str]]]:
    """Split a page into (title, body lines); ``篇一：`` / ``第二篇：`` lines start a new speech."""
    starts = [i for i, line in enumerate(lines) if SPEECH_HEADER.match(line)]
    if not starts:
        return [_single(lines, hint, fallback)]
    found: list[tuple[str, list[str]]] = []
    preamble = [line for line in lines[:starts[0]] if line]
    if sum(len(line) for line in preamble) >= 200:
        found.append(_single(preamble, hint, fallback))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        header = SPEECH_HEADER.match(lines[start]).group(1).strip()
        body = [line for line in lines[start + 1:end]]
        title, body = _titled(header, body)
        if any(body):
            found.append((title, body))
    return found


def _single(lines: list[str], hint: str, fallback: str) -> tuple[str, list[str]]:
    lines = [line for line in lines if line]
    if hint:
        title = hint
    elif lines and len(lines[0]) <= 60 and not re.search(r"[。！？]", lines[0]) \
            and not rules().salutation.match(lines[0]):  # 各位代表： opens the speech, it is no title
        title = lines[0]
    else:
        title = fallback
    return _strip_title(tidy_title(title), lines)


def _titled(header: str, body: list[str]) -> tuple[str, list[str]]:
    """The header's title, unless the next line is the real speech title (as on 篇一…篇六)."""
    rest = ""
    m = TITLE_END.match(header)
    if m:  # "…讲话发言2紧盯目标": the title, a stray page/ordinal number, then body text
        header, rest = m.group(1), m.group(2)
    lines = ([rest] if rest else []) + [line for line in body if line]
    if not rest and lines and lines[0] != header and looks_like_title(lines[0]):
        return _strip_title(tidy_title(lines[0]), lines[1:])
    return _strip_title(tidy_title(header), lines)


def _strip_title(title: str, lines: list[str]) -> tuple[str, list[str]]:
    """Drop repeats of the title at the top of the body, also when glued to the first sentence."""
    lines = list(lines)
    while lines and tidy_title(lines[0]) == title:
        lines.pop(0)
    if lines and lines[0].startswith(title) and len(lines[0]) > len(title):
        lines[0] = lines[0][len(title):]
    return title, lines


# --- files ----------------------------------------------------------------------------------


def clean_source(text: str, source: str) -> list[Speech]:
    """Whole pipeline for one page: characters, chrome, lines, split, paragraphs."""
    text = remove_noise(repair_mojibake(text))
    text = to_simplified(remove_pinyin_glosses(text))
    raw = text.split("\n")
    lines = [clean_line(line) for line in raw]
    multi = any(SPEECH_HEADER.match(line) for line in lines)
    page = read_page(lines, single=not multi, hint=title_hint(raw, clean_line),
                     protected=lambda line: bool(SPEECH_HEADER.match(line)))
    fallback = Path(source).stem
    speeches = []
    for title, body in split_speeches(page.lines, page.title, fallback):
        paragraphs = clean_body(_salutation_apart(body))
        if paragraphs:
            speeches.append(Speech(title, "\n".join(paragraphs), source))
    for n, speech in enumerate(speeches, start=1):
        speech.index = n
    return speeches


def _salutation_apart(body: list[str]) -> list[str]:
    """The opening salutation gets its own line (``同志们：今天…`` → ``同志们：`` / ``今天…``)."""
    for i, line in enumerate(body):
        if line:
            return body[:i] + split_salutation(line) + body[i + 1:]
    return body


def file_stem(speech: Speech) -> str:
    """``003-08-在城市创新治理推进会上的讲话稿``: source number, index, short title."""
    stem = Path(speech.source).stem
    m = re.match(r"\d+", stem)
    prefix = m.group(0) if m else re.sub(r"[^\w\u4e00-\u9fff-]+", "", stem)[:20] or "speech"
    short = re.sub(r"[^\w\u4e00-\u9fff]+", "", speech.title)[:30] or "讲话"
    return f"{prefix}-{speech.index:02d}-{short}"


def ingest_paths(files: list[Path], out_dir: Path, notes: list[str] | None = None,
                 force: bool = False) -> list[Path]:
    """Clean each web copy or .docx and write one UTF-8 file per speech; returns the paths written.

    ``notes`` collects what staff should look at (a kind or topic recorded as other).
    Every target is checked (collisions, existing files without ``force``)
    before the first one is written.
    """
    from generator.writers.output import write_all

    speeches: list[Speech] = []
    for path in files:
        found = clean_source(read_source(path), path.name)
        if not found:
            raise CorpusError(f"{path}：没有找到讲话正文")
        speeches += found
    items: list[tuple[Path, bytes]] = []
    for speech in speeches:
        target = out_dir / f"{file_stem(speech)}.md"
        if any(target == t for t, _ in items):
            raise CorpusError(f"{target.name}：两篇讲话的文件名相同，请先给其中一个源文件改名；没有写入任何文件")
        meta = speech.meta
        if notes is not None:
            notes += classification_notes(target.name, meta)
        items.append((target, format_speech(meta, speech.body).encode("utf-8")))
    return write_all(items, force=force, inputs=files)
