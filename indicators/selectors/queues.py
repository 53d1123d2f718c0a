"""Each role's work queue: the forms a school has to fill in its open periods, and the submissions waiting
for this reviewer's step (its town's first step for a town reviewer, the bureau's step for the bureau),
oldest first, so every page can say what to do next."""
import datetime

from django.db.models import F, Q, QuerySet

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators.access import REVIEWERS
from indicators.models import School, Submission, SubmissionStatus
from indicators.selectors.collection import (
    PROGRESS_LABELS,
    open_periods_for_school,
    submission_review_rows,
    submission_values,
)
from indicators.validation import check_rules

# The one action a school has on a form, by the form's state (no submission yet: "start").
SCHOOL_ACTIONS = {
    None: "start",
    SubmissionStatus.DRAFT: "continue",
    SubmissionStatus.RETURNED: "revise",
    SubmissionStatus.SUBMITTED: "view",
    SubmissionStatus.CHECKED: "view",
    SubmissionStatus.APPROVED: "view",
}


def school_work_queue(*, school: School, today: datetime.date) -> list[dict]:
    """The school's forms in the open periods: its one action, the deadline and days left, the return
    reason; forms waiting for the school first, then by deadline."""
    periods = open_periods_for_school(school)
    mine = {s.period_id: s for s in Submission.objects.filter(school=school, period__in=periods)}
    rows = []
    for period in periods:
        submission = mine.get(period.pk)
        status = submission.status if submission else "not_started"
        rows.append({"period": period, "submission": submission, "status": status,
                     "status_label": PROGRESS_LABELS[status],
                     "action": SCHOOL_ACTIONS[submission.status if submission else None],
                     "days_left": max((period.deadline - today).days, 0),
                     "days_overdue": max((today - period.deadline).days, 0),
                     "return_reason": submission.return_reason if status == SubmissionStatus.RETURNED else ""})
    rows.sort(key=lambda r: (r["action"] == "view", r["period"].deadline, r["period"].dataset.code))
    return rows


def review_queue(user) -> QuerySet:
    """Submissions waiting for this account's review step, oldest first."""
    submissions = Submission.objects.select_related("period__dataset", "school__town")
    role = role_of(user)
    if role == Role.TOWN_REVIEWER:
        mine = Q(status=SubmissionStatus.SUBMITTED, period__dataset__review_steps=2, school__isnull=False,
                 school__town_id=profile_of(user).town_id)
    elif role in REVIEWERS:
        one_step = Q(period__dataset__review_steps=1) | Q(school__isnull=True)
        mine = Q(status=SubmissionStatus.CHECKED) | (Q(status=SubmissionStatus.SUBMITTED) & one_step)
    else:
        return submissions.none()
    return submissions.filter(mine).order_by(F("submitted_at").asc(nulls_last=True), "id")


def next_in_queue(user, *, after: Submission) -> Submission | None:
    """The submission after this one in the reviewer's queue (「下一份」), or the oldest one left."""
    queue = review_queue(user).exclude(pk=after.pk)
    if after.submitted_at is not None:
        later = queue.filter(Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at,
                                                                          pk__gt=after.pk))
        following = later.first()
        if following is not None:
            return following
    return queue.first()


def submission_warnings(submission: Submission) -> int:
    """How many things a reviewer should look at before approving: figures that trip a soft check
    (expected range, change from last year) and rules the figures now break."""
    soft = sum(1 for row in submission_review_rows(submission) if row["soft_checks"])
    values = {code: row.value for code, row in submission_values(submission).items()}
    broken = check_rules(submission.period.dataset.rules.filter(active=True), values)
    return soft + len(broken)


def bulk_approvable(user) -> list[Submission]:
    """The queue's submissions without a single warning: the ones a reviewer may approve together."""
    return [s for s in review_queue(user) if submission_warnings(s) == 0]
