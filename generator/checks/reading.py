"""Reading drafts to check: .md/.txt with optional front matter, and .docx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import CorpusError

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Draft:
    """A draft's body; line_offset maps body line 1 to its line in the file."""

    path: Path
    body: str
    line_offset: int = 0
    meta: dict[str, Any] | None = None


def docx_paragraphs(raw: bytes, path: Path) -> list[str]:
    """Paragraph texts of word/document.xml, without python-docx (faster, no import ban).

    The archive goes through the reading layer's Office checks first (sizes,
    encryption, DTDs), then a defused XML parser."""
    from generator.textfiles import check_office_zip, parse_xml, read_zip_member

    what = "Word 文档（.docx）"
    check_office_zip(raw, str(path), what, CorpusError)
    xml = read_zip_member(raw, "word/document.xml", str(path), what, CorpusError)
    root = parse_xml(xml, str(path), what, CorpusError)
    paras: list[str] = []
    for p in root.iter(f"{W_NS}p"):
        parts: list[str] = []
        for node in p.iter():
            if node.tag == f"{W_NS}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W_NS}tab":
                parts.append("\t")
            elif node.tag in (f"{W_NS}br", f"{W_NS}cr"):
                parts.append("\n")
        paras.append("".join(parts))
    return paras


def read_draft(path: Path) -> Draft:
    """Read one draft; front matter (---) of .md/.txt is skipped but line numbers stay true."""
    import yaml

    from generator.speechfile import FrontMatterError, parse_speech
    from generator.textfiles import MAX_OFFICE_BYTES, decode_text, read_limited

    docx = path.suffix.lower() == ".docx"
    raw = read_limited(path, MAX_OFFICE_BYTES if docx else None, "讲话稿文件", CorpusError)
    if docx:
        return Draft(path, "\n".join(docx_paragraphs(raw, path)))
    text = decode_text(raw, str(path), CorpusError).replace("\r\n", "\n").replace("\r", "\n")
    try:
        sf = parse_speech(text, path)
    except (yaml.YAMLError, FrontMatterError):  # a broken front matter is just text to check
        return Draft(path, text)
    return Draft(path, sf.body, sf.body_line - 1, dict(sf.meta))
