"""The web app: pages, the preview/download/import/export API, batch and check.

Pages are server-rendered with a plain, autoescaping Jinja environment of their
own; the sandboxed speech environment (generator.environment) never sees them.
Every route answers in Chinese; every expected failure is JSON ``{"error": …}``
(or ``{"errors": [{path, message}]}`` for a brief) with a 4xx status.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from generator.errors import BriefError, SpeechgenError
from generator.web import forms, jobs
from generator.web.security import SESSION_COOKIE, Guard, Tokens, session_of
from generator.web.uploads import (
    BRIEF_BYTES,
    BRIEF_SUFFIXES,
    DRAFT_SUFFIXES,
    FILE_BYTES,
    JSON_BYTES,
    MAX_FILES,
    OVERHEAD,
    TABLE_SUFFIXES,
    UploadProblem,
    capped,
    take,
)

HERE = Path(__file__).resolve().parent
SCRIPTS = {"simplified": "简体", "traditional": "繁體"}
FORMATS = {"docx": "Word（.docx）", "md": "Markdown（.md）", "txt": "纯文本（.txt）"}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8",
        "yaml": "application/x-yaml; charset=utf-8", "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip": "application/zip"}


@dataclass
class Site:
    """Everything the routes share; none of it changes per request."""

    library: Any  # a TemplateLibrary; None for the built-in one
    tokens: Tokens = field(default_factory=Tokens)
    jobs: jobs.Jobs = field(default_factory=jobs.Jobs)
    corpus: Path | None = None

    def __post_init__(self) -> None:
        from generator.render import Renderer

        self.renderer = Renderer(self.library)
        self.library = self.renderer.library
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def kinds(self) -> list[str]:
        return self.renderer.kinds()

    def topics(self) -> list[str]:
        return self.renderer.topics()


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status, headers={"cache-control": "no-store"})


def brief_errors(exc: BriefError, status: int = 422) -> JSONResponse:
    problems = [forms.problem_json(p) for p in exc.problems]
    return JSONResponse({"error": exc.message, "errors": problems}, status,
                        headers={"cache-control": "no-store"})


def attachment(data: bytes, name: str, kind: str) -> Response:
    ascii_name = "speechgen." + name.rsplit(".", 1)[-1]
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MIME[kind],
                    headers={"content-disposition": disposition, "cache-control": "no-store"})


def file_stem(brief: Any) -> str:
    from generator.batch import safe_stem

    return safe_stem(f"{brief.locality.name}-{brief.meeting.title}")


async def json_body(request: Request) -> dict[str, Any]:
    request = await capped(request, JSON_BYTES)
    try:
        data = json.loads(await request.body())
    except (ValueError, RecursionError):
        raise UploadProblem("请求内容不是合法的 JSON。") from None
    if not isinstance(data, dict):
        raise UploadProblem("请求内容应当是 JSON 对象。")
    return data


def choose(value: Any, options: dict[str, str], what: str) -> str:
    if value not in options:
        raise UploadProblem(f"不支持的{what}“{value}”，可选：{'、'.join(options)}。")
    return str(value)


# ------------------------------------------------------------------ pages

def make_app(site: Site) -> Starlette:
    """The ASGI app for one template folder, behind the Guard."""

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        session = session_of({"cookie": request.headers.get("cookie", "")})
        fresh = not session
        if fresh:
            session = site.tokens.new_session()
        html = site.env.get_template(name).render(
            csrf=site.tokens.token(session), page=name, formats=FORMATS, scripts=SCRIPTS, **context)
        response = HTMLResponse(html, headers={"cache-control": "no-store"})
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
        return response

    def example(kind: str | None = None, topic: str | None = None) -> dict[str, Any]:
        """``init``'s starter brief for this kind and topic, as form data."""
        from generator.yamlload import load_yaml_text

        kinds, topics = site.kinds(), site.topics()
        kind = kind if kind in kinds else kinds[0]
        topic = topic if topic in topics else topics[0]
        text = site.library.starter(kind, topic)
        return forms.to_form(load_yaml_text(text, "示例").data, kinds, topics)

    async def index(request: Request) -> Response:
        from generator.brief import brief_fields

        kinds, topics = site.kinds(), site.topics()
        keys = [f.key for f in brief_fields(kinds, topics)]
        layout = forms.layout(kinds, topics, {k: site.library.kind_note(k) for k in kinds}, keys)
        return page(request, "index.html", layout=layout, initial=example(),
                    Input=forms.Input, Group=forms.Group, Repeat=forms.Repeat)

    async def batch_page(request: Request) -> Response:
        return page(request, "batch.html", headers=jobs.BLANK_HEADERS)

    async def check_page(request: Request) -> Response:
        return page(request, "check.html", corpus=str(site.corpus) if site.corpus else "")

    # -------------------------------------------------------------- brief API

    def render_form(data: Any, script: str):
        from generator.export import apply_script

        brief = forms.validate(data, site.kinds(), site.topics())
        draft = site.renderer.render(brief)
        return brief, apply_script(draft, script)

    def horizon_hint(brief: Any) -> str:
        """The 提法 horizon warning the CLI prints, for drafts that carry the guiding wording."""
        from generator.formulations import horizon_warning, load_bank

        if not brief.formulations or site.renderer.profile(brief.kind).voice != "directive":
            return ""
        return horizon_warning(brief.meeting.date, load_bank(site.renderer.library))

    async def preview(request: Request) -> Response:
        body = await json_body(request)
        script = choose(body.get("script", "simplified"), SCRIPTS, "字形")
        try:
            brief, draft = await run_in_threadpool(render_form, body.get("brief"), script)
        except BriefError as exc:
            return brief_errors(exc)
        html = site.env.get_template("_draft.html").render(draft=draft)
        minutes = draft.minutes()
        hint = "".join(h for h in (draft.length_hint(), horizon_hint(brief)) if h)
        return JSONResponse({"html": html, "chars": draft.chars, "minutes": round(minutes, 1),
                             "target": draft.target_minutes, "hint": hint,
                             "stats": f"共 {draft.chars} 字，按每分钟 170 字约讲 {minutes:.1f} 分钟。"},
                            headers={"cache-control": "no-store"})

    async def download(request: Request) -> Response:
        from generator.export import draft_bytes

        body = await json_body(request)
        fmt = choose(body.get("format", "docx"), FORMATS, "格式")
        script = choose(body.get("script", "simplified"), SCRIPTS, "字形")

        def build() -> tuple[bytes, str]:
            brief = forms.validate(body.get("brief"), site.kinds(), site.topics())
            draft = site.renderer.render(brief)
            return draft_bytes(draft, fmt, script=script), file_stem(brief)

        try:
            data, stem = await run_in_threadpool(build)
        except BriefError as exc:
            return brief_errors(exc)
        return attachment(data, f"{stem}.{fmt}", fmt)

    async def export(request: Request) -> Response:
        body = await json_body(request)
        data = body.get("brief")
        try:
            brief = forms.validate(data, site.kinds(), site.topics())
        except BriefError as exc:
            if not isinstance(data, dict):
                return brief_errors(exc)
            note = f"注意：这份简报还有 {len(exc.problems)} 处问题，改好后才能生成讲话稿：\n" + \
                   "\n".join(f"  {p.path}：{p.message}" for p in exc.problems)
            return attachment(forms.brief_yaml(data, note).encode("utf-8"), "简报.yaml", "yaml")
        text = forms.brief_yaml(forms.brief_data(brief))
        return attachment(text.encode("utf-8"), f"{file_stem(brief)}.yaml", "yaml")

    async def import_brief(request: Request) -> Response:
        from generator.brief import brief_from_located
        from generator.textfiles import decode_text
        from generator.yamlload import load_yaml_text

        request = await capped(request, BRIEF_BYTES + OVERHEAD)
        async with request.form(max_files=1, max_fields=4) as form:
            upload = await take(form.get("file"), "简报", BRIEF_SUFFIXES, BRIEF_BYTES)
        try:
            located = load_yaml_text(decode_text(upload.data, upload.name), upload.name)
        except BriefError as exc:
            return brief_errors(exc)
        data = forms.to_form(located.data, site.kinds(), site.topics())
        problems: list[dict[str, Any]] = []
        try:
            brief_from_located(located, site.kinds(), site.topics())
        except BriefError as exc:
            problems = [forms.problem_json(p) for p in exc.problems]
        return JSONResponse({"form": data, "problems": problems, "name": upload.name},
                            headers={"cache-control": "no-store"})

    async def example_api(request: Request) -> Response:
        return JSONResponse({"form": example(request.query_params.get("kind"),
                                             request.query_params.get("topic"))})

    # -------------------------------------------------------------- batch

    async def batch_start(request: Request) -> Response:
        import yaml

        request = await capped(request, FILE_BYTES + JSON_BYTES + OVERHEAD)
        async with request.form(max_files=2, max_fields=8, max_part_size=JSON_BYTES) as form:
            table = await take(form.get("table"), "表格", TABLE_SUFFIXES, FILE_BYTES)
            fmt = choose(form.get("format", "docx"), FORMATS, "格式")
            script = choose(form.get("script", "simplified"), SCRIPTS, "字形")
            if form.get("defaults_source") == "form":
                try:
                    defaults_data = json.loads(str(form.get("defaults_json") or ""))
                except ValueError:
                    raise UploadProblem("表单中还没有简报：请先在“生成讲话稿”页填写，或上传共同简报。") from None
                if not isinstance(defaults_data, dict) or not defaults_data:
                    raise UploadProblem("表单中还没有简报：请先在“生成讲话稿”页填写，或上传共同简报。")
                defaults_bytes = yaml.safe_dump(defaults_data, allow_unicode=True).encode("utf-8")
                defaults_name = "表单中的简报"
            else:
                upload = await take(form.get("defaults"), "共同简报", BRIEF_SUFFIXES, BRIEF_BYTES)
                defaults_bytes, defaults_name = upload.data, upload.name
        folder = jobs.workdir()
        table_path = folder / f"batch{table.suffix}"
        defaults_path = folder / "defaults.yaml"
        table_path.write_bytes(table.data)
        defaults_path.write_bytes(defaults_bytes)
        job = jobs.new_job(folder, table_path, defaults_path,
                           {str(table_path): table.name, str(defaults_path): defaults_name},
                           fmt, "" if script == "simplified" else script)
        site.jobs.start(job, site.library)
        return JSONResponse({"id": job.id}, 202)

    async def batch_state(request: Request) -> Response:
        job = site.jobs.get(request.path_params["job"])
        if job is None:
            return error("找不到这个批量任务（可能已过期或服务已重启），请重新上传。", 404)
        return JSONResponse(job.state(), headers={"cache-control": "no-store"})

    async def batch_zip(request: Request) -> Response:
        job = site.jobs.get(request.path_params["job"])
        if job is None or job.status != "done" or not job.zip_path.exists():
            return error("找不到这个批量任务的结果（可能已过期或尚未完成）。", 404)
        return FileResponse(job.zip_path, media_type=MIME["zip"], headers={
            "content-disposition": f"attachment; filename=\"speechgen.zip\"; filename*=UTF-8''{quote('讲话稿.zip')}",
            "cache-control": "no-store"})

    async def blank(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in ("csv", "xlsx"):
            return error("只有 .xlsx 和 .csv 两种空白表格。", 404)
        if kind == "csv":
            return attachment(jobs.blank_csv(jobs.BLANK_HEADERS), "批量表格.csv", "csv")
        data = await run_in_threadpool(jobs.blank_xlsx, jobs.BLANK_HEADERS)
        return attachment(data, "批量表格.xlsx", "xlsx")

    # -------------------------------------------------------------- check

    async def check(request: Request) -> Response:
        from generator.brief import brief_from_located
        from generator.textfiles import decode_text
        from generator.yamlload import load_yaml_text

        request = await capped(request, FILE_BYTES + BRIEF_BYTES + OVERHEAD)
        async with request.form(max_files=MAX_FILES + 1, max_fields=4) as form:
            uploads = [u for u in form.getlist("drafts") if getattr(u, "filename", "")]
            if not uploads:
                raise UploadProblem("请选择要校对的讲话稿（.docx、.md 或 .txt）。")
            if len(uploads) > MAX_FILES:
                raise UploadProblem(f"一次最多校对 {MAX_FILES} 篇。")
            files, total = [], 0
            for u in uploads:
                f = await take(u, "讲话稿", DRAFT_SUFFIXES, FILE_BYTES)
                total += len(f.data)
                if total > FILE_BYTES:
                    raise UploadProblem("讲话稿合计太大，一次不得超过 20 MB。", 413)
                files.append((f.name, f.suffix, f.data))
            brief_upload = form.get("brief")
            brief = None
            if getattr(brief_upload, "filename", ""):
                b = await take(brief_upload, "简报", BRIEF_SUFFIXES, BRIEF_BYTES)
                try:
                    located = load_yaml_text(decode_text(b.data, b.name), b.name)
                    brief = brief_from_located(located, site.kinds(), site.topics())
                except BriefError as exc:
                    return brief_errors(exc)
        try:
            result = await run_in_threadpool(jobs.run_check, files, brief, site.corpus)
        except SpeechgenError as exc:
            return error(exc.render(), 422)
        return JSONResponse(result, headers={"cache-control": "no-store"})

    # -------------------------------------------------------------- wiring

    async def on_upload_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, UploadProblem)
        return error(exc.message, exc.status)

    async def on_speechgen_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SpeechgenError)
        if isinstance(exc, BriefError):
            return brief_errors(exc)
        return error(exc.render(), 422)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            yield
        finally:
            site.jobs.close()

    routes = [
        Route("/", index),
        Route("/batch", batch_page),
        Route("/check", check_page),
        Route("/api/example", example_api),
        Route("/api/preview", preview, methods=["POST"]),
        Route("/api/download", download, methods=["POST"]),
        Route("/api/export", export, methods=["POST"]),
        Route("/api/import", import_brief, methods=["POST"]),
        Route("/api/batch", batch_start, methods=["POST"]),
        Route("/api/batch/{job}", batch_state),
        Route("/api/batch/{job}/zip", batch_zip),
        Route("/batch/blank.{kind:str}", blank),
        Route("/api/check", check, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={UploadProblem: on_upload_problem,
                                        SpeechgenError: on_speechgen_error})
    return app


def create_app(library: Any = None, extra_hosts: tuple[str, ...] = (), corpus: Path | None = None) -> Any:
    """The guarded ASGI app: what ``speechgen serve`` runs and what the tests drive.

    ``library`` is the TemplateLibrary (built-in when None); ``corpus`` an office's own
    speeches, searched for copies beside the built-in corpus."""
    site = Site(library, corpus=corpus)
    guarded = Guard(make_app(site), site.tokens, extra_hosts)
    guarded.site = site  # for tests and the benchmark
    return guarded
