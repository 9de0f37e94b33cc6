"""The ``speechgen`` command line: thin commands over library functions.

Every command imports its heavy modules inside its body, so ``speechgen --help``
never loads jieba, opencc or python-docx. Expected failures are
:class:`~generator.errors.SpeechgenError`; they print in Chinese and exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from generator.errors import SpeechgenError

app = typer.Typer(
    name="speechgen",
    help="speechgen：根据 YAML 简报离线生成会议讲话稿初稿（推进会、动员部署会、主持词等）。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def safe_streams() -> None:
    """Console and pipe output never fails on encoding (a GBK console, a cp1252 pipe):
    characters the stream cannot encode are replaced instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="replace")
        except (ValueError, OSError):  # pragma: no cover - a stream that cannot change
            pass


def reraise_unexpected() -> bool:
    """Tests and SPEECHGEN_DEBUG=1 see the real exception; users see a Chinese message."""
    import os

    return bool(os.environ.get("SPEECHGEN_DEBUG")) or "pytest" in sys.modules


REPORT_HINT = ("这是 speechgen 的程序错误，不是您的操作问题。请把所用命令和输入文件（去掉敏感内容）"
               "报告给维护者；设置环境变量 SPEECHGEN_DEBUG=1 再运行可看到技术细节。")


def run(action: Callable[[], T]) -> T:
    """Run a command body, turning expected errors into a Chinese message and exit 2.

    The last-resort handler turns anything unexpected into a Chinese message
    (exit 2, no traceback) with a hint to report it.
    """
    from generator.errors import os_error_message

    safe_streams()
    try:
        return action()
    except SpeechgenError as exc:
        raise fail(f"错误：{exc.render()}", exc.exit_code) from None
    except KeyboardInterrupt:
        raise fail("已中断。", 130) from None
    except OSError as exc:
        raise fail(f"错误：{os_error_message(exc)}", 2) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except Exception as exc:
        if reraise_unexpected():
            raise
        raise fail(f"错误：内部错误（{type(exc).__name__}）。{REPORT_HINT}", 2) from None


TemplatesOpt = Annotated[
    Path | None, typer.Option("--templates", help="自定义模板目录（可覆盖或新增讲话类型、主题包），在沙箱中运行")
]


def _library(templates: Path | None):
    """The one TemplateLibrary of this command (built-in under the user's --templates)."""
    from generator.library import TemplateLibrary

    return TemplateLibrary.load(templates)


_dirs = _library  # the old name, for commands written before the library existed


@app.command("render")
def render_cmd(
    brief: Annotated[Path, typer.Argument(help="简报 YAML 文件")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件；不给则打印到屏幕")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="格式：md、txt 或 docx（默认按输出文件后缀，否则 md）")] = None,
    script: Annotated[str, typer.Option("--script", help="字形：simplified（简体）、traditional（繁体，opencc s2t）或 s2twp（台湾用语）")] = "simplified",
    reference_docx: Annotated[Path | None, typer.Option("--reference-docx", help="参照的 Word 文件：沿用其页面设置和段落样式")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件")] = False,
    templates: TemplatesOpt = None,
) -> None:
    """根据简报生成一篇讲话稿初稿。"""
    from generator.export import draft_bytes, guess_format
    from generator.render import render_file
    from generator.writers.output import atomic_write, check_target

    def act() -> None:
        chosen = guess_format(out, fmt)
        if chosen == "docx" and out is None:
            from generator.errors import ExportError

            raise ExportError("docx 格式必须用 -o 指定输出文件。")
        inputs = [p for p in (brief, reference_docx) if p is not None]
        if out is not None:
            check_target(out, force, inputs)
        draft = render_file(brief, _library(templates))
        data = draft_bytes(draft, chosen, script=script, reference_docx=reference_docx)
        if out is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            atomic_write(out, data, force=force, inputs=inputs)
        where = f"，已写入 {out}" if out else ""
        typer.echo(f"共 {draft.chars} 字，按每分钟 170 字约讲 {draft.minutes():.1f} 分钟{where}。", err=True)
        if hint := draft.length_hint():
            typer.echo(hint, err=True)

    run(act)


@app.command("validate")
def validate_cmd(
    briefs: Annotated[list[Path], typer.Argument(help="一个或多个简报 YAML 文件")],
    templates: TemplatesOpt = None,
) -> None:
    """检查简报是否有误（一次列出全部问题），不生成讲话稿。"""
    from generator.brief import load_brief
    from generator.errors import SpeechgenError

    def act() -> int:
        library = _library(templates)
        kinds, topics = library.kinds(), library.topics()
        failed = 0
        for path in briefs:
            try:
                load_brief(path, kinds, topics)
                typer.echo(f"{path}：通过。")
            except SpeechgenError as exc:
                failed += 1
                typer.echo(f"错误：{exc.render()}", err=True)
        return failed

    failed = run(act)
    if failed:
        raise typer.Exit(2)


@app.command("init")
def init_cmd(
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="讲话类型（默认为第一种，见 speechgen list）")] = None,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="主题（默认为第一个，见 speechgen list）")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="写入文件；不给则打印到屏幕")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
    templates: TemplatesOpt = None,
) -> None:
    """生成一份带中文注释的简报样例，改好后即可用 render 生成讲话稿。"""
    from generator.writers.output import atomic_write

    def act() -> None:
        library = _library(templates)
        text = library.starter(kind or library.kinds()[0], topic or library.topics()[0],
                               out.name if out else "简报.yaml")
        if out is None:
            sys.stdout.write(text)
        else:
            atomic_write(out, text.encode("utf-8"), force=force)
            typer.echo(f"已写入 {out}。下一步：speechgen render {out} -o 讲话稿.docx", err=True)

    run(act)


@app.command("list")
def list_cmd(templates: TemplatesOpt = None) -> None:
    """列出可用的讲话类型和主题。"""
    from generator.catalog import describe_catalog

    run(lambda: typer.echo(describe_catalog(_library(templates))))


@app.command("batch")
def batch_cmd(
    batch: Annotated[Path, typer.Argument(help="批量文件：YAML（defaults + districts），或每行一个地区的 CSV/XLSX（表头如 locality.name）")],
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录（每个地区一篇，另写 summary.csv）")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="格式：md、txt 或 docx")] = "md",
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数（默认为 CPU 核数）；结果与 --jobs 1 完全相同")] = None,
    defaults: Annotated[Path | None, typer.Option("--defaults", help="各地区共同的简报 YAML；CSV/XLSX 必须给，YAML 批量文件可选")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的讲话稿（默认跳过，便于中断后续写）")] = False,
    script: Annotated[str, typer.Option("--script", help="字形：simplified（简体）、traditional（繁体）或 s2twp（台湾用语）")] = "simplified",
    reference_docx: Annotated[Path | None, typer.Option("--reference-docx", help="参照的 Word 文件：沿用其页面设置和段落样式")] = None,
    templates: TemplatesOpt = None,
) -> None:
    """按批量文件为每个地区各生成一篇讲话稿；已存在的跳过（可续写），出错的地区单独报告。"""
    from generator.batchcli import batch_command

    code = run(lambda: batch_command(batch, out, fmt=fmt, jobs=jobs, defaults=defaults, force=force,
                                     script=script, reference_docx=reference_docx,
                                     dirs=_library(templates)))
    raise typer.Exit(code)


@app.command("ingest")
def ingest_cmd(
    files: Annotated[list[Path], typer.Argument(help="要整理的讲话稿原文（txt/md/docx，可含多篇）")],
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录（默认为当前目录下的 speeches/）")] = Path("speeches"),
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """清洗网页抄录的讲话稿（去广告、繁转简、标点转全角、拆分多篇），写入语料目录。"""
    from generator.corpus import ingest_paths

    notes: list[str] = []
    written = run(lambda: ingest_paths(files, out, notes, force=force))
    for path in written:
        typer.echo(str(path))
    for note in notes:
        typer.echo(f"注意：{note}", err=True)
    typer.echo(f"共写入 {len(written)} 篇讲话稿。", err=True)


@app.command("mine")
def mine_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="语料文件或目录，默认为内置语料")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="把结果写成 YAML 文件")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件")] = False,
) -> None:
    """切分语料中每篇讲话的段落并标注角色，统计常见结构（骨架）和常用语。"""
    from generator.mining import mine_command

    def act() -> None:
        from generator import resource_dir

        mine_command(paths or [resource_dir("speeches")], as_json=as_json, out=out, force=force)

    run(act)


@app.command("check")
def check_cmd(
    files: Annotated[list[Path], typer.Argument(help="要校对的讲话稿（.md/.txt/.docx）")],
    brief: Annotated[Path | None, typer.Option("--brief", help="对应的简报，用于核对地名、层级和日期")] = None,
    corpus: Annotated[Path | None, typer.Option("--corpus", help="本单位的语料目录，与内置语料一起比对照抄")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    templates: TemplatesOpt = None,
) -> None:
    """校对讲话稿：占位符、地名、层级用语、时间、提法、格式、照抄、雷同、内部重复、语气、简报遗漏、结构。"""
    from generator.check import check_command

    code = run(lambda: check_command(files, brief=brief, corpus=corpus, as_json=as_json,
                                     library=_library(templates)))
    raise typer.Exit(code or 0)


@app.command("templatize")
def templatize_cmd(
    speech: Annotated[Path, typer.Argument(help="旧讲话稿（.txt/.md/.docx）")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出的 Jinja 模板文件")] = None,
    brief_out: Annotated[Path | None, typer.Option("--brief-out", help="输出的简报（保存原文中的地名、数字等）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """把旧讲话稿中的地名、人名、单位、日期、数字替换成变量，生成模板和对应简报。"""
    from generator.templatize import templatize_command

    run(lambda: templatize_command(speech, out=out, brief_out=brief_out, force=force))


@app.command("fill")
def fill_cmd(
    template: Annotated[Path, typer.Argument(help="templatize 生成的模板")],
    brief: Annotated[Path, typer.Argument(help="改好数值的简报（templatize 生成的那份）")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件；不给则打印到屏幕")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """用改过的简报填写 templatize 生成的模板，得到换了名字和数字的新稿（在沙箱中运行）。"""
    from generator.templatize import fill_command

    run(lambda: fill_command(template, brief, out, force))

@app.command("serve")
def serve_cmd(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="端口（0 表示自动选一个空闲端口）")] = 8765,
    open_browser: Annotated[bool, typer.Option("--open", help="启动后自动在浏览器中打开")] = False,
    host: Annotated[str, typer.Option("--host", help="监听地址；默认只允许本机访问，改成其他地址会给出警告")] = "127.0.0.1",
    corpus: Annotated[Path | None, typer.Option("--corpus", help="校对页使用：本单位的语料目录，与内置语料一起比对照抄")] = None,
    templates: TemplatesOpt = None,
) -> None:
    """启动本机网页：填表即时预览讲话稿、下载 Word，批量生成和交稿前校对（不需要命令行）。"""

    def act() -> None:
        from generator.web.server import serve

        serve(host=host, port=port, open_browser=open_browser, library=_library(templates), corpus=corpus)

    run(act)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
