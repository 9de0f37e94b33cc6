"""The Jinja environment every template runs in, built-in or user-supplied.

Always a ``SandboxedEnvironment`` with ``StrictUndefined``: user templates may
come from outside the office, and a typo must fail loudly rather than print an
empty string into a speech. Brief values reach templates as data only; Jinja
never re-evaluates a rendered value, so ``{{ 7*7 }}`` in a title prints as is.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
)
from jinja2.exceptions import SecurityError, TemplateNotFound, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import TemplateError
from generator.packs import TemplateDirs
from generator.wording import FILTERS

MAX_PRODUCT = 1_000_000  # characters or items one ``*`` may build; bits one ``**`` may build


class SpeechSandbox(SandboxedEnvironment):
    """The stock sandbox, plus a cap on ``*`` and ``**``.

    Jinja's sandbox blocks Python internals and huge ``range``s but not
    ``{{ 'a' * 10**10 }}`` or ``{{ 10 ** (10**10) }}``, which would exhaust
    memory or CPU before any error could be shown.
    """

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        too_big = False
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_PRODUCT:
                    too_big = True
        elif isinstance(left, int) and isinstance(right, int) and right > 0:
            too_big = abs(left) > 1 and left.bit_length() * right > MAX_PRODUCT
        if too_big:
            raise SecurityError(f"运算 {operator} 的结果过大（超过 {MAX_PRODUCT} 个字符或位）")
        return super().call_binop(context, operator, left, right)


def bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates cached per user (keyed by source checksum): a cold render
    then skips Jinja's compiler. Off with SPEECHGEN_NO_CACHE=1 or when unwritable."""
    if os.environ.get("SPEECHGEN_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "speechgen" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def sandboxed_env(dirs: TemplateDirs | None = None) -> SpeechSandbox:
    """A fresh sandbox (templates from ``dirs``, or none for from_string use)."""
    loader = None
    if dirs is not None:
        loader = ChoiceLoader([FileSystemLoader(str(p)) for p in dirs.search])
    env = SpeechSandbox(
        loader=loader,
        bytecode_cache=bytecode_cache() if loader is not None else None,
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


@functools.lru_cache(maxsize=16)
def cached_env(dirs: TemplateDirs) -> SandboxedEnvironment:
    """One environment per template folder per process, so templates compile once."""
    return sandboxed_env(dirs)


def describe_template_error(exc: Exception, fallback: str = "") -> TemplateError:
    """Name the template file and line of a failure inside a template."""
    if isinstance(exc, TemplateSyntaxError):
        return TemplateError(f"模板 {exc.filename or exc.name or fallback} 第 {exc.lineno} 行语法错误：{exc.message}")
    if isinstance(exc, TemplateNotFound):
        return TemplateError(f"找不到模板 {exc.name}。")
    where = fallback
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or filename == "<template>":
            where = f"{filename} 第 {tb.tb_lineno} 行"
        tb = tb.tb_next
    if isinstance(exc, SecurityError):
        return TemplateError(f"模板 {where} 试图访问不安全的属性，已被沙箱拦截：{exc}")
    if isinstance(exc, UndefinedError):
        return TemplateError(f"模板 {where} 引用了未定义的变量：{exc.message}")
    return TemplateError(f"模板 {where} 出错：{exc}")
