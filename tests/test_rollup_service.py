import time
from decimal import Decimal
from unittest import mock

import pytest
from rest_framework.test import APIClient

from indicators.models import Indicator, IndicatorValue, RollupRun, RunStatus, TargetLink, TargetStatus
from indicators.services import rollup as rollup_service
from indicators.services import submissions as service
from plans.models import AnnualTarget, Plan
from tests.collection_fixtures import kindergarten_form


def _approve(cast, period, school, reporter, **values):
    submission = service.submission_open(period=period, school=school, by=reporter)
    submission = service.submission_save_values(submission=submission, by=reporter, values=values,
                                                expected_version=submission.version)
    submission = service.submission_submit(submission=submission, by=reporter)
    return service.submission_review(submission=submission, by=cast.reviewer, approve=True)


@pytest.fixture
def setting(cast):
    cast.school_a.school_type = cast.school_b.school_type = "kindergarten"
    cast.school_a.save()
    cast.school_b.save()
    period = kindergarten_form()
    indicator = Indicator.objects.create(code="puhui_share", name_zh="普惠覆盖率", name_en="Public-benefit share",
                                         numerator="puhui * 100", denominator="kids", unit="%",
                                         school_types=["kindergarten"])
    plan = Plan.objects.create(key="p", title="方案", start_year=2019, end_year=2022)
    target = AnnualTarget.objects.create(plan=plan, measure="puhui_share", name="普惠性幼儿园覆盖率", unit="%",
                                         year=2022, comparator="gte", value=Decimal(80))
    TargetLink.objects.create(plan=plan, measure="puhui_share", indicator=indicator, tolerance=Decimal(2))
    return period, indicator, target


def test_rollup_writes_every_level_and_the_target_status(cast, setting):
    period, indicator, target = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_b, cast.reporter_b, kids="300", puhui="210")
    [run] = rollup_service.rollup_run_all(year=2022)
    assert run.status == RunStatus.SUCCEEDED and run.rows_written > 0 and run.duration_ms is not None
    value = IndicatorValue.objects.get(indicator=indicator, year=2022, level="district")
    assert value.value == Decimal("75.000000")  # (90 + 210) / (100 + 300), not the mean of 90% and 70%
    assert (value.schools_expected, value.schools_reported) == (2, 2)
    assert IndicatorValue.objects.get(level="school", unit_key=cast.school_a.code).value == Decimal(90)
    assert IndicatorValue.objects.get(level="town", unit_key=cast.town_b.code).value == Decimal(70)
    status = TargetStatus.objects.get(target=target)
    assert (status.actual, status.status) == (Decimal("75.000000"), "not_met")


def test_rerunning_gives_identical_rows(cast, setting):
    period, indicator, target = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="79")
    rollup_service.rollup_run_all(year=2022)
    columns = ["indicator_id", "year", "level", "unit_key", "numerator", "denominator", "value", "schools_expected",
               "schools_reported"]
    first = list(IndicatorValue.objects.order_by("level", "unit_key").values_list(*columns))
    rollup_service.rollup_run_all(year=2022)
    assert list(IndicatorValue.objects.order_by("level", "unit_key").values_list(*columns)) == first
    assert TargetStatus.objects.get(target=target).status == "close"  # 79 is within 2 points of ≥ 80


def test_several_approvals_schedule_one_rollup(cast, setting, django_capture_on_commit_callbacks):
    period, _, _ = setting
    with mock.patch("indicators.tasks.rollup.rollup_period.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
            _approve(cast, period, cast.school_b, cast.reporter_b, kids="100", puhui="90")
            rollup_service.rollup_schedule(year=2022, trigger="approval")
    assert enqueue.call_count == 1
    run = RollupRun.objects.get()
    assert enqueue.call_args.args[0] == (run.pk,) and run.status == RunStatus.SCHEDULED


def test_a_failed_run_records_its_error_and_keeps_previous_results(cast, setting):
    period, indicator, _ = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    rollup_service.rollup_run_all(year=2022)
    before = IndicatorValue.objects.count()
    broken = RuntimeError("磁盘已满")
    with mock.patch("indicators.rollup.store.TargetStatus.objects.update_or_create", side_effect=broken):
        with pytest.raises(RuntimeError):
            rollup_service.rollup_run_all(year=2022)
    failed = RollupRun.objects.order_by("-id").first()
    assert failed.status == RunStatus.FAILED and "磁盘已满" in failed.error
    assert IndicatorValue.objects.count() == before


def test_task_is_idempotent(cast, setting, eager_celery):
    from indicators.tasks.rollup import rollup_period

    period, _, _ = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    run = RollupRun.objects.create(year=2022)
    assert rollup_period.delay(run.pk).get() > 0
    assert rollup_period.delay(run.pk).get() is None  # already succeeded: nothing redone


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    "member, levels",
    [("reviewer", {"district", "school", "town", "school_type", "ownership", "area", "language"}),
     ("leader", {"district", "school", "town", "school_type", "ownership", "area", "language"}),
     ("reporter_a", {"district", "school"}), ("staff_edu", {"district"})],
)
def test_api_values_follow_roles(cast, setting, member, levels):
    period, _, _ = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_b, cast.reporter_b, kids="100", puhui="90")
    rollup_service.rollup_run_all(year=2022)
    rows = _api(getattr(cast, member)).get("/api/indicator-values/", {"year": 2022, "page_size": 500}).json()["results"]
    assert {r["level"] for r in rows} == levels
    if member == "reporter_a":
        assert {r["unit_key"] for r in rows if r["level"] == "school"} == {cast.school_a.code}


def test_api_outsider_is_refused(cast):
    assert _api(cast.outsider).get("/api/indicator-values/").status_code == 403


@pytest.mark.services
def test_rollup_runs_through_a_real_celery_worker(cast, setting, celery_worker_process):
    period, indicator, target = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    run = RollupRun.objects.create(year=2022, trigger="test")
    from indicators.tasks.rollup import rollup_period

    rollup_period.apply_async((run.pk,))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            break
        time.sleep(0.5)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert IndicatorValue.objects.get(indicator=indicator, level="district").value == Decimal(90)
    assert TargetStatus.objects.get(target=target).status == "met"
