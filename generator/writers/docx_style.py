"""Layout data of the Word writer: page and type metrics, fonts, named styles.

Pure data and the XML of each style, no python-docx: :mod:`generator.writers.docx`
describes the layout; :mod:`generator.writers.docx_base` puts these styles into
the document template.
"""

from __future__ import annotations

from dataclasses import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_DECL = f'xmlns:w="{W_NS}"'  # what nsdecls("w") gives, without importing python-docx

# --- page and type metrics -------------------------------------------------

LINE_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm type area
TITLE_LINE_TWIPS = 700  # 35 pt: two-line 2号 titles need air between lines
BODY_HALF_POINTS = 32  # 3号 = 16 pt
TITLE_HALF_POINTS = 44  # 2号 = 22 pt
PAGE_NUMBER_HALF_POINTS = 28  # 4号 = 14 pt
BODY_CHAR_TWIPS = 320  # one 3号 character: 16 pt = 320 twips
PAGE_NUMBER_CHAR_TWIPS = 280  # one 4号 character
TITLE_LINE_CHARS = 20  # 156 mm type width / 22 pt ≈ 20 full-width characters

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
HEADER_MM, FOOTER_MM = 15, 25

# --- fonts -------------------------------------------------------------------


@dataclass(frozen=True)
class FontSpec:
    """A run font and the names to try when it is not installed."""

    name: str
    alternates: tuple[str, ...]
    family: str  # font table family hint: roman (serif), modern, swiss (sans)


TITLE_FONT = FontSpec("方正小标宋简体", ("华文中宋", "STZhongsong", "宋体", "SimSun"), "roman")
BODY_FONT = FontSpec("仿宋_GB2312", ("仿宋", "FangSong"), "modern")
KAI_FONT = FontSpec("楷体_GB2312", ("楷体", "KaiTi"), "modern")
HEI_FONT = FontSpec("黑体", ("SimHei",), "modern")
SONG_FONT = FontSpec("宋体", ("SimSun",), "roman")
FONTS = (TITLE_FONT, BODY_FONT, KAI_FONT, HEI_FONT, SONG_FONT)

THEME_FONT_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")

# --- styles ------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """One named style; ASCII ids keep the XML portable, names are what users see."""

    style_id: str
    name: str
    kind: str  # paragraph | character
    font: FontSpec
    half_points: int = BODY_HALF_POINTS
    based_on: str = ""
    align: str = "both"
    indent: bool = True  # first line indented two characters
    line: int = LINE_TWIPS
    outline: int | None = None
    keep_next: bool = False
    snap: bool = True  # off for type larger than the grid, which Word would spread out


BODY = StyleSpec("SpeechBody", "讲话正文", "paragraph", BODY_FONT)
TITLE = StyleSpec("SpeechTitle", "讲话标题", "paragraph", TITLE_FONT, TITLE_HALF_POINTS,
                  align="center", indent=False, line=TITLE_LINE_TWIPS, keep_next=True,
                  snap=False)
BYLINE = StyleSpec("SpeechByline", "讲话署名", "paragraph", KAI_FONT, align="center",
                   indent=False, keep_next=True)
SALUTATION = StyleSpec("SpeechSalutation", "讲话称谓", "paragraph", BODY_FONT,
                       based_on=BODY.style_id, indent=False)
PAGE_NUMBER = StyleSpec("SpeechPageNumber", "讲话页码", "paragraph", SONG_FONT,
                        PAGE_NUMBER_HALF_POINTS, align="", indent=False, line=0, snap=False)
HEADING_FONTS = {1: HEI_FONT, 2: KAI_FONT, 3: BODY_FONT, 4: BODY_FONT}
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
HEADINGS = {
    lv: StyleSpec(f"SpeechHeading{lv}", f"{LEVEL_NAMES[lv]}标题", "paragraph", font,
                  based_on=BODY.style_id, outline=lv - 1, keep_next=True)
    for lv, font in HEADING_FONTS.items()
}
LEADS = {
    lv: StyleSpec(f"SpeechHeading{lv}Char", f"{LEVEL_NAMES[lv]}标题字符", "character", font)
    for lv, font in HEADING_FONTS.items()
}
STYLES = (BODY, TITLE, BYLINE, SALUTATION, PAGE_NUMBER, *HEADINGS.values(), *LEADS.values())


def rfonts_xml(font: FontSpec) -> str:
    name = font.name
    return (f'<w:rFonts w:ascii="{name}" w:eastAsia="{name}" w:hAnsi="{name}" '
            f'w:cs="{name}" w:hint="eastAsia"/>')


def doc_defaults_xml() -> str:
    """docDefaults: body font and size, zh-CN, exact body line spacing, no paragraph space."""
    return (
        f"<w:docDefaults {W_DECL}>"
        f"<w:rPrDefault><w:rPr>{rfonts_xml(BODY_FONT)}"
        f'<w:sz w:val="{BODY_HALF_POINTS}"/><w:szCs w:val="{BODY_HALF_POINTS}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault><w:pPr>"
        f'<w:spacing w:before="0" w:after="0" w:line="{LINE_TWIPS}" w:lineRule="exact"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )


def style_xml(spec: StyleSpec) -> str:
    parts = [f'<w:style {W_DECL} w:type="{spec.kind}" w:customStyle="1" '
             f'w:styleId="{spec.style_id}"><w:name w:val="{spec.name}"/>']
    if spec.kind == "paragraph":
        parts.append(f'<w:basedOn w:val="{spec.based_on or "Normal"}"/>')
        next_id = BODY.style_id if spec is not PAGE_NUMBER else spec.style_id
        parts.append(f'<w:next w:val="{next_id}"/>')
    parts.append("<w:qFormat/>")
    if spec.kind == "paragraph":
        ppr = []
        if spec.keep_next:
            ppr.append("<w:keepNext/>")
        ppr.append('<w:widowControl w:val="0"/>')
        if not spec.snap:
            ppr.append('<w:snapToGrid w:val="0"/>')
        if spec.line:
            ppr.append(f'<w:spacing w:before="0" w:after="0" w:line="{spec.line}" '
                       'w:lineRule="exact"/>')
        else:
            ppr.append('<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>')
        if spec.indent:
            ppr.append(f'<w:ind w:firstLineChars="200" w:firstLine="{2 * BODY_CHAR_TWIPS}"/>')
        else:
            ppr.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
        if spec.align:
            ppr.append(f'<w:jc w:val="{spec.align}"/>')
        if spec.outline is not None:
            ppr.append(f'<w:outlineLvl w:val="{spec.outline}"/>')
        parts.append(f"<w:pPr>{''.join(ppr)}</w:pPr>")
    rpr = [rfonts_xml(spec.font)]
    if spec.kind == "paragraph":
        rpr += ["<w:b w:val=\"0\"/>", "<w:bCs w:val=\"0\"/>"]
    rpr.append(f'<w:sz w:val="{spec.half_points}"/><w:szCs w:val="{spec.half_points}"/>')
    if spec.kind == "paragraph":
        rpr.append('<w:lang w:eastAsia="zh-CN"/>')
    parts.append(f"<w:rPr>{''.join(rpr)}</w:rPr></w:style>")
    return "".join(parts)


def font_xml(font: FontSpec) -> str:
    """A font-table entry recording the fallback chain as w:altName."""
    return (f'<w:font {W_DECL} w:name="{font.name}">'
            f'<w:altName w:val="{",".join(font.alternates)}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{font.family}"/>'
            '<w:pitch w:val="variable"/></w:font>')
