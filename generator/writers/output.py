"""The one writing layer: every file speechgen writes goes through here.

- Atomic: a temp file in the target's folder, fsync, one rename. A failure
  leaves neither a half-written file nor a temp file, and the old file intact.
- No overwrite without ``--force``; never over a device, FIFO, socket or folder
  (``-o /dev/null --force`` would otherwise replace the device with a file).
- All outputs of a command are checked (exists, special, same file twice,
  would overwrite an input) before the first byte is written.
- Temp names are owned per run: ``.<name>.<host>-<pid>-<random>.tmp``. A sweep
  removes only temp files whose process on this machine is gone, so two runs
  into one folder never delete each other's in-flight files, and a killed
  render's leftover goes the next time that file is written.
- OS failures become Chinese messages naming the file (disk full, file held
  open by Word/WPS, path too long), never ``[Errno 28]``.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import stat
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.errors import ExportError, os_error_message

WINDOWS = os.name == "nt"
LONG_PATH = 240  # Windows' MAX_PATH is 260; switch to the \\?\ form a little before it
TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<host>[0-9a-f]{4})-(?P<pid>\d+)-[0-9a-f]{6}\.tmp$")


def _host_tag() -> str:
    return f"{zlib.crc32(socket.gethostname().encode('utf-8', 'replace')) & 0xFFFF:04x}"


HOST = _host_tag()


def os_path(path: Path, windows: bool | None = None) -> str:
    """The path to hand the OS: on Windows, long absolute paths use the ``\\\\?\\`` form."""
    text = str(path)
    if not (WINDOWS if windows is None else windows):
        return text
    full = text if windows is not None and not WINDOWS else os.path.abspath(text)
    if len(full) >= LONG_PATH and not full.startswith("\\\\?\\"):
        if full.startswith("\\\\"):
            return "\\\\?\\UNC\\" + full[2:]
        return "\\\\?\\" + full
    return text


def temp_stem(name: str) -> str:
    """The target's name as it appears in its temp file's name; long names are shortened
    (prefix + checksum) so the temp name stays under the 255-byte file-name limit."""
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= 200:
        return name
    cut = raw[:180].decode("utf-8", "ignore")
    return f"{cut}~{zlib.crc32(raw) & 0xFFFFFFFF:08x}"


def _file_mode() -> int:
    """The mode a plainly created file would get (mkstemp makes 0600, which would
    leave a draft unreadable to colleagues on a shared folder)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if WINDOWS:  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # exists, owned by someone else
    try:  # a killed worker nobody reaped yet (containers) is a zombie: gone for our purposes
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def _windows_pid_alive(pid: int) -> bool:
    """OpenProcess + GetExitCodeProcess; any doubt counts as alive (never sweep a live run)."""
    try:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() != 87  # ERROR_INVALID_PARAMETER: no such process
        code = ctypes.c_ulong()
        try:
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    except Exception:  # noqa: BLE001 - no ctypes, no kernel32: assume alive
        return True


def is_stale_temp(name: str) -> bool:
    """A temp file of ours whose writing process on this machine has gone."""
    m = TEMP_RE.match(name)
    return bool(m) and m["host"] == HOST and not _pid_alive(int(m["pid"]))


def sweep_stale(folder: Path, name: str | None = None) -> int:
    """Remove dead runs' temp files in ``folder`` (only those of ``name`` when given)."""
    removed = 0
    try:
        entries = list(os.scandir(os_path(folder)))
    except OSError:
        return 0
    for entry in entries:
        m = TEMP_RE.match(entry.name)
        if not m or (name is not None and m["name"] != temp_stem(name)):
            continue
        if is_stale_temp(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def check_target(path: Path, force: bool, inputs: Iterable[Path] = (), *,
                 replace_empty: bool = False) -> None:
    """Refuse before writing: existing file without --force, special files, inputs.

    ``replace_empty``: an existing *empty* regular file may be replaced without
    --force (batch only: no draft is ever empty, so an empty one at a draft's
    name is what a power cut leaves of a draft written without fsync; it holds
    nothing to lose)."""
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise ExportError(f"{path} 不是有效的输出文件名。")
    try:
        info = os.stat(os_path(path))
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ExportError(os_error_message(exc, path, "写入")) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise ExportError(f"{path} 是一个目录，不能作为输出文件。")
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(f"{path} 不是普通文件（设备、管道等），不能写入或覆盖它，请换一个输出文件。")
        for source in inputs:
            try:
                if os.path.samefile(os_path(path), os_path(Path(source))):
                    raise ExportError(f"{path} 是本次命令读取的输入文件，不能覆盖它，请换一个输出位置。")
            except OSError:
                continue
        if not force and not (replace_empty and info.st_size == 0):
            raise ExportError(f"{path} 已存在；如需覆盖请加 --force。")


def check_targets(paths: Iterable[Path], force: bool, inputs: Iterable[Path] = ()) -> list[Path]:
    """Check every output of a command before any is written; the same file twice is refused."""
    inputs = list(inputs)
    seen: dict[str, Path] = {}
    out = []
    for path in paths:
        path = Path(path)
        key = os.path.normcase(os.path.abspath(path)).casefold()
        if key in seen:
            raise ExportError(f"两个输出文件是同一个：{seen[key]} 与 {path}，请改名后再试。")
        seen[key] = path
        check_target(path, force, inputs)
        out.append(path)
    return out


def atomic_write(path: Path, data: bytes, *, force: bool = True,
                 inputs: Iterable[Path] = (), durable: bool = True,
                 replace_empty: bool = False, sweep: bool = True) -> None:
    """Write via an owned temp file in the same folder and rename: never a half-written file.

    ``durable=False`` skips the fsync before the rename. The rename is still atomic
    for every reader and survives the process being killed (the data is in the OS
    cache); only a power cut or kernel crash before the OS writes it back can
    leave the file empty. Batch uses it and calls :func:`sync_folder` once at the
    end (see docs/safety.md); a single-file command keeps the fsync.

    ``sweep=False`` skips looking for this name's stale temp files, which lists the
    whole folder: a batch sweeps its folder once at the start instead (listing
    10,000 drafts for each of 10,000 writes would make the batch quadratic).
    """
    path = Path(path)
    check_target(path, force, inputs, replace_empty=replace_empty)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        os.makedirs(os_path(folder), exist_ok=True)
    except OSError as exc:
        raise ExportError(os_error_message(exc, folder, "创建目录")) from None
    if sweep:
        sweep_stale(folder, path.name)
    tmp = folder / f".{temp_stem(path.name)}.{HOST}-{os.getpid()}-{secrets.token_hex(3)}.tmp"
    try:
        fd = os.open(os_path(tmp), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     _file_mode())
    except OSError as exc:
        raise ExportError(os_error_message(exc, path, "写入")) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        check_target(path, force, inputs, replace_empty=replace_empty)  # appeared, or became special, meanwhile
        os.replace(os_path(tmp), os_path(path))
    except BaseException as exc:
        try:
            os.unlink(os_path(tmp))
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ExportError(os_error_message(exc, path, "写入")) from None
        raise


def sync_folder(folder: Path) -> None:
    """One durability point for many files written with ``durable=False``: flush the
    folder's file system (``syncfs`` on Linux, else ``sync``), then the folder entry."""
    path = os_path(Path(folder))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        fd = None
    try:
        done = False
        if fd is not None and hasattr(os, "sync") and os.uname().sysname == "Linux":
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                done = libc.syncfs(fd) == 0
            except (OSError, AttributeError):
                done = False
        if not done and hasattr(os, "sync"):
            os.sync()
        if fd is not None:
            try:
                os.fsync(fd)
            except OSError:
                pass  # some file systems cannot fsync a folder; the sync above covered it
    finally:
        if fd is not None:
            os.close(fd)


def write_all(items: list[tuple[Path, bytes]], *, force: bool = False,
              inputs: Iterable[Path] = ()) -> list[Path]:
    """Several outputs of one command: all checked first, then each written atomically."""
    inputs = list(inputs)
    check_targets([p for p, _ in items], force, inputs)
    written = []
    for path, data in items:
        atomic_write(path, data, force=force, inputs=inputs)
        written.append(Path(path))
    return written


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: Any) -> Any:
    """A text cell Excel/WPS will not run as a formula: ``=1+1`` becomes ``'=1+1``.

    Numbers stay numbers; any text starting with = + - @ (or their full-width
    forms, or a tab/CR) gets a leading apostrophe, as OWASP advises for CSV."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
