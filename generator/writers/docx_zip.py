"""A deterministic zip writer for .docx packages whose members are mostly fixed.

A draft's package has about twenty members, of which only ``word/document.xml``
and ``docProps/core.xml`` change from draft to draft; ``styles.xml`` and its
Word 2010 copy alone are 780 kB of XML. :class:`Member` deflates a fixed member
once per process, so each draft compresses only its own two parts.

The bytes are exactly those :mod:`zipfile` writes on POSIX for an entry with a
given ``date_time``, ``ZIP_DEFLATED`` at the default level and mode 0644 (the
tests compare the two), except that the creating system is always Unix, so the
same draft gives the same bytes on Windows too.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import datetime

VERSION = 20  # 2.0: deflate
UNIX = 3
DEFLATED = 8
FILE_MODE = 0o644 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def deflate(data: bytes) -> bytes:
    """Raw deflate at zlib's default level, as zipfile compresses an entry."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class Member:
    """One zip entry, already compressed."""

    name: bytes
    flags: int  # 0x800: the name is UTF-8
    crc: int
    size: int
    packed: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> Member:
        flags = 0 if name.isascii() else 0x800
        return cls(name.encode("utf-8"), flags, zlib.crc32(data), len(data), deflate(data))


def dos_stamp(when: datetime) -> tuple[int, int]:
    """(time, date) in DOS form at midnight of ``when``; years outside 1980–2107 clamped."""
    year = min(max(when.year, 1980), 2107)
    return 0, (year - 1980) << 9 | when.month << 5 | when.day


def zip_bytes(members: list[Member], when: datetime) -> bytes:
    """The package: local entries in order, then the central directory."""
    dostime, dosdate = dos_stamp(when)
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        fields = (DEFLATED, dostime, dosdate, m.crc, len(m.packed), m.size, len(m.name))
        local = _LOCAL.pack(b"PK\x03\x04", VERSION, 0, m.flags, *fields, 0)
        chunks += (local, m.name, m.packed)
        central += (_CENTRAL.pack(b"PK\x01\x02", VERSION, UNIX, VERSION, 0, m.flags, *fields, 0, 0, 0, 0,
                                  FILE_MODE, offset), m.name)
        offset += len(local) + len(m.name) + len(m.packed)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(chunks) + directory + end
