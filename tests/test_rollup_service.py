import time
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from indicators.models import (
    Indicator,
    IndicatorValue,
    RollupDelta,
    RollupRun,
    RunStatus,
    TargetLink,
    TargetStatus,
)
from indicators.rollup.school_values import school_values
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
    assert not IndicatorValue.objects.filter(level="school").exists()  # a school's value is read, not stored
    [own] = school_values(indicators=[indicator], years=[2022], schools=[cast.school_a])
    assert (own["value"], own["schools_reported"]) == (Decimal(90), 1)
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


def test_approvals_join_one_incremental_run_queued_at_once(cast, setting, django_capture_on_commit_callbacks):
    period, _, _ = setting
    with mock.patch("indicators.tasks.rollup.rollup_period.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
            _approve(cast, period, cast.school_b, cast.reporter_b, kids="100", puhui="90")
    assert enqueue.call_count == 1
    run = RollupRun.objects.get()
    assert enqueue.call_args.args[0] == (run.pk,) and enqueue.call_args.kwargs["countdown"] == 0
    assert run.status == RunStatus.SCHEDULED and run.incremental
    assert RollupDelta.objects.filter(year=2022).count() == 2  # one change per approval, waiting to be applied


def test_several_full_schedules_make_one_debounced_run(cast, setting, django_capture_on_commit_callbacks):
    with mock.patch("indicators.tasks.rollup.rollup_period.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            rollup_service.rollup_schedule(year=2022, trigger="manual")
            rollup_service.rollup_schedule(year=2022, trigger="manual")
    assert enqueue.call_count == 1 and enqueue.call_args.kwargs["countdown"] == settings.ROLLUP_DEBOUNCE_SECONDS
    assert not RollupRun.objects.get().incremental


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


ALL_LEVELS = {"district", "town", "school_type", "ownership", "area", "language", "town_type", "ownership_type"}


@pytest.mark.parametrize(
    "member, levels, schools",
    [("reviewer", ALL_LEVELS, "AB"), ("leader", ALL_LEVELS, "AB"), ("reporter_a", {"district"}, "A"),
     ("staff_edu", {"district"}, "")],
)
def test_api_values_follow_roles(cast, setting, member, levels, schools):
    period, _, _ = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_b, cast.reporter_b, kids="100", puhui="90")
    rollup_service.rollup_run_all(year=2022)
    api = _api(getattr(cast, member))
    rows = api.get("/api/indicator-values/", {"year": 2022, "page_size": 500}).json()["results"]
    assert {r["level"] for r in rows} == levels
    own = api.get("/api/school-values/", {"year": 2022, "page_size": 500}).json()["results"]
    expected = {getattr(cast, f"school_{letter.lower()}").code for letter in schools}
    assert {r["unit_key"] for r in own} == expected and {r["value"] for r in own} <= {"90.000000"}


def test_api_school_values_need_a_year(cast):
    answer = _api(cast.reviewer).get("/api/school-values/")
    assert answer.status_code == 400 and "year" in answer.json()


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
