"""Text of a Word file (.docx), the form in which offices keep their old speeches.

Paragraphs, headings and table cells come out one per line in document order, with
Word's automatic numbering written out (一、 （一） 1.), so a .docx ingests to the same
text as the plain-text copy Word would save. A .docx is a
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
    from generator.textfiles import check_office_zip

    check_office_zip(raw, name, "Word 文档（.docx）", CorpusError)  # encryption, DTDs, sizes
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


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (list numbers stay small)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """One level's counter in Word's number format (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital", "japaneseCounting"):
        return chinese_number(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("ideographTraditional", "ideographZodiac") and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Word's automatic list numbers, counted per list as the document is read."""

    def __init__(self, doc: Any):
        from docx.oxml.ns import qn

        self.qn = qn
        self.doc = doc
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for node in root.findall(qn("w:abstractNum")):
            lvls = {}
            for lvl in node.findall(qn("w:lvl")):
                lvls[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    int(self._val(lvl, "w:start") or 1), self._val(lvl, "w:numFmt") or "decimal",
                    self._val(lvl, "w:lvlText") or "")
            abstract[node.get(qn("w:abstractNumId"))] = lvls
        for num in root.findall(qn("w:num")):
            lvls = dict(abstract.get(self._val(num, "w:abstractNumId"), {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl, start = int(override.get(qn("w:ilvl"), "0")), self._val(override, "w:startOverride")
                if start and ilvl in lvls:
                    lvls[ilvl] = (int(start), *lvls[ilvl][1:])
            self.levels[num.get(qn("w:numId"))] = lvls

    def _val(self, node: Any, tag: str) -> str | None:
        child = node.find(self.qn(tag))
        return None if child is None else child.get(self.qn("w:val"))

    def _num_pr(self, p: Any) -> tuple[str | None, int]:
        """numId and level from the paragraph, else from its style (as Word resolves them)."""
        ppr = p.pPr
        if ppr is not None and ppr.numPr is not None:
            num_pr = ppr.numPr
        else:
            style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
            style = self.doc.styles.element.get_by_id(style_id) if style_id else None
            num_pr = style.pPr.numPr if style is not None and style.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None, 0
        return str(num_pr.numId.val), (num_pr.ilvl.val if num_pr.ilvl is not None else 0)

    def label(self, p: Any) -> str:
        """The number Word shows before this paragraph (一、 （二） 3.), or ""."""
        num_id, ilvl = self._num_pr(p)
        lvls = self.levels.get(num_id or "")
        if not lvls or ilvl not in lvls:
            return ""
        counts = self.counters.setdefault(num_id, [None] * 9)
        counts[ilvl] = lvls[ilvl][0] if counts[ilvl] is None else counts[ilvl] + 1
        counts[ilvl + 1:] = [None] * (8 - ilvl)
        text = lvls[ilvl][2]
        for k in range(ilvl + 1):
            start, fmt, _ = lvls.get(k, (1, "decimal", ""))
            text = text.replace(f"%{k + 1}", format_number(counts[k] or start, fmt))
        return text


def _blocks(parent: Any, doc: Any, numbering: Numbering) -> Iterator[str]:
    """Paragraph and table texts under a body, cell or content control, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield numbering.label(child) + Paragraph(child, doc).text
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell._tc, doc, numbering)
        elif tag == "sdt":  # content controls wrap ordinary paragraphs and tables
            for content in child.iterchildren():
                if content.tag.rsplit("}", 1)[-1] == "sdtContent":
                    yield from _blocks(content, doc, numbering)


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
    return "\n".join(_blocks(document.element.body, document, Numbering(document)))
