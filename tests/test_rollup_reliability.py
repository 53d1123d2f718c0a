"""The rollup's invariant: once the last approval has committed and the system is quiet, the stored values
equal a full recomputation from the approved data — whatever runs overlap, whatever fails on the way.

The races (two runs at once, an approval committing while a run starts) need two real connections and
run on PostgreSQL (CI's first pass); the rest run on both backends."""
import datetime
import threading
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from indicators.models import IndicatorValue, ReportingPeriod, RollupRun, RunStatus
from indicators.rollup import load
from indicators.services import rollup as rollup_service
from indicators.services import submissions as service
from tests.test_rollup_service import _approve, setting  # noqa: F401  (the fixture is used by name)

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                   reason="two concurrent writers need PostgreSQL (CI runs it)")


def _recomputed() -> dict:
    out = {}
    for year in load.years_with_periods():
        frame = rollup_service.rollup_compute(year=year)
        for row in frame.itertuples(index=False):
            if row.value is not None:
                out[(row.indicator, year, row.level, row.unit_key)] = round(float(row.value), 6)
    return out


def _stored() -> dict:
    rows = IndicatorValue.objects.filter(value__isnull=False).select_related("indicator")
    return {(r.indicator.code, r.year, r.level, r.unit_key): round(float(r.value), 6) for r in rows}


def assert_quiet_state_is_a_full_recomputation():
    assert _stored() == _recomputed()


def _submitted(cast, period, school, reporter, **values):
    submission = service.submission_open(period=period, school=school, by=reporter)
    submission = service.submission_save_values(submission=submission, by=reporter, values=values,
                                                expected_version=submission.version)
    return service.submission_submit(submission=submission, by=reporter)


def _second_year(period) -> ReportingPeriod:
    return ReportingPeriod.objects.create(dataset=period.dataset, year=period.year - 1, opens_on=period.opens_on,
                                          deadline=period.deadline)


def test_a_failing_year_in_a_multi_year_run_leaves_every_year_as_it_was(cast, setting):  # noqa: F811
    period, _, _ = setting
    earlier = _second_year(period)
    _approve(cast, earlier, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="80")
    rollup_service.rollup_run_all()
    before = _stored()
    _approve(cast, earlier, cast.school_b, cast.reporter_b, kids="100", puhui="10")
    _approve(cast, period, cast.school_b, cast.reporter_b, kids="100", puhui="20")
    real, calls = rollup_service.store.store_year, []

    def second_year_fails(**kwargs):
        calls.append(kwargs["year"])
        if len(calls) == 2:
            raise RuntimeError("写入失败")
        return real(**kwargs)

    with mock.patch.object(rollup_service.store, "store_year", side_effect=second_year_fails):
        with pytest.raises(RuntimeError):
            rollup_service.rollup_run_all()
    assert calls == [2021, 2022]
    assert _stored() == before  # the year written first was rolled back with the failing one
    assert RollupRun.objects.order_by("-id").first().status == RunStatus.FAILED
    rollup_service.rollup_run_all()
    assert_quiet_state_is_a_full_recomputation()


def test_values_of_a_year_that_lost_its_periods_are_removed(cast, setting):  # noqa: F811
    period, _, _ = setting
    earlier = _second_year(period)
    _approve(cast, earlier, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    rollup_service.rollup_run_all()
    assert IndicatorValue.objects.filter(year=earlier.year).exists()
    # the bureau corrects a period opened under the wrong year: 2021 has no reporting period any more
    ReportingPeriod.objects.filter(pk=earlier.pk).update(year=2020)
    rollup_service.rollup_run_all()
    assert not IndicatorValue.objects.filter(year=2021).exists()
    assert IndicatorValue.objects.filter(year=2020).exists()
    assert_quiet_state_is_a_full_recomputation()


def test_a_run_that_could_not_be_queued_is_not_joined_for_ever_and_the_sweeper_runs_it(
        cast, setting, eager_celery, django_capture_on_commit_callbacks):  # noqa: F811
    period, _, _ = setting
    broker_down = ConnectionError("Redis 不可用")
    with mock.patch("indicators.tasks.rollup.rollup_period.apply_async", side_effect=broker_down):
        with django_capture_on_commit_callbacks(execute=True):
            _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    stuck = RollupRun.objects.get()
    assert stuck.status == RunStatus.SCHEDULED and "未能排队" in stuck.error
    # its window passes: a later approval does not join the stuck run, it queues one of its own
    RollupRun.objects.filter(pk=stuck.pk).update(scheduled_at=timezone.now() - datetime.timedelta(hours=1))
    with mock.patch("indicators.tasks.rollup.rollup_period.apply_async", side_effect=broker_down):
        with django_capture_on_commit_callbacks(execute=True):
            _approve(cast, period, cast.school_b, cast.reporter_b, kids="300", puhui="210")
    assert RollupRun.objects.count() == 2
    RollupRun.objects.update(scheduled_at=timezone.now() - datetime.timedelta(hours=1))
    # the broker is back: the sweeper queues both, and the stored values catch up
    assert sorted(rollup_service.rollup_sweep()) == sorted(RollupRun.objects.values_list("pk", flat=True))
    assert set(RollupRun.objects.values_list("status", flat=True)) == {RunStatus.SUCCEEDED}
    assert_quiet_state_is_a_full_recomputation()
    assert IndicatorValue.objects.get(level="district").value == 75  # (90 + 210) / (100 + 300)


def test_a_run_whose_worker_died_is_run_again_by_the_sweeper(cast, setting, eager_celery):  # noqa: F811
    period, _, _ = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    # the main process was killed mid-run: the row says running, nothing was committed, no message is left
    dead = RollupRun.objects.create(year=period.year, status=RunStatus.RUNNING,
                                    started_at=timezone.now() - datetime.timedelta(hours=2))
    fresh = RollupRun.objects.create(year=period.year, status=RunStatus.RUNNING, started_at=timezone.now())
    assert rollup_service.rollup_sweep() == [dead.pk]  # a run still within its time limit is left alone
    dead.refresh_from_db()
    assert dead.status == RunStatus.SUCCEEDED and dead.attempts == 1
    assert RollupRun.objects.get(pk=fresh.pk).status == RunStatus.RUNNING
    assert_quiet_state_is_a_full_recomputation()


def _in_thread(target, *args):
    """Run ``target`` on its own database connection; re-raise its exception in the caller."""
    failure = []

    def body():
        try:
            target(*args)
        except BaseException as exc:  # noqa: BLE001 — handed to the test thread
            failure.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, failure


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_a_year_both_succeed(cast, setting, eager_celery):  # noqa: F811
    period, _, _ = setting
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_b, cast.reporter_b, kids="300", puhui="210")
    start = threading.Barrier(2)

    def run():
        start.wait(timeout=30)
        rollup_service.rollup_run_all(year=period.year)

    workers = [_in_thread(run) for _ in range(2)]
    for thread, failure in workers:
        thread.join(timeout=60)
        assert not failure, failure
    manual = RollupRun.objects.filter(trigger="manual")
    assert list(manual.values_list("status", flat=True)) == [RunStatus.SUCCEEDED] * 2
    assert_quiet_state_is_a_full_recomputation()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_approval_committing_while_a_run_starts_is_not_lost(cast, setting, eager_celery):  # noqa: F811
    period, indicator, _ = setting
    with mock.patch("indicators.tasks.rollup.rollup_period.apply_async"):  # queued, not yet started
        _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    [waiting] = RollupRun.objects.filter(status=RunStatus.SCHEDULED)
    pending = _submitted(cast, period, cast.school_b, cast.reporter_b, kids="300", puhui="210")
    approved_not_committed, run_has_read = threading.Event(), threading.Event()

    def approve_slowly():
        with transaction.atomic():
            service.submission_review(submission=pending, by=cast.reviewer, approve=True)
            approved_not_committed.set()
            assert run_has_read.wait(timeout=30)
        # committed: its on_commit decides whether a run still waiting will see it

    thread, failure = _in_thread(approve_slowly)
    assert approved_not_committed.wait(timeout=30)
    rollup_service.rollup_run(run=waiting)  # starts and reads before the approval commits
    assert IndicatorValue.objects.get(indicator=indicator, level="district").value == 90
    run_has_read.set()
    thread.join(timeout=60)
    assert not failure, failure
    assert RollupRun.objects.count() == 2  # the approval queued a run of its own instead of joining
    assert_quiet_state_is_a_full_recomputation()
    assert IndicatorValue.objects.get(indicator=indicator, level="district").value == 75
    assert connection.vendor == "postgresql"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_runs_of_different_years_proceed_side_by_side(cast, setting, eager_celery):  # noqa: F811
    period, _, _ = setting
    earlier = _second_year(period)
    _approve(cast, earlier, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_b, cast.reporter_b, kids="100", puhui="20")
    inside, release = threading.Event(), threading.Event()
    real = rollup_service.store.store_year

    def slow_for_the_earlier_year(**kwargs):
        if kwargs["year"] == earlier.year:
            inside.set()
            assert release.wait(timeout=30)
        return real(**kwargs)

    with mock.patch.object(rollup_service.store, "store_year", side_effect=slow_for_the_earlier_year):
        thread, failure = _in_thread(lambda: rollup_service.rollup_run_all(year=earlier.year))
        assert inside.wait(timeout=30)  # the earlier year's run holds its lock, mid-transaction
        [later] = rollup_service.rollup_run_all(year=period.year)  # not blocked by it
        assert later.status == RunStatus.SUCCEEDED
        release.set()
        thread.join(timeout=60)
    assert not failure, failure
    assert_quiet_state_is_a_full_recomputation()


def test_the_nightly_re_roll_is_one_run_per_year_and_forgets_lost_years(cast, setting, eager_celery):  # noqa: F811
    period, _, _ = setting
    earlier = _second_year(period)
    _approve(cast, earlier, cast.school_a, cast.reporter_a, kids="100", puhui="90")
    _approve(cast, period, cast.school_a, cast.reporter_a, kids="100", puhui="80")
    rollup_service.rollup_run_all()
    ReportingPeriod.objects.filter(pk=earlier.pk).update(year=2020)  # 2021 lost its only period
    runs = rollup_service.rollup_nightly()
    nightly = RollupRun.objects.filter(pk__in=runs)
    assert sorted(nightly.values_list("year", flat=True)) == [2020, 2022]
    assert set(nightly.values_list("status", flat=True)) == {RunStatus.SUCCEEDED}  # eager: each ran at once
    assert not IndicatorValue.objects.filter(year=2021).exists()
    assert nightly.get(year=2022).drift_rows == 0  # stored 2022 was already a full recomputation
    assert_quiet_state_is_a_full_recomputation()
