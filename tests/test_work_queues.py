"""Each role's home is its work queue: a school's forms with one action each, a reviewer's 「待我审核」 (its town,
its step, oldest first) with 「下一份」 and bulk approval, a school's 撤回, and a department's 「我的任务」."""
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from edugov.models import Role
from indicators.models import DataElement, DataSet, DataSetElement, ReportingPeriod, Submission, SubmissionStatus
from indicators.selectors.queues import bulk_approvable, next_in_queue, review_queue
from indicators.services import submissions as service
from indicators.services.demo import OPEN_YEAR, demo_generate
from plans.models import ActionItem, ItemStatus, Plan, Programme
from plans.selectors import department_tasks
from reports.selectors.actions import actions_payload
from tests.collection_fixtures import kindergarten_form
from tests.factories import SchoolFactory, user_with_role

CLEAN = {"kids": "100", "puhui": "80"}


@pytest.fixture
def two_step(cast):
    return kindergarten_form(review_steps=2)


@pytest.fixture
def one_step(two_step):
    """A second form, reviewed by the bureau alone, over the same elements."""
    dataset = DataSet.objects.create(code="kg1", name_zh="幼儿园补充表", name_en="Supplement", period_type="yearly",
                                     school_types=["kindergarten", "primary"], review_steps=1)
    for item in two_step.dataset.items.all():
        DataSetElement.objects.create(dataset=dataset, element=item.element, order=item.order, required=item.required)
    return ReportingPeriod.objects.create(dataset=dataset, year=two_step.year, opens_on=two_step.opens_on,
                                          deadline=two_step.deadline)


def _school(cast, name, town=None):
    school = SchoolFactory(town=town or cast.town_a, name=name)
    return school, user_with_role(f"rep-{school.code}", Role.SCHOOL_REPORTER, school=school)


def _submit(period, school, reporter, *, days_ago=1, explanations=None, **values):
    submission = service.submission_open(period=period, school=school, by=reporter)
    submission = service.submission_save_values(submission=submission, by=reporter, values=CLEAN | values,
                                                explanations=explanations, expected_version=submission.version)
    submission = service.submission_submit(submission=submission, by=reporter)
    # the order a queue shows: submitted this many days ago
    Submission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    submission.refresh_from_db()
    return submission


@pytest.fixture
def world(cast, two_step, one_step):
    """In town A: school_a's two-step form submitted 3 days ago, school C's two days ago, school D's two-step
    form a draft; school C's one-step form submitted 5 days ago. In town B: school_b's two-step form submitted."""
    school_c, reporter_c = _school(cast, "东胜区第三小学")
    school_d, reporter_d = _school(cast, "东胜区第四小学")
    subs = {
        "a2": _submit(two_step, cast.school_a, cast.reporter_a, days_ago=3),
        "c2": _submit(two_step, school_c, reporter_c, days_ago=2),
        "c1": _submit(one_step, school_c, reporter_c, days_ago=5),
        "b2": _submit(two_step, cast.school_b, cast.reporter_b, days_ago=4),
        "d2": service.submission_open(period=two_step, school=school_d, by=reporter_d),
    }
    return subs


# ---------------------------------------------------------------- queues


def test_town_reviewer_queue_is_its_towns_first_step_oldest_first(cast, world):
    queue = list(review_queue(cast.town_reviewer))
    assert queue == [world["a2"], world["c2"]]
    in_db = Submission.objects.filter(status=SubmissionStatus.SUBMITTED, period__dataset__review_steps=2,
                                      school__town=cast.town_a)
    assert len(queue) == in_db.count() == 2


def test_bureau_queue_is_its_step_checked_or_one_step_submitted(cast, world):
    assert list(review_queue(cast.reviewer)) == [world["c1"]]
    service.submission_review(submission=world["a2"], by=cast.town_reviewer, approve=True)
    queue = list(review_queue(cast.reviewer))
    assert queue == [world["c1"], world["a2"]]
    waiting = Submission.objects.filter(status=SubmissionStatus.CHECKED).count() + Submission.objects.filter(
        status=SubmissionStatus.SUBMITTED, period__dataset__review_steps=1).count()
    assert len(queue) == waiting == len(review_queue(cast.admin))


@pytest.mark.parametrize("member", ["reporter_a", "leader", "staff_edu", "outsider"])
def test_no_review_queue_for_those_who_do_not_review(cast, world, member):
    assert not review_queue(getattr(cast, member)).exists()


@pytest.mark.parametrize("member, shown", [("town_reviewer", 2), ("reviewer", 1), ("admin", 1)])
def test_home_shows_the_queue_count_and_links_oldest_first(client, cast, world, member, shown):
    client.force_login(getattr(cast, member))
    html = client.get(reverse("indicators:home")).content.decode()
    assert f"待我审核 {shown} 份" in html
    first = review_queue(getattr(cast, member)).first()
    assert html.index('id="review-queue"') < html.index(reverse("indicators:submission_detail", args=[first.pk]))


def test_town_reviewer_home_does_not_list_other_towns(client, cast, world):
    client.force_login(cast.town_reviewer)
    html = client.get(reverse("indicators:home")).content.decode()
    assert cast.school_b.name not in html


# ---------------------------------------------------------------- 下一份


def test_next_goes_along_the_queue_then_back_to_the_oldest_left(cast, world):
    assert next_in_queue(cast.town_reviewer, after=world["a2"]) == world["c2"]
    assert next_in_queue(cast.town_reviewer, after=world["c2"]) == world["a2"]
    service.submission_review(submission=world["a2"], by=cast.town_reviewer, approve=True)
    service.submission_review(submission=world["c2"], by=cast.town_reviewer, approve=True)
    assert next_in_queue(cast.town_reviewer, after=world["c2"]) is None


def test_after_approving_the_page_offers_the_next_one_in_one_click(client, cast, world):
    client.force_login(cast.town_reviewer)
    url = reverse("indicators:submission_detail", args=[world["a2"].pk])
    response = client.post(url, {"action": "approve"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url
    assert f'href="{reverse("indicators:submission_detail", args=[world["c2"].pk])}" id="next-submission"' in html
    assert "待我审核还有 1 份" in html
    # the last one: nothing left, and the page says so
    html = client.post(reverse("indicators:submission_detail", args=[world["c2"].pk]),
                       {"action": "return", "reason": "请核实"}, follow=True).content.decode()
    assert 'id="next-submission"' not in html and "已全部处理完毕" in html


# ---------------------------------------------------------------- bulk approval


@pytest.fixture
def flagged(cast, world, one_step):
    """school_a's one-step form with a figure beyond the expected range, explained."""
    DataElement.objects.filter(code="kids").update(expected_max=Decimal(1000))
    return _submit(one_step, cast.school_a, cast.reporter_a, days_ago=6, kids="2000", puhui="100",
                   explanations={"kids": "新建园区,规模扩大"})


def test_bulk_approval_lists_only_submissions_without_warnings(client, cast, world, flagged):
    assert list(review_queue(cast.reviewer)) == [flagged, world["c1"]]
    assert bulk_approvable(cast.reviewer) == [world["c1"]]
    client.force_login(cast.reviewer)
    html = client.get(reverse("indicators:bulk_approve")).content.decode()
    assert f'value="{world["c1"].pk}"' in html and f'value="{flagged.pk}"' not in html


def test_bulk_approval_approves_the_confirmed_ones_each_audited_and_never_a_flagged_one(client, cast, world, flagged):
    client.force_login(cast.reviewer)
    # a forged post naming the flagged one too
    response = client.post(reverse("indicators:bulk_approve"), {"submission": [world["c1"].pk, flagged.pk]})
    assert response.status_code == 302
    world["c1"].refresh_from_db()
    flagged.refresh_from_db()
    assert world["c1"].status == SubmissionStatus.APPROVED and flagged.status == SubmissionStatus.SUBMITTED
    last = world["c1"].transitions.last()
    assert (last.from_status, last.to_status, last.by) == ("submitted", "approved", cast.reviewer)
    assert list(review_queue(cast.reviewer)) == [flagged]


def test_bulk_service_skips_one_someone_else_acted_on_meanwhile(cast, world, one_step):
    other = _submit(one_step, cast.school_a, cast.reporter_a)
    service.submission_review(submission=other, by=cast.admin, approve=False, reason="请核实")
    assert service.submission_approve_many(submissions=[world["c1"], other], by=cast.reviewer) == 1
    other.refresh_from_db()
    assert other.status == SubmissionStatus.RETURNED and other.transitions.count() == 2


def test_town_bulk_approval_is_its_first_step(client, cast, world):
    client.force_login(cast.town_reviewer)
    client.post(reverse("indicators:bulk_approve"), {"submission": [world["a2"].pk, world["c2"].pk, world["b2"].pk]})
    statuses = dict(Submission.objects.filter(pk__in=[world[k].pk for k in ("a2", "c2", "b2")])
                    .values_list("pk", "status"))
    assert statuses == {world["a2"].pk: "checked", world["c2"].pk: "checked", world["b2"].pk: "submitted"}


@pytest.mark.parametrize("member, status", [("reporter_a", 403), ("leader", 403), ("staff_edu", 403),
                                            ("outsider", 403), ("reviewer", 302), ("town_reviewer", 302)])
def test_bulk_approval_over_the_cast(client, cast, world, member, status):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("indicators:bulk_approve")).status_code == (200 if status == 302 else 403)
    response = client.post(reverse("indicators:bulk_approve"), {"submission": [world["c1"].pk, world["a2"].pk]})
    assert response.status_code == status
    if status == 403:
        assert not Submission.objects.filter(status__in=["checked", "approved"]).exists()


# ---------------------------------------------------------------- 撤回


def test_school_withdraws_a_submitted_form_audited_and_edits_it_again(client, cast, world):
    client.force_login(cast.reporter_a)
    form_url = reverse("indicators:submission_form", args=[world["a2"].pk])
    assert 'id="withdraw"' in client.get(form_url).content.decode()
    response = client.post(reverse("indicators:withdraw", args=[world["a2"].pk]))
    assert response.status_code == 302 and response.url == form_url
    submission = Submission.objects.get(pk=world["a2"].pk)
    assert submission.status == SubmissionStatus.DRAFT and submission.submitted_at is None and submission.is_editable
    last = submission.transitions.last()
    assert (last.from_status, last.to_status, last.by) == ("submitted", "draft", cast.reporter_a)
    assert "学校撤回" in client.get(form_url).content.decode()
    service.submission_save_values(submission=submission, by=cast.reporter_a, values={"kids": "101"},
                                   expected_version=submission.version)
    assert service.submission_submit(submission=submission, by=cast.reporter_a).status == SubmissionStatus.SUBMITTED
    assert world["a2"] not in review_queue(cast.reviewer) and submission in review_queue(cast.town_reviewer)


@pytest.mark.parametrize("member, status", [("reporter_b", 404), ("town_reviewer", 403), ("reviewer", 403),
                                            ("admin", 403), ("leader", 403), ("staff_edu", 403), ("outsider", 403)])
def test_only_the_schools_reporter_may_withdraw(client, cast, world, member, status):
    client.force_login(getattr(cast, member))
    assert client.post(reverse("indicators:withdraw", args=[world["a2"].pk])).status_code == status
    world["a2"].refresh_from_db()
    assert world["a2"].status == SubmissionStatus.SUBMITTED and world["a2"].transitions.count() == 1


@pytest.mark.parametrize("step", ["checked", "returned", "approved", "draft", "closed"])
def test_no_withdrawal_once_a_reviewer_has_acted_or_the_period_closed(client, cast, world, one_step, step):
    submission = _submit(one_step, cast.school_a, cast.reporter_a) if step == "approved" else world["a2"]
    school_reporter = cast.reporter_a
    if step == "checked":
        service.submission_review(submission=submission, by=cast.town_reviewer, approve=True)
    elif step == "returned":
        service.submission_review(submission=submission, by=cast.town_reviewer, approve=False, reason="请核实")
    elif step == "approved":
        service.submission_review(submission=submission, by=cast.reviewer, approve=True)
    elif step == "draft":
        service.submission_withdraw(submission=submission, by=cast.reporter_a)
    else:
        ReportingPeriod.objects.filter(pk=submission.period_id).update(closed=True)
    submission.refresh_from_db()
    before = (submission.status, submission.transitions.count())
    with pytest.raises(ValidationError, match="撤回"):
        service.submission_withdraw(submission=submission, by=school_reporter)
    submission.refresh_from_db()
    assert (submission.status, submission.transitions.count()) == before
    client.force_login(school_reporter)
    html = client.get(reverse("indicators:submission_form", args=[submission.pk])).content.decode()
    assert 'id="withdraw"' not in html


def test_withdraw_service_refuses_another_school(cast, world):
    with pytest.raises(PermissionDenied):
        service.submission_withdraw(submission=world["a2"], by=cast.reporter_b)


# ---------------------------------------------------------------- the school's home


def test_school_home_gives_one_action_per_form_with_deadline_and_return_reason(client, cast, two_step, one_step):
    client.force_login(cast.reporter_a)
    html = client.get(reverse("indicators:home")).content.decode()
    assert html.count('data-action="start"') == 2 and "还剩10天" in html
    submission = _submit(two_step, cast.school_a, cast.reporter_a)
    service.submission_review(submission=submission, by=cast.town_reviewer, approve=False, reason="普惠人数与台账不符")
    service.submission_open(period=one_step, school=cast.school_a, by=cast.reporter_a)
    html = client.get(reverse("indicators:home")).content.decode()
    assert 'data-action="revise"' in html and "按退回意见修改" in html and "普惠人数与台账不符" in html
    assert 'data-action="continue"' in html and "继续填报" in html
    assert "打开" not in html


def test_school_sees_no_api_link_and_no_leader_page_title(client, cast, two_step):
    client.force_login(cast.reporter_a)
    html = client.get(reverse("indicators:home")).content.decode()
    assert reverse("api-docs") not in html
    client.force_login(cast.reviewer)
    assert reverse("api-docs") in client.get(reverse("indicators:home")).content.decode()


def test_form_error_summary_links_to_each_field_and_units_sit_by_the_box(client, cast, two_step):
    submission = service.submission_open(period=two_step, school=cast.school_a, by=cast.reporter_a)
    client.force_login(cast.reporter_a)
    response = client.post(reverse("indicators:submission_form", args=[submission.pk]),
                           {"version": submission.version, "v_kids": "abc", "v_puhui": "", "action": "save"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index('id="error-summary"'):]
    assert '<a href="#v_kids">在园幼儿数</a>' in summary[:summary.index("</div>")]
    assert 'id="v_kids"' in html and '<span class="unit">人</span>' in html


# ---------------------------------------------------------------- 我的任务


@pytest.fixture
def tasks(cast):
    today = timezone.localdate()
    plan = Plan.objects.create(key="p", title="测试方案", start_year=today.year - 2, end_year=today.year + 1)
    programme = Programme.objects.create(plan=plan, number=1, name="工程一")
    made = {}
    for name, year, status, department in [
        ("late", today.year - 1, ItemStatus.IN_PROGRESS, cast.education),
        ("late_old", today.year - 2, ItemStatus.NOT_STARTED, cast.education),
        ("done_old", today.year - 2, ItemStatus.DONE, cast.education),
        ("now", today.year, ItemStatus.NOT_STARTED, cast.education),
        ("next", today.year + 1, ItemStatus.NOT_STARTED, cast.education),
        ("finance_late", today.year - 1, ItemStatus.DELAYED, cast.finance),
    ]:
        made[name] = ActionItem.objects.create(programme=programme, year=year, order=len(made) + 1, text=name,
                                               status=status)
        made[name].departments.set([department])
    return plan, made


def test_my_tasks_lists_overdue_first_then_this_year_matching_the_dashboard(client, cast, tasks):
    plan, made = tasks
    today = timezone.localdate()
    mine = department_tasks(plan=plan, department=cast.education, today=today)
    assert mine["overdue"] == [made["late_old"], made["late"]] and mine["current"] == [made["now"]]
    cards = {c["department_id"]: c for c in actions_payload(plan=plan, today=today)["scorecards"]}
    assert len(mine["overdue"]) == cards[cast.education.pk]["overdue"]
    assert mine["total"] == cards[cast.education.pk]["total"]
    client.force_login(cast.staff_edu)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert '<p class="big overdue" id="overdue-count">2</p>' in html
    assert html.index(">late_old<") < html.index(">late<") < html.index(">now<")
    assert "finance_late" not in html and ">next<" not in html


@pytest.mark.parametrize("member, status", [("staff_edu", 200), ("staff_fin", 200), ("admin", 403), ("leader", 403),
                                            ("reporter_a", 403), ("outsider", 403)])
def test_my_tasks_over_the_cast(client, cast, tasks, member, status):
    client.force_login(getattr(cast, member))
    response = client.get(reverse("plans:mine"))
    assert response.status_code == status
    if member == "staff_fin":
        assert "finance_late" in response.content.decode() and ">late<" not in response.content.decode()


def test_items_page_starts_on_the_departments_own_items(client, cast, tasks):
    client.force_login(cast.staff_fin)
    html = client.get(reverse("plans:items")).content.decode()
    assert "finance_late" in html and ">late<" not in html
    html = client.get(reverse("plans:items") + "?department=").content.decode()
    assert "finance_late" in html and ">late<" in html


# ---------------------------------------------------------------- both languages


@pytest.mark.parametrize("language, words", [
    ("zh-hans", ["本期待办", "待我审核 2 份", "批量审核通过", "我的任务"]),
    ("en", ["To do this period", "2 submissions waiting for my review", "Approve together", "My tasks"]),
])
def test_queue_pages_in_both_languages(client, cast, world, tasks, language, words):
    client.cookies["django_language"] = language
    pages = [("reporter_a", reverse("indicators:home")), ("town_reviewer", reverse("indicators:home")),
             ("town_reviewer", reverse("indicators:bulk_approve")), ("staff_edu", reverse("plans:mine"))]
    for (member, url), word in zip(pages, words, strict=True):
        client.force_login(getattr(cast, member))
        response = client.get(url)
        assert response.status_code == 200 and word in response.content.decode(), (url, word)
    if language == "en":
        assert "待我审核" not in response.content.decode()


# ---------------------------------------------------------------- the demo


def test_demo_leaves_the_readme_accounts_work_to_do():
    specs, submissions = demo_generate(seed=2019, schools=150)
    towns = {s.code: s.town for s in specs}
    open_year = [s for s in submissions if s.year == OPEN_YEAR and s.school]
    dsk001 = [s.status for s in open_year if s.school == "DSK001"]
    assert dsk001 and all(status in {SubmissionStatus.DRAFT, SubmissionStatus.RETURNED} for status in dsk001)
    linyin = [s for s in open_year if towns[s.school] == "linyin" and s.dataset == "kg_yearly"
              and s.status == SubmissionStatus.SUBMITTED]
    assert linyin


def test_demo_departments_named_in_the_readme_have_tasks(db):
    from django.contrib.auth.models import User

    for command, args in [("load_plan", []), ("demo_accounts", ["--allow-production-demo"]),
                          ("demo_progress", ["--allow-production-demo"])]:
        call_command(command, *args, stdout=io.StringIO())
    plan = Plan.objects.get()
    for username in ["jiaotiju", "caizhengju", "zhujianju", "renshe", "weijianwei"]:
        department = User.objects.get(username=username).profile.department
        mine = department_tasks(plan=plan, department=department, today=timezone.localdate())
        assert mine["overdue"] or mine["current"], username


# ---------------------------------------------------------------- item ↔ target, history, the targets page


@pytest.fixture
def fitness(cast):
    """Item 196's shape: one 2022 item whose sentence states two targets of the action table, one measured
    (stored verdict 达标, 92.4%) and one with no indicator; a programme-goal target; another department's item."""
    from indicators.models import Indicator, TargetStatus
    from plans.models import AnnualTarget, TargetSource

    plan = Plan.objects.create(key="dsk", title="测试方案", start_year=2019, end_year=2022)
    health = Programme.objects.create(plan=plan, number=1, name="立德树人工程")
    build = Programme.objects.create(plan=plan, number=2, name="校园建设工程")
    item = ActionItem.objects.create(programme=health, year=2022, order=2,
                                     text="全面提升学生体质健康,合格率达到90%及以上、优良率达到50%及以上。")
    item.departments.set([cast.education])
    other = ActionItem.objects.create(programme=build, year=2022, order=1, text="新建幼儿园1所。")
    other.departments.set([cast.finance])
    made = {}
    for measure, name, value, section, text in [
        ("fitness_pass", "学生体质健康合格率", 90, "2022年行动计划表", "1.合格率达到90%及以上"),
        ("fitness_good", "学生体质健康优良率", 50, "2022年行动计划表", "优良率达到50%及以上"),
        ("new_kg", "新建幼儿园", 1, "2022年行动计划表", "1.新建幼儿园1所。"),
        ("teachers", "名教师", 100, "校园建设工程", "培养名教师100名"),
    ]:
        target = AnnualTarget.objects.create(plan=plan, measure=measure, name=name, unit="%", year=2022,
                                             comparator="gte", value=value)
        TargetSource.objects.create(target=target, position=1, section=section, text=text, comparator="gte",
                                    value=value, chosen=True)
        made[measure] = target
    indicator = Indicator.objects.create(code="fitness_pass_rate", name_zh="体质健康合格率", name_en="Fitness",
                                         numerator="a", unit="%")
    TargetStatus.objects.create(target=made["fitness_pass"], indicator=indicator, actual=Decimal("92.4"),
                                status="met", schools_expected=80, schools_reported=80,
                                computed_at=timezone.now())
    return plan, item, other, made


def test_item_links_to_the_targets_it_states_with_their_stored_verdict(client, cast, fitness):
    plan, item, _, made = fitness
    client.force_login(cast.staff_edu)
    html = client.get(reverse("plans:item", args=[item.pk])).content.decode()
    box = html[html.index('id="item-targets"'):]
    box = box[:box.index("</section>")]
    assert f'data-target="{made["fitness_pass"].pk}"' in box and f'data-target="{made["fitness_good"].pk}"' in box
    assert f'data-target="{made["new_kg"].pk}"' not in box
    assert "92.4%" in box and "✔ 达标" in box and "已报 80/80 所" in box
    assert reverse("reports:indicator", args=["fitness_pass_rate"]) in box
    assert "尚未对应指标" in box  # 优良率: linked to no indicator yet (not claimed to be tracked by items)


def test_target_page_links_back_to_items_and_filters_by_programme_department_and_status(client, cast, fitness):
    plan, item, other, made = fitness
    client.force_login(cast.leader)
    url = reverse("plans:targets") + f"?plan={plan.key}"
    html = client.get(url).content.decode()
    row = html[html.index(f'id="target-{made["fitness_pass"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert reverse("plans:item", args=[item.pk]) in row and "92.4%" in row and "达标" in row
    visible = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"fitness_|new_kg|tracked|not_met", visible)  # no English slug is shown

    def shown(query):
        page = client.get(url + query).content.decode()
        return {name for name, t in made.items() if f'id="target-{t.pk}"' in page}

    assert shown("&programme=1") == {"fitness_pass", "fitness_good"}
    assert shown("&programme=2") == {"new_kg", "teachers"}  # an item's target, and the programme goal's
    assert shown(f"&department={cast.finance.pk}") == {"new_kg"}
    assert shown("&status=met") == {"fitness_pass"}
    assert shown("&status=tracked") == {"fitness_good", "new_kg", "teachers"}
    assert shown("&status=nonsense&programme=x") == set(made)  # bad filters are dropped, never a 500


def test_back_dated_progress_joins_the_history_without_overriding_the_current_state(client, cast, fitness):
    from plans.services.progress import action_item_record_progress

    _, item, _, _ = fitness
    action_item_record_progress(item=item, by=cast.staff_edu, status=ItemStatus.IN_PROGRESS, progress=60,
                                note="六月进展", on_date=datetime.date(2022, 6, 30))
    late = action_item_record_progress(item=item, by=cast.staff_edu, status=ItemStatus.IN_PROGRESS, progress=30,
                                       note="补录三月进展", on_date=datetime.date(2022, 3, 31))
    item.refresh_from_db()
    assert (item.status, item.progress) == (ItemStatus.IN_PROGRESS, 60)  # June still holds
    assert (late.old_status, late.old_progress) == (ItemStatus.NOT_STARTED, 0)  # as of March
    client.force_login(cast.staff_edu)
    html = client.get(reverse("plans:item", args=[item.pk])).content.decode()
    assert html.index("六月进展") < html.index("补录三月进展")
    action_item_record_progress(item=item, by=cast.staff_edu, status=ItemStatus.IN_PROGRESS, progress=80,
                                note="九月进展", on_date=datetime.date(2022, 9, 30))
    item.refresh_from_db()
    assert item.progress == 80
