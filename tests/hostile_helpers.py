"""Shared helpers for the second round of hostile-input tests (issue 16)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import BRIEFS, ROOT, brief_yaml

SPEC = BRIEFS / "valid_01_spec_example.yaml"
DEFAULTS = ROOT / "examples" / "defaults.yaml"
runner = CliRunner()

__all__ = ["DEFAULTS", "ROOT", "SPEC", "brief_yaml", "cli", "clean_exit", "office_zip", "spec_brief",
           "subprocess_cli"]


def cli(*args, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the CLI in-process; unexpected exceptions propagate (pytest sees the real one)."""
    result = runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
    text = result.output
    try:
        stderr = result.stderr
    except ValueError:
        stderr = ""
    if stderr and stderr not in text:
        text += stderr
    return result.exit_code, text


def clean_exit(code: int, text: str, word: str = "", expected: tuple[int, ...] = (2,)) -> None:
    assert code in expected, text
    assert "Traceback" not in text, text
    assert "[Errno" not in text and "WinError" not in text, text
    if word:
        assert word in text, text


def subprocess_cli(*args, env: dict[str, str] | None = None, timeout: float = 120,
                   cwd: Path = ROOT, encoding: str = "utf-8") -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SPEECHGEN_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True,
                          encoding=encoding, errors="replace", env=full_env, timeout=timeout, cwd=cwd)


def spec_brief(**changes) -> str:
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    data.update(changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def office_zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()

