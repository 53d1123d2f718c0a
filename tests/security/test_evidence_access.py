"""Evidence files of action items: read by the departments responsible, the bureau and leaders; not by
schools, town reviewers, other departments or accounts without a role. Served only through the checked view."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import ActionItem, Evidence, Plan, Programme
from plans.services.progress import action_item_record_progress

PDF = b"%PDF-1.4 minutes of the meeting"


@pytest.fixture
def evidence(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = Plan.objects.create(key="p", title="测试方案", start_year=2019, end_year=2022)
    programme = Programme.objects.create(plan=plan, number=1, name="实施新时代立德树人工程")
    item = ActionItem.objects.create(programme=programme, year=2019, order=1, text="教体局的条目")
    item.departments.set([cast.education])
    action_item_record_progress(item=item, by=cast.staff_edu, status="in_progress", progress=40, note="会议纪要",
                                files=[SimpleUploadedFile("会议纪要.pdf", PDF, content_type="text/html")])
    return Evidence.objects.get()


READERS = ["admin", "reviewer", "leader", "staff_edu"]
REFUSED = [("staff_fin", 404), ("town_reviewer", 404), ("reporter_a", 404), ("reporter_b", 404),
           ("outsider", 403)]


@pytest.mark.parametrize(("who", "status"), [(who, 200) for who in READERS] + REFUSED)
def test_evidence_download_by_role(client, cast, evidence, who, status):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("plans:evidence", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        # typed from the checked extension, not from what the uploader's browser claimed (text/html)
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert PDF not in response.content and "会议纪要.pdf" not in response.content.decode()


@pytest.mark.parametrize(("who", "shown"), [("staff_edu", True), ("leader", True), ("staff_fin", False),
                                            ("reporter_a", False), ("town_reviewer", False)])
def test_item_page_links_evidence_only_for_readers(client, cast, evidence, who, shown):
    client.force_login(getattr(cast, who))
    html = client.get(reverse("plans:item", args=[evidence.update.item_id])).content.decode()
    assert (reverse("plans:evidence", args=[evidence.pk]) in html) is shown
    assert ("会议纪要.pdf" in html) is shown


def test_unknown_evidence_is_404_for_a_reader(client, cast, evidence):
    client.force_login(cast.admin)
    assert client.get(reverse("plans:evidence", args=[evidence.pk + 99])).status_code == 404


@pytest.mark.parametrize("who", ["admin", "reporter_a"])
def test_evidence_has_no_public_media_url(client, cast, evidence, who):
    client.force_login(getattr(cast, who))
    response = client.get("/media/" + evidence.file.name)
    assert response.status_code == 404
    assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_unknown_extension_is_served_as_opaque_bytes():
    assert Evidence(original_name="x.html").download_type() == "application/octet-stream"
    assert Evidence(original_name="说明.TXT").download_type() == "text/plain; charset=utf-8"
