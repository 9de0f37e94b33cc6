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
