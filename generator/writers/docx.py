"""Write a draft as a Word file laid out after GB/T 9704-2012 as used for 讲话稿.

Layout (default, without a reference document):

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 22 lines a
  page: body lines are exactly 28.95 pt (579 twips) and the section has a line
  document grid of that pitch. The title and footer do not snap to the grid.
* Title 2号 (22 pt) 方正小标宋简体, centred, split over lines at a sensible break
  when longer than a line; then speaker and （date） centred in 3号 楷体; then one
  blank line.
* Body 3号 (16 pt) 仿宋_GB2312, justified, first line indented two characters;
  the salutation 同志们： flush left. Headings: 一、 黑体, （一） 楷体, 1. and （1）
  仿宋. For a run-in heading only the number and lead carry the heading font.
* Footer page number "— 1 —" in 4号 (14 pt) 宋体: odd pages right-aligned one
  character in from the right, even pages left-aligned one character in.

All formatting lives in named styles (讲话标题, 讲话署名, 讲话称谓, 讲话正文,
一级标题…四级标题, 一级标题字符…四级标题字符, 讲话页码); runs and paragraphs carry
no direct formatting except footer alignment, so an office can restyle a draft
by editing styles.

Fonts. Word has no per-run fallback list: a run names one font per script slot.
Each run font is therefore the first name of its chain, set on the East Asian
slot (and ascii/hAnsi/cs, so digits and quotes match), and the rest of the chain
is written to the font table as ``w:altName`` (ECMA-376 §17.8.3.1: a
comma-separated list an application should try, in order, when the primary font
is missing), together with charset 86 (GB2312) and a family hint so Word's own
substitution still picks a Chinese face of the right kind:

* 方正小标宋简体 → 华文中宋, STZhongsong, 宋体, SimSun
* 仿宋_GB2312 → 仿宋, FangSong
* 楷体_GB2312 → 楷体, KaiTi
* 黑体 → SimHei
* 宋体 → SimSun

python-docx's default template names theme fonts whose East Asian script is
Japanese; every theme font attribute is removed from the styles and defaults and
the East Asian language is zh-CN.

Reference document (like pandoc's ``--reference-doc``): the file is opened as
the base document and its body emptied. Taken over unchanged: the last section's
page setup (paper, margins, header/footer distances, document grid, columns) and
its headers/footers if it has any footer; every style it defines, including
docDefaults; settings, theme, numbering and font table. Our styles are added
only where the reference has no style of that name, so an office makes a
reference by generating one draft, restyling it in Word, and saving it. If the
reference has no footer, our page-number footers are added.

Output is deterministic: fixed core properties (dates from the draft's date)
and fixed zip entry timestamps, so the same draft gives the same bytes.

How it is built, for speed: the styled, empty document (styles, fonts, page
setup, footers) is prepared once per process as a :class:`~generator.writers.
docx_base.Template` with its fixed zip members already compressed; each draft
only writes its paragraphs as XML text between the template's head and tail of
``word/document.xml``, fills a copy of the core properties, and zips. The XML is
what python-docx would serialise for the same paragraphs (the tests build both
and compare the bytes).

Modules: ``docx_style`` (metrics, fonts, styles), ``docx_title`` (title line
breaks) with ``docx_words`` (jieba's words without starting jieba), ``docx_base``
(the template, via python-docx), ``docx_zip`` (the deterministic zip), this one
(paragraphs and the public API).
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from pathlib import Path

from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml

from generator.draft import Block, Draft
from generator.errors import ExportError
from generator.writers.docx_base import Template, template
from generator.writers.docx_style import (
    BODY,
    BYLINE,
    HEADINGS,
    LEADS,
    SALUTATION,
    TITLE,
    TITLE_LINE_CHARS,
    StyleSpec,
)
from generator.writers.docx_title import split_title
from generator.writers.docx_zip import Member, zip_bytes

__all__ = ["TITLE_LINE_CHARS", "docx_bytes", "split_title", "write_docx"]

FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
CORE_MAX = 255  # longest core property (title, subject) Word accepts
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 can carry: U+FFFE, U+FFFF, lone surrogates and C0 controls dropped."""
    return _XML_BAD.sub("", text)


# --- public API ----------------------------------------------------------------


def write_docx(draft: Draft, path: Path, *, reference_docx: Path | None = None) -> None:
    """Write ``draft`` to ``path`` as .docx (see the module docstring for the layout)."""
    data = docx_bytes(draft, reference_docx=reference_docx)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ExportError(f"无法写入 Word 文件 {path}：{exc.strerror or exc}") from exc


def docx_bytes(draft: Draft, reference_docx: Path | None = None) -> bytes:
    """Render ``draft`` to .docx bytes, so the caller can write the file atomically."""
    tpl = template(reference_docx)
    document = b"".join((tpl.head, _body_xml(tpl, draft).encode("utf-8"), tpl.tail))
    members = []
    for member in tpl.members:
        if isinstance(member, Member):
            members.append(member)
        elif member == tpl.document_name:
            members.append(Member.of(member, document))
        else:
            members.append(Member.of(member, _core_xml(tpl, draft)))
    return zip_bytes(members, _draft_datetime(draft))


# --- content: paragraphs as python-docx would serialise them ----------------------

_RUN_BREAKS = re.compile("([\t\r\n])")
_BREAK_XML = {"\t": "<w:tab/>", "\r": "<w:br/>", "\n": "<w:br/>"}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(text: str) -> str:
    """One w:t; space kept where python-docx keeps it (text with outer whitespace)."""
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{_escape(text)}</w:t>'
    return f"<w:t>{_escape(text)}</w:t>"


def _run(text: str, props: str = "") -> str:
    """A run as ``Paragraph.add_run(text)`` makes it: tabs and line breaks become elements."""
    if "\t" in text or "\r" in text or "\n" in text:
        inner = "".join(_BREAK_XML[piece] if piece in _BREAK_XML else _t(piece)
                        for piece in _RUN_BREAKS.split(text) if piece)
    else:
        inner = _t(text) if text else ""
    inner = props + inner
    return f"<w:r>{inner}</w:r>" if inner else "<w:r/>"


def _body_xml(tpl: Template, draft: Draft) -> str:
    ids = tpl.style_ids

    def para(spec: StyleSpec, runs: str = "") -> str:
        style = ids.get(spec.name, spec.style_id)
        return f'{tpl.p_open}<w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>'

    lines = split_title(draft.title)
    title = "<w:r><w:br/></w:r>".join(_run(_xml_text(line)) for line in lines)
    out = [para(TITLE, title)]
    if draft.speaker.strip():
        out.append(para(BYLINE, _run(_xml_text(draft.speaker.strip()))))
    if draft.date.strip():
        date = draft.date.strip()
        if not date.startswith("（"):
            date = f"（{date.strip('()')}）"
        out.append(para(BYLINE, _run(_xml_text(date))))
    out.append(para(BODY))  # the blank line between the heading block and the body
    out += (_block_xml(block, para, ids) for block in draft.blocks)
    return "".join(out)


def _block_xml(block: Block, para, ids: dict[str, str]) -> str:
    if block.kind == "salutation":
        return para(SALUTATION, _run(_xml_text(block.text)))
    if block.kind == "heading":
        return para(HEADINGS.get(block.level, BODY), _run(_xml_text(f"{block.number}{block.text}")))
    if block.lead or block.number:
        lead = LEADS.get(block.level)
        props = "" if lead is None else \
            f'<w:rPr><w:rStyle w:val="{ids.get(lead.name, lead.style_id)}"/></w:rPr>'
        runs = _run(_xml_text(f"{block.number}{block.lead}"), props)
        if block.text:
            runs += _run(_xml_text(block.text))
        return para(BODY, runs)
    return para(BODY, _run(_xml_text(block.text)))


# --- core properties and determinism ------------------------------------------------


def _draft_datetime(draft: Draft) -> datetime:
    """The speech date as a timestamp (fixed fallback), so output depends only on input."""
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", draft.date)
    if m:
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
        except ValueError:
            pass
    return FIXED_DATE


def _core_xml(tpl: Template, draft: Draft) -> bytes:
    element = copy.deepcopy(tpl.core)
    props = CoreProperties(element)
    when = _draft_datetime(draft).replace(tzinfo=None)
    # core properties are limited to 255 characters; the heading keeps the full title
    props.title = _xml_text(draft.title)[:CORE_MAX]
    props.subject = _xml_text(draft.topic)[:CORE_MAX]
    props.category = _xml_text(draft.kind)[:CORE_MAX]
    props.author = "speechgen"
    props.last_modified_by = "speechgen"
    props.comments = "speechgen 生成的讲话稿初稿"
    props.keywords = ""
    props.revision = 1
    props.created = when
    props.modified = when
    if props.last_printed is not None:
        props.last_printed = when
    return serialize_part_xml(element)
