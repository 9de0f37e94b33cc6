"""The TemplateLibrary: one home for kinds, topics, phrases and starters; validated, never empty.

Also the folders every command needs (templates, corpus) found wherever speechgen
is installed, never relative to the working directory.
"""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from generator import library as library_mod
from generator.cli import app
from generator.errors import TemplateError
from generator.library import TemplateLibrary
from tests.conftest import KINDS, ROOT, TOPICS, brief_yaml

runner = CliRunner()


def test_builtin_library_has_exactly_the_documented_kinds_and_topics():
    library = TemplateLibrary.load()
    assert library.kinds() == list(KINDS)
    assert library.topics() == list(TOPICS)
    assert all(library.topic_description(t) for t in TOPICS)
    assert all(library.kind_note(k) != library_mod.CUSTOM_KIND_NOTE for k in KINDS)
    assert len(library.phrases()) > 20


def test_library_refuses_to_be_empty(tmp_path, monkeypatch):
    """With the templates missing, every command fails loudly instead of listing nothing."""
    monkeypatch.setattr(library_mod, "builtin_templates", lambda: tmp_path)
    with pytest.raises(TemplateError, match="模板库是空的"):
        TemplateLibrary.load()
    for args in (["list"], ["init"], ["validate", str(ROOT / "examples" / "brief.yaml")],
                 ["render", str(ROOT / "examples" / "brief.yaml")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "模板库是空的" in result.output and "Traceback" not in result.output


def test_missing_templates_folder_is_an_error(tmp_path):
    result = runner.invoke(app, ["list", "--templates", str(tmp_path / "没有")])
    assert result.exit_code == 2 and "模板目录不存在" in result.output


def user_folder(tmp_path, pack_text: str | None = None, phrases: str | None = None):
    folder = tmp_path / "我的模板"
    (folder / "topics").mkdir(parents=True)
    pack = pack_text or (ROOT / "templates" / "topics" / "城市管理.yaml").read_text(encoding="utf-8")
    pack = pack.replace("name: 城市管理", "name: 安全生产", 1)
    (folder / "topics" / "安全生产.yaml").write_text(pack, encoding="utf-8")
    if phrases is not None:
        (folder / "phrases.yaml").write_text(phrases, encoding="utf-8")
    return folder


def test_unknown_token_in_a_user_pack_is_an_error_naming_file_and_item(tmp_path):
    pack = (ROOT / "templates" / "topics" / "城市管理.yaml").read_text(encoding="utf-8")
    assert "{全区}" in pack
    folder = user_folder(tmp_path, pack.replace("{全区}", "{全县区}", 1))
    brief = tmp_path / "b.yaml"
    brief.write_text(brief_yaml(topic="安全生产"), encoding="utf-8")
    for command in ("render", "validate", "check"):
        args = [command, str(brief), "--templates", str(folder)]
        if command == "check":
            args = ["check", str(ROOT / "tests" / "data" / "check" / "clean_fuhai.md"),
                    "--brief", str(brief), "--templates", str(folder)]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (command, result.output)
        assert "{全县区}" in result.output and "安全生产.yaml" in result.output
        assert "未知占位符" in result.output and "[" in result.output  # the item's key path


def test_unknown_token_in_user_phrases_is_an_error(tmp_path):
    folder = user_folder(tmp_path, phrases="close.final:\n  - 散会后{全县区}抓好落实。\n")
    result = runner.invoke(app, ["list", "--templates", str(folder)])
    assert result.exit_code == 2
    assert "phrases.yaml" in result.output and "close.final[0]" in result.output and "{全县区}" in result.output


def test_user_phrases_override_pools(tmp_path):
    folder = user_folder(tmp_path, phrases="close.final:\n  - 会后{全区}要抓好落实。\n")
    assert TemplateLibrary.load(folder).phrases()["close.final"] == ["会后{全区}要抓好落实。"]


def test_init_and_check_follow_templates(tmp_path):
    folder = user_folder(tmp_path)
    shutil.copy(ROOT / "templates" / "推进会.md.j2", folder / "调度会.md.j2")
    result = runner.invoke(app, ["init", "--kind", "调度会", "--topic", "安全生产", "--templates", str(folder)])
    assert result.exit_code == 0, result.output
    assert "kind: 调度会" in result.stdout and "topic: 安全生产" in result.stdout
    assert "调度会" in result.stdout.split("\n", 6)[4]  # the kinds listed in the comment
    brief = tmp_path / "b.yaml"
    brief.write_text(result.stdout, encoding="utf-8")
    rendered = runner.invoke(app, ["render", str(brief), "-o", str(tmp_path / "稿.md"),
                                   "--templates", str(folder)])
    assert rendered.exit_code == 0, rendered.output
    checked = runner.invoke(app, ["check", str(tmp_path / "稿.md"), "--brief", str(brief),
                                  "--templates", str(folder)])
    assert checked.exit_code in (0, 1) and "错误：" not in checked.output, checked.output
    refused = runner.invoke(app, ["init", "--kind", "调度会"])
    assert refused.exit_code == 2 and "调度会" in refused.output


def test_user_starter_defaults_override_and_are_checked(tmp_path):
    folder = user_folder(tmp_path)
    (folder / "starter.yaml").write_text(
        "kinds:\n  推进会: {speaker: 区长, length: 12}\ntopics:\n  安全生产: {meeting: 全区安全生产大检查}\n",
        encoding="utf-8")
    text = TemplateLibrary.load(folder).starter("推进会", "安全生产")
    assert "title: 全区安全生产大检查推进会" in text and "title: 区长" in text and "length: 12" in text
    builtin = TemplateLibrary.load().starter("主持词", "城市管理")
    assert "title: 全区城市管理工作推进会" in builtin and "agenda:" in builtin and "length: 5" in builtin
    (folder / "starter.yaml").write_text("kinds:\n  推进会: {length: 半小时}\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--templates", str(folder)])
    assert result.exit_code == 2 and "starter.yaml" in result.output and "length" in result.output


def test_profiles_and_formulations_slots(tmp_path):
    library = TemplateLibrary.load()
    assert isinstance(library.profiles(), dict)
    folder = user_folder(tmp_path)
    (folder / "formulations.yaml").write_text("{}\n", encoding="utf-8")
    assert TemplateLibrary.load(folder).formulations_path == folder / "formulations.yaml"


# ------------------------------------------------------------------ from any folder

def copied_draft(tmp_path):
    source = sorted((ROOT / "speeches").glob("0*.md"))[0]
    paragraph = max(source.read_text(encoding="utf-8").split("\n"), key=len)
    assert len(paragraph) > 80
    draft = tmp_path / "稿.md"
    draft.write_text(f"同志们：\n\n{paragraph}\n", encoding="utf-8")
    return draft


def test_check_always_has_the_builtin_corpus(tmp_path, monkeypatch):
    draft = copied_draft(tmp_path)
    monkeypatch.chdir(tmp_path)  # no speeches/ here: the built-in corpus is still used
    result = runner.invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 1, result.output
    assert '"copied"' in result.stdout


def test_check_with_an_office_corpus_and_a_missing_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    own = tmp_path / "本单位语料"
    own.mkdir()
    text = "本单位过去的讲话里有一段非常独特的文字，讲的是背街小巷改造和农贸市场提升两件事情，必须一抓到底。"
    (own / "旧稿.md").write_text(text + "\n", encoding="utf-8")
    draft = tmp_path / "稿.md"
    draft.write_text(f"同志们：\n\n{text}\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0
    flagged = runner.invoke(app, ["check", str(draft), "--corpus", str(own), "--json"])
    assert flagged.exit_code == 1 and "旧稿.md" in flagged.stdout and '"copied"' in flagged.stdout
    missing = runner.invoke(app, ["check", str(draft), "--corpus", str(tmp_path / "没有")])
    assert missing.exit_code == 2 and "找不到语料目录" in missing.output


def test_mine_defaults_to_the_builtin_corpus_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["mine", "--json"])
    assert result.exit_code == 0, result.output
    assert '"speeches"' in result.stdout


def test_resources_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    from generator import resource_dir

    monkeypatch.chdir(tmp_path)
    assert (resource_dir("templates") / "phrases.yaml").is_file()
    assert (resource_dir("speeches") / "skeleton.yaml").is_file()
