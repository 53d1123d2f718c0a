"""The briefing as a Word file laid out like a Chinese official document (GB/T 9704-2012): A4, margins
37/26/35/28 mm (版心 156 × 225 mm), title in 小标宋 二号 centred, body in 仿宋 三号 with a two-character
first-line indent at 22 lines a page, first-level headings 「一、」 in 黑体, page numbers 「— 1 —」 in 宋体 四号.

Font names are the ones Office and WPS resolve on the bureau's Windows desktops (方正小标宋简体, 仿宋_GB2312,
黑体, 宋体), written to both the Latin and the East-Asian slots of every run, since python-docx's
``font.name`` alone sets only the Latin one. Not a 红头文件: no red header, no document number.
"""
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.briefing import Briefing, heading

TITLE_FONT, BODY_FONT, HEADING_FONT, NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
TITLE_SIZE, BODY_SIZE, NUMBER_SIZE = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号
LINE = Pt(28.9)  # 225 mm of 版心 ÷ 22 lines


def _font(run, name: str, size) -> None:
    run.font.name = name
    run.font.size = size
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def _paragraph(document, text: str, *, font=BODY_FONT, size=BODY_SIZE, indent=True, align=None):
    paragraph = document.add_paragraph()
    form = paragraph.paragraph_format
    form.line_spacing_rule, form.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    form.space_before = form.space_after = Pt(0)
    if indent:
        form.first_line_indent = Pt(32)  # two characters of 三号
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size)
    return paragraph


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), NUMBER_FONT, NUMBER_SIZE)
    run = paragraph.add_run()
    _font(run, NUMBER_FONT, NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), NUMBER_FONT, NUMBER_SIZE)


def build_briefing_docx(briefing: Briefing) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_numbers(section)
    _paragraph(document, briefing.title, font=TITLE_FONT, size=TITLE_SIZE, indent=False,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "", indent=False)
    for index, part in enumerate(briefing.sections):
        _paragraph(document, heading(index, part.heading), font=HEADING_FONT)
        for text in part.paragraphs:
            _paragraph(document, text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
