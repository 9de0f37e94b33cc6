"""Reading drafts to check: .md/.txt with optional front matter, and .docx."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

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
    """Paragraph texts of word/document.xml, without python-docx (faster, no import ban)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            xml = zf.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise CorpusError(f"不是有效的 Word 文档（.docx）：{path}") from exc
    root = ElementTree.fromstring(xml)
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

    from generator.speechfile import parse_speech
    from generator.textfiles import decode_text, read_limited

    raw = read_limited(path, None, "讲话稿文件", CorpusError)
    if path.suffix.lower() == ".docx":
        return Draft(path, "\n".join(docx_paragraphs(raw, path)))
    text = decode_text(raw, str(path), CorpusError).replace("\r\n", "\n").replace("\r", "\n")
    try:
        sf = parse_speech(text, path)
    except yaml.YAMLError:  # a broken front matter is just text to check
        return Draft(path, text)
    return Draft(path, sf.body, sf.body_line - 1, dict(sf.meta))
