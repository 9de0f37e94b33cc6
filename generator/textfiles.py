"""Reading the text files people hand us: one set of encodings, limits and messages.

Briefs, batch tables, corpus speeches and drafts to check all come from Chinese
offices: UTF-8 (with or without BOM) or GB18030 from older editors. Every reader
goes through here so they accept the same files and fail with the same words.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import BriefError, SpeechgenError

ENCODINGS = ("utf-8-sig", "gb18030")
TRIED = "已尝试编码：UTF-8、UTF-8 BOM、GB18030"


def decode_text(raw: bytes, name: str, error: type[SpeechgenError] = BriefError) -> str:
    """UTF-8 (with or without BOM), then GB18030; binary or anything else is a clear error."""
    if b"\x00" in raw[:4096]:
        raise error(f"{name} 不是文本文件（含有二进制内容），无法读取。{TRIED}。")
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise error(f"{name} 无法解码。{TRIED}；请另存为 UTF-8。")


def read_limited(path: Path, max_bytes: int | None, what: str,
                 error: type[SpeechgenError] = BriefError) -> bytes:
    """The file's bytes, refusing missing files, folders and files over max_bytes."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"找不到文件：{name}") from None
    except OSError as exc:
        raise error(f"无法读取文件 {name}：{exc.strerror or exc}") from None
    if path.is_dir():
        raise error(f"{name} 是目录，不是{what}。")
    if max_bytes is not None and size > max_bytes:
        limit = f"{max_bytes // 1_000_000} MB" if max_bytes >= 1_000_000 else f"{max_bytes // 1000} KB"
        raise error(f"{name} 太大（{size} 字节），{what}不得超过 {limit}。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(f"无法读取文件 {name}：{exc.strerror or exc}") from None


def read_text(path: Path, max_bytes: int | None, what: str,
              error: type[SpeechgenError] = BriefError) -> str:
    return decode_text(read_limited(path, max_bytes, what, error), str(path), error)
