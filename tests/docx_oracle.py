"""The Word writer as it was before issue 15: python-docx builds every draft from scratch.

Kept as the oracle for the fast writer, which prepares the template once and
writes paragraphs as XML text: for the same draft both must give the same bytes.
Only the per-draft steps live here; the template (styles, fonts, page setup,
footers) is built by the same :func:`generator.writers.docx_base.base_document`.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

from generator.draft import Block, Draft
from generator.writers.docx import CORE_MAX, _draft_datetime, _xml_text
from generator.writers.docx_base import base_document, style_ids
from generator.writers.docx_style import BODY, BYLINE, HEADINGS, LEADS, SALUTATION, TITLE, StyleSpec
from generator.writers.docx_title import split_title


def oracle_docx_bytes(draft: Draft, reference_docx: Path | None = None) -> bytes:
    doc = base_document(reference_docx)
    _add_body(doc, draft)
    _set_core_properties(doc, draft)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue(), _draft_datetime(draft))


def _add_body(doc: DocumentObject, draft: Draft) -> None:
    ids = style_ids(doc)

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
    para(BODY)
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


def _set_core_properties(doc: DocumentObject, draft: Draft) -> None:
    props = doc.core_properties
    when = _draft_datetime(draft).replace(tzinfo=None)
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
