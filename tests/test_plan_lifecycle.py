"""A plan's lifecycle (issue 13): archived plans stay readable but take no progress and no revision; a target
revised mid-plan keeps its old goal, the reason and the revising document."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.models import ActionItem, ActionItemUpdate, AnnualTarget, ItemStatus, Plan, Programme, TargetRevision
from plans.services.progress import action_item_record_progress
from plans.services.targets import plan_set_archived, target_revise


@pytest.fixture
def plan(cast):
    plan = Plan.objects.create(key="old-plan", title="2019—2022年实施方案", start_year=2019, end_year=2022)
    programme = Programme.objects.create(plan=plan, number=1, name="学前教育普及普惠工程")
    item = ActionItem.objects.create(programme=programme, year=2021, order=1, text="新建公办幼儿园2所。")
    item.departments.add(cast.education)
    AnnualTarget.objects.create(plan=plan, measure="puhui", name="普惠性幼儿园覆盖率", unit="%", year=2021,
                                comparator="gte", value=Decimal(85))
    return plan


def _item(plan):
    return ActionItem.objects.get(programme__plan=plan)


def _target(plan):
    return AnnualTarget.objects.get(plan=plan)


# --- archive ----------------------------------------------------------------------------------------------


def test_archived_plan_refuses_progress_from_the_service(cast, plan):
    plan_set_archived(plan=plan, by=cast.admin, archived=True)
    with pytest.raises(ValidationError, match="已归档"):
        action_item_record_progress(item=_item(plan), by=cast.staff_edu, status=ItemStatus.DONE, progress=100,
                                    note="完成")
    assert not ActionItemUpdate.objects.exists()


def test_archived_plans_progress_form_refuses_with_a_chinese_message(client, cast, plan):
    plan_set_archived(plan=plan, by=cast.admin, archived=True)
    client.force_login(cast.staff_edu)
    url = reverse("plans:item", args=[_item(plan).pk])
    page = client.get(url).content.decode()
    assert "已归档,只可查看" in page and 'name="progress"' not in page  # still viewable, no form offered
    response = client.post(url, {"status": "done", "progress": "100", "note": "完成",
                                 "on_date": timezone.localdate().isoformat()})
    assert response.status_code == 200 and "已归档" in response.content.decode()
    item = _item(plan)
    assert item.status == ItemStatus.NOT_STARTED and not item.updates.exists()


def test_archived_plans_api_progress_is_a_400_in_chinese(client, cast, plan):
    plan_set_archived(plan=plan, by=cast.admin, archived=True)
    client.force_login(cast.staff_edu)
    response = client.post(f"/api/action-items/{_item(plan).pk}/progress/",
                           {"status": "done", "progress": 100, "note": "完成"}, content_type="application/json")
    assert response.status_code == 400 and "已归档" in response.content.decode()


def test_archived_plan_is_still_viewable_everywhere(client, cast, plan):
    plan_set_archived(plan=plan, by=cast.admin, archived=True)
    client.force_login(cast.leader)
    for url in ["/plans/", "/plans/items/", "/plans/targets/", "/reports/", "/reports/compare/"]:
        response = client.get(f"{url}?plan={plan.key}")
        assert response.status_code == 200, url
    assert "已归档" in client.get(f"/plans/?plan={plan.key}").content.decode()


def test_only_the_bureau_admin_archives_and_it_can_be_undone(client, cast, plan):
    client.force_login(cast.leader)
    assert client.post(f"{reverse('plans:archive')}?plan={plan.key}", {"archived": "1"}).status_code == 403
    plan.refresh_from_db()
    assert not plan.archived
    client.force_login(cast.admin)
    client.post(f"{reverse('plans:archive')}?plan={plan.key}", {"archived": "1"})
    plan.refresh_from_db()
    assert plan.archived
    client.post(f"{reverse('plans:archive')}?plan={plan.key}", {"archived": "0"})
    plan.refresh_from_db()
    assert not plan.archived
    with pytest.raises(PermissionDenied):
        plan_set_archived(plan=plan, by=cast.staff_edu, archived=True)


# --- revisions --------------------------------------------------------------------------------------------


def test_revision_keeps_the_old_goal_the_reason_and_the_document(cast, plan):
    revision = target_revise(target=_target(plan), by=cast.admin, comparator="gte", value=Decimal(86),
                             reason="市级文件提高了目标", document="东教发〔2021〕12号")
    target = _target(plan)
    assert target.value == Decimal(86) and target.display_goal() == "≥86%"
    assert (revision.old_value, revision.value) == (Decimal(85), Decimal(86))
    assert revision.old_goal() == "≥85%" and revision.new_goal() == "≥86%"
    assert revision.document == "东教发〔2021〕12号" and revision.by == cast.admin


@pytest.mark.parametrize("change, field", [
    ({"reason": " "}, "reason"),
    ({"document": ""}, "document"),
    ({"value": None}, "value"),
    ({"comparator": "range", "low": Decimal(9), "high": Decimal(5)}, "low"),
    ({"comparator": "nonsense"}, "comparator"),
])
def test_revision_without_a_reason_a_document_or_a_goal_is_refused(cast, plan, change, field):
    values = {"comparator": "gte", "value": Decimal(86), "low": None, "high": None, "reason": "理由",
              "document": "文件", **change}
    with pytest.raises(ValidationError) as error:
        target_revise(target=_target(plan), by=cast.admin, **values)
    assert field in error.value.message_dict
    assert _target(plan).value == Decimal(85) and not TargetRevision.objects.exists()


def test_archived_plans_target_cannot_be_revised(cast, plan):
    plan_set_archived(plan=plan, by=cast.admin, archived=True)
    with pytest.raises(ValidationError, match="已归档"):
        target_revise(target=_target(plan), by=cast.admin, comparator="gte", value=Decimal(90), reason="r",
                      document="d")


@pytest.mark.parametrize("who, status", [("admin", 200), ("reviewer", 403), ("leader", 403), ("staff_edu", 403),
                                         ("reporter_a", 403), ("outsider", 403)])
def test_revise_page_is_for_the_bureau_admin_only(client, cast, plan, who, status):
    client.force_login(getattr(cast, who))
    url = reverse("plans:target_revise", args=[_target(plan).pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"comparator": "gte", "value": "99", "reason": "r", "document": "d"})
    assert response.status_code == (302 if who == "admin" else 403)
    assert (_target(plan).value == Decimal(99)) is (who == "admin")


def test_revise_page_shows_errors_in_chinese_and_the_history(client, cast, plan):
    client.force_login(cast.admin)
    url = reverse("plans:target_revise", args=[_target(plan).pk])
    response = client.post(url, {"comparator": "gte", "value": "abc", "reason": "", "document": ""})
    assert response.status_code == 400 and _target(plan).value == Decimal(85)
    client.post(url, {"comparator": "gte", "value": "86", "reason": "市级文件提高了目标",
                      "document": "东教发〔2021〕12号"})
    page = client.get(url).content.decode()
    assert "≥85%" in page and "≥86%" in page and "东教发〔2021〕12号" in page and "市级文件提高了目标" in page
    assert client.get(reverse("plans:target_revise", args=[999999])).status_code == 404


def test_reloading_the_plan_file_keeps_a_revised_goal(cast):
    from plans.services.loading import DEFAULT_FILE, plan_load, read_plan_file

    plan = plan_load(data=read_plan_file(DEFAULT_FILE)).plan
    target = plan.targets.filter(comparator="gte").order_by("id").first()
    old = target.value
    target_revise(target=target, by=cast.admin, comparator="gte", value=old + 1, reason="上级文件调整",
                  document="东教发〔2021〕1号")
    result = plan_load(data=read_plan_file(DEFAULT_FILE))
    target.refresh_from_db()
    assert target.value == old + 1 and result.unchanged
