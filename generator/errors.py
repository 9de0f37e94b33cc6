"""One error family, so the CLI maps every expected failure to a clean Chinese message."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One problem in an input file, located as precisely as we can."""

    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""  # key path such as achievements[2].figures[0].value

    def __str__(self) -> str:
        where = self.file or "<输入>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" [{self.path}]" if self.path else ""
        return f"{where}{key} {self.message}"


class SpeechgenError(Exception):
    """Base of every error the CLI reports without a traceback (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = problems or []

    def render(self) -> str:
        lines = [self.message]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class BriefError(SpeechgenError):
    """The brief (or batch file) is invalid."""


class TemplateError(SpeechgenError):
    """A template or topic pack is broken or tried something the sandbox forbids."""


class CorpusError(SpeechgenError):
    """A speech file could not be read or ingested."""


class ExportError(SpeechgenError):
    """A draft could not be written (exists, bad path, unwritable)."""


@dataclass
class Problems:
    """Collects problems so that a brief reports everything wrong at once."""

    file: str = ""
    items: list[Problem] = field(default_factory=list)

    def add(self, message: str, path: str = "", line: int | None = None,
            column: int | None = None) -> None:
        self.items.append(Problem(message, self.file, line, column, path))

    def __bool__(self) -> bool:
        return bool(self.items)


# ------------------------------------------------------------------ OS errors in Chinese

_ERRNO_WORDS = {
    "ENOENT": "找不到文件或目录",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "磁盘配额已用完",
    "EROFS": "磁盘或文件夹是只读的",
    "EISDIR": "这是一个目录，不是文件",
    "ENOTDIR": "路径中有一段不是目录",
    "ENAMETOOLONG": "路径或文件名太长（Windows 下路径一般不超过 260 个字符），请换一个短一些的位置",
    "EEXIST": "文件已存在",
    "EIO": "磁盘读写出错",
    "EMFILE": "同时打开的文件太多",
    "ENFILE": "同时打开的文件太多",
    "ELOOP": "符号链接层数太多（可能是循环链接）",
    "EXDEV": "不能跨磁盘改名",
    "ENXIO": "设备不存在",
    "ETXTBSY": "文件正被其他程序使用",
    "EBUSY": "文件正被其他程序使用",
}
LOCKED = "文件被占用或无权限，请关闭 Word/WPS 中打开的该文件后重试"
_WINERROR_LOCKED = {5, 32, 33}  # access denied, sharing violation, lock violation


def os_error_words(exc: OSError) -> str:
    """What went wrong, in Chinese; never Python's English ``[Errno 28] ...``."""
    import errno

    if getattr(exc, "winerror", None) in _WINERROR_LOCKED or isinstance(exc, PermissionError) \
            or exc.errno in (errno.EACCES, errno.EPERM):
        return LOCKED
    name = errno.errorcode.get(exc.errno or -1, "")
    if name in _ERRNO_WORDS:
        return _ERRNO_WORDS[name]
    code = f"（系统错误码 {exc.errno}）" if exc.errno else ""
    return f"操作系统报告错误{code}"


def os_error_message(exc: OSError, path: object = None, doing: str = "处理") -> str:
    """``无法写入 讲话稿.docx：文件被占用……`` — always the file name and a Chinese reason."""
    where = path if path is not None else (exc.filename or "")
    return f"无法{doing} {where}：{os_error_words(exc)}。" if where else f"无法{doing}文件：{os_error_words(exc)}。"
