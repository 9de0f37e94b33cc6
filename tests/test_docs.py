"""Documentation that must not drift from the code or the contract."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

SPEC = ROOT.parent / "shared" / "spec" / "brief.md"


@pytest.mark.skipif(not SPEC.exists(), reason="shared/ is not beside this checkout")
def test_brief_contract_copy_is_current():
    copy = (ROOT / "docs" / "brief.md").read_text(encoding="utf-8")
    body = copy.split("-->", 1)[1].lstrip("\n")
    body = body.split("\n<!-- speechgen extensions:", 1)[0]  # our extra keys follow the copy
    assert body == SPEC.read_text(encoding="utf-8")


def test_readme_quick_start_is_two_commands_and_matches_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## 快速开始.*?```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npython3 -m pytest\n" in ci and commands[1].endswith("python3 -m pytest")
    assert "examples/brief.yaml" in commands[0] and (ROOT / "examples" / "brief.yaml").exists()


def test_every_command_is_in_the_readme():
    from typer.main import get_command

    from generator.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in get_command(app).commands:
        assert f"speechgen {name}" in readme, name


def test_quick_start_render_command_works(tmp_path):
    import shlex
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## 快速开始.*?```bash\n(.*?)```", readme, re.S).group(1)
    first = [line for line in block.splitlines() if line and not line.startswith("#")][0]
    render = shlex.split(first.split("&&", 1)[1])
    assert render[:3] == ["python3", "-m", "generator"]
    out = tmp_path / "讲话稿.docx"
    args = [sys.executable, *render[1:-1], str(out)]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:2] == b"PK"
