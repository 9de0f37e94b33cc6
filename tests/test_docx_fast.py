"""The prepared-template Word writer (issue 15) gives the bytes python-docx gave.

tests/docx_oracle.py is the writer as it was: python-docx builds each draft and
zipfile writes the package. The fast writer builds the template once, writes
paragraphs as XML text and zips pre-compressed members; for every draft below
the two must agree byte for byte.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest
import yaml
from docx.shared import Mm, Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.batch import run_batch
from generator.brief import load_brief
from generator.draft import Block, Draft, parse_markup
from generator.render import Renderer
from generator.writers import docx_base, docx_words
from generator.writers.docx import docx_bytes, write_docx
from generator.writers.docx_zip import Member, zip_bytes
from tests.conftest import BRIEFS
from tests.docx_oracle import oracle_docx_bytes

MARKUP = """@ 同志们：
今天召开全区经济工作会议。
# 统一思想认识
## 强化组织领导。\t各级党委要把这项工作摆上重要议事日程。
### 抓好项目建设。\t要盯紧重点项目。
#### 细化分工。\t明确时间表。
# 狠抓工作落实
同志们，让我们团结一心！
"""


def sample_draft(title: str = "在全县农村人居环境整治提升动员部署会上的讲话") -> Draft:
    return Draft(title, "县委书记 王明", "2026年5月8日", parse_markup(MARKUP),
                 kind="动员部署会", topic="人居环境整治", locality="某县")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("path", sorted(BRIEFS.glob("valid_*.yaml")), ids=lambda p: p.stem)
def test_golden_briefs_give_the_bytes_python_docx_gave(path, renderer):
    draft = renderer.render(load_brief(path))
    assert docx_bytes(draft) == oracle_docx_bytes(draft)


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, Path]:
    """A restyled draft (with our styles and footers) and a plain python-docx file (neither)."""
    folder = tmp_path_factory.mktemp("refs")
    seed = folder / "seed.docx"
    write_docx(sample_draft(), seed)
    doc = docx.Document(str(seed))
    section = doc.sections[0]
    section.top_margin = section.left_margin = Mm(30)
    doc.styles["讲话正文"].font.size = Pt(15)
    doc.add_paragraph("旧文件里的内容")
    doc.save(str(folder / "restyled.docx"))
    plain = docx.Document()
    plain.add_paragraph("旧内容")
    plain.save(str(folder / "plain.docx"))
    return {"restyled": folder / "restyled.docx", "plain": folder / "plain.docx"}


@pytest.mark.parametrize("which", ["restyled", "plain"])
def test_reference_documents_give_the_bytes_python_docx_gave(references, which):
    draft = sample_draft()
    assert docx_bytes(draft, references[which]) == oracle_docx_bytes(draft, references[which])


# text that exercises every branch of run writing: tabs and line breaks become
# elements, outer whitespace keeps xml:space, markup characters are escaped,
# characters XML cannot carry are dropped
TEXT = st.text(st.sampled_from(list("会议讲话同志们 \u3000\t\n\r&<>\"'x1\x01\ufffe\ud800；（）")) ,
               max_size=30)
BLOCK = st.builds(Block, st.sampled_from(["paragraph", "heading", "salutation"]), TEXT,
                  st.integers(0, 6), st.sampled_from(["", "一、", "（二）", "3.", "（4）"]), TEXT)
DRAFT = st.builds(Draft, st.one_of(TEXT, st.just("在全区城市管理工作推进会暨半年总结会上的讲话")),
                  TEXT, st.sampled_from(["2026年5月8日", "(2026年2月30日)", "", " 明天 "]),
                  st.lists(BLOCK, max_size=6), TEXT, TEXT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DRAFT)
def test_any_draft_gives_the_bytes_python_docx_gave(draft):
    assert docx_bytes(draft) == oracle_docx_bytes(draft)


# --- the zip writer ---------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="zipfile records Windows as the creating system there")
@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.xml", "word/document.xml", "图/片.png"]),
                          st.binary(max_size=3000)), min_size=1, max_size=3,
                unique_by=lambda entry: entry[0]),
       st.dates(min_value=datetime(1980, 1, 1).date(), max_value=datetime(2107, 12, 31).date()))
def test_zip_writer_matches_zipfile(entries, day):
    when = datetime(day.year, day.month, day.day)
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    assert zip_bytes([Member.of(n, d) for n, d in entries], when) == expected.getvalue()


def test_date_past_the_zip_range_is_clamped_not_a_crash():
    draft = sample_draft()
    draft.date = "9999年12月31日"
    with zipfile.ZipFile(io.BytesIO(docx_bytes(draft))) as zf:
        assert zf.testzip() is None
        assert {i.date_time[0] for i in zf.infolist()} == {2107}
        assert b"9999-12-31" in zf.read("docProps/core.xml")


# --- the template cache -------------------------------------------------------------


def test_same_draft_same_bytes_with_a_fresh_template():
    draft = sample_draft()
    cached = docx_bytes(draft)
    assert docx_bytes(draft) == cached
    docx_base._CACHE.clear()
    assert docx_bytes(draft) == cached


def test_edited_reference_is_read_again(tmp_path):
    ref = tmp_path / "ref.docx"
    plain = docx.Document()
    plain.sections[0].left_margin = Mm(40)
    plain.save(str(ref))
    first = docx.Document(io.BytesIO(docx_bytes(sample_draft(), ref)))
    plain.sections[0].left_margin = Mm(20)
    plain.save(str(ref))
    stat = ref.stat()
    os.utime(ref, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    second = docx.Document(io.BytesIO(docx_bytes(sample_draft(), ref)))
    assert abs(first.sections[0].left_margin - Mm(40)) < Mm(0.1)
    assert abs(second.sections[0].left_margin - Mm(20)) < Mm(0.1)


def test_reference_style_id_with_markup_characters(tmp_path):
    """An id like Body&X<1 crashed the python-docx path (it was pasted into XML unescaped)."""
    seed = tmp_path / "seed.docx"
    write_docx(sample_draft(), seed)
    ref = tmp_path / "ref.docx"
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(ref, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("word/"):
                data = data.replace(b'"SpeechBody"', b'"Body&amp;X&lt;1"')
            dst.writestr(info, data)
    doc = docx.Document(io.BytesIO(docx_bytes(sample_draft(), ref)))
    assert doc.paragraphs[3].style.style_id == "Body&X<1"
    assert doc.paragraphs[3].style.name == "讲话正文"


def test_python_docx_reads_the_output_back():
    doc = docx.Document(io.BytesIO(docx_bytes(sample_draft())))
    read = [(p.style.name, [(r.text, r.style.name) for r in p.runs]) for p in doc.paragraphs]
    plain = "Default Paragraph Font"
    assert read == [
        ("讲话标题", [("在全县农村人居环境整治", plain), ("\n", plain), ("提升动员部署会上的讲话", plain)]),
        ("讲话署名", [("县委书记 王明", plain)]),
        ("讲话署名", [("（2026年5月8日）", plain)]),
        ("讲话正文", []),
        ("讲话称谓", [("同志们：", plain)]),
        ("讲话正文", [("今天召开全区经济工作会议。", plain)]),
        ("一级标题", [("一、统一思想认识", plain)]),
        ("讲话正文", [("（一）强化组织领导。", "二级标题字符"), ("各级党委要把这项工作摆上重要议事日程。", plain)]),
        ("讲话正文", [("1.抓好项目建设。", "三级标题字符"), ("要盯紧重点项目。", plain)]),
        ("讲话正文", [("（1）细化分工。", "四级标题字符"), ("明确时间表。", plain)]),
        ("一级标题", [("二、狠抓工作落实", plain)]),
        ("讲话正文", [("同志们，让我们团结一心！", plain)]),
    ]
    assert doc.core_properties.title == "在全县农村人居环境整治提升动员部署会上的讲话"


# --- batch ---------------------------------------------------------------------------


@pytest.mark.slow
def test_batch_docx_jobs_1_equals_jobs_2(tmp_path):
    defaults = {"kind": "推进会", "topic": "城市管理", "speaker": {"title": "区委书记"},
                "meeting": {"title": "全区城市管理工作推进会", "date": "2026-05-08"}}
    names = ["东安区", "西平区", "南和区", "北兴区", "中龙区", "新凤区"]
    batch = tmp_path / "batch.yaml"
    batch.write_text(yaml.safe_dump({"defaults": defaults, "districts": [
        {"locality": {"name": n, "level": "区"}} for n in names]}, allow_unicode=True), "utf-8")
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        report = run_batch(batch, out, fmt="docx", jobs=jobs)
        assert report.count("已写入") == len(names)
        outputs.append({p.name: p.read_bytes() for p in out.glob("*.docx")})
    assert len(outputs[0]) == len(names) and outputs[0] == outputs[1]


# --- title words without jieba's start-up -------------------------------------------

TITLES = [
    "在城关街道城市精细化管理工作推进会上的讲话",
    "在全县农村人居环境整治提升动员部署会上的讲话",
    "在全市城市管理工作半年总结暨下半年工作部署会上的讲话",
    "在2026年全区“双创”工作推进会（第3次）上的讲话——AB区 v2.0 版",
    "关于进一步加强城市管理和人居环境整治工作的讲话　第二部分\t附件&说明",
    "在 ABC123 街道 x 会议上的讲话，……！",
]
CJK = st.text(st.sampled_from(list("在全区县市街道城乡管理工作推进部署动员会上的讲话暨总结半年文明创建"
                                   "生态环境保护社区治理精细化农村人居整治提升座谈发言主持词长江黄河AB12 -·、")),
              max_size=40)


@pytest.fixture(scope="module")
def jieba_dt():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.dt


def test_dictionary_total_and_frequencies_are_jiebas(jieba_dt):
    dictionary = docx_words._dictionary()
    assert dictionary is not None and dictionary.total == jieba_dt.total
    for title in TITLES:
        freq = dictionary.prefix_freq(title)
        subs = {title[i:j] for i in range(len(title)) for j in range(i + 1, len(title) + 1)}
        assert freq == {s: jieba_dt.FREQ[s] for s in subs if s in jieba_dt.FREQ}


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(TITLES), CJK))
def test_title_words_are_jiebas(jieba_dt, text):
    dictionary = docx_words._dictionary()
    ours = list(docx_words._cut(text, dictionary.prefix_freq(text), dictionary.total))
    assert ours == list(jieba_dt.cut(text, HMM=False))


@pytest.mark.parametrize("data", [b"", b"a 1 n\n\nb 2 n\n", b"a 1 n\nb x n\n", b"a  1 n\n",
                                  b" a 1 n\n", b"a\n", b"a 1 n\r\n"])
def test_a_dictionary_outside_the_plain_format_is_refused(data):
    with pytest.raises(ValueError):
        docx_words.Dictionary(data)


def test_dictionary_reads_lines_as_jieba_does():
    d = docx_words.Dictionary(b"ab 3 n\nabc 5 v\nab 7\nb 1 n\nx 2 n")
    assert d.total == 18
    assert d.lines_of("a") == [("ab", 3), ("abc", 5), ("ab", 7)]
    assert d.prefix_freq("abd") == {"a": 0, "ab": 7, "b": 1}
