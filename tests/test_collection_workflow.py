import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.models import Submission, SubmissionStatus, SubmissionValue, ValueChange
from indicators.selectors.collection import period_completeness
from indicators.services import submissions as service
from tests.collection_fixtures import kindergarten_form


@pytest.fixture
def period(cast):
    return kindergarten_form()


def _fill(submission, by, **values):
    return service.submission_save_values(submission=submission, by=by, values=values,
                                          expected_version=submission.version)


def _submitted(cast, period, **values):
    submission = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    submission = _fill(submission, cast.reporter_a, **({"kids": "100", "puhui": "80"} | values))
    return service.submission_submit(submission=submission, by=cast.reporter_a)


def test_draft_submit_approve_records_every_transition(cast, period):
    submission = _submitted(cast, period)
    assert submission.status == SubmissionStatus.SUBMITTED and submission.submitted_at
    service.submission_review(submission=submission, by=cast.reviewer, approve=True)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED and submission.approved_at
    steps = list(submission.transitions.values_list("from_status", "to_status"))
    assert steps == [("draft", "submitted"), ("submitted", "approved")]


def test_approved_submission_is_locked_and_only_admin_reopens_with_a_record(cast, period):
    submission = _submitted(cast, period)
    service.submission_review(submission=submission, by=cast.reviewer, approve=True)
    submission.refresh_from_db()
    with pytest.raises(ValidationError, match="不能修改"):
        _fill(submission, cast.reporter_a, kids="120")
    with pytest.raises(PermissionDenied):
        service.submission_reopen(submission=submission, by=cast.reviewer, reason="数据有误")
    service.submission_reopen(submission=submission, by=cast.admin, reason="数据有误")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert submission.transitions.last().reason == "数据有误" and submission.transitions.last().by == cast.admin


def test_return_needs_a_reason_that_the_school_sees(cast, period, client):
    submission = _submitted(cast, period)
    with pytest.raises(ValidationError):
        service.submission_review(submission=submission, by=cast.reviewer, approve=False, reason=" ")
    service.submission_review(submission=submission, by=cast.reviewer, approve=False, reason="普惠人数与台账不符")
    client.force_login(cast.reporter_a)
    html = client.get(reverse("indicators:submission_form", args=[submission.pk])).content.decode()
    assert "普惠人数与台账不符" in html


def test_two_step_review_town_then_bureau(cast):
    period = kindergarten_form(review_steps=2)
    submission = _submitted(cast, period)
    with pytest.raises(ValidationError, match="镇街"):
        service.submission_review(submission=submission, by=cast.reviewer, approve=True)
    service.submission_review(submission=submission, by=cast.town_reviewer, approve=True)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CHECKED
    with pytest.raises(PermissionDenied):
        service.submission_review(submission=submission, by=cast.town_reviewer, approve=True)
    service.submission_review(submission=submission, by=cast.reviewer, approve=True)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED


def test_town_reviewer_of_another_town_cannot_review(cast):
    period = kindergarten_form(review_steps=2)
    submission = service.submission_open(period=period, school=cast.school_b, by=cast.reporter_b)
    submission = _fill(submission, cast.reporter_b, kids="10", puhui="5")
    submission = service.submission_submit(submission=submission, by=cast.reporter_b)
    with pytest.raises(PermissionDenied):
        service.submission_review(submission=submission, by=cast.town_reviewer, approve=True)


def test_audit_trail_keeps_who_when_old_and_new(cast, period):
    submission = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    submission = _fill(submission, cast.reporter_a, kids="100")
    _fill(submission, cast.reporter_a, kids="110")
    changes = list(ValueChange.objects.order_by("id").values_list("old_value", "new_value", "by__username"))
    assert changes == [(None, Decimal(100), "reporter_a"), (Decimal(100), Decimal(110), "reporter_a")]


def test_second_save_from_a_stale_version_is_refused_and_first_kept(cast, period):
    submission = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    opened_version = submission.version
    service.submission_save_values(submission=submission, by=cast.reporter_a, values={"kids": "100"},
                                   expected_version=opened_version)
    with pytest.raises(ValidationError, match="已被他人修改"):
        service.submission_save_values(submission=submission, by=cast.reporter_a, values={"kids": "999"},
                                       expected_version=opened_version)
    assert SubmissionValue.objects.get(element__code="kids").value == 100


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"kids": "-3"}, "kids", "不能小于0"),
        ({"kids": "很多"}, "kids", "不是数字"),
        ({"kids": "12.5"}, "kids", "应为整数"),
        ({"kids": "6000"}, "kids", "不能大于5000"),
        ({"funds": "1.234"}, "funds", "两位小数"),
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_saved(cast, period, values, field, message):
    submission = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    with pytest.raises(ValidationError) as exc:
        _fill(submission, cast.reporter_a, puhui="5", **values)
    assert message in " ".join(exc.value.message_dict[field])
    assert not SubmissionValue.objects.exists() and not ValueChange.objects.exists()


def test_rule_broken_is_named_next_to_its_fields(cast, period):
    with pytest.raises(service.SubmissionProblems) as exc:
        _submitted(cast, period, kids="50", puhui="80")
    assert "普惠性在园幼儿数不能超过在园幼儿数" in exc.value.message_dict["kids"]
    assert "普惠性在园幼儿数不能超过在园幼儿数" in exc.value.message_dict["puhui"]
    assert Submission.objects.get().status == SubmissionStatus.DRAFT


def test_required_field_missing_blocks_submit(cast, period):
    with pytest.raises(service.SubmissionProblems) as exc:
        _submitted(cast, period, puhui="")
    assert "必填" in " ".join(exc.value.message_dict["puhui"])


def test_closed_period_accepts_nothing(cast):
    period = kindergarten_form(closed=True)
    with pytest.raises(ValidationError, match="已关闭"):
        service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)


def test_jump_from_last_year_needs_an_explanation(cast, period):
    old_period = period.__class__.objects.create(dataset=period.dataset, year=2021, opens_on=period.opens_on,
                                                 deadline=period.deadline, closed=True)
    old = Submission.objects.create(period=old_period, school=cast.school_a, status=SubmissionStatus.APPROVED)
    SubmissionValue.objects.create(submission=old, element=period.dataset.elements.get(code="kids"), value=100)
    with pytest.raises(service.SubmissionProblems) as exc:
        _submitted(cast, period, kids="200", puhui="100")
    assert "请填写说明" in " ".join(exc.value.message_dict["kids"])
    submission = Submission.objects.get(period=period)
    service.submission_save_values(submission=submission, by=cast.reporter_a, values={"kids": "200"},
                                   explanations={"kids": "新园区开园"}, expected_version=submission.version)
    submission.refresh_from_db()
    assert service.submission_submit(submission=submission, by=cast.reporter_a).status == SubmissionStatus.SUBMITTED


def test_reporter_cannot_open_another_schools_form(cast, period):
    with pytest.raises(PermissionDenied):
        service.submission_open(period=period, school=cast.school_b, by=cast.reporter_a)


def test_completeness_counts_by_status_town_and_type(cast, period):
    _submitted(cast, period)
    late = service.submission_open(period=period, school=cast.school_b, by=cast.reporter_b)
    progress = period_completeness(period=period)
    assert progress["expected"] == 2
    assert progress["counts"]["submitted"] == 1 and progress["counts"]["draft"] == 1
    # before the deadline, with a school still in draft, the rate is not a rate yet: one of two has sent it
    assert progress["rate_provisional"] is True and (progress["ever_submitted"], progress["on_time"]) == (1, 1)
    assert {row["town"]: row["submitted"] for row in progress["by_town"]} == {cast.town_a.name: 1, cast.town_b.name: 0}
    assert progress["by_type"][0]["expected"] == 2
    period.deadline = period.opens_on = datetime.date.today() - datetime.timedelta(days=1)
    period.save()
    # After the deadline: the draft school is late, and so is a submission made after it.
    late_rows = {row["code"]: row["status"] for row in period_completeness(period=period)["late"]}
    assert late_rows == {late.school.code: "draft", cast.school_a.code: "submitted"}
