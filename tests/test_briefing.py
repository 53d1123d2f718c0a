"""The briefing of a frozen meeting: its sections, every number traced to the snapshot, the Word layout."""
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from reports.briefing import as_text, build_briefing
from reports.exports.briefing_docx import build_briefing_docx
from reports.services import snapshot_freeze
from tests import reports_fixtures

SECTIONS = ["一、总体情况", "二、主要指标完成情况", "三、行动计划推进情况", "四、风险与问题", "五、数据说明"]


@pytest.fixture
def snapshot(cast):
    plan, coverage, _ = reports_fixtures.build(cast, by=cast.admin)
    return snapshot_freeze(plan=plan, year=2021, title="2021年教育工作推进会", indicator_codes=[coverage.code],
                           by=cast.admin)


def _numbers_of(payload) -> set[float]:
    """Every figure of the snapshot, the lengths of its lists, the sums of its item counts and the parts of
    its 数据截至 time: what the text may say."""
    found: set[float] = set()

    def walk(node):
        if isinstance(node, bool) or node is None:
            return
        if isinstance(node, int | float):
            found.add(float(node))
        elif isinstance(node, str):
            found.update(float(n) for n in re.findall(r"\d+(?:\.\d+)?", node))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            found.add(float(len(node)))
            for value in node:
                walk(value)

    walk(payload)
    progress = payload["overview"]["progress"]["programmes"]
    found.update({float(sum(p["total"] for p in progress)), float(sum(p["done"] for p in progress))})
    stamp = timezone.localtime(parse_datetime(payload["data_as_of"]))
    found.update(float(part) for part in (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute))
    return found


def test_every_number_in_the_briefing_comes_from_the_snapshot(snapshot):
    text = as_text(build_briefing(payload=snapshot.payload, title=snapshot.title))
    allowed = _numbers_of(snapshot.payload)
    for token in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
        number = float(token.replace(",", ""))
        decimals = len(token.split(".")[1]) if "." in token else 0
        assert any(round(abs(value), decimals) == number for value in allowed), f"「{token}」 is not in the snapshot"


def test_briefing_has_the_five_sections_and_names_the_verdicts(snapshot):
    text = as_text(build_briefing(payload=snapshot.payload, title=snapshot.title))
    positions = [text.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    assert "2021年纳入监测的2项指标中,达标0项,接近1项,未达标1项" in text
    assert "接近(低于目标1.8个百分点)" in text  # the margin, as the cards show it
    assert "两所民办园转普惠的审批延后到次年。" in text  # the gap note bureau staff wrote, under 风险与问题


def test_word_file_is_a4_with_official_fonts_and_page_numbers(snapshot):
    document = Document(io.BytesIO(build_briefing_docx(build_briefing(payload=snapshot.payload,
                                                                         title=snapshot.title))))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round((section.page_width - section.left_margin - section.right_margin) / Mm(1)) == 156  # 版心 width
    title, *body = [p for p in document.paragraphs if p.text]
    assert title.runs[0].font.size.pt == 22
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    texts = [p.text for p in body]
    assert [t for t in texts if t in SECTIONS] == SECTIONS
    paragraph = next(p for p in body if p.text not in SECTIONS)
    assert paragraph.runs[0].font.size.pt == 16
    assert paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in section.footer.paragraphs[0].text


@pytest.mark.parametrize("who, status", [("admin", 200), ("reviewer", 200), ("reporter_a", 403)])
def test_briefing_pages_are_for_bureau_staff(client, cast, snapshot, who, status):
    client.force_login(getattr(cast, who))
    page = client.get(reverse("reports:briefing", args=[snapshot.pk]))
    assert page.status_code == status
    download = client.get(reverse("reports:briefing_docx", args=[snapshot.pk]))
    assert download.status_code == status
    if status == 200:
        assert "四、风险与问题" in page.content.decode()
        assert download["Content-Type"].endswith("wordprocessingml.document")
        assert "filename*=UTF-8''2021" in download["Content-Disposition"]
