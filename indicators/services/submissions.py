"""Every change to a submission goes through here, so the audit trail and the rollup trigger
cannot be skipped. Each service runs in one transaction with the submission row locked."""
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.models import Role
from edugov.roles import role_of
from indicators.access import REVIEWERS, can_edit, can_review
from indicators.models import (
    DataElement,
    ReportingPeriod,
    School,
    Submission,
    SubmissionStatus,
    SubmissionTransition,
    SubmissionValue,
    ValueChange,
)
from indicators.selectors.collection import dataset_elements, previous_values, submission_values
from indicators.services.notices import notify_reviewed
from indicators.services.rollup import rollup_figures_before, rollup_submission_changed
from indicators.validation import ERROR, Problem, check_bounds, check_plausibility, check_rules, parse_value

STALE = gettext_lazy("该填报已被他人修改,请刷新后重试")


class SubmissionProblems(ValidationError):
    """Problems found on submit, each tied to the element codes it concerns."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            for code in problem.elements or ("__all__",):
                by_field.setdefault(code, []).append(problem.message)
        super().__init__(by_field)


def _lock(submission: Submission) -> Submission:
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to school
    locked = Submission.objects.select_for_update(of=("self",)).select_related("period__dataset", "school")
    return locked.get(pk=submission.pk)


def _transition(submission: Submission, to: str, by, reason: str = "") -> None:
    SubmissionTransition.objects.create(
        submission=submission, from_status=submission.status, to_status=to, by=by, reason=reason
    )
    submission.status = to


def submission_open(*, period: ReportingPeriod, school: School | None, by) -> Submission:
    """The school's (or, with no school, the district's) submission for the period, created as a draft."""
    if period.closed:
        raise ValidationError(_("该填报周期已关闭,不再接受填报"))
    dataset = period.dataset
    if (school is None) != dataset.is_district_level:
        raise ValidationError(_("该报表不适用于此单位"))
    if school is not None and dataset.school_types and school.school_type not in dataset.school_types:
        raise ValidationError(_("%(school)s的学校类型不填报此报表") % {"school": school.name})
    probe = Submission(period=period, school=school)
    if not can_edit(by, probe):
        raise PermissionDenied(_("只有本校填报员可以填报"))
    submission, _created = Submission.objects.get_or_create(period=period, school=school)
    return submission


def submission_save_values(
    *, submission: Submission, by, values: Mapping[str, object], explanations: Mapping[str, str] | None = None,
    expected_version: int, source: str = "form",
) -> Submission:
    """Save raw figures into a draft. Wrong types and values beyond bounds refuse the whole save."""
    if not can_edit(by, submission):
        raise PermissionDenied(_("只有本校填报员可以修改填报"))
    explanations = explanations or {}
    with transaction.atomic():
        submission = _lock(submission)
        _check_editable(submission)
        if expected_version != submission.version:
            raise ValidationError({"__all__": [STALE]})
        elements = {e.code: e for e in dataset_elements(submission.period.dataset)}
        parsed = _parse_all(elements, values)
        _store_values(submission, elements, parsed, explanations, by, source)
        submission.version += 1
        submission.save(update_fields=["version", "updated_at"])
    return submission


def _check_editable(submission: Submission) -> None:
    if submission.period.closed:
        raise ValidationError({"__all__": [_("该填报周期已关闭,不再接受填报")]})
    if not submission.is_editable:
        status = submission.get_status_display()
        raise ValidationError({"__all__": [_("当前状态为「%(status)s」,不能修改") % {"status": status}]})


def _parse_all(elements: dict[str, DataElement], values: Mapping[str, object]) -> dict[str, Decimal | None]:
    errors: dict[str, list[str]] = {}
    parsed = {}
    for code, raw in values.items():
        element = elements.get(code)
        if element is None:
            errors.setdefault("__all__", []).append(f"未知数据项: {code}")
            continue
        try:
            parsed[code] = parse_value(element, raw)
        except ValueError as exc:
            errors[code] = [f"{element.name_zh}:{exc}"]
            continue
        for problem in check_bounds(element, parsed[code]):
            errors.setdefault(code, []).append(problem.message)
    if errors:
        raise ValidationError(errors)
    return parsed


def _store_values(submission, elements, parsed, explanations, by, source) -> int:
    current = {v.element.code: v for v in submission.values.select_related("element")}
    changes = []
    for code, value in parsed.items():
        note = (explanations.get(code) or "").strip()
        row = current.get(code)
        if row is None:
            row = SubmissionValue.objects.create(submission=submission, element=elements[code], value=value,
                                                 explanation=note)
            old, old_note = None, ""
        elif row.value != value or row.explanation != note:
            old, old_note = row.value, row.explanation
            row.value, row.explanation = value, note
            row.save(update_fields=["value", "explanation"])
        else:
            continue
        # A changed explanation is audited like a changed figure: it is what a reviewer approves the figure on.
        if old != value or old_note != note:
            changes.append(ValueChange(submission=submission, element=elements[code], old_value=old, new_value=value,
                                       old_explanation=old_note, new_explanation=note, by=by, source=source))
    ValueChange.objects.bulk_create(changes)
    return len(changes)


def submission_problems(submission: Submission) -> list[Problem]:
    """Everything that stands between a draft and its submission: required fields, rules,
    and jumps or unexpected values without an explanation."""
    dataset = submission.period.dataset
    stored = submission_values(submission)
    values = {code: row.value for code, row in stored.items()}
    previous = previous_values(submission)
    problems = []
    for element, required in dataset_elements(dataset, with_required=True):
        row = stored.get(element.code)
        if row is None or row.value is None:
            if required:
                message = _("%(element)s为必填项") % {"element": element.name_zh}
                problems.append(Problem(ERROR, message, (element.code,)))
            continue
        problems += check_bounds(element, row.value)
        problems += check_plausibility(element, row.value, previous.get(element.code), row.explanation)
    problems += check_rules(dataset.rules.filter(active=True), values)
    return problems


def submission_submit(*, submission: Submission, by) -> Submission:
    if not can_edit(by, submission):
        raise PermissionDenied(_("只有本校填报员可以上报"))
    with transaction.atomic():
        submission = _lock(submission)
        _check_editable(submission)
        problems = submission_problems(submission)
        if problems:
            raise SubmissionProblems(problems)
        _transition(submission, SubmissionStatus.SUBMITTED, by)
        submission.submitted_at, submission.return_reason = timezone.now(), ""
        submission.version += 1
        submission.save()
    return submission


def submission_review(*, submission: Submission, by, approve: bool, reason: str = "") -> Submission:
    """One review step. With two steps the town checks first, then the bureau approves; each may return."""
    if not can_review(by, submission):
        raise PermissionDenied(_("无权审核此填报"))
    with transaction.atomic():
        submission = _lock(submission)
        target = _next_status(submission, by, approve)
        if not approve and not reason.strip():
            raise ValidationError({"reason": [_("退回时请填写原因")]})
        approving = target == SubmissionStatus.APPROVED
        before = rollup_figures_before(submission) if approving else None
        _transition(submission, target, by, reason.strip())
        if approving:
            submission.approved_at = timezone.now()
        if target == SubmissionStatus.RETURNED:
            submission.return_reason = reason.strip()
        submission.version += 1
        submission.save()
        if approving:
            rollup_submission_changed(submission=submission, before=before, trigger="approval")
        notify_reviewed(submission=submission, by=by)
    return submission


def _next_status(submission: Submission, by, approve: bool) -> str:
    role = role_of(by)
    two_steps = submission.period.dataset.review_steps == 2 and submission.school_id is not None
    status = submission.status
    if status == SubmissionStatus.SUBMITTED and two_steps:
        if role != Role.TOWN_REVIEWER and role not in REVIEWERS:
            raise PermissionDenied
        if role == Role.TOWN_REVIEWER or approve is False:
            return SubmissionStatus.CHECKED if approve else SubmissionStatus.RETURNED
        raise ValidationError({"__all__": [_("此报表需先由镇街教育办审核")]})
    if status in {SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED}:
        if role not in REVIEWERS:
            raise PermissionDenied(_("需由教体局审核"))
        return SubmissionStatus.APPROVED if approve else SubmissionStatus.RETURNED
    status = submission.get_status_display()
    raise ValidationError({"__all__": [_("当前状态为「%(status)s」,无需审核") % {"status": status}]})


def submission_reopen(*, submission: Submission, by, reason: str) -> Submission:
    """Unlock an approved submission: bureau admin only, and recorded like every transition."""
    if role_of(by) != Role.BUREAU_ADMIN:
        raise PermissionDenied(_("只有教体局管理员可以重新打开已审核的填报"))
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写重新打开的原因")]})
    with transaction.atomic():
        submission = _lock(submission)
        if submission.status != SubmissionStatus.APPROVED:
            raise ValidationError({"__all__": [_("只有已审核通过的填报可以重新打开")]})
        before = rollup_figures_before(submission)
        _transition(submission, SubmissionStatus.RETURNED, by, reason.strip())
        submission.return_reason, submission.approved_at = reason.strip(), None
        submission.version += 1
        submission.save()
        notify_reviewed(submission=submission, by=by)
        rollup_submission_changed(submission=submission, before=before, trigger="reopen")
    return submission


def submission_withdraw(*, submission: Submission, by) -> Submission:
    """The school takes back a form it submitted, as long as no reviewer has acted on it yet (still 已上报):
    it becomes a draft again, and the transition row records who took it back and when."""
    if not can_edit(by, submission):
        raise PermissionDenied(_("只有本校填报员可以撤回填报"))
    with transaction.atomic():
        submission = _lock(submission)
        if not submission.is_withdrawable:
            raise ValidationError({"__all__": [_("只有已上报、尚未审核的填报可以撤回")]})
        _transition(submission, SubmissionStatus.DRAFT, by)
        # no longer sent: completeness and the on-time rate count it again when it is submitted
        submission.submitted_at = None
        submission.version += 1
        submission.save()
    return submission


def submission_approve_many(*, submissions, by) -> int:
    """Bulk approval: each submission goes through submission_review in its own transaction, so each is
    audited and schedules the rollup like a single approval; one that someone has acted on meanwhile is
    skipped. Returns how many were approved (by a town reviewer: checked)."""
    done = 0
    for submission in submissions:
        try:
            submission_review(submission=submission, by=by, approve=True)
        except ValidationError:
            continue
        done += 1
    return done
