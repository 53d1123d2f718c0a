import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import Submission, SubmissionStatus, SubmissionValue
from indicators.services import submissions as service
from indicators.services.reminders import reminders_send
from tests.collection_fixtures import kindergarten_form


@pytest.fixture
def period(cast):
    return kindergarten_form()


@pytest.fixture
def sub_a(cast, period):
    return service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)


def _form_post(client, submission, action="save", **values):
    data = {"version": submission.version, "action": action, "v_kids": "100", "v_puhui": "80", "v_funds": ""}
    data.update({f"v_{k}": v for k, v in values.items()})
    return client.post(reverse("indicators:submission_form", args=[submission.pk]), data)


def test_reporter_fills_saves_and_submits_through_the_form(client, cast, sub_a):
    client.force_login(cast.reporter_a)
    assert _form_post(client, sub_a).status_code == 302
    sub_a.refresh_from_db()
    assert _form_post(client, sub_a, action="submit").status_code == 302
    sub_a.refresh_from_db()
    assert sub_a.status == SubmissionStatus.SUBMITTED
    assert dict(sub_a.values.values_list("element__code", "value")) == {"kids": 100, "puhui": 80, "funds": None}


def test_form_shows_a_broken_rule_next_to_both_fields(client, cast, sub_a):
    client.force_login(cast.reporter_a)
    response = _form_post(client, sub_a, action="submit", kids="50", puhui="80")
    assert response.status_code == 400
    rows = {row["element"].code: row["errors"] for row in response.context["rows"]}
    assert rows["kids"] == rows["puhui"] == ["普惠性在园幼儿数不能超过在园幼儿数"]


def test_form_refuses_text_in_a_number_field_and_keeps_what_was_typed(client, cast, sub_a):
    client.force_login(cast.reporter_a)
    response = _form_post(client, sub_a, kids="一百")
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["element"].code == "kids")
    assert row["value"] == "一百" and "不是数字" in row["errors"][0]
    assert not SubmissionValue.objects.exists()


@pytest.mark.parametrize("field, raw", [("funds", "1E+27"), ("kids", "1e30"), ("funds", "-99999999999999999")])
def test_form_refuses_a_number_too_large_to_store_naming_the_field(client, cast, sub_a, field, raw):
    client.force_login(cast.reporter_a)
    response = _form_post(client, sub_a, **{field: raw})
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["element"].code == field)
    assert row["element"].name_zh in row["errors"][0] and "超出可填报的数值范围" in row["errors"][0]
    assert not SubmissionValue.objects.exists()  # the good fields of the same save are not kept either


def test_stale_form_is_refused_with_a_message(client, cast, sub_a):
    client.force_login(cast.reporter_a)
    _form_post(client, sub_a)  # first save bumps the version; sub_a still holds the old one
    response = _form_post(client, sub_a, kids="999")
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert SubmissionValue.objects.get(element__code="kids").value == 100


@pytest.mark.parametrize(
    "member, status",
    [("reporter_a", 200), ("reporter_b", 404), ("reviewer", 200), ("town_reviewer", 200), ("leader", 200),
     ("staff_edu", 403), ("outsider", 403)],
)
def test_submission_form_visibility_over_the_cast(client, cast, sub_a, member, status):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("indicators:submission_form", args=[sub_a.pk])).status_code == status


@pytest.mark.parametrize("member", ["reporter_b", "reviewer", "leader", "town_reviewer"])
def test_only_the_schools_reporter_may_post_values(client, cast, sub_a, member):
    client.force_login(getattr(cast, member))
    assert _form_post(client, sub_a).status_code in (403, 404)
    assert not SubmissionValue.objects.exists()


def test_reviewer_approves_on_the_detail_page_and_reporter_cannot(client, cast, sub_a):
    client.force_login(cast.reporter_a)
    _form_post(client, sub_a, action="submit")
    url = reverse("indicators:submission_detail", args=[sub_a.pk])
    client.post(url, {"action": "approve"})
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    client.force_login(cast.reviewer)
    client.post(url, {"action": "approve"})
    assert Submission.objects.get().status == SubmissionStatus.APPROVED


@pytest.mark.parametrize("language, shown, hidden", [("zh-hans", "退回时请填写原因", "reason"),
                                                   ("en", "A reason is required to return", "退回")])
def test_return_without_reason_is_explained_in_the_readers_language_only(client, cast, sub_a, language, shown, hidden):
    client.force_login(cast.reporter_a)
    _form_post(client, sub_a, action="submit")
    client.force_login(cast.reviewer)
    client.cookies["django_language"] = language
    response = client.post(reverse("indicators:submission_detail", args=[sub_a.pk]), {"action": "return"}, follow=True)
    message = " ".join(str(m) for m in response.context["messages"])
    assert shown in message and hidden not in message
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize("language, word", [("zh-hans", "审核与进度"), ("en", "Review and progress")])
def test_review_page_in_both_languages(client, cast, period, language, word):
    client.force_login(cast.reviewer)
    client.cookies["django_language"] = language
    assert word in client.get(reverse("indicators:home")).content.decode()
    response = client.get(reverse("indicators:review_period", args=[period.pk]))
    assert response.status_code == 200 and response.context["progress"]["expected"] == 2


def test_reporter_home_lists_the_open_form(client, cast, period):
    client.force_login(cast.reporter_a)
    html = client.get(reverse("indicators:home")).content.decode()
    assert "幼儿园年报" in html


def test_reporter_cannot_open_the_review_page(client, cast, period):
    client.force_login(cast.reporter_a)
    assert client.get(reverse("indicators:review_period", args=[period.pk])).status_code == 403


# --- API ---------------------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_reporter_reads_only_its_own_school(cast, sub_a):
    other = service.submission_open(period=sub_a.period, school=cast.school_b, by=cast.reporter_b)
    api = _api(cast.reporter_a)
    assert [row["id"] for row in api.get("/api/submissions/").json()["results"]] == [sub_a.pk]
    assert api.get(f"/api/submissions/{other.pk}/").status_code == 404
    assert [row["code"] for row in api.get("/api/schools/").json()["results"]] == [cast.school_a.code]


@pytest.mark.parametrize("raw", ["1E+27", 1e27, "NaN", "1e999999999"])
def test_api_refuses_unstorable_numbers_with_the_field_named(cast, sub_a, raw):
    response = _api(cast.reporter_a).put(f"/api/submissions/{sub_a.pk}/values/",
                                         {"version": 0, "values": {"kids": "10", "funds": raw}}, format="json")
    assert response.status_code == 400
    assert "公用经费" in response.json()["funds"][0]
    assert not SubmissionValue.objects.exists()


def test_api_fill_submit_and_reporter_cannot_approve(cast, sub_a):
    api = _api(cast.reporter_a)
    response = api.put(f"/api/submissions/{sub_a.pk}/values/", {"version": 0, "values": {"kids": "10", "puhui": "5"}},
                       format="json")
    assert response.status_code == 200 and response.json()["values"]["kids"] == "10.0000"
    assert api.post(f"/api/submissions/{sub_a.pk}/submit/").json()["status"] == "submitted"
    assert api.post(f"/api/submissions/{sub_a.pk}/approve/").status_code == 403
    assert _api(cast.reviewer).post(f"/api/submissions/{sub_a.pk}/approve/").json()["status"] == "approved"
    response = api.put(f"/api/submissions/{sub_a.pk}/values/", {"version": 3, "values": {"kids": "11"}}, format="json")
    assert response.status_code == 400 and "不能修改" in str(response.json())


def test_api_bad_value_is_a_400_naming_the_field(cast, sub_a):
    response = _api(cast.reporter_a).put(f"/api/submissions/{sub_a.pk}/values/",
                                         {"version": 0, "values": {"kids": "-1"}}, format="json")
    assert response.status_code == 400 and "kids" in response.json()


def test_api_closed_period_refuses_a_new_submission(cast):
    closed = kindergarten_form(closed=True, year=2020)
    response = _api(cast.reporter_a).post("/api/submissions/", {"period": closed.pk, "school": cast.school_a.pk})
    assert response.status_code == 400 and "已关闭" in str(response.json())


def test_api_only_admin_creates_schools(cast):
    payload = {"code": "NEW1", "name": "新建小学", "town": cast.town_a.pk, "school_type": "primary",
               "ownership": "public"}
    assert _api(cast.reviewer).post("/api/schools/", payload).status_code == 403
    assert _api(cast.admin).post("/api/schools/", payload).status_code == 201


def test_reminders_mail_schools_that_have_not_submitted_once_a_day(cast, period, settings):
    settings.REMINDER_DAYS_BEFORE = 30
    cast.school_a.email, cast.school_b.email = "a@school.cn", "b@school.cn"
    cast.school_a.save()
    cast.school_b.save()
    sub = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    sub = service.submission_save_values(submission=sub, by=cast.reporter_a, values={"kids": "9", "puhui": "1"},
                                         expected_version=0)
    service.submission_submit(submission=sub, by=cast.reporter_a)
    assert reminders_send() == 1
    assert mail.outbox[0].to == ["b@school.cn"] and "请尽快填报" in mail.outbox[0].subject
    assert reminders_send() == 0 and len(mail.outbox) == 1
