"""End to end through typer's runner and as a real subprocess."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import BRIEFS, ROOT

runner = CliRunner()


def test_help_is_chinese_and_light():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "讲话稿" in result.output
    code = ("import sys, generator.cli as c\n"
            "from typer.testing import CliRunner\n"
            "CliRunner().invoke(c.app, ['--help'])\n"
            "heavy = {'jieba', 'docx', 'opencc'} & set(sys.modules)\n"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_md_render_never_loads_jieba_docx_or_opencc(tmp_path):
    """A single render must not pay for jieba's dictionary (or python-docx, opencc)."""
    code = ("import sys, generator.cli as c\n"
            "from typer.testing import CliRunner\n"
            f"r = CliRunner().invoke(c.app, ['render', {str(BRIEFS / 'valid_01_spec_example.yaml')!r}])\n"
            "assert r.exit_code == 0, r.output\n"
            "print(sorted({'jieba', 'docx', 'opencc'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_render_to_stdout_and_file(tmp_path):
    result = runner.invoke(app, ["render", str(BRIEFS / "valid_01_spec_example.yaml")])
    assert result.exit_code == 0
    assert "# 在全区创建全国文明城市工作推进会上的讲话" in result.stdout
    out = tmp_path / "draft.txt"
    result = runner.invoke(app, ["render", str(BRIEFS / "valid_02_minimal_county_huanjing.yaml"), "-o", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("在全县")
    assert "分钟" in result.stderr


def test_render_refuses_overwrite_without_force(tmp_path):
    out = tmp_path / "draft.md"
    out.write_text("旧稿", encoding="utf-8")
    brief = str(BRIEFS / "valid_01_spec_example.yaml")
    assert runner.invoke(app, ["render", brief, "-o", str(out)]).exit_code == 2
    assert out.read_text(encoding="utf-8") == "旧稿"
    assert runner.invoke(app, ["render", brief, "-o", str(out), "--force"]).exit_code == 0
    assert out.read_text(encoding="utf-8") != "旧稿"


def test_invalid_brief_exit_2_nothing_written(tmp_path, make_brief):
    bad = make_brief(kind="推进汇", speaker={"titel": "区委书记"})
    out = tmp_path / "draft.md"
    result = runner.invoke(app, ["render", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert "推进会" in result.stderr and "speaker.titel" in result.stderr and ":" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists()


def test_validate_reports_every_file(make_brief):
    good = make_brief("good.yaml")
    bad = make_brief("bad.yaml", length=0)
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert "good.yaml：通过" in result.stdout and "bad.yaml" in result.stderr


def test_init_then_render_in_two_commands(tmp_path):
    for kind in ("推进会", "主持词", "座谈发言", "动员部署会", "总结部署会"):
        brief = tmp_path / f"{kind}.yaml"
        assert runner.invoke(app, ["init", "--kind", kind, "--topic", "城市管理", "-o", str(brief)]).exit_code == 0
        text = brief.read_text(encoding="utf-8")
        assert "# 必填" in text or "必填" in text
        result = runner.invoke(app, ["render", str(brief), "-o", str(tmp_path / f"{kind}.md")])
        assert result.exit_code == 0, result.output


def test_list_shows_kinds_and_topics():
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    for word in ("推进会", "主持词", "文明城市创建", "社区治理"):
        assert word in result.stdout


def test_docx_and_traditional(tmp_path):
    out = tmp_path / "draft.docx"
    brief = str(BRIEFS / "valid_01_spec_example.yaml")
    assert runner.invoke(app, ["render", brief, "-o", str(out)]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    result = runner.invoke(app, ["render", brief, "--script", "traditional", "-f", "txt"])
    assert result.exit_code == 0 and "講話" in result.stdout


def test_subprocess_render(tmp_path):
    out = tmp_path / "d.md"
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "render", str(BRIEFS / "valid_05_ecology_progress_town.yaml"),
         "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "镇党委、镇政府" in out.read_text(encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "generator", "render", str(tmp_path / "missing.yaml")],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "找不到文件" in bad.stderr and "Traceback" not in bad.stderr


def test_written_drafts_get_ordinary_permissions(tmp_path):
    import os
    import stat

    out = tmp_path / "d.docx"
    assert runner.invoke(app, ["render", str(BRIEFS / "valid_01_spec_example.yaml"), "-o", str(out)]).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
