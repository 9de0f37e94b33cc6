"""An office's own templates folder: add a topic, add a kind, override a section."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import ROOT, brief_yaml

runner = CliRunner()


def make_folder(tmp_path):
    folder = tmp_path / "我的模板"
    (folder / "topics").mkdir(parents=True)
    (folder / "sections").mkdir()
    pack = (ROOT / "templates" / "topics" / "城市管理.yaml").read_text(encoding="utf-8")
    pack = pack.replace("name: 城市管理", "name: 安全生产", 1)
    pack = pack.replace("description:", "description: 安全生产专项整治（示例） #", 1)
    (folder / "topics" / "安全生产.yaml").write_text(pack, encoding="utf-8")
    (folder / "sections" / "closing.j2").write_text(
        "同志们，{{ v.pick('close.final') }}本单位自定义的结尾。\n", encoding="utf-8")
    # a new kind: the 推进会 template under a new name (the closing override shows it is used)
    kind = (ROOT / "templates" / "推进会.md.j2").read_text(encoding="utf-8")
    (folder / "调度会.md.j2").write_text(kind, encoding="utf-8")
    return folder


def test_user_folder_adds_topic_kind_and_overrides_a_section(tmp_path):
    folder = make_folder(tmp_path)
    listed = runner.invoke(app, ["list", "--templates", str(folder)])
    assert listed.exit_code == 0 and "安全生产" in listed.stdout and "调度会" in listed.stdout
    brief = tmp_path / "b.yaml"
    brief.write_text(brief_yaml(kind="调度会", topic="安全生产"), encoding="utf-8")
    result = runner.invoke(app, ["render", str(brief), "--templates", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("本单位自定义的结尾。")
    # without the folder, the same brief is refused with a Chinese did-you-mean
    refused = runner.invoke(app, ["render", str(brief)])
    assert refused.exit_code == 2 and "调度会" in refused.stderr


def test_broken_user_pack_is_a_clean_error(tmp_path):
    folder = tmp_path / "t"
    (folder / "topics").mkdir(parents=True)
    (folder / "topics" / "坏主题.yaml").write_text("name: 坏主题\nmeasures: [\n", encoding="utf-8")
    brief = tmp_path / "b.yaml"
    brief.write_text(brief_yaml(topic="坏主题"), encoding="utf-8")
    result = runner.invoke(app, ["render", str(brief), "--templates", str(folder)])
    assert result.exit_code == 2 and "坏主题.yaml" in result.stderr and "Traceback" not in result.output
    shutil.rmtree(folder)
