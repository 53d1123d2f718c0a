"""Excel pages: who may download and upload, preview → confirm, both languages."""
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import DataSet, ReportingPeriod, Submission, SubmissionValue, ValueChange
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read


@pytest.fixture
def period(cast):
    definitions_load(data=definitions_read(DEFAULT_FILE))
    return ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                          opens_on="2022-09-01", deadline="2022-10-31")


def login(client, user):
    client.force_login(user)
    return client


def filled(template: bytes, code: str, teachers) -> io.BytesIO:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=3):
        if row[0].value == code:
            row[header.index("teachers")].value = teachers
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "figures.xlsx"
    return out


@pytest.mark.parametrize(
    ("who", "status", "rows"),
    [("admin", 200, 2), ("reviewer", 200, 2), ("reporter_a", 200, 1), ("reporter_b", 200, 1),
     ("staff_edu", 403, None), ("town_reviewer", 403, None), ("leader", 403, None), ("outsider", 403, None)],
)
def test_template_download_by_role(client, cast, period, who, status, rows):
    response = login(client, getattr(cast, who)).get(reverse("indicators:excel_template", args=[period.id]))
    assert response.status_code == status
    if rows is not None:
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        codes = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
        assert len(codes) == rows
        if who == "reporter_a":
            assert codes == [cast.school_a.code]


def test_template_of_unknown_or_closed_period_is_404(client, cast, period):
    client = login(client, cast.admin)
    assert client.get(reverse("indicators:excel_template", args=[period.id + 99])).status_code == 404
    ReportingPeriod.objects.filter(pk=period.id).update(closed=True)
    assert client.get(reverse("indicators:excel_template", args=[period.id])).status_code == 404


def test_anonymous_is_sent_to_login(client, period):
    response = client.get(reverse("indicators:excel_upload"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize("who", ["staff_edu", "town_reviewer", "leader", "outsider"])
def test_roles_without_import_right_cannot_upload_or_confirm(client, cast, period, who):
    client = login(client, getattr(cast, who))
    assert client.get(reverse("indicators:excel_upload")).status_code == 403
    assert client.post(reverse("indicators:excel_confirm")).status_code == 403
    assert SubmissionValue.objects.count() == 0


def test_upload_preview_then_confirm_saves_draft(client, cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(client, cast.reporter_a)
    template = client.get(reverse("indicators:excel_template", args=[period.id])).content
    upload = filled(template, cast.school_a.code, 60)
    # when uploaded, nothing is saved yet
    response = client.post(reverse("indicators:excel_upload"), {"period": period.id, "file": upload})
    assert response.status_code == 200
    assert "将保存 1 所学校的 1 个数值" in response.content.decode()
    assert SubmissionValue.objects.count() == 0
    assert len(list(Path(tmp_path, "imports").iterdir())) == 1
    # when confirmed
    response = client.post(reverse("indicators:excel_confirm"))
    assert response.status_code == 302
    value = SubmissionValue.objects.get(submission__school=cast.school_a, element__code="teachers")
    assert value.value == 60 and ValueChange.objects.get().source == "excel"
    assert Submission.objects.get(school=cast.school_a).status == "draft"
    assert list(Path(tmp_path, "imports").iterdir()) == []


def test_preview_lists_problems_and_confirm_saves_nothing(client, cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(client, cast.reporter_a)
    template = client.get(reverse("indicators:excel_template", args=[period.id])).content
    response = client.post(reverse("indicators:excel_upload"),
                           {"period": period.id, "file": filled(template, cast.school_a.code, "很多")})
    page = response.content.decode()
    assert "未保存任何数据" in page and "「很多」不是数字" in page and "<td>专任教师数</td>" in page
    assert client.post(reverse("indicators:excel_confirm")).status_code == 409
    assert SubmissionValue.objects.count() == 0


def test_reporter_cannot_upload_into_period_of_other_school_type(client, cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kg = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="kg_yearly"), year=2022,
                                        opens_on="2022-09-01", deadline="2022-10-31")
    client = login(client, cast.reporter_a)
    assert client.get(reverse("indicators:excel_template", args=[kg.id])).status_code == 404
    upload = io.BytesIO(b"x")
    upload.name = "a.xlsx"
    response = client.post(reverse("indicators:excel_upload"), {"period": kg.id, "file": upload})
    assert response.status_code == 400


def test_confirm_without_upload_says_so(client, cast, period):
    response = login(client, cast.reporter_a).post(reverse("indicators:excel_confirm"), follow=True)
    assert "没有待确认的导入" in response.content.decode()


def test_non_xlsx_name_is_refused_by_the_form(client, cast, period):
    upload = io.BytesIO(b"a,b")
    upload.name = "figures.csv"
    response = login(client, cast.reporter_a).post(reverse("indicators:excel_upload"),
                                                   {"period": period.id, "file": upload})
    assert response.status_code == 400 and ".xlsx" in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "Excel 批量导入"), ("en", "Excel import")])
def test_upload_page_in_both_languages(client, cast, period, language, text):
    client = login(client, cast.reporter_a)
    client.cookies["django_language"] = language
    response = client.get(reverse("indicators:excel_upload"))
    assert response.status_code == 200 and text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "导入预览"), ("en", "Import preview")])
def test_preview_page_in_both_languages(client, cast, period, settings, tmp_path, language, text):
    settings.MEDIA_ROOT = tmp_path
    client = login(client, cast.reporter_a)
    client.cookies["django_language"] = language
    template = client.get(reverse("indicators:excel_template", args=[period.id])).content
    response = client.post(reverse("indicators:excel_upload"),
                           {"period": period.id, "file": filled(template, cast.school_a.code, 60)})
    assert response.status_code == 200 and text in response.content.decode()
