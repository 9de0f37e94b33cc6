"""Request bodies and uploaded files: size caps, type checks, display names.

Limits match the issue: 1 MB for a brief (the CLI's own yamlload.MAX_BYTES),
20 MB for a spreadsheet or for the drafts of one check. A body is read with a
running count, so a client that lies about (or omits) Content-Length is still
stopped at the cap. An uploaded file's name is only ever shown, never used as
a path: files are saved under names the server picks.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import Request

from generator.yamlload import MAX_BYTES as BRIEF_BYTES

FILE_BYTES = 20_000_000  # one spreadsheet, or all drafts of one check
JSON_BYTES = BRIEF_BYTES + 200_000  # a form brief as JSON, with its quoting
OVERHEAD = 200_000  # multipart boundaries and the small fields around the files
MAX_FILES = 200  # drafts in one check

BRIEF_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".xlsx")
DRAFT_SUFFIXES = (".docx", ".md", ".txt")


class UploadProblem(Exception):
    """A refused request body or file; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def megabytes(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"


async def capped(request: Request, limit: int) -> Request:
    """The request with its body read in full, or UploadProblem(413) past ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise UploadProblem(f"上传的内容太大，不得超过 {megabytes(limit)}。", 413)
        except ValueError:
            raise UploadProblem("请求有误（Content-Length）。") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise UploadProblem(f"上传的内容太大，不得超过 {megabytes(limit)}。", 413)
        chunks.append(chunk)
    body = b"".join(chunks)
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, replay)


def display_name(name: str | None, fallback: str) -> str:
    """A client file name for messages only: last path part, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:120] or fallback


@dataclass
class Upload:
    name: str  # for display only
    suffix: str  # one of the allowed suffixes, lower case
    data: bytes


async def take(upload: object, what: str, suffixes: tuple[str, ...], limit: int) -> Upload:
    """An uploaded file's bytes, refusing missing, oversize and wrong-type files."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadProblem(f"请选择{what}。")
    name = display_name(upload.filename, what)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in suffixes:
        raise UploadProblem(f"{name} 的类型不对：{what}应当是 {'、'.join(suffixes)} 文件。", 415)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise UploadProblem(f"{name} 太大，{what}不得超过 {megabytes(limit)}。", 413)
    if suffix in (".xlsx", ".docx"):
        if not data.startswith(b"PK\x03\x04"):
            raise UploadProblem(f"{name} 不是有效的 {suffix} 文件（内容不是 Office 文档）。", 415)
    elif b"\x00" in data[:4096]:
        raise UploadProblem(f"{name} 不是文本文件（含有二进制内容）：{what}应当是 {'、'.join(suffixes)} 文件。", 415)
    return Upload(name, suffix, data)
