import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from plans.models import ActionItem, ActionItemUpdate, Evidence, ItemStatus, Plan, Programme

PDF = b"%PDF-1.4 minimal"


@pytest.fixture
def items(cast):
    plan = Plan.objects.create(key="p", title="测试方案", start_year=2019, end_year=2022)
    programme = Programme.objects.create(plan=plan, number=1, name="实施新时代立德树人工程")
    edu_item = ActionItem.objects.create(programme=programme, year=2019, order=1, text="教体局的条目")
    edu_item.departments.set([cast.education])
    fin_item = ActionItem.objects.create(programme=programme, year=2019, order=2, text="财政局的条目")
    fin_item.departments.set([cast.finance])
    return {"edu": edu_item, "fin": fin_item}


def _post(client, item, **overrides):
    data = {"status": "in_progress", "progress": 40, "on_date": "2019-06-01", "note": "已完成初稿", **overrides}
    return client.post(reverse("plans:item", args=[item.pk]), data)


def _unchanged(item):
    item.refresh_from_db()
    return item.status == ItemStatus.NOT_STARTED and item.progress == 0 and not item.updates.exists()


def test_department_staff_records_progress_with_evidence_and_history(client, cast, items):
    client.force_login(cast.staff_edu)
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    response = _post(client, items["edu"], files=upload)
    assert response.status_code == 302
    item = items["edu"]
    item.refresh_from_db()
    assert (item.status, item.progress) == (ItemStatus.IN_PROGRESS, 40)
    update = item.updates.get()
    assert (update.old_status, update.old_progress, update.by) == (ItemStatus.NOT_STARTED, 0, cast.staff_edu)
    assert update.evidence.get().original_name == "会议纪要.pdf"
    _post(client, item, status="done", progress=100, note="已印发")
    assert list(item.updates.values_list("progress", flat=True)) == [100, 40]


@pytest.mark.parametrize(
    "member, status",
    [("staff_fin", 403), ("leader", 403), ("reporter_a", 403), ("reviewer", 403), ("outsider", 403), ("admin", 302)],
)
def test_only_the_responsible_department_or_admin_may_post_progress(client, cast, items, member, status):
    client.force_login(getattr(cast, member))
    response = _post(client, items["edu"])
    assert response.status_code == status
    assert _unchanged(items["edu"]) == (status != 302)


@pytest.mark.parametrize("member", ["staff_fin", "leader", "reporter_a", "admin", "staff_edu"])
def test_every_role_reads_items_but_only_updaters_see_the_form(client, cast, items, member):
    client.force_login(getattr(cast, member))
    html = client.get(reverse("plans:item", args=[items["edu"].pk])).content.decode()
    assert "教体局的条目" in html
    assert ('name="progress"' in html) == (member in {"admin", "staff_edu"})


def test_outsider_without_role_sees_nothing(client, cast, items):
    client.force_login(cast.outsider)
    assert client.get(reverse("plans:items")).status_code == 403
    assert client.get(reverse("plans:item", args=[items["edu"].pk])).status_code == 403


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"note": "   "}, "note"),
        ({"status": "done", "progress": 50}, "进度应为100"),
        ({"files": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")}, "内容与扩展名不符"),
        ({"files": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")}, "类型不允许"),
    ],
)
def test_bad_progress_input_is_refused_on_the_form_and_nothing_saved(client, cast, items, overrides, field_message):
    client.force_login(cast.staff_edu)
    response = _post(client, items["edu"], **overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert field_message in form.errors or field_message in str(form.errors)
    assert _unchanged(items["edu"]) and not Evidence.objects.exists()


def test_too_large_evidence_is_refused(client, cast, items, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(cast.staff_edu)
    response = _post(client, items["edu"], files=SimpleUploadedFile("a.pdf", PDF + b"x" * 20))
    assert "超过" in str(response.context["form"].errors["files"])
    assert _unchanged(items["edu"])


def test_department_cannot_reopen_a_done_item_but_admin_can(client, cast, items):
    client.force_login(cast.staff_edu)
    _post(client, items["edu"], status="done", progress=100)
    response = _post(client, items["edu"], status="in_progress", progress=80)
    assert "status" in response.context["form"].errors
    client.force_login(cast.admin)
    assert _post(client, items["edu"], status="in_progress", progress=80).status_code == 302
    items["edu"].refresh_from_db()
    assert items["edu"].status == ItemStatus.IN_PROGRESS


def test_evidence_download_is_access_checked(client, cast, items):
    client.force_login(cast.staff_edu)
    _post(client, items["edu"], files=SimpleUploadedFile("a.pdf", PDF))
    evidence = Evidence.objects.get()
    assert b"".join(client.get(reverse("plans:evidence", args=[evidence.pk])).streaming_content) == PDF
    client.force_login(cast.outsider)
    assert client.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 403


# --- API ---------------------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_api_progress_with_token_auth(cast, items):
    response = _api(cast.staff_fin).post(
        f"/api/action-items/{items['fin'].pk}/progress/", {"status": "in_progress", "progress": 10, "note": "启动"}
    )
    assert response.status_code == 201 and response.json()["progress"] == 10


def test_api_direct_post_to_another_departments_item_is_refused(cast, items):
    response = _api(cast.staff_fin).post(
        f"/api/action-items/{items['edu'].pk}/progress/", {"status": "done", "progress": 100, "note": "越权"}
    )
    assert response.status_code == 403
    assert _unchanged(items["edu"])


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"status": "in_progress", "progress": 150, "note": "x"}, "progress"),
        ({"status": "in_progress", "progress": 10, "note": ""}, "note"),
        ({"status": "finished", "progress": 10, "note": "x"}, "status"),
        ({"status": "in_progress", "progress": "many", "note": "x"}, "progress"),
    ],
)
def test_api_bad_progress_is_a_400_naming_the_field(cast, items, payload, field):
    response = _api(cast.staff_edu).post(f"/api/action-items/{items['edu'].pk}/progress/", payload)
    assert response.status_code == 400 and field in response.json()
    assert _unchanged(items["edu"])


@pytest.mark.parametrize("member, status", [("leader", 200), ("reporter_a", 200), ("outsider", 403)])
def test_api_reads_follow_roles(cast, items, member, status):
    response = _api(getattr(cast, member)).get("/api/action-items/", {"department": cast.education.pk})
    assert response.status_code == status
    if status == 200:
        assert [row["text"] for row in response.json()["results"]] == ["教体局的条目"]


def test_api_leader_cannot_write(cast, items):
    response = _api(cast.leader).post(f"/api/action-items/{items['edu'].pk}/progress/",
                                      {"status": "done", "progress": 100, "note": "x"})
    assert response.status_code == 403 and not ActionItemUpdate.objects.exists()


def test_api_anonymous_is_refused(db):
    assert APIClient().get("/api/action-items/").status_code in (401, 403)


def test_schema_and_docs_are_served_locally(client, cast):
    client.force_login(cast.admin)
    assert client.get("/api/schema/").status_code == 200
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html and "cdn" not in html.lower()
