"""Text of a Word file (.docx), the form in which offices keep their old speeches.

Paragraphs, headings and table cells come out one per line in document order, so a
.docx ingests to the same text as the plain-text copy Word would save. A .docx is a
zip archive: it is refused before parsing when the file or its unpacked content is
too large (a zip bomb), and a broken archive is a clear Chinese error, not a traceback.
python-docx is imported only when a .docx is actually read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.errors import CorpusError

MAX_DOCX_BYTES = 20_000_000  # a speech with pictures is a few MB
MAX_UNPACKED_BYTES = 200_000_000  # all parts together once unzipped
MAX_RATIO = 200  # a part unpacking to more than this many times its packed size is a bomb
ZIP_MAGIC = b"PK\x03\x04"


def is_docx(path: Path, raw: bytes) -> bool:
    return path.suffix.lower() == ".docx" or raw[:4] == ZIP_MAGIC


def _guard(raw: bytes, name: str) -> None:
    """Refuse archives that are broken, not Word documents, or unpack to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise CorpusError(f"{name} 不是有效的 Word 文档（.docx），文件可能已损坏；请用 Word 或 WPS 打开后重新另存为 .docx。") from None
    if not any(i.filename == "word/document.xml" for i in infos):
        raise CorpusError(f"{name} 不是 Word 文档（压缩包中没有 word/document.xml）。")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise CorpusError(f"{name} 解压后太大（{total} 字节），Word 文档解压后不得超过 {MAX_UNPACKED_BYTES // 1_000_000} MB。")
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise CorpusError(f"{name} 中的 {i.filename} 压缩比异常（疑似压缩炸弹），拒绝读取。")


def _blocks(parent: Any, doc: Any) -> Iterator[str]:
    """Paragraph and table texts under a body, cell or content control, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, doc).text
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell._tc, doc)
        elif tag == "sdt":  # content controls wrap ordinary paragraphs and tables
            for content in child.iterchildren():
                if content.tag.rsplit("}", 1)[-1] == "sdtContent":
                    yield from _blocks(content, doc)


def docx_text(raw: bytes, name: str) -> str:
    """The document's text, one paragraph (or table cell paragraph) per line."""
    if len(raw) > MAX_DOCX_BYTES:
        raise CorpusError(f"{name} 太大（{len(raw)} 字节），Word 文档不得超过 {MAX_DOCX_BYTES // 1_000_000} MB。")
    _guard(raw, name)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # SyntaxError covers lxml's XMLSyntaxError: a damaged document part
        raise CorpusError(f"{name} 不是可读取的 Word 文档（.docx），内容可能已损坏（{type(exc).__name__}）。") from None
    return "\n".join(_blocks(document.element.body, document))
