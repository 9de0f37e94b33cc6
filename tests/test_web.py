"""speechgen serve through Starlette's TestClient: every route, good and bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("multipart")

from starlette.testclient import TestClient  # noqa: E402

from generator.brief import (  # noqa: E402
    ACHIEVEMENT,
    FIGURE,
    KINDS,
    LOCALITY,
    MEASURE,
    MEETING,
    PRIOR,
    PROBLEM,
    SPEAKER,
    TARGET,
    TOPICS,
    brief_fields,
    parse_brief_text,
)
from generator.errors import BriefError  # noqa: E402
from generator.export import draft_bytes  # noqa: E402
from generator.render import render_file  # noqa: E402
from generator.web import create_app, forms, jobs  # noqa: E402
from tests.conftest import BRIEFS  # noqa: E402

BASE = "http://127.0.0.1:8765"
EXAMPLE = {
    "kind": "推进会", "topic": "文明城市创建",
    "locality": {"name": "福海区", "level": "区", "parent": "滨海市"},
    "meeting": {"title": "全区创建全国文明城市工作推进会", "date": "2026-05-08"},
    "speaker": {"title": "区委书记"},
    "achievements": [{"title": "环境面貌改善",
                      "figures": [{"label": "清运垃圾", "value": "41500", "unit": "吨"},
                                  {"label": "交办问题整改率", "value": "97", "unit": "%", "baseline": "89"}]}],
    "measures": [{"title": "突出专项整治", "points": ["集中整治占道经营", "规范农贸市场秩序"],
                  "owner": "区城管局"}],
    "deadline": "2026-07-10", "length": "15",
}


class Web:
    """A TestClient that has loaded the page, so it holds a session cookie and its token."""

    def __init__(self, app=None, base: str = BASE):
        self.app = app or create_app()
        self.client = TestClient(self.app, base_url=base)
        page = self.client.get("/")
        assert page.status_code == 200
        self.page = page.text
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)[1]

    def post(self, url: str, **kw):
        headers = {"X-CSRF-Token": self.token, **kw.pop("headers", {})}
        return self.client.post(url, headers=headers, **kw)

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)


@pytest.fixture(scope="module")
def web() -> Web:
    return Web()


def cli_problems(data: dict) -> list:
    with pytest.raises(BriefError) as info:
        parse_brief_text(yaml.safe_dump(data, allow_unicode=True), "x.yaml")
    return info.value.problems


# ------------------------------------------------------------------ the form

def expected_keys() -> set[str]:
    """Every canonical key path of docs/brief.md, list items as ``[]``."""
    nested = {"locality": LOCALITY, "meeting": MEETING, "speaker": SPEAKER}
    items = {"prior_speakers": PRIOR, "achievements": ACHIEVEMENT, "problems": PROBLEM,
             "measures": MEASURE, "targets": TARGET}
    out: set[str] = set()
    for f in brief_fields(KINDS, TOPICS):
        if f.key in nested:
            for sub in nested[f.key]:
                out.add(f"{f.key}.{sub.key}" + ("[]" if sub.key in ("attendees", "agenda") else ""))
        elif f.key in items:
            out.add(f"{f.key}[]")
            for sub in items[f.key]:
                path = f"{f.key}[].{sub.key}"
                if sub.key == "figures":
                    out.add(f"{path}[]")
                    out.update(f"{path}[].{x.key}" for x in FIGURE)
                elif sub.key == "points":
                    out.add(f"{path}[]")
                else:
                    out.add(path)
        else:
            out.add(f.key)
    return out


def test_the_form_has_every_key_of_the_brief_spec():
    keys = [f.key for f in brief_fields(KINDS, TOPICS)]
    layout = forms.layout(KINDS, TOPICS, {}, keys)
    missing = expected_keys() - forms.form_keys(layout)
    assert not missing, f"brief keys without a form control: {sorted(missing)}"


def test_index_page_labels_choices_and_token(web):
    page = web.page
    for label in ("讲话类型", "主题", "层级", "会议名称", "前序发言", "成绩", "数据", "措施", "要点",
                  "目标", "参会人员", "议程", "时限", "讲话时长（分钟）", "随机种子", "导入简报", "导出简报"):
        assert label in page
    for kind in KINDS:
        assert f'<option value="{kind}">' in page
    for topic in TOPICS:
        assert f'<option value="{topic}">' in page
    assert "speechgen_session" in web.client.cookies
    assert "https://" not in page and "http://" not in page.replace("http://127.0.0.1", "")  # no CDN
    initial = json.loads(re.search(r'id="initial">(.*?)</script>', page, re.S)[1])
    assert initial["kind"] == "推进会" and initial["locality"]["name"]


def test_formulations_switch_when_the_brief_has_that_key(web, tmp_path):
    if "formulations" not in {f.key for f in brief_fields(KINDS, TOPICS)}:
        pytest.skip("the brief has no formulations (提法) key yet")
    assert 'data-key="formulations"' in web.page
    brief = {**EXAMPLE, "formulations": False}
    assert web.post("/api/preview", json={"brief": brief}).status_code == 200
    exported = yaml.safe_load(web.post("/api/export", json={"brief": brief}).content)
    assert exported["formulations"] is False
    form = web.post("/api/import", files=upload("b.yaml", web.post("/api/export", json={"brief": brief}).content))
    assert form.json()["form"]["formulations"] is False


def test_user_templates_add_choices(tmp_path):
    from generator.render import Renderer

    builtin = Renderer().dirs.search[-1]
    (tmp_path / "汇报会.md.j2").write_text((builtin / "推进会.md.j2").read_text("utf-8"), "utf-8")
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "防汛抗旱.yaml").write_text(
        (builtin / "topics" / "城市管理.yaml").read_text("utf-8"), "utf-8")
    web = Web(create_app(type(Renderer().dirs)(tmp_path)))
    assert '<option value="汇报会">' in web.page and '<option value="防汛抗旱">' in web.page
    r = web.post("/api/preview", json={"brief": {**EXAMPLE, "kind": "汇报会", "topic": "防汛抗旱"}})
    assert r.status_code == 200, r.text


def test_static_files_are_served_and_local(web):
    for name in ("app.js", "common.js", "batch.js", "check.js", "style.css"):
        r = web.get(f"/static/{name}")
        assert r.status_code == 200 and r.content
        assert b"http://" not in r.content and b"https://" not in r.content and b"@import" not in r.content


# ------------------------------------------------------------------ preview

def test_preview_renders_the_cli_draft(web, tmp_path):
    r = web.post("/api/preview", json={"brief": EXAMPLE})
    assert r.status_code == 200, r.text
    data = r.json()
    assert "在全区创建全国文明城市工作推进会上的讲话" in data["html"]
    assert "4.15万吨" in data["html"]
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(EXAMPLE, allow_unicode=True), "utf-8")
    draft = render_file(path)
    assert data["chars"] == draft.chars
    assert data["stats"] == f"共 {draft.chars} 字，按每分钟 170 字约讲 {draft.minutes():.1f} 分钟。"
    assert r.headers["content-security-policy"].startswith("default-src 'self'")


def test_preview_hints_say_what_the_cli_says(web):
    """The page and the CLI share Draft.length_hint: a draft longer than asked is told to
    trim, never to add material; a date past the 提法 bank's horizon gets its warning."""
    long = {**EXAMPLE, "length": 1}
    hint = web.post("/api/preview", json={"brief": long}).json()["hint"]
    assert "精简" in hint and "补充" not in hint
    late = {k: v for k, v in EXAMPLE.items() if k not in ("deadline", "targets", "measures")}
    late["meeting"] = {**EXAMPLE["meeting"], "date": "2031-05-08"}
    assert "提法库只核对到" in web.post("/api/preview", json={"brief": late}).json()["hint"]
    off = {**late, "formulations": False}
    assert "提法库" not in web.post("/api/preview", json={"brief": off}).json()["hint"]


def test_preview_escapes_brief_text(web):
    brief = {**EXAMPLE, "speaker": {"title": "<script>alert(1)</script>区委书记"}}
    html = web.post("/api/preview", json={"brief": brief}).json()["html"]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_preview_traditional(web):
    html = web.post("/api/preview", json={"brief": EXAMPLE, "script": "traditional"}).json()["html"]
    assert "講話" in html


@pytest.mark.parametrize("change, path", [
    (lambda b: b["achievements"][0]["figures"][1].update(value="九十七"), "achievements[0].figures[1].value"),
    (lambda b: b["meeting"].pop("title"), "meeting.title"),
    (lambda b: b["meeting"].update(date="2026-13-40"), "meeting.date"),
    (lambda b: b["locality"].update(level="省"), "locality.level"),
    (lambda b: b.update(length="500"), "length"),
    (lambda b: b.update(deadline="2026-01-01"), "deadline"),
    (lambda b: b["measures"][0].update(deadline="明天"), "measures[0].deadline"),
])
def test_invalid_brief_comes_back_as_field_errors_in_the_cli_words(web, change, path):
    brief = json.loads(json.dumps(EXAMPLE))
    change(brief)
    r = web.post("/api/preview", json={"brief": brief})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert [e["path"] for e in errors] == [path]
    assert [e["message"] for e in errors] == [p.message for p in cli_problems(brief)]


def test_preview_refuses_junk(web):
    assert web.post("/api/preview", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert web.post("/api/preview", json=[1, 2]).status_code == 400
    r = web.post("/api/preview", json={"brief": EXAMPLE, "script": "klingon"})
    assert r.status_code == 400 and "字形" in r.json()["error"]
    r = web.post("/api/preview", json={"brief": "just text"})
    assert r.status_code == 422 and r.json()["errors"][0]["message"].startswith("简报应当是键值对")
    deep = "[" * 100_000 + "]" * 100_000
    r = web.post("/api/preview", content=('{"brief": ' + deep + "}").encode(),
                 headers={"content-type": "application/json"})
    assert r.status_code in (400, 413)


def test_preview_body_limit(web):
    big = {**EXAMPLE, "meeting": {**EXAMPLE["meeting"], "place": "会" * 700_000}}
    r = web.post("/api/preview", json={"brief": big})
    assert r.status_code == 413 and "MB" in r.json()["error"]


def test_concurrent_previews_are_independent(web):
    names = ["福海区", "立后区", "靖安县", "城关街道", "东湖区", "西山县"]
    expected = {}
    for name in names:
        brief = {**EXAMPLE, "locality": {"name": name, "level": "县" if name.endswith("县") else "区"}}
        expected[name] = web.post("/api/preview", json={"brief": brief}).json()["html"]
    results: dict[str, str] = {}

    def one(name: str) -> None:
        brief = {**EXAMPLE, "locality": {"name": name, "level": "县" if name.endswith("县") else "区"}}
        results[name] = web.post("/api/preview", json={"brief": brief}).json()["html"]

    threads = [threading.Thread(target=one, args=(n,)) for n in names * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
    assert len(set(expected.values())) == len(names)


# ------------------------------------------------------------------ downloads and round trip

def test_download_docx_md_txt(web, tmp_path):
    import docx

    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump(EXAMPLE, allow_unicode=True), "utf-8")
    draft = render_file(path)
    for fmt in ("md", "txt", "docx"):
        r = web.post("/api/download", json={"brief": EXAMPLE, "format": fmt})
        assert r.status_code == 200
        assert "福海区-全区创建全国文明城市工作推进会." + fmt in r.headers["content-disposition"].encode(
            "latin-1").decode("latin-1") or "%E7%A6%8F" in r.headers["content-disposition"]
        assert r.content == draft_bytes(draft, fmt)
    document = docx.Document(io.BytesIO(r.content))
    assert document.paragraphs[0].text.startswith("在全区创建全国文明城市工作推进会上的讲话")
    r = web.post("/api/download", json={"brief": EXAMPLE, "format": "md", "script": "traditional"})
    assert "講話" in r.content.decode("utf-8")


def test_download_refuses_bad_format_and_bad_brief(web):
    assert web.post("/api/download", json={"brief": EXAMPLE, "format": "pdf"}).status_code == 400
    r = web.post("/api/download", json={"brief": {**EXAMPLE, "kind": "报告会"}, "format": "docx"})
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "kind"


def test_exported_brief_renders_to_the_same_draft_in_the_cli(web, tmp_path):
    from typer.testing import CliRunner

    from generator.cli import app

    r = web.post("/api/export", json={"brief": EXAMPLE})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-yaml")
    exported = tmp_path / "exported.yaml"
    exported.write_bytes(r.content)
    out = tmp_path / "draft.md"
    result = CliRunner().invoke(app, ["render", str(exported), "-o", str(out)])
    assert result.exit_code == 0, result.output
    web_md = web.post("/api/download", json={"brief": EXAMPLE, "format": "md"}).content
    assert out.read_bytes() == web_md
    data = yaml.safe_load(r.content)
    assert data["achievements"][0]["figures"][0]["value"] == 41500  # typed, not "41500"


def test_export_of_an_unfinished_form_keeps_the_work_and_lists_the_problems(web):
    brief = {**EXAMPLE, "meeting": {"date": "2026-05-08"}}
    r = web.post("/api/export", json={"brief": brief})
    assert r.status_code == 200
    text = r.content.decode("utf-8")
    assert "还有 1 处问题" in text and "meeting.title" in text
    assert yaml.safe_load(text)["locality"]["name"] == "福海区"


def upload(name: str, data: bytes) -> dict:
    return {"file": (name, data, "application/octet-stream")}


@pytest.mark.parametrize("name", sorted(p.name for p in BRIEFS.glob("valid_*.yaml")))
def test_import_fills_the_form_with_the_same_brief(web, name, tmp_path):
    raw = (BRIEFS / name).read_bytes()
    r = web.post("/api/import", files=upload(name, raw))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["problems"] == [] and data["name"] == name
    assert set(data["form"]) <= {f.key for f in brief_fields(KINDS, TOPICS)}
    web_md = web.post("/api/download", json={"brief": data["form"], "format": "md"}).content
    assert web_md == draft_bytes(render_file(BRIEFS / name), "md")
    exported = tmp_path / "exported.yaml"  # and back out: the exported brief renders the same
    exported.write_bytes(web.post("/api/export", json={"brief": data["form"]}).content)
    assert draft_bytes(render_file(exported), "md") == web_md


def test_import_reports_the_cli_problems(web):
    text = (BRIEFS / "valid_01_spec_example.yaml").read_text("utf-8").replace("topic:", "topik:")
    r = web.post("/api/import", files=upload("简报.yaml", text.encode()))
    assert r.status_code == 200
    problem = r.json()["problems"][0]
    assert "是不是 `topic`" in problem["message"] and problem["text"].startswith("简报.yaml:")


def test_import_refuses_bad_files(web):
    r = web.post("/api/import", files=upload("brief.docx", b"PK\x03\x04"))
    assert r.status_code == 415 and "类型不对" in r.json()["error"]
    r = web.post("/api/import", files=upload("brief.yaml", b"\x00\x01binary"))
    assert r.status_code == 415
    r = web.post("/api/import", files=upload("brief.yaml", b"a: [1, 2"))
    assert r.status_code == 422 and "不是合法的 YAML" in r.json()["error"]
    r = web.post("/api/import", files=upload("big.yaml", b"# " + b"x" * 1_000_100))
    assert r.status_code == 413 and "1 MB" in r.json()["error"]
    r = web.post("/api/import", data={"other": "1"})
    assert r.status_code == 400 and "请选择" in r.json()["error"]
    r = web.post("/api/import", files=upload("../../etc/passwd.yaml", "kind: 推进会\n".encode()))
    assert r.status_code == 200 and r.json()["name"] == "passwd.yaml"


def test_to_form_reads_aliases_bare_items_and_typed_values():
    data = yaml.safe_load("""
类型: 推进会
地区: {名称: 福海区, 层级: 区}
会议: {名称: 会, 日期: 2026-05-08, 议程: 观看专题片}
成绩: [组织有力, {标题: 面貌改善, 数据: [{指标: 率, 数值: 97.0, 单位: "%"}]}]
目标: [整改率稳定, {内容: 全部销号, 完成时限: 2026-06-30}]
前序发言: [陈立]
措施: [{标题: 整治, 要点: [一, 二]}]
未知: 1
""")
    form = forms.to_form(data, KINDS, TOPICS)
    assert form == {
        "kind": "推进会", "locality": {"name": "福海区", "level": "区"},
        "meeting": {"title": "会", "date": "2026-05-08", "agenda": ["观看专题片"]},
        "achievements": [{"title": "组织有力"},
                         {"title": "面貌改善", "figures": [{"label": "率", "value": "97", "unit": "%"}]}],
        "targets": [{"text": "整改率稳定"}, {"text": "全部销号", "deadline": "2026-06-30"}],
        "prior_speakers": [{"name": "陈立"}],
        "measures": [{"title": "整治", "points": ["一", "二"]}],
    }


def test_example_api(web):
    r = web.get("/api/example", params={"kind": "主持词", "topic": "社区治理"})
    form = r.json()["form"]
    assert form["kind"] == "主持词" and form["topic"] == "社区治理" and form["meeting"]["agenda"]
    assert web.post("/api/preview", json={"brief": form}).status_code == 200


# ------------------------------------------------------------------ safety

def test_host_allow_list_against_dns_rebinding():
    app = create_app()
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.:8765x", "[::1", ""):
        r = TestClient(app, base_url=BASE).get("/", headers={"host": host})
        assert r.status_code == 400, host
        assert "Host" in r.json()["error"]
    for base in ("http://localhost:8765", "http://[::1]:8765", "http://LOCALHOST"):
        assert TestClient(app, base_url=base).get("/").status_code == 200, base
    other = create_app(extra_hosts=("192.168.1.20",))
    assert TestClient(other, base_url="http://192.168.1.20:8765").get("/").status_code == 200
    assert TestClient(app, base_url="http://192.168.1.20:8765").get("/").status_code == 400


def test_post_needs_the_csrf_token(web):
    fresh = TestClient(web.app, base_url=BASE)
    r = fresh.post("/api/preview", json={"brief": EXAMPLE})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    r = web.client.post("/api/preview", json={"brief": EXAMPLE}, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    stranger = TestClient(web.app, base_url=BASE)  # a token without its session cookie
    assert stranger.post("/api/preview", json={"brief": EXAMPLE},
                         headers={"X-CSRF-Token": web.token}).status_code == 403
    for url in ("/api/download", "/api/export", "/api/import", "/api/batch", "/api/check"):
        assert web.client.post(url).status_code == 403, url


def test_post_from_another_origin_is_refused(web):
    for origin in ("http://evil.example", "null", "http://127.0.0.1:9999", "file://"):
        r = web.post("/api/preview", json={"brief": EXAMPLE}, headers={"origin": origin})
        assert r.status_code == 403, origin
    r = web.post("/api/preview", json={"brief": EXAMPLE}, headers={"referer": "http://evil.example/x"})
    assert r.status_code == 403
    r = web.post("/api/preview", json={"brief": EXAMPLE}, headers={"origin": BASE})
    assert r.status_code == 200


def test_security_headers_on_every_page(web):
    for url in ("/", "/batch", "/check"):
        r = web.get(url)
        assert r.status_code == 200
        assert r.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


# ------------------------------------------------------------------ batch

def table(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def run_batch(web: Web, files: dict, data: dict) -> dict:
    r = web.post("/api/batch", files=files, data=data)
    assert r.status_code == 202, r.text
    job = r.json()["id"]
    for _ in range(600):
        state = web.get(f"/api/batch/{job}").json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError("batch did not finish")


def test_batch_from_csv_with_the_form_as_defaults(web):
    rows = [["locality.name", "locality.level", "achievements[0].title"],
            ["福海区", "区", "组织推进有力"], ["靖安县", "县", ""], ["坏区", "省", ""],
            ["=HYPERLINK(\"x\")区", "区", ""]]
    defaults = {k: v for k, v in EXAMPLE.items() if k != "locality"}
    state = run_batch(web, {"table": ("各区.csv", table(rows), "text/csv")},
                      {"defaults_source": "form", "defaults_json": json.dumps(defaults), "format": "md"})
    assert state["status"] == "done", state
    assert state["counts"] == {"written": 3, "skipped": 0, "failed": 1, "total": 4}
    failure = state["failures"][0]
    assert failure["label"] == "坏区" and "各区.csv 第4行" in failure["message"]
    assert "/tmp" not in json.dumps(state) and "speechgen-web-" not in json.dumps(state)
    assert any("最高相似度" in line for line in state["notes"])
    r = web.get(f"/api/batch/{state['id']}/zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
        summary = zf.read("summary.csv").decode("utf-8-sig")
        first = zf.read(names[0]).decode("utf-8")
    assert "summary.csv" in names and len(names) == 4
    assert names[0].startswith("福海区-") and "全区" in first
    cells = [row for row in csv.reader(io.StringIO(summary))]
    assert cells[0][:3] == ["序号", "地区", "文件"]
    assert all(not c.startswith(("=", "+", "-", "@")) for row in cells for c in row)
    assert any(c.startswith("'=HYPERLINK") for row in cells for c in row)


def test_batch_from_xlsx_with_an_uploaded_defaults_brief(web):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["locality.name", "locality.level"])
    book.active.append(["福海区", "区"])
    buffer = io.BytesIO()
    book.save(buffer)
    defaults = yaml.safe_dump({k: v for k, v in EXAMPLE.items() if k != "locality"}, allow_unicode=True)
    state = run_batch(web, {"table": ("t.xlsx", buffer.getvalue(), "application/octet-stream"),
                            "defaults": ("共同.yaml", defaults.encode(), "application/x-yaml")},
                      {"defaults_source": "file", "format": "docx"})
    assert state["counts"]["written"] == 1
    r = web.get(f"/api/batch/{state['id']}/zip")
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert any(n.endswith(".docx") for n in zf.namelist())


def test_batch_errors_name_the_uploaded_files(web):
    rows = [["locality.name", "locality.bogus"], ["福海区", "x"]]
    defaults = {k: v for k, v in EXAMPLE.items() if k != "locality"}
    state = run_batch(web, {"table": ("各区.csv", table(rows), "text/csv")},
                      {"defaults_source": "form", "defaults_json": json.dumps(defaults)})
    assert state["counts"]["failed"] == 1
    assert "各区.csv" in state["failures"][0]["message"] and "/tmp" not in state["failures"][0]["message"]
    state = run_batch(web, {"table": ("空.csv", b"", "text/csv")},
                      {"defaults_source": "form", "defaults_json": json.dumps(defaults)})
    assert state["status"] == "failed" and "空.csv" in state["error"] and "/tmp" not in state["error"]


def test_batch_refuses_bad_uploads(web):
    defaults = {"defaults_source": "form", "defaults_json": json.dumps(EXAMPLE)}
    r = web.post("/api/batch", files={"table": ("t.txt", b"a,b\n", "text/plain")}, data=defaults)
    assert r.status_code == 415
    r = web.post("/api/batch", files={"table": ("t.xlsx", b"not a zip", "text/plain")}, data=defaults)
    assert r.status_code == 415 and "Office" in r.json()["error"]
    r = web.post("/api/batch", files={"table": ("t.csv", b"x" * 20_000_001, "text/csv")}, data=defaults)
    assert r.status_code == 413 and "20 MB" in r.json()["error"]
    r = web.post("/api/batch", files={"table": ("t.csv", b"a\n1\n", "text/csv")},
                 data={"defaults_source": "form", "defaults_json": ""})
    assert r.status_code == 400 and "表单中还没有简报" in r.json()["error"]
    r = web.post("/api/batch", files={"table": ("t.csv", b"a\n1\n", "text/csv")}, data={"defaults_source": "file"})
    assert r.status_code == 400 and "共同简报" in r.json()["error"]
    r = web.post("/api/batch", files={"table": ("t.csv", b"a\n1\n", "text/csv")}, data={**defaults, "format": "exe"})
    assert r.status_code == 400
    assert web.get("/api/batch/nonexistent").status_code == 404
    assert web.get("/api/batch/nonexistent/zip").status_code == 404


def test_blank_spreadsheets(web):
    r = web.get("/batch/blank.csv")
    assert r.status_code == 200
    header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert header == jobs.BLANK_HEADERS
    import openpyxl

    r = web.get("/batch/blank.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert [c.value for c in book.worksheets[0][1]] == jobs.BLANK_HEADERS
    assert book.worksheets[0].max_row == 1 and book.worksheets[1].title == "填写说明"
    assert web.get("/batch/blank.exe").status_code == 404


def test_blank_headers_are_what_the_batch_reader_accepts():
    from generator.batchio import parse_header

    assert all(parse_header(h) for h in jobs.BLANK_HEADERS)


def test_neutralise():
    assert jobs.neutralise("=1+1") == "'=1+1"
    assert [jobs.neutralise(x) for x in ("+1", "-1", "@a", "\tx")] == ["'+1", "'-1", "'@a", "'\tx"]
    assert jobs.neutralise("福海区") == "福海区" and jobs.neutralise(3) == 3


def test_batch_temp_files_are_removed(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    web = Web()
    rows = [["locality.name", "locality.level"], ["福海区", "区"]]
    defaults = {k: v for k, v in EXAMPLE.items() if k != "locality"}
    state = run_batch(web, {"table": ("各区.csv", table(rows), "text/csv")},
                      {"defaults_source": "form", "defaults_json": json.dumps(defaults)})
    folders = list(tmp_path.glob("speechgen-web-*"))
    assert [p.name for p in folders[0].iterdir()] == ["drafts.zip"]  # inputs and drafts gone
    web.app.site.jobs.close()
    assert not list(tmp_path.glob("speechgen-web-*"))
    assert state["status"] == "done"


# ------------------------------------------------------------------ check

def drafts(*files: tuple[str, bytes]) -> list:
    return [("drafts", (name, data, "application/octet-stream")) for name, data in files]


def test_check_finds_problems_and_names_the_uploaded_files(web, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    md = "# 讲话\n\n同志们：\n\n今年XX区要完成××任务。\n".encode()
    docx_bytes = web.post("/api/download", json={"brief": EXAMPLE, "format": "docx"}).content
    r = web.post("/api/check", files=drafts(("稿子.md", md), ("福海.docx", docx_bytes)))
    assert r.status_code == 200, r.text
    data = r.json()
    assert [f["file"] for f in data["files"]] == ["稿子.md", "福海.docx"]
    from generator.check import CATEGORY_NAMES

    placeholder = [f for f in data["findings"] if f["category"] == CATEGORY_NAMES["placeholder"]]
    assert placeholder and placeholder[0]["file"] == "稿子.md" and placeholder[0]["line"] == 5
    assert set(placeholder[0]) == {"file", "line", "category", "severity", "excerpt", "advice"}
    assert not list(tmp_path.glob("speechgen-web-*"))


def test_check_keeps_two_uploads_of_one_name_apart(web):
    text = (BRIEFS.parent / "check" / "bad_twin_a.md").read_bytes()
    r = web.post("/api/check", files=drafts(("稿.md", text), ("稿.md", text)))
    assert [f["file"] for f in r.json()["files"]] == ["稿.md", "稿.md（2）"]
    from generator.check import CATEGORY_NAMES

    twins = [f for f in r.json()["findings"] if f["category"] == CATEGORY_NAMES["twins"]]
    assert twins and "稿.md（2）" in twins[0]["advice"]


def test_check_with_a_brief(web):
    text = (BRIEFS.parent / "check" / "bad_wrong_place.md").read_bytes()
    brief = (BRIEFS.parent / "check" / "brief_fuhai.yaml").read_bytes()
    r = web.post("/api/check", files=[*drafts(("a.md", text)), ("brief", ("fuhai.yaml", brief, "x"))])
    assert r.status_code == 200
    assert any("立后区" in f["excerpt"] and "福海区" in f["advice"] for f in r.json()["findings"])
    r = web.post("/api/check", files=[*drafts(("a.md", text)), ("brief", ("bad.yaml", b"kind: x\n", "x"))])
    assert r.status_code == 422 and r.json()["errors"]


def test_check_refuses_bad_uploads(web):
    r = web.post("/api/check", files=drafts(("a.pdf", b"%PDF-1.4")))
    assert r.status_code == 415
    r = web.post("/api/check", files=drafts(("a.docx", b"plain text")))
    assert r.status_code == 415
    r = web.post("/api/check", files=drafts(("a.md", b"x" * 20_000_001)))
    assert r.status_code == 413
    r = web.post("/api/check", files=drafts(("a.md", b"x" * 12_000_000), ("b.md", b"x" * 9_000_000)))
    assert r.status_code == 413
    r = web.post("/api/check", data={"x": "1"})
    assert r.status_code == 400
    r = web.post("/api/check", files=drafts(("a.docx", b"PK\x03\x04broken")))
    assert r.status_code == 422 and "a.docx" in r.json()["error"]


# ------------------------------------------------------------------ the command

@pytest.mark.slow
def test_help_and_render_do_not_import_the_web_stack():
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from generator.cli import app; "
            "CliRunner().invoke(app, ['--help']); CliRunner().invoke(app, ['render', sys.argv[1]]); "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'multipart', 'generator.web') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(BRIEFS / "valid_01_spec_example.yaml")],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def start_server(*args: str):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://\S+", line)
    assert match, line + proc.stderr.read()
    return proc, match[0]


@pytest.mark.slow
def test_serve_prints_the_address_and_stops_cleanly_on_ctrl_c():
    import signal
    import urllib.request

    proc, url = start_server()
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "生成讲话稿" in response.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "已停止" in out and "Traceback" not in err


@pytest.mark.slow
def test_serve_open_starts_the_browser(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    opened = tmp_path / "opened.txt"
    opener = tmp_path / "opener.py"
    opener.write_text(f"#!{sys.executable}\nimport sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n")
    opener.chmod(0o755)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0", "--open"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "BROWSER": str(opener)})
    try:
        url = re.search(r"http://\S+", proc.stdout.readline())[0]
        for _ in range(100):
            if opened.exists() and opened.read_text():
                break
            time.sleep(0.1)
        assert opened.read_text() == url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


@pytest.mark.slow
def test_serve_on_another_host_warns():
    import signal

    proc, url = start_server("--host", "0.0.0.0")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert "警告" in err and "其他计算机" in err


def test_serve_port_in_use_is_a_clear_error():
    import socket

    from typer.testing import CliRunner

    from generator.cli import app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        result = CliRunner().invoke(app, ["serve", "--port", str(sock.getsockname()[1])])
    finally:
        sock.close()
    assert result.exit_code == 2 and "已被占用" in result.output


def test_package_data_lists_the_web_files():
    root = Path(__file__).resolve().parent.parent
    text = (root / "pyproject.toml").read_text("utf-8")
    assert "generator.web" in text and "templates/*.html" in text
