import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.draft import Draft, parse_markup
from generator.errors import ExportError
from generator.writers.docx import docx_bytes, split_title, write_docx

MARKUP = """@ 同志们：
今天召开全区经济工作会议，主要任务是总结成绩、分析形势、部署工作。
# 统一思想认识
## 强化组织领导。\t各级党委要把这项工作摆上重要议事日程。
## 压实工作责任
### 抓好项目建设。\t要盯紧重点项目。
#### 细化分工。\t明确时间表。
# 狠抓工作落实
同志们，让我们团结一心，奋力开创新局面！
"""


def make_draft(title: str = "在全区经济工作会议上的讲话", speaker: str = "区委书记 王明") -> Draft:
    return Draft(title, speaker, "2026年5月8日", parse_markup(MARKUP),
                 kind="部署会", topic="经济工作", locality="东城区")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "draft.docx"
    write_docx(make_draft(), path)
    return path


@pytest.fixture(scope="module")
def document(written):
    return docx.Document(str(written))


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def rfonts(element):
    return element.find(qn("w:rPr")).find(qn("w:rFonts"))


def style_rfonts(document, name: str):
    return rfonts(document.styles[name].element)


def body_paragraphs(document):
    """Paragraphs after the title block (title, speaker, date, blank line)."""
    return document.paragraphs[4:]


# --- page setup ---------------------------------------------------------------


def test_page_is_a4_with_gbt9704_margins(document):
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    for margin, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(getattr(section, f"{margin}_margin") - Mm(mm)) < Mm(0.1), margin


def test_line_spacing_and_document_grid(written, document):
    xml = part(written, "word/document.xml")
    grid = re.search(r"<w:docGrid [^>]*/>", xml).group(0)
    assert 'w:type="lines"' in grid and 'w:linePitch="579"' in grid
    body = document.styles["讲话正文"].element.find(qn("w:pPr")).find(qn("w:spacing"))
    assert body.get(qn("w:line")) == "579"
    assert body.get(qn("w:lineRule")) == "exact"
    assert body.get(qn("w:before")) == "0" and body.get(qn("w:after")) == "0"
    fmt = document.styles["讲话正文"].paragraph_format
    assert fmt.line_spacing == Pt(28.95)


# --- title block --------------------------------------------------------------


def test_title_font_size_and_centring(document):
    title = document.paragraphs[0]
    assert title.style.name == "讲话标题"
    assert title.text == "在全区经济工作会议上的讲话"
    fonts = style_rfonts(document, "讲话标题")
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert document.styles["讲话标题"].font.size == Pt(22)
    assert document.styles["讲话标题"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_long_title_breaks_inside_one_paragraph(tmp_path):
    title = "在全区安全生产和消防工作电视电话会议上的讲话"
    path = tmp_path / "long.docx"
    write_docx(make_draft(title=title), path)
    doc = docx.Document(str(path))
    paragraph = doc.paragraphs[0]
    assert paragraph._p.xpath(".//w:br")
    lines = paragraph.text.split("\n")
    assert len(lines) == 2 and "".join(lines) == title
    assert all(len(line) <= 20 for line in lines)


@pytest.mark.parametrize("title", [
    "在全区安全生产和消防工作电视电话会议上的讲话",
    "在全区深入学习贯彻党的二十届四中全会精神专题读书班开班式上的讲话",
    "在2026年全县农村人居环境整治提升工作现场推进会上的主持词",
    "在全县防汛抗旱暨地质灾害防治工作会议上的讲话",
])
def test_split_title_keeps_words_and_fits(title):
    lines = split_title(title)
    assert "".join(lines) == title
    assert len(lines) == 2
    assert all(len(line) <= 20 for line in lines)
    assert not lines[1].startswith(("的", "讲话"))
    assert not lines[0].endswith(("在", "二十届", "202"))


def test_split_title_prefers_natural_breaks():
    assert split_title("在全县防汛抗旱暨地质灾害防治工作会议上的讲话")[1].startswith("暨")
    assert split_title("在全区2026年经济工作会议上的讲话") == ["在全区2026年经济工作会议上的讲话"]


def test_speaker_and_date_centred_in_kaiti(document):
    speaker, date, blank = document.paragraphs[1:4]
    assert speaker.text == "区委书记 王明"
    assert date.text == "（2026年5月8日）"
    assert speaker.style.name == date.style.name == "讲话署名"
    style = document.styles["讲话署名"]
    assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert style.font.size == Pt(16)
    assert style_rfonts(document, "讲话署名").get(qn("w:eastAsia")) == "楷体_GB2312"
    assert blank.text == ""


def test_missing_speaker_is_skipped(tmp_path):
    path = tmp_path / "d.docx"
    write_docx(make_draft(speaker=""), path)
    doc = docx.Document(str(path))
    assert [p.text for p in doc.paragraphs[:3]] == [
        "在全区经济工作会议上的讲话", "（2026年5月8日）", ""]


# --- body -----------------------------------------------------------------------


def test_body_font_size_indent_and_justification(document):
    style = document.styles["讲话正文"]
    fonts = style_rfonts(document, "讲话正文")
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "仿宋_GB2312"
    assert style.font.size == Pt(16)
    ind = style.element.find(qn("w:pPr")).find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert ind.get(qn("w:firstLine")) == "640"
    assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph = body_paragraphs(document)[1]
    assert paragraph.text.startswith("今天召开")
    assert paragraph.style.name == "讲话正文"


def test_salutation_is_flush_left(document):
    salutation = body_paragraphs(document)[0]
    assert salutation.text == "同志们："
    assert salutation.style.name == "讲话称谓"
    ind = salutation.style.element.find(qn("w:pPr")).find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "0" and ind.get(qn("w:firstLine")) == "0"
    assert salutation.paragraph_format.first_line_indent is None  # no direct override


def test_heading_fonts_per_level(document):
    texts = {p.text: p for p in body_paragraphs(document)}
    level1 = texts["一、统一思想认识"]
    assert level1.style.name == "一级标题"
    assert style_rfonts(document, "一级标题").get(qn("w:eastAsia")) == "黑体"
    level2 = texts["（二）压实工作责任"]
    assert level2.style.name == "二级标题"
    assert style_rfonts(document, "二级标题").get(qn("w:eastAsia")) == "楷体_GB2312"
    for level in (3, 4):
        name = ("三级标题", "四级标题")[level - 3]
        assert style_rfonts(document, name).get(qn("w:eastAsia")) == "仿宋_GB2312"
    for name in ("一级标题", "二级标题"):
        ind = document.styles[name].element.find(qn("w:pPr")).find(qn("w:ind"))
        assert ind is None or ind.get(qn("w:firstLineChars")) != "0"  # inherits the body indent


def test_run_in_level2_only_lead_is_kaiti(document):
    paragraph = next(p for p in body_paragraphs(document) if p.text.startswith("（一）"))
    assert paragraph.style.name == "讲话正文"
    lead, rest = paragraph.runs
    assert lead.text == "（一）强化组织领导。"
    assert lead.style.name == "二级标题字符"
    assert style_rfonts(document, "二级标题字符").get(qn("w:eastAsia")) == "楷体_GB2312"
    assert rest.text.startswith("各级党委")
    assert rest.style.name == "Default Paragraph Font"  # body font from the paragraph style


def test_run_in_level3_and_4_stay_fangsong(document):
    paragraph = next(p for p in body_paragraphs(document) if p.text.startswith("1."))
    assert paragraph.runs[0].style.name == "三级标题字符"
    assert style_rfonts(document, "三级标题字符").get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["三级标题字符"].font.bold is None
    paragraph = next(p for p in body_paragraphs(document) if p.text.startswith("（1）"))
    assert paragraph.runs[0].style.name == "四级标题字符"


def test_no_paragraph_spacing_and_no_direct_run_fonts(written):
    xml = part(written, "word/document.xml")
    assert "w:rFonts" not in xml  # every font comes from a style
    assert "w:spacing" not in xml


def test_no_theme_fonts_and_chinese_language(written):
    for name in ("word/styles.xml", "word/document.xml", "word/stylesWithEffects.xml"):
        xml = part(written, name)
        assert not re.search(r"w:(asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)=", xml), name
    styles = part(written, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles).group(0)
    assert 'w:eastAsia="zh-CN"' in defaults
    assert 'w:eastAsia="仿宋_GB2312"' in defaults
    assert 'w:eastAsia="ja-JP"' not in part(written, "word/settings.xml")


def test_font_table_records_fallbacks(written):
    fonts = part(written, "word/fontTable.xml")
    expected = {
        "仿宋_GB2312": "仿宋,FangSong",
        "方正小标宋简体": "华文中宋,STZhongsong,宋体,SimSun",
        "楷体_GB2312": "楷体,KaiTi",
        "黑体": "SimHei",
    }
    for name, alt in expected.items():
        assert re.search(rf'<w:font w:name="{name}"><w:altName w:val="{alt}"/>', fonts), name


# --- footer -------------------------------------------------------------------


def test_page_number_footers_odd_and_even(written, document):
    assert 'w:evenAndOddHeaders' in part(written, "word/settings.xml")
    section = document.sections[0]
    odd, even = section.footer, section.even_page_footer
    assert not odd.is_linked_to_previous and not even.is_linked_to_previous
    for footer, align, side in ((odd, "right", "w:right"), (even, "left", "w:left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text == "— 1 —"
        assert f'<w:jc w:val="{align}"/>' in xml
        assert f'{side}="280"' in xml and f'{side}Chars="100"' in xml
        assert paragraph.style.name == "讲话页码"
    style = document.styles["讲话页码"]
    assert style.font.size == Pt(14)
    assert style_rfonts(document, "讲话页码").get(qn("w:eastAsia")) == "宋体"


# --- determinism and metadata ------------------------------------------------


def test_output_is_byte_identical(tmp_path):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    write_docx(make_draft(), first)
    write_docx(make_draft(), second)
    assert first.read_bytes() == second.read_bytes()
    assert docx_bytes(make_draft()) == first.read_bytes()


def test_fixed_zip_times_and_core_properties(written, document):
    with zipfile.ZipFile(written) as z:
        assert {info.date_time for info in z.infolist()} == {(2026, 5, 8, 0, 0, 0)}
    props = document.core_properties
    assert props.author == "speechgen"
    assert props.title == "在全区经济工作会议上的讲话"
    assert props.created.year == 2026 and props.created.month == 5 and props.created.day == 8
    assert props.modified == props.created
    assert props.revision == 1


# --- reference document ---------------------------------------------------------


@pytest.fixture()
def reference(tmp_path) -> Path:
    """An office's own file: B5-ish margins, a restyled body style and old content."""
    seed = tmp_path / "seed.docx"
    write_docx(make_draft(), seed)
    doc = docx.Document(str(seed))
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Mm(30)
    section.left_margin = section.right_margin = Mm(20)
    doc.styles["讲话正文"].font.size = Pt(15)
    doc.add_paragraph("旧文件里的内容，不能出现在新稿中。")
    path = tmp_path / "reference.docx"
    doc.save(str(path))
    return path


def test_reference_docx_page_setup_and_styles_taken_over(tmp_path, reference):
    out = tmp_path / "out.docx"
    write_docx(make_draft(), out, reference_docx=reference)
    doc = docx.Document(str(out))
    section = doc.sections[0]
    assert abs(section.top_margin - Mm(30)) < Mm(0.1)
    assert abs(section.left_margin - Mm(20)) < Mm(0.1)
    assert doc.styles["讲话正文"].font.size == Pt(15)
    texts = [p.text for p in doc.paragraphs]
    assert "旧文件里的内容，不能出现在新稿中。" not in texts
    assert texts.count("在全区经济工作会议上的讲话") == 1
    assert doc.sections[0].footer.paragraphs[0].text == "— 1 —"  # its own footer kept


def test_reference_without_our_styles_gets_them(tmp_path):
    plain = docx.Document()
    plain.sections[0].left_margin = Mm(40)
    plain.add_paragraph("旧内容")
    ref = tmp_path / "plain.docx"
    plain.save(str(ref))
    doc = docx.Document(str(docx_bytes_to(tmp_path, ref)))
    assert abs(doc.sections[0].left_margin - Mm(40)) < Mm(0.1)
    assert doc.paragraphs[0].style.name == "讲话标题"
    assert doc.styles["讲话正文"].font.size == Pt(16)
    assert doc.sections[0].footer.paragraphs[0].text == "— 1 —"  # added: it had none
    assert all(p.text != "旧内容" for p in doc.paragraphs)


def docx_bytes_to(tmp_path: Path, reference: Path) -> Path:
    out = tmp_path / "from-plain.docx"
    out.write_bytes(docx_bytes(make_draft(), reference_docx=reference))
    return out


def test_bad_reference_raises_export_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ExportError):
        docx_bytes(make_draft(), reference_docx=bad)


def test_unwritable_path_raises_export_error(tmp_path):
    with pytest.raises(ExportError):
        write_docx(make_draft(), tmp_path / "missing-dir" / "x.docx")


# --- optional: LibreOffice renders it -------------------------------------------


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed")
def test_libreoffice_converts_to_pdf(tmp_path, written):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "draft.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="在全区市县安全生产工作会议上的讲话暨推进大会精神2026年和与", max_size=60))
def test_split_title_never_loses_or_reorders_text(title):
    lines = split_title(title)
    assert "".join(lines) == title.strip()
    assert all(lines) or title.strip() == ""
