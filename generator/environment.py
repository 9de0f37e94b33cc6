"""The Jinja environments templates run in.

User templates (a ``--templates`` folder, ``fill``) always run in a
``SandboxedEnvironment`` with ``StrictUndefined``: they may come from outside
the office, and a typo must fail loudly rather than print an empty string into
a speech. Brief values reach templates as data only; Jinja never re-evaluates
a rendered value, so ``{{ 7*7 }}`` in a title prints as is.

The built-in templates ship with the tool and are as trusted as its Python
code, so :func:`cached_env` renders them in a plain :class:`jinja2.Environment`
with the same filters, options and ``StrictUndefined`` (the sandbox's checks
on every attribute access and call were about a quarter of a warm render). That
environment loads from the built-in folder only and is used only when the
user's ``--templates`` folder holds no ``*.j2`` at all (packs, phrases and
formulations are data, not code); with any user template in the library,
everything renders in the sandbox. Its compiled templates are cached in a
separate folder: code compiled without the sandbox's checks must never be
loaded into the sandbox.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import string
from collections.abc import Callable
from pathlib import Path
from types import MethodType
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
)
from jinja2 import filters as jinja_filters
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, TemplateNotFound, UndefinedError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg, generate_lorem_ipsum

from generator.errors import TemplateError
from generator.packs import TemplateDirs
from generator.wording import FILTERS

MAX_PRODUCT = 1_000_000  # characters or items one ``*`` may build; bits one ``**`` may build
MAX_STRING = MAX_PRODUCT  # longest string or list one ``+``, ``~``, replace, join… may build
MAX_WIDTH = 10_000  # center/ljust/rjust/zfill, %- and format-widths and precisions, indent, wordwrap
MAX_COUNT = 10_000  # batch/slice sizes
MAX_LIPSUM = 100  # lipsum(n=…) paragraphs
MAX_TEMPLATE_BYTES = 2_000_000  # one template file
MAX_OUTPUT = 20_000_000  # characters one render (or block, macro) may produce: loops cannot fill memory


def _refuse(what: str) -> SecurityError:
    return SecurityError(f"{what}超出沙箱上限（宽度不超过 {MAX_WIDTH}，结果不超过 {MAX_STRING} 个字符）")


def _width(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WIDTH:
        raise _refuse(what)
    if isinstance(value, str) and len(value) > MAX_WIDTH:
        raise _refuse(what)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
_FORMAT_SPEC = re.compile(r"^(?:.?[<>=^])?[+\- ]?z?#?0?(\d+)?[,_]?(?:\.(\d+))?")


def _check_percent(fmt: str) -> None:
    """``'%999999999d' % 1`` would build a gigabyte: widths and precisions are capped, ``*`` refused."""
    for m in _PERCENT_SPEC.finditer(fmt):
        for part in m.groups():
            if part == "*":
                raise SecurityError("沙箱中不支持 % 格式的 * 宽度")
            if part and int(part) > MAX_WIDTH:
                raise _refuse("% 格式的宽度")


def _check_format(fmt: str) -> None:
    """``'{:>999999999}'.format(1)``: format-spec widths capped, nested specs refused."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format will raise its own error
    for _, name, spec, _ in fields:
        if name is None or not spec:
            continue
        if "{" in spec:
            raise SecurityError("沙箱中不支持嵌套的格式说明")
        m = _FORMAT_SPEC.match(spec)
        if m and any(g and int(g) > MAX_WIDTH for g in m.groups()):
            raise _refuse("format 的宽度")


def _sized(parts: list[Any]) -> int:
    return sum(len(p) for p in parts if isinstance(p, (str, list, tuple)))


def _capped_str_method(obj: str, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """A str method whose size arguments are checked before it runs."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if name in ("center", "ljust", "rjust", "zfill") and args:
            _width(args[0], f"{name} 的宽度")
            if len(args) > 1:
                _width(args[1], f"{name} 的填充字符")
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            _width(size, "expandtabs 的宽度")
            if isinstance(size, int) and len(obj) * max(size, 1) > MAX_STRING:
                raise _refuse("expandtabs 的结果")
        elif name == "replace" and len(args) >= 2:
            _check_replace(obj, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
        elif name in ("format", "format_map"):
            _check_format(obj)
        elif name == "join" and args:
            items = list(args[0])
            if len(obj) * max(len(items) - 1, 0) + _sized(items) > MAX_STRING:
                raise _refuse("join 的结果")
            return method(items)
        return method(*args, **kwargs)
    return call


def _check_replace(s: Any, old: Any, new: Any, count: Any) -> None:
    if not (isinstance(s, str) and isinstance(old, str) and isinstance(new, str)):
        return
    hits = (len(s) + 1) if old == "" else s.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(s) + hits * (len(new) - len(old)) > MAX_STRING:
        raise _refuse("replace 的结果")


_STR_CAPS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "format",
                       "format_map", "join"})


def _capped_filters() -> dict[str, Callable[..., Any]]:
    """Jinja's own filters with their size arguments checked (the sandbox checks none)."""
    def wrap(original: Callable[..., Any], check: Callable[..., None]) -> Callable[..., Any]:
        skip = 1 if getattr(original, "jinja_pass_arg", None) else 0  # context/env argument

        @functools.wraps(original)
        def filtered(*args: Any, **kwargs: Any) -> Any:
            check(*args[skip:], **kwargs)
            return original(*args, **kwargs)
        return filtered

    def center(value: Any, width: Any = 80, *a: Any, **k: Any) -> None:
        _width(width, "center 的宽度")

    def indent(s: Any, width: Any = 4, *a: Any, **k: Any) -> None:
        _width(width, "indent 的宽度")
        w = len(width) if isinstance(width, str) else width
        if isinstance(s, str) and isinstance(w, int) and (s.count("\n") + 1) * w + len(s) > MAX_STRING:
            raise _refuse("indent 的结果")

    def wordwrap(s: Any, width: Any = 79, *a: Any, **k: Any) -> None:
        _width(width, "wordwrap 的宽度")
        wrap_with = k.get("wrapstring", a[1] if len(a) > 1 else None)
        if isinstance(wrap_with, str) and isinstance(s, str) and len(wrap_with) * (len(s) + 1) > MAX_STRING:
            raise _refuse("wordwrap 的换行串")

    def fmt(value: Any, *a: Any, **k: Any) -> None:
        if isinstance(value, str):
            _check_percent(value)

    def replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
        _check_replace(str(s) if s is not None else "", old, new, -1 if count is None else count)

    def join(value: Any, d: Any = "", *a: Any, **k: Any) -> None:
        if isinstance(d, str) and len(d) > MAX_WIDTH:
            raise _refuse("join 的分隔符")

    def batch(value: Any, linecount: Any, *a: Any, **k: Any) -> None:
        if isinstance(linecount, int) and linecount > MAX_COUNT:
            raise _refuse("batch 的大小")

    def slice_(value: Any, slices: Any, *a: Any, **k: Any) -> None:
        if isinstance(slices, int) and slices > MAX_COUNT:
            raise _refuse("slice 的份数")

    return {
        "center": wrap(jinja_filters.do_center, center),
        "indent": wrap(jinja_filters.do_indent, indent),
        "wordwrap": wrap(jinja_filters.do_wordwrap, wordwrap),
        "format": wrap(jinja_filters.do_format, fmt),
        "replace": wrap(jinja_filters.do_replace, replace),
        "join": wrap(jinja_filters.do_join, join),
        "batch": wrap(jinja_filters.do_batch, batch),
        "slice": wrap(jinja_filters.do_slice, slice_),
    }


def capped_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    if not all(isinstance(x, int) for x in (n, min, max)) or n > MAX_LIPSUM or max > 1000 or min > max:
        raise SecurityError(f"lipsum 的参数超出沙箱上限（n 不超过 {MAX_LIPSUM}，max 不超过 1000）")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


class _CappedCodeGenerator(CodeGenerator):
    """``a ~ b`` compiles to a capped join, so doubling a string in a loop stops at MAX_STRING."""

    def visit_Concat(self, node, frame):  # noqa: N802 - Jinja's visitor naming
        self.write("environment.capped_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class SpeechSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus caps on every size a template can ask for.

    - Immutable: templates cannot call ``append``/``update``/``pop``… on the
      lists and dicts they are given, so one draft can never change what the
      next one sees (the topic pack is shared and cached): ``--jobs 1`` and
      ``--jobs 3`` give the same drafts whatever a user template does.
    - ``*``, ``**``, ``+``, ``~`` and ``%`` are capped, as are the str methods
      and filters that take a width, count or size (center, ljust, rjust,
      zfill, format widths, replace, join, indent, wordwrap, batch, slice) and
      ``lipsum(n=…)``: Jinja's sandbox blocks Python internals and huge
      ``range``s, but not ``{{ 'a'.center(10**9) }}``.
    """

    code_generator_class = _CappedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context, operator, left, right):
        too_big = False
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_PRODUCT:
                    too_big = True
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                too_big = abs(left) > 1 and left.bit_length() * right > MAX_PRODUCT
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                too_big = len(left) + len(right) > MAX_STRING
        elif operator == "%" and isinstance(left, str):
            _check_percent(left)
        if too_big:
            raise SecurityError(f"运算 {operator} 的结果过大（超过 {MAX_PRODUCT} 个字符或位）")
        return super().call_binop(context, operator, left, right)

    @staticmethod
    def concat(parts) -> str:  # type: ignore[override]
        """Jinja joins every render, block and macro output with this: capped as it grows,
        so nested loops that print cannot exhaust memory before an error is shown."""
        out: list[str] = []
        total = 0
        for part in parts:
            total += len(part)
            if total > MAX_OUTPUT:
                raise SecurityError(f"模板输出过长（超过 {MAX_OUTPUT} 个字符），可能是循环失控")
            out.append(part)
        return "".join(out)

    def capped_concat(self, parts) -> str:
        texts = [str(p) for p in parts]
        if sum(len(t) for t in texts) > MAX_STRING:
            raise SecurityError(f"运算 ~ 的结果过大（超过 {MAX_STRING} 个字符）")
        return "".join(texts)

    def getattr(self, obj, attribute):
        value = super().getattr(obj, attribute)
        if isinstance(obj, str) and attribute in _STR_CAPS and callable(value):
            return _capped_str_method(obj, attribute, value)
        return value

    def getitem(self, obj, argument):
        value = super().getitem(obj, argument)
        if isinstance(obj, str) and isinstance(argument, str) and argument in _STR_CAPS and callable(value):
            return _capped_str_method(obj, argument, value)
        return value


class FolderLoader(FileSystemLoader):
    """Templates from one folder, read through the reading layer; a file that resolves
    outside the folder (a symlink to /etc/passwd, say) is refused, not followed."""

    def get_source(self, environment, template):
        from generator.textfiles import read_text

        pieces = split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if os.path.isfile(filename) or os.path.islink(filename):
                break
        else:
            raise TemplateNotFound(template)
        base = os.path.realpath(folder)
        real = os.path.realpath(filename)
        if os.path.commonpath([base, real]) != base:
            raise TemplateError(f"模板 {filename} 指向模板目录之外（符号链接或快捷方式），已拒绝读取。")
        source = read_text(Path(filename), MAX_TEMPLATE_BYTES, "模板文件", TemplateError)
        mtime = os.path.getmtime(filename)
        return source, os.path.normpath(filename), lambda: os.path.getmtime(filename) == mtime


def _private_folder(folder: Path) -> bool:
    """True when ``folder`` is a real directory owned by us and closed to others (0700)."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid"):
        if info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o077:
            try:
                os.chmod(folder, 0o700)
                info = os.lstat(folder)
            except OSError:
                return False
            return not info.st_mode & 0o077
    return True


def bytecode_cache(name: str = "jinja") -> FileSystemBytecodeCache | None:
    """Compiled templates cached per user (keyed by source checksum): a cold render
    then skips Jinja's compiler. Off with SPEECHGEN_NO_CACHE=1, when unwritable,
    or when the folder (or its parent) is not ours alone: a cache file is
    unmarshalled Python code, so a planted one would run outside the sandbox."""
    if os.environ.get("SPEECHGEN_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    parent = Path(base) / "speechgen"
    folder = parent / name
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not (_private_folder(parent) and _private_folder(folder)):
        return None
    try:
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


OPTIONS: dict[str, Any] = {
    "undefined": StrictUndefined,
    "autoescape": False,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "auto_reload": False,
}


def _equip(env: Environment) -> None:
    """The same filters and globals in both environments, so output is byte-identical."""
    env.filters.update(_capped_filters())
    env.filters.update(FILTERS)
    env.globals["lipsum"] = capped_lipsum


def sandboxed_env(dirs: TemplateDirs | None = None) -> SpeechSandbox:
    """A fresh sandbox (templates from ``dirs``, or none for from_string use)."""
    loader = None
    if dirs is not None:
        loader = ChoiceLoader([FolderLoader(str(p)) for p in dirs.search])
    env = SpeechSandbox(loader=loader, bytecode_cache=bytecode_cache() if loader is not None else None,
                        **OPTIONS)
    _equip(env)
    return env


_DICT_ATTRIBUTES = frozenset(dir(dict))
_PLAIN_CALLABLES: dict[Any, bool] = {}  # function → takes no context/environment argument


class TrustedContext(Context):
    """Jinja's context, with a short path for calling a bound method that wants no
    context, environment or eval-context argument (``v.pick(…)``, most calls in the
    built-in templates): the same call, without looking that up on every call."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        if type(__obj) is MethodType:
            func = __obj.__func__
            plain = _PLAIN_CALLABLES.get(func)
            if plain is None:
                plain = _PLAIN_CALLABLES[func] = (
                    _PassArg.from_obj(__obj) is None and _PassArg.from_obj(__obj.__call__) is None)
            if plain:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
                try:
                    return __obj(*args, **kwargs)
                except StopIteration:
                    return __self.environment.undefined(
                        "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


class TrustedEnvironment(Environment):
    """A plain environment for the built-in templates, with two lookups made cheaper and
    the same results: ``item.title`` on a plain dict (no such dict attribute) is the
    item lookup Jinja would fall back to after a failed ``getattr``; calls go through
    :class:`TrustedContext`."""

    context_class = TrustedContext

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def trusted_env(builtin: Path) -> Environment:
    """A plain Jinja environment over the built-in templates only (see the module docstring)."""
    env = TrustedEnvironment(loader=FolderLoader(str(builtin)), bytecode_cache=bytecode_cache("jinja-trusted"),
                             **OPTIONS)
    _equip(env)
    return env


def _holds_templates(user: Path) -> bool:
    """Does the user's folder hold any template (``*.j2``, at any depth)?"""
    return any(True for _ in user.rglob("*.j2"))


class LibrarySandbox(SpeechSandbox):
    """The sandbox of one template library. When the user's folder holds no template at
    all (only packs, phrases, formulations…), it hands out the built-in templates from
    the trusted environment; otherwise every template renders in this sandbox.

    All or nothing, because built-in templates include by computed names
    (``"sections/" ~ part.name ~ ".j2"``, the part named by a kind profile a user may
    override): with any user template in the library, a built-in one could include it.
    A template loaded by another (``parent`` set) always comes from the environment of
    the one that loads it.
    """

    def __init__(self, dirs: TemplateDirs, **kwargs: Any):
        super().__init__(**kwargs)
        self.user = Path(dirs.user) if dirs.user is not None else None
        trusted = self.user is None or not _holds_templates(self.user)
        self.trusted = trusted_env(Path(dirs.builtin)) if trusted else None

    def trusts(self, name: str) -> bool:
        """Also checked per name: a template the user adds while a process (``serve``)
        keeps this environment is still rendered from the user's folder, sandboxed."""
        if self.trusted is None:
            return False
        return self.user is None or not os.path.lexists(os.path.join(self.user, *split_template_path(name)))

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 - Jinja's signature
        if parent is None and isinstance(name, str) and self.trusts(name):
            assert self.trusted is not None
            return self.trusted.get_template(name, globals=globals)
        return super().get_template(name, parent, globals)


@functools.lru_cache(maxsize=16)
def cached_env(dirs: TemplateDirs) -> SpeechSandbox:
    """One environment per template library per process, so templates compile once:
    the library's sandbox, which renders unshadowed built-in templates unsandboxed."""
    loader = ChoiceLoader([FolderLoader(str(p)) for p in dirs.search])
    env = LibrarySandbox(dirs, loader=loader, bytecode_cache=bytecode_cache(), **OPTIONS)
    _equip(env)
    return env


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
