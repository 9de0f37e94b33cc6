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
"""

from __future__ import annotations

import io
import logging
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import etree

from generator.draft import Block, Draft
from generator.errors import ExportError

# --- page and type metrics -------------------------------------------------

LINE_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm type area
TITLE_LINE_TWIPS = 700  # 35 pt: two-line 2号 titles need air between lines
BODY_HALF_POINTS = 32  # 3号 = 16 pt
TITLE_HALF_POINTS = 44  # 2号 = 22 pt
PAGE_NUMBER_HALF_POINTS = 28  # 4号 = 14 pt
BODY_CHAR_TWIPS = 320  # one 3号 character: 16 pt = 320 twips
PAGE_NUMBER_CHAR_TWIPS = 280  # one 4号 character
TITLE_LINE_CHARS = 20  # 156 mm type width / 22 pt ≈ 20 full-width characters

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
HEADER_MM, FOOTER_MM = 15, 25

# --- fonts -------------------------------------------------------------------


@dataclass(frozen=True)
class FontSpec:
    """A run font and the names to try when it is not installed."""

    name: str
    alternates: tuple[str, ...]
    family: str  # font table family hint: roman (serif), modern, swiss (sans)


TITLE_FONT = FontSpec("方正小标宋简体", ("华文中宋", "STZhongsong", "宋体", "SimSun"), "roman")
BODY_FONT = FontSpec("仿宋_GB2312", ("仿宋", "FangSong"), "modern")
KAI_FONT = FontSpec("楷体_GB2312", ("楷体", "KaiTi"), "modern")
HEI_FONT = FontSpec("黑体", ("SimHei",), "modern")
SONG_FONT = FontSpec("宋体", ("SimSun",), "roman")
FONTS = (TITLE_FONT, BODY_FONT, KAI_FONT, HEI_FONT, SONG_FONT)

THEME_FONT_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")

# --- styles ------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """One named style; ASCII ids keep the XML portable, names are what users see."""

    style_id: str
    name: str
    kind: str  # paragraph | character
    font: FontSpec
    half_points: int = BODY_HALF_POINTS
    based_on: str = ""
    align: str = "both"
    indent: bool = True  # first line indented two characters
    line: int = LINE_TWIPS
    outline: int | None = None
    keep_next: bool = False
    snap: bool = True  # off for type larger than the grid, which Word would spread out


BODY = StyleSpec("SpeechBody", "讲话正文", "paragraph", BODY_FONT)
TITLE = StyleSpec("SpeechTitle", "讲话标题", "paragraph", TITLE_FONT, TITLE_HALF_POINTS,
                  align="center", indent=False, line=TITLE_LINE_TWIPS, keep_next=True,
                  snap=False)
BYLINE = StyleSpec("SpeechByline", "讲话署名", "paragraph", KAI_FONT, align="center",
                   indent=False, keep_next=True)
SALUTATION = StyleSpec("SpeechSalutation", "讲话称谓", "paragraph", BODY_FONT,
                       based_on=BODY.style_id, indent=False)
PAGE_NUMBER = StyleSpec("SpeechPageNumber", "讲话页码", "paragraph", SONG_FONT,
                        PAGE_NUMBER_HALF_POINTS, align="", indent=False, line=0, snap=False)
HEADING_FONTS = {1: HEI_FONT, 2: KAI_FONT, 3: BODY_FONT, 4: BODY_FONT}
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
HEADINGS = {
    lv: StyleSpec(f"SpeechHeading{lv}", f"{LEVEL_NAMES[lv]}标题", "paragraph", font,
                  based_on=BODY.style_id, outline=lv - 1, keep_next=True)
    for lv, font in HEADING_FONTS.items()
}
LEADS = {
    lv: StyleSpec(f"SpeechHeading{lv}Char", f"{LEVEL_NAMES[lv]}标题字符", "character", font)
    for lv, font in HEADING_FONTS.items()
}
STYLES = (BODY, TITLE, BYLINE, SALUTATION, PAGE_NUMBER, *HEADINGS.values(), *LEADS.values())

FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
CORE_MAX = 255  # longest core property (title, subject) Word accepts
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TITLE_DP_MAX = 4 * TITLE_LINE_CHARS  # longer titles use the linear layout


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
    doc = _base_document(reference_docx)
    _add_body(doc, draft)
    _set_core_properties(doc, draft)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue(), _draft_datetime(draft))


# --- title breaking ------------------------------------------------------------

_NO_LINE_START = set("的之和与及、，。：；）》”")
_NO_LINE_END = set("在的和与及暨第届（《“")
# a break after these reads as the end of a phrase (…工作 / …精神), unless a
# meeting word follows (工作会议 stays together)
_PHRASE_ENDS = ("工作", "精神", "全会", "会议", "大会")
_MEETING_START = set("会座推部大动")


def split_title(title: str, width: int = TITLE_LINE_CHARS) -> list[str]:
    """Split a long title into balanced lines at natural breaks, never mid-word.

    Preferred breaks: after punctuation, before 暨 or ——, before 上的/时的 (so
    "…工作会议" / "上的讲话"); otherwise any word boundary. Lines stay within
    ``width`` characters where possible and are as even as the breaks allow.
    """
    title = title.strip()
    if len(title) <= width:
        return [title]
    breaks = _title_breaks(title)
    if len(title) > TITLE_DP_MAX:
        return _split_long_title(title, breaks, width)
    lines = max(2, math.ceil(len(title) / width))
    ideal = len(title) / lines
    positions = sorted(breaks)
    best: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
    # dynamic programming over break positions: (last break, lines so far)
    for used in range(lines - 1):
        for (start, n), (cost, path) in list(best.items()):
            if n != used:
                continue
            for pos in positions:
                if pos <= start:
                    continue
                seg = pos - start
                c = cost + _line_cost(seg, ideal, width) - breaks[pos]
                key = (pos, n + 1)
                if key not in best or c < best[key][0]:
                    best[key] = (c, [*path, pos])
    finals = [
        (cost + _line_cost(len(title) - start, ideal, width), path)
        for (start, n), (cost, path) in best.items()
        if n == lines - 1
    ]
    if not finals:
        return [title]
    _, cuts = min(finals)
    bounds = [0, *cuts, len(title)]
    return [title[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]


def _split_long_title(title: str, breaks: dict[int, float], width: int) -> list[str]:
    """Minimum-cost line breaking in one pass, each line looking back at most 2 x width:
    linear in the title's length (the balanced search above is cubic)."""
    positions = [p for p in sorted(breaks) if 0 < p < len(title)] + [len(title)]
    best: dict[int, tuple[float, int]] = {0: (0.0, -1)}
    reached = [0]
    for pos in positions:
        window = [p for p in reached[-4 * width:] if 0 < pos - p <= 2 * width] or [reached[-1]]
        best[pos] = min((best[p][0] + _line_cost(pos - p, width, width) - breaks.get(pos, 0.0), p)
                        for p in window)
        reached.append(pos)
    cuts = []
    pos = len(title)
    while pos > 0:
        cuts.append(pos)
        pos = best[pos][1]
    bounds = [0, *reversed(cuts)]
    return [title[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if title[a:b].strip()]


def _line_cost(length: int, ideal: float, width: int) -> float:
    over = max(0, length - width)
    short = 100 if length < 3 else 0
    return 0.5 * abs(length - ideal) + 1000 * over + short


def _title_breaks(title: str) -> dict[int, float]:
    """Allowed break positions (index of the next line's first char) with a bonus."""
    breaks: dict[int, float] = {}
    for pos in _word_boundaries(title):
        breaks[pos] = 0.0
    for i, ch in enumerate(title[:-1]):
        if ch in "，、：；　 ":
            breaks[i + 1] = 8.0
    for m in re.finditer(r"暨|——", title):
        breaks[m.start()] = 8.0
    for m in re.finditer(r"[上时中]的[^的]{0,8}$", title):
        breaks[m.start()] = 5.0
    for end in _PHRASE_ENDS:
        for m in re.finditer(end, title):
            if m.end() in breaks and title[m.end():m.end() + 1] not in _MEETING_START:
                breaks[m.end()] = max(breaks[m.end()], 5.0)
    return {
        pos: bonus
        for pos, bonus in breaks.items()
        if 0 < pos < len(title)
        and title[pos] not in _NO_LINE_START
        and title[pos - 1] not in _NO_LINE_END
        and not (title[pos - 1].isascii() and title[pos - 1].isalnum()
                 and title[pos].isascii() and title[pos].isalnum())
    }


def _word_boundaries(text: str) -> set[int]:
    """Word boundaries from jieba (a project dependency), loaded only for long titles."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    bounds: set[int] = set()
    pos = 0
    for word in jieba.cut(text, HMM=False):
        pos += len(word)
        bounds.add(pos)
    return bounds


# --- document base ---------------------------------------------------------------


def _base_document(reference_docx: Path | None) -> DocumentObject:
    if reference_docx is None:
        doc = docx.Document()
        _clean_defaults(doc)
        _set_page_setup(doc)
        _ensure_styles(doc)
        _ensure_font_table(doc)
        _add_page_numbers(doc)
        return doc
    from generator.textfiles import read_office

    raw = read_office(reference_docx, "参考 Word 文件（.docx）", ExportError)
    try:
        doc = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for a bad package
        raise ExportError(f"无法读取参考 Word 文件 {reference_docx}（{type(exc).__name__}），"
                          "请确认它是 Word/WPS 保存的 .docx。") from None
    _clear_body(doc)
    _ensure_styles(doc)
    _ensure_font_table(doc)
    if not doc.sections[-1]._sectPr.findall(qn("w:footerReference")):
        _add_page_numbers(doc)
    return doc


def _clear_body(doc: DocumentObject) -> None:
    """Drop the reference's content but keep its final section properties."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _clean_defaults(doc: DocumentObject) -> None:
    """Replace the template's theme (Japanese East Asian) fonts with ours, zh-CN."""
    styles = doc.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        _drop_theme_attrs(rfonts)
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().remove(defaults)
    styles.insert(0, parse_xml(
        f"<w:docDefaults {nsdecls('w')}>"
        f"<w:rPrDefault><w:rPr>{_rfonts_xml(BODY_FONT)}"
        f'<w:sz w:val="{BODY_HALF_POINTS}"/><w:szCs w:val="{BODY_HALF_POINTS}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault><w:pPr>"
        f'<w:spacing w:before="0" w:after="0" w:line="{LINE_TWIPS}" w:lineRule="exact"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    ))
    for part in doc.part.package.iter_parts():
        if part.partname == "/word/stylesWithEffects.xml":  # Word 2010 copy of the styles
            part._blob = re.sub(rb' w:(?:asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)="[^"]*"',
                                b"", part.blob)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _drop_theme_attrs(rfonts: etree._Element) -> None:
    for attr in THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(f"w:{attr}"), None)


def _rfonts_xml(font: FontSpec) -> str:
    name = font.name
    return (f'<w:rFonts w:ascii="{name}" w:eastAsia="{name}" w:hAnsi="{name}" '
            f'w:cs="{name}" w:hint="eastAsia"/>')


def _set_page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(HEADER_MM), Mm(FOOTER_MM)
    section.gutter = 0
    sect = section._sectPr
    for attr in ("rsidR", "rsidRPr", "rsidSect"):
        sect.attrib.pop(qn(f"w:{attr}"), None)
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = etree.SubElement(sect, qn("w:docGrid"))
    grid.attrib.clear()
    # a line grid only: a character grid (28 a line) is laid out differently by
    # Word and LibreOffice, which spreads the text over ~18 characters a line
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))


def _style_names(doc: DocumentObject) -> set[str]:
    names = set()
    for style in doc.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            names.add(name.get(qn("w:val")))
    return names


def _style_ids(doc: DocumentObject) -> dict[str, str]:
    """Map style name → styleId in the (possibly reference) document."""
    ids = {}
    for style in doc.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            ids[name.get(qn("w:val"))] = style.get(qn("w:styleId"))
    return ids


def _ensure_styles(doc: DocumentObject) -> None:
    """Add each of our styles unless the document already has one of that name."""
    existing = _style_names(doc)
    ids = {s.get(qn("w:styleId")) for s in doc.styles.element.findall(qn("w:style"))}
    for spec in STYLES:
        if spec.name in existing or spec.style_id in ids:
            continue
        doc.styles.element.append(parse_xml(_style_xml(spec)))


def _style_xml(spec: StyleSpec) -> str:
    parts = [f'<w:style {nsdecls("w")} w:type="{spec.kind}" w:customStyle="1" '
             f'w:styleId="{spec.style_id}"><w:name w:val="{spec.name}"/>']
    if spec.kind == "paragraph":
        parts.append(f'<w:basedOn w:val="{spec.based_on or "Normal"}"/>')
        next_id = BODY.style_id if spec is not PAGE_NUMBER else spec.style_id
        parts.append(f'<w:next w:val="{next_id}"/>')
    parts.append("<w:qFormat/>")
    if spec.kind == "paragraph":
        ppr = []
        if spec.keep_next:
            ppr.append("<w:keepNext/>")
        ppr.append('<w:widowControl w:val="0"/>')
        if not spec.snap:
            ppr.append('<w:snapToGrid w:val="0"/>')
        if spec.line:
            ppr.append(f'<w:spacing w:before="0" w:after="0" w:line="{spec.line}" '
                       'w:lineRule="exact"/>')
        else:
            ppr.append('<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>')
        if spec.indent:
            ppr.append(f'<w:ind w:firstLineChars="200" w:firstLine="{2 * BODY_CHAR_TWIPS}"/>')
        else:
            ppr.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
        if spec.align:
            ppr.append(f'<w:jc w:val="{spec.align}"/>')
        if spec.outline is not None:
            ppr.append(f'<w:outlineLvl w:val="{spec.outline}"/>')
        parts.append(f"<w:pPr>{''.join(ppr)}</w:pPr>")
    rpr = [_rfonts_xml(spec.font)]
    if spec.kind == "paragraph":
        rpr += ["<w:b w:val=\"0\"/>", "<w:bCs w:val=\"0\"/>"]
    rpr.append(f'<w:sz w:val="{spec.half_points}"/><w:szCs w:val="{spec.half_points}"/>')
    if spec.kind == "paragraph":
        rpr.append('<w:lang w:eastAsia="zh-CN"/>')
    parts.append(f"<w:rPr>{''.join(rpr)}</w:rPr></w:style>")
    return "".join(parts)


def _ensure_font_table(doc: DocumentObject) -> None:
    """Record each font's fallback chain as w:altName in word/fontTable.xml."""
    part = next((p for p in doc.part.package.iter_parts()
                 if p.partname == "/word/fontTable.xml"), None)
    if part is None:
        part = Part(PackURI("/word/fontTable.xml"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
                    f'<w:fonts {nsdecls("w")}/>'.encode(), doc.part.package)
        doc.part.relate_to(part, RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for font in FONTS:
        if font.name in known:
            continue
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{font.name}">'
            f'<w:altName w:val="{",".join(font.alternates)}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{font.family}"/>'
            '<w:pitch w:val="variable"/></w:font>'
        ))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_page_numbers(doc: DocumentObject) -> None:
    """"— 1 —" footers: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[-1]
    style_id = _style_ids(doc).get(PAGE_NUMBER.name, PAGE_NUMBER.style_id)
    indent = PAGE_NUMBER_CHAR_TWIPS
    for footer, align, ind in (
        (section.footer, "right", f'w:right="{indent}" w:rightChars="100"'),
        (section.even_page_footer, "left", f'w:left="{indent}" w:leftChars="100"'),
    ):
        footer.is_linked_to_previous = False
        ftr = footer._element
        for child in list(ftr):
            ftr.remove(child)
        ftr.append(parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style_id}"/>'
            f'<w:ind {ind}/><w:jc w:val="{align}"/></w:pPr>'
            '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
        ))


# --- content -------------------------------------------------------------------


def _add_body(doc: DocumentObject, draft: Draft) -> None:
    ids = _style_ids(doc)

    def para(spec: StyleSpec) -> Paragraph:
        paragraph = doc.add_paragraph()
        paragraph._p.get_or_add_pPr().insert(0, parse_xml(
            f'<w:pStyle {nsdecls("w")} w:val="{ids.get(spec.name, spec.style_id)}"/>'))
        return paragraph

    title = para(TITLE)
    for i, line in enumerate(split_title(draft.title)):
        if i:
            title.add_run().add_break()
        title.add_run(_xml_text(line))
    if draft.speaker.strip():
        para(BYLINE).add_run(_xml_text(draft.speaker.strip()))
    if draft.date.strip():
        date = draft.date.strip()
        if not date.startswith("（"):
            date = f"（{date.strip('()')}）"
        para(BYLINE).add_run(_xml_text(date))
    para(BODY)  # the blank line between the heading block and the body

    for block in draft.blocks:
        _add_block(block, para, ids)


def _add_block(block: Block, para, ids: dict[str, str]) -> None:
    if block.kind == "salutation":
        para(SALUTATION).add_run(_xml_text(block.text))
    elif block.kind == "heading":
        para(HEADINGS.get(block.level, BODY)).add_run(_xml_text(f"{block.number}{block.text}"))
    elif block.lead or block.number:
        paragraph = para(BODY)
        lead = LEADS.get(block.level)
        run = paragraph.add_run(_xml_text(f"{block.number}{block.lead}"))
        if lead is not None:
            run._r.get_or_add_rPr().insert(0, parse_xml(
                f'<w:rStyle {nsdecls("w")} w:val="{ids.get(lead.name, lead.style_id)}"/>'))
        if block.text:
            paragraph.add_run(_xml_text(block.text))
    else:
        para(BODY).add_run(_xml_text(block.text))


# --- determinism ---------------------------------------------------------------


def _draft_datetime(draft: Draft) -> datetime:
    """The speech date as a timestamp (fixed fallback), so output depends only on input."""
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", draft.date)
    if m:
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
        except ValueError:
            pass
    return FIXED_DATE


def _set_core_properties(doc: DocumentObject, draft: Draft) -> None:
    props = doc.core_properties
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


def _normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the package with constant entry timestamps (python-docx uses 'now')."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
