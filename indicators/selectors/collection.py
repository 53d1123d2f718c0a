"""Reads shared by the collection pages, the API, the Excel import and the dashboards."""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    DataElement,
    DataSet,
    ReminderLog,
    ReportingPeriod,
    School,
    SchoolType,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    ValueType,
)
from indicators.validation import soft_check_reasons

STATUSES = [s.value for s in SubmissionStatus]
DONE = {SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED, SubmissionStatus.APPROVED}
# One vocabulary for a school's progress in a period: the submission statuses, and 未开始 for no submission.
# 待审核 is a form sent and waiting for a reviewer now; 已提交 (ever_submitted) counts every school that has sent
# its form at some point, whatever happened to it since; 已审核通过 is approved. None of them is 「已上报」/「已报」,
# which read as any of the three.
PROGRESS_LABELS = {**dict(SubmissionStatus.choices), "not_started": _("未开始")}
# the order every page lists them in, from not started to approved; together they add up to 应报
PROGRESS_ORDER = ["not_started", "draft", "submitted", "checked", "approved", "returned"]


def dataset_elements(dataset: DataSet, *, with_required: bool = False) -> list:
    members = dataset.items.select_related("element").order_by("order", "id")
    if with_required:
        return [(m.element, m.required) for m in members]
    return [m.element for m in members]


def submission_values(submission: Submission) -> dict[str, SubmissionValue]:
    return {v.element.code: v for v in submission.values.select_related("element")}


def previous_values(submission: Submission) -> dict[str, Decimal]:
    """The school's approved figures of the year before, same data set (latest period of that year)."""
    previous = (
        Submission.objects.filter(
            school=submission.school, period__dataset=submission.period.dataset,
            period__year=submission.period.year - 1, status=SubmissionStatus.APPROVED,
        )
        .order_by("-period__semester")
        .first()
    )
    if previous is None:
        return {}
    return dict(previous.values.values_list("element__code", "value"))


def submission_review_rows(submission: Submission) -> list[dict]:
    """One row per element of the form for the reviewer: this year's figure, last year's approved one, the
    change, every soft check it trips (explained or not, so the reviewer sees what the school answered)
    and the school's 说明."""
    stored = submission_values(submission)
    previous = previous_values(submission)
    rows = []
    for element in dataset_elements(submission.period.dataset):
        row = stored.get(element.code)
        value, before = (row.value if row else None), previous.get(element.code)
        countable = element.value_type != ValueType.BOOLEAN
        change = ((value - before) / before * 100) if countable and value is not None and before else None
        rows.append({"element": element, "value": value, "previous": before, "change": change,
                     "soft_checks": soft_check_reasons(element, value, before),
                     "explanation": row.explanation if row else ""})
    return rows


def expected_schools(period: ReportingPeriod) -> QuerySet:
    schools = School.objects.filter(active=True)
    if period.dataset.school_types:
        schools = schools.filter(school_type__in=period.dataset.school_types)
    return schools


def period_completeness(*, period: ReportingPeriod, town_id: int | None = None, today=None) -> dict:
    """How far a period's collection has got: counts by status, by town and by school type,
    the on-time rate, the late schools and the schools that have not started (with days overdue and
    the reminders sent). With ``town_id`` (a town reviewer's page), that town's schools only.
    A fixed number of queries whatever the size."""
    schools = expected_schools(period)
    if town_id is not None:
        schools = schools.filter(town_id=town_id)
    fields = ("id", "code", "name", "town_id", "town__name", "school_type")
    rows = list(schools.values(*fields).order_by("town__code", "code"))
    submissions = Submission.objects.filter(period=period, school__isnull=False)
    by_school = {s["school_id"]: s for s in submissions.values("school_id", "status", "submitted_at")}
    reminded = _reminders_by_school(period)
    deadline = period.deadline
    today = today or timezone.localdate()
    not_started = []
    counts = dict.fromkeys(STATUSES + ["not_started"], 0)
    by_town: dict = defaultdict(lambda: dict.fromkeys(STATUSES + ["not_started", "expected"], 0))
    by_type: dict = defaultdict(lambda: dict.fromkeys(STATUSES + ["not_started", "expected"], 0))
    late, on_time, submitted = [], 0, 0
    for school in rows:
        sub = by_school.get(school["id"])
        status = sub["status"] if sub else "not_started"
        counts[status] += 1
        for bucket in (by_town[(school["town_id"], school["town__name"])], by_type[school["school_type"]]):
            bucket[status] += 1
            bucket["expected"] += 1
        sent = sub["submitted_at"] if sub else None
        if sent is not None:
            submitted += 1
            on_time += timezone.localtime(sent).date() <= deadline
        is_late = (sent is not None and timezone.localtime(sent).date() > deadline) or (
            status not in DONE and today > deadline
        )
        entry = {"school_id": school["id"], "code": school["code"], "name": school["name"],
                 "town": school["town__name"], "status": status, "status_label": PROGRESS_LABELS[status],
                 "submitted_at": sent, "days_overdue": max((today - deadline).days, 0) if sent is None else 0,
                 **reminded.get(school["id"], {"reminders": 0, "last_reminded": None})}
        if is_late:
            late.append(entry)
        if status == "not_started":
            not_started.append(entry)
    labels = dict(SchoolType.choices)
    missing = len(rows) - submitted
    return {
        "expected": len(rows),
        "counts": counts,
        # the counts in PROGRESS_ORDER with their words, for every page that lists them: they sum to expected
        "states": [{"key": key, "label": PROGRESS_LABELS[key], "n": counts[key]} for key in PROGRESS_ORDER],
        # 按时上报率 as people mean it: schools that reported on time among all expected. Before the deadline,
        # while schools are still missing, it is not a rate yet: the page shows the count instead of a 100%.
        "on_time": on_time,
        "ever_submitted": submitted,  # 已提交: sent at some point (not counts["submitted"], 待审核 now)
        "on_time_share": (on_time / len(rows)) if rows else None,
        "rate_provisional": today <= deadline and missing > 0,
        "not_started": not_started,
        "by_town": [{"town": name, "town_id": tid, **v} for (tid, name), v in by_town.items()],
        "by_type": [{"school_type": t, "label": str(labels.get(t, t)), **v} for t, v in by_type.items()],
        "late": late,
    }


def _reminders_by_school(period: ReportingPeriod) -> dict[int, dict]:
    rows = ReminderLog.objects.filter(period=period).values("school_id").annotate(n=Count("id"), last=Max("sent_on"))
    return {r["school_id"]: {"reminders": r["n"], "last_reminded": r["last"]} for r in rows}


def open_periods_for_school(school: School) -> QuerySet:
    periods = ReportingPeriod.objects.filter(closed=False, dataset__is_district_level=False).select_related("dataset")
    return [p for p in periods.order_by("-year", "dataset__code") if not p.dataset.school_types
            or school.school_type in p.dataset.school_types]


def elements_for_codes(codes) -> dict[str, DataElement]:
    return {e.code: e for e in DataElement.objects.filter(code__in=codes)}


def open_years() -> list[int]:
    return sorted(set(ReportingPeriod.objects.values_list("year", flat=True)))
