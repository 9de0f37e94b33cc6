"""The document template: everything in a draft's .docx except its body and core properties.

Built once per process (and per reference document) with python-docx, then
kept as zip members already compressed, ``word/document.xml`` split around the
body, and the core-properties element to fill per draft. A batch of 200 drafts
thus builds styles, fonts, page setup and footers once, not 200 times.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from lxml import etree

from generator.errors import ExportError
from generator.writers.docx_style import (
    FONTS,
    FOOTER_MM,
    HEADER_MM,
    LINE_TWIPS,
    MARGINS_MM,
    PAGE_HEIGHT_MM,
    PAGE_NUMBER,
    PAGE_NUMBER_CHAR_TWIPS,
    PAGE_WIDTH_MM,
    STYLES,
    THEME_FONT_ATTRS,
    doc_defaults_xml,
    font_xml,
    style_xml,
)
from generator.writers.docx_zip import Member

# a paragraph marking where the body goes; never in a draft (private-use characters)
BODY_MARK = "\ue000speechgen-body\ue001"
_MARK_RE = re.compile(rb'<w:p((?: xmlns:w="[^"]*")?)><w:r><w:t>'
                      + re.escape(BODY_MARK.encode("utf-8")) + rb"</w:t></w:r></w:p>")


@dataclass(frozen=True)
class Template:
    """A prepared package: fixed members, and the two parts each draft fills in."""

    members: tuple[Member | str, ...]  # a str is the name of a per-draft part, in its place
    document_name: str
    core_name: str
    head: bytes  # word/document.xml up to the body's first paragraph
    tail: bytes  # from the final section properties to the end
    p_open: str  # "<w:p>", or with a namespace declaration where the reference needs one
    style_ids: dict[str, str]  # style name -> styleId, escaped for an attribute value
    core: etree._Element  # docProps/core.xml, copied and filled per draft


_CACHE: dict[object, Template] = {}
_CACHE_SIZE = 4


def template(reference_docx: Path | None) -> Template:
    """The template for the default layout or a reference document, built once per process.

    A reference is keyed by path, size and modification time, so an edited file
    is read again; a file that cannot be stat'ed is not cached (reading it reports why).
    """
    key: object = None
    if reference_docx is not None:
        try:
            st = os.stat(reference_docx)
            key = (os.path.abspath(reference_docx), st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            return build_template(reference_docx)
    found = _CACHE.get(key)
    if found is None:
        found = build_template(reference_docx)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = found
    return found


def build_template(reference_docx: Path | None) -> Template:
    doc = base_document(reference_docx)
    ids = style_ids(doc)
    doc.core_properties  # noqa: B018 - creates docProps/core.xml when the reference has none
    core_part = doc.part.package._core_properties_part
    doc.add_paragraph(BODY_MARK)
    buffer = io.BytesIO()
    doc.save(buffer)
    document_name = doc.part.partname.membername
    core_name = core_part.partname.membername
    members: list[Member | str] = []
    head = tail = b""
    p_open = "<w:p>"
    with zipfile.ZipFile(buffer) as package:
        for name in package.namelist():
            data = package.read(name)
            if name == document_name:
                marks = list(_MARK_RE.finditer(data))
                if len(marks) != 1:
                    raise ExportError("参考 Word 文件的正文结构无法识别，请在 Word/WPS 中另存为 .docx 后再试。")
                head, tail = data[:marks[0].start()], data[marks[0].end():]
                p_open = f"<w:p{marks[0][1].decode('utf-8')}>"
                members.append(name)
            elif name == core_name:
                members.append(name)
            else:
                members.append(Member.of(name, data))
    escaped = {name: _attr(value) for name, value in ids.items()}
    return Template(tuple(members), document_name, core_name, head, tail, p_open, escaped,
                    core_part._element)


def _attr(value: str) -> str:
    """An attribute value escaped as lxml serialises it."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
            .replace("\t", "&#9;"))


# --- the base document (python-docx) ----------------------------------------------


def base_document(reference_docx: Path | None) -> DocumentObject:
    """The styled, empty document: our default layout, or the reference's with our styles added."""
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
        for attr in THEME_FONT_ATTRS:
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().remove(defaults)
    styles.insert(0, parse_xml(doc_defaults_xml()))
    for part in doc.part.package.iter_parts():
        if part.partname == "/word/stylesWithEffects.xml":  # Word 2010 copy of the styles
            part._blob = re.sub(rb' w:(?:asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)="[^"]*"',
                                b"", part.blob)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


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


def style_ids(doc: DocumentObject) -> dict[str, str]:
    """Map style name → styleId in the (possibly reference) document."""
    ids = {}
    for style in doc.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            ids[name.get(qn("w:val"))] = style.get(qn("w:styleId"))
    return ids


def _ensure_styles(doc: DocumentObject) -> None:
    """Add each of our styles unless the document already has one of that name."""
    existing = set(style_ids(doc))
    ids = {s.get(qn("w:styleId")) for s in doc.styles.element.findall(qn("w:style"))}
    for spec in STYLES:
        if spec.name in existing or spec.style_id in ids:
            continue
        doc.styles.element.append(parse_xml(style_xml(spec)))


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
        if font.name not in known:
            root.append(parse_xml(font_xml(font)))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_page_numbers(doc: DocumentObject) -> None:
    """"— 1 —" footers: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[-1]
    style_id = _attr(style_ids(doc).get(PAGE_NUMBER.name, PAGE_NUMBER.style_id))
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
