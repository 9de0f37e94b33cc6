"""Reading drafts (.md/.txt with optional front matter, .docx) and briefs for checking."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from generator.errors import BriefError, CorpusError

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Draft:
    """A draft's body; line_offset maps body line 1 to its line in the file."""

    path: Path
    body: str
    line_offset: int = 0
    meta: dict[str, Any] | None = None


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 — what hand-edited Chinese files use."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"无法识别文件编码（应为 UTF-8 或 GB18030）：{path}")


def docx_paragraphs(path: Path) -> list[str]:
    """Paragraph texts of word/document.xml, without python-docx (faster, no import ban)."""
    try:
        with zipfile.ZipFile(path) as zf:
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
    if not path.exists():
        raise CorpusError(f"找不到文件：{path}")
    if path.is_dir():
        raise CorpusError(f"这是目录，不是讲话稿文件：{path}")
    if path.suffix.lower() == ".docx":
        return Draft(path, "\n".join(docx_paragraphs(path)))
    from generator.speechfile import parse_speech

    text = decode(path.read_bytes(), path).replace("\r\n", "\n").replace("\r", "\n")
    try:
        sf = parse_speech(text, path)
    except Exception:  # a broken front matter is just text to check
        return Draft(path, text)
    return Draft(path, sf.body, sf.body_line - 1, dict(sf.meta))


def load_brief_any(path: Path) -> Any:
    """The real loader when present; otherwise plain YAML (only a few keys are read)."""
    try:
        from generator.brief import load_brief  # type: ignore[attr-defined]
    except ImportError:
        load_brief = None
    if load_brief is not None:
        return load_brief(path)
    import yaml

    if not path.exists():
        raise BriefError(f"找不到简报文件：{path}")
    try:
        data = yaml.safe_load(decode(path.read_bytes(), path))
    except yaml.YAMLError as exc:
        raise BriefError(f"简报不是有效的 YAML：{path}（{exc}）") from exc
    if not isinstance(data, dict):
        raise BriefError(f"简报应为键值映射：{path}")
    return data
