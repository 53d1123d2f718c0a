"""「导入实施方案」 pages: upload → review → correct → confirm (bureau admins only, all or nothing)."""
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.management.commands.plan_import_measure import DONGSHENG, TEXTS
from plans.models import ActionItem, AnnualTarget, Plan, Programme
from plans.views_import import SESSION_KEY

SMALL = """关于印发《某区学前教育实施方案(2020—2021年)》的通知
二、重点任务
(一)实施学前教育提升工程
2020年新增3所公办幼儿园,公办园占比达到50%左右。
一、某区2021年行动计划表
(一)实施学前教育提升工程
1.新建幼儿园2所。
教体局、财政局
"""


def _docx(text: str) -> SimpleUploadedFile:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("plan.docx", buffer.getvalue())


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("reviewer", 403), ("staff_edu", 403), ("staff_fin", 403), ("town_reviewer", 403),
    ("reporter_a", 403), ("reporter_b", 403), ("leader", 403), ("outsider", 403),
])
@pytest.mark.parametrize("url", ["plans:import", "plans:import_review"])
def test_only_bureau_admin_imports(client, cast, who, status, url):
    client.force_login(getattr(cast, who))
    session = client.session
    session[SESSION_KEY] = {"marker": "proposal"}  # nothing of it may show or change for others
    session.save()
    response = client.get(reverse(url))
    assert response.status_code in ((200, 302) if status == 200 else (status,))
    assert Plan.objects.count() == 0
    if status != 200:
        assert b"marker" not in response.content
        assert client.post(reverse("plans:import_confirm")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("plans:import")).status_code == 302


def test_upload_correct_confirm_creates_the_plan(client, cast):
    client.force_login(cast.admin)
    # given: the Dongsheng plan uploaded as Word
    text = (TEXTS / DONGSHENG).read_text(encoding="utf-8")
    response = client.post(reverse("plans:import"), {"document": _docx(text)})
    assert response.status_code == 302
    page = client.get(reverse("plans:import_review"))
    assert page.status_code == 200
    assert "实施学前教育普及普惠优质发展工程" in page.content.decode()
    proposal = client.session[SESSION_KEY]
    first = proposal["targets"][0]
    # when: one target's name is corrected, then the proposal confirmed
    client.post(reverse("plans:import_review"), {
        "kind": "targets", "index": "0", "name": "学前三年毛入园率(更正)", "year": str(first["year"]),
        "comparator": first["comparator"], "value": "95", "low": "", "high": "", "unit": "%",
        "measure": first["measure"], "source_text": first["source_text"]})
    response = client.post(reverse("plans:import_confirm"))
    # then
    assert response.status_code == 302
    plan = Plan.objects.get(title="加快推进东胜区教育现代化高质量发展实施方案(2019—2022年)")
    assert plan.doc_number == "东党办发〔2019〕43号"
    assert Programme.objects.filter(plan=plan).count() == 12
    assert ActionItem.objects.filter(programme__plan=plan).count() == 215
    corrected = AnnualTarget.objects.get(plan=plan, measure=first["measure"], year=first["year"])
    assert corrected.name == "学前三年毛入园率(更正)"
    assert AnnualTarget.objects.filter(plan=plan).count() > 60
    assert SESSION_KEY not in client.session


def test_invalid_correction_is_shown_on_its_row_and_nothing_is_saved(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("plans:import"), {"text": SMALL})
    proposal = client.session[SESSION_KEY]
    index = next(i for i, t in enumerate(proposal["targets"]) if t["value"] == 50)
    row = proposal["targets"][index]
    client.post(reverse("plans:import_review"), {
        "kind": "targets", "index": str(index), "name": row["name"], "year": str(row["year"]),
        "comparator": "lte", "value": "50", "unit": "%", "approximate": "1", "measure": row["measure"],
        "source_text": row["source_text"]})
    response = client.post(reverse("plans:import_confirm"))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="targets-{index}" class=" conflict-row"' in html
    assert f"targets[{index}].comparator" in html
    assert Plan.objects.count() == 0 and ActionItem.objects.count() == 0


def test_dropped_rows_are_left_out_and_reimport_changes_nothing(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("plans:import"), {"text": SMALL})
    client.post(reverse("plans:import_review"), {"kind": "targets", "index": "0", "drop": "1"})
    assert client.post(reverse("plans:import_confirm")).status_code == 302
    plan = Plan.objects.get()
    assert (plan.start_year, plan.end_year) == (2020, 2021)
    assert sorted(AnnualTarget.objects.values_list("value", flat=True)) == [2, 50]  # 「新增3所」 was dropped
    counts = (Plan.objects.count(), ActionItem.objects.count(), AnnualTarget.objects.count())
    client.post(reverse("plans:import"), {"text": SMALL})
    client.post(reverse("plans:import_review"), {"kind": "targets", "index": "0", "drop": "1"})
    client.post(reverse("plans:import_confirm"))
    assert (Plan.objects.count(), ActionItem.objects.count(), AnnualTarget.objects.count()) == counts


def test_unreadable_upload_is_refused_with_a_message(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("plans:import"), {"document": SimpleUploadedFile("plan.pdf", b"%PDF")})
    assert response.status_code == 200
    assert "只能导入 .docx 或 .txt 文件" in response.content.decode()


def test_review_page_renders_in_english(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("plans:import"), {"text": SMALL})
    client.cookies["django_language"] = "en"
    assert client.get(reverse("plans:import_review")).status_code == 200
