"""The one reading layer: every file people hand us comes in through here.

Briefs, batch tables (CSV/XLSX), drafts and old speeches (.txt/.md/.docx),
corpus files, topic packs and templates all come from offices, mail
attachments and shared folders. Every reader goes through this module so they
accept the same files and refuse the same hostile ones, with the same words:

- regular files only: a FIFO, a device or a symlink to ``/dev/zero`` is refused
  before a byte is read (opened non-blocking, checked with ``fstat``);
- a limit on the bytes actually read, whatever ``stat`` claimed;
- encodings by BOM (UTF-8, UTF-16 LE/BE from Notepad's "Unicode", UTF-32),
  then UTF-8, then GB18030;
- Office files (.docx/.xlsx are zip archives): member count, declared and
  actual uncompressed sizes, encrypted members and any DTD (XXE, billion
  laughs) are refused before an XML parser sees them.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from generator.errors import BriefError, SpeechgenError, os_error_message

TRIED = "已尝试编码：UTF-8、UTF-8 BOM、UTF-16/UTF-32（带 BOM）、GB18030"
MAX_TEXT_BYTES = 20_000_000  # a draft, speech or corpus file
MAX_OFFICE_BYTES = 50_000_000  # a .docx or .xlsx as stored
MAX_UNZIPPED = 200_000_000  # all members of one .docx/.xlsx, uncompressed
MAX_MEMBER = 50_000_000  # one member (e.g. word/document.xml, a sheet), uncompressed
MAX_MEMBERS = 10_000
_CHUNK = 1 << 16

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _sp(what: str) -> str:
    """A space before a Latin word after Chinese text: 不是有效的 Word 文档."""
    return f" {what}" if what[:1].isascii() else what


def _limit_words(max_bytes: int) -> str:
    return f"{max_bytes // 1_000_000} MB" if max_bytes >= 1_000_000 else f"{max_bytes // 1000} KB"


def decode_text(raw: bytes, name: str, error: type[SpeechgenError] = BriefError) -> str:
    """By BOM first (UTF-8, UTF-16, UTF-32), then UTF-8, then GB18030; binary is a clear error."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(enc.removesuffix("-sig") if enc == "utf-8-sig" else enc)
            except UnicodeDecodeError:
                raise error(f"{name} 开头标明是 {enc.upper()} 编码，但内容无法按此解码。{TRIED}；"
                            "请另存为 UTF-8。") from None
    if b"\x00" in raw[:4096]:
        raise error(f"{name} 不是文本文件（含有二进制内容），无法读取。{TRIED}。")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise error(f"{name} 无法解码。{TRIED}；请另存为 UTF-8。")


def read_limited(path: Path, max_bytes: int | None, what: str,
                 error: type[SpeechgenError] = BriefError) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them actually read.

    Opened non-blocking so a FIFO cannot hang us, then ``fstat`` on the open
    descriptor (no race with a swapped path): anything but a regular file is
    refused. ``max_bytes=None`` means the general text limit.
    """
    from generator.writers.output import os_path  # \\?\ form for long Windows paths

    limit = MAX_TEXT_BYTES if max_bytes is None else max_bytes
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        if Path(path).is_dir():
            raise error(f"{name} 是目录，不是{what}。")
        fd = os.open(os_path(Path(path)), flags)
    except FileNotFoundError:
        raise error(f"找不到文件：{name}") from None
    except OSError as exc:
        raise error(os_error_message(exc, name, "读取")) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{name} 是目录，不是{what}。")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{name} 不是普通文件（可能是设备、管道或指向它们的链接），已拒绝读取。")
        if info.st_size > limit:
            raise error(f"{name} 太大（{info.st_size} 字节），{what}不得超过 {_limit_words(limit)}。")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(f"{name} 太大（超过 {limit} 字节），{what}不得超过 {_limit_words(limit)}。")
        return b"".join(chunks)
    except OSError as exc:
        raise error(os_error_message(exc, name, "读取")) from None
    finally:
        os.close(fd)


def read_text(path: Path, max_bytes: int | None, what: str,
              error: type[SpeechgenError] = BriefError) -> str:
    return decode_text(read_limited(path, max_bytes, what, error), str(path), error)


# ------------------------------------------------------------------ Office (zip) files

def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                 error: type[SpeechgenError]) -> None:
    """Read one member in chunks (never more than its declared size) and refuse any DTD."""
    tail = b""
    seen = 0
    with zf.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                return
            seen += len(chunk)
            if seen > MAX_MEMBER:
                raise error(f"{name} 中的 {info.filename} 解压后过大，已拒绝读取。")
            probe = (tail + chunk).upper()
            if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
                raise error(f"{name} 中的 {info.filename} 含有 DTD/实体声明（Office 文件不会有），"
                            "可能是恶意构造的文件，已拒绝读取。")
            tail = chunk[-16:]


def check_office_zip(raw: bytes, name: str, what: str,
                     error: type[SpeechgenError] = BriefError) -> None:
    """Refuse a .docx/.xlsx that is not a zip, is encrypted, or unpacks to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise error(f"{name} 内部文件过多（{len(infos)} 个），不像正常的{_sp(what)}，已拒绝读取。")
            total = 0
            for info in infos:
                if info.flag_bits & 0x1:
                    raise error(f"{name} 已加密（或含加密的部分），请在 Word/WPS/Excel 中取消密码后另存再试。")
                if info.file_size > MAX_MEMBER:
                    raise error(f"{name} 中的 {info.filename} 解压后有 {info.file_size} 字节，"
                                f"超过 {_limit_words(MAX_MEMBER)}，已拒绝读取。")
                total += info.file_size
                if total > MAX_UNZIPPED:
                    raise error(f"{name} 解压后超过 {_limit_words(MAX_UNZIPPED)}，已拒绝读取。")
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _scan_member(zf, info, name, error)
    except SpeechgenError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            EOFError, OSError, ValueError, KeyError) as exc:
        raise error(f"{name} 不是有效的{_sp(what)}（文件已损坏或格式不对：{type(exc).__name__}）。") from None


def read_office(path: Path, what: str, error: type[SpeechgenError] = BriefError) -> bytes:
    """A .docx/.xlsx's bytes, after :func:`check_office_zip` has vouched for them."""
    raw = read_limited(path, MAX_OFFICE_BYTES, what, error)
    check_office_zip(raw, str(path), what, error)
    return raw


MAX_XML_PARSED = 20_000_000  # one member parsed whole into memory (word/document.xml)


def read_zip_member(raw: bytes, member: str, name: str, what: str,
                    error: type[SpeechgenError] = BriefError, limit: int = MAX_XML_PARSED) -> bytes:
    """One member of an archive already checked by :func:`check_office_zip`; a member
    parsed whole (not streamed) must stay under ``limit`` bytes unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            info = zf.getinfo(member)
            if info.file_size > limit:
                raise error(f"{name} 中的 {member} 解压后有 {info.file_size} 字节，超过 "
                            f"{_limit_words(limit)}，已拒绝读取。")
            return zf.read(info)
    except KeyError:
        raise error(f"{name} 不是有效的{_sp(what)}（缺少 {member}）。") from None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError) as exc:
        raise error(f"{name} 不是有效的{_sp(what)}（文件已损坏：{type(exc).__name__}）。") from None


def parse_xml(data: bytes, name: str, what: str, error: type[SpeechgenError] = BriefError):
    """An ElementTree root from untrusted XML: defusedxml when installed, DTDs refused either way."""
    upper = data[:65536].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise error(f"{name} 含有 DTD/实体声明，可能是恶意构造的{_sp(what)}，已拒绝读取。")
    try:
        from defusedxml.ElementTree import fromstring
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        from xml.etree.ElementTree import fromstring
    try:
        return fromstring(data)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted XML is "damaged"
        raise error(f"{name} 不是有效的{_sp(what)}（XML 已损坏：{type(exc).__name__}）。") from None
