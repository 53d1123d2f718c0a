"""Incremental rollup: an approval or reopening changes the stored sums by the school's contribution, and the
stored state stays exactly a full recomputation — checked over hundreds of random approvals, reopenings and
corrections (some leaving a figure empty, some with money sums past float precision), without one full run."""
import os
import random
from decimal import Decimal
from unittest import mock

import pytest

from edugov.models import Role
from indicators.models import Indicator, IndicatorValue, RollupDelta, RollupRun, RunStatus
from indicators.rollup import store
from indicators.rollup.school_values import school_values
from indicators.services import rollup as rollup_service
from indicators.services import submissions as service
from tests.collection_fixtures import kindergarten_form
from tests.factories import SchoolFactory, user_with_role

RECOMPUTE = rollup_service.rollup_compute  # the full recomputation, kept apart from the spy below
OPERATIONS = int(os.environ.get("ROLLUP_RANDOM_OPERATIONS", "200"))


@pytest.fixture
def district(cast):
    """Ten schools over two towns, two types (the form covers kindergartens and primary schools), public and
    private, urban and rural; three indicators: a share (two required figures), a sum of an optional money
    figure (so completeness comes and goes), and money per child (one required, one optional figure)."""
    period = kindergarten_form()
    schools, reporters = [], {}
    for n in range(10):
        school = SchoolFactory(town=cast.town_a if n % 2 else cast.town_b,
                               school_type="kindergarten" if n % 3 else "primary",
                               ownership="private" if n % 4 == 0 else "public", is_urban=n % 5 != 0,
                               is_minority_language=n == 7)
        schools.append(school)
        reporters[school.pk] = user_with_role(f"reporter{n}", Role.SCHOOL_REPORTER, school=school)
    Indicator.objects.create(code="share", name_zh="普惠占比", name_en="share", numerator="puhui * 100",
                             denominator="kids", unit="%", school_types=["kindergarten"])
    Indicator.objects.create(code="funds_total", name_zh="公用经费", name_en="funds", numerator="funds",
                             unit="元", school_types=[])
    Indicator.objects.create(code="per_child", name_zh="生均经费", name_en="per child", numerator="funds",
                             denominator="kids", unit="元", school_types=[])
    return period, schools, reporters


def _values(rng: random.Random) -> dict:
    kids = rng.randint(1, 400)
    values = {"kids": str(kids), "puhui": str(rng.randint(0, kids))}
    roll = rng.random()
    if roll < 0.6:
        values["funds"] = str(Decimal(rng.randint(0, 10**8)) / 100)
    elif roll < 0.7:
        values["funds"] = "123456789012.34"  # sums of these lose digits in float
    return values


def _approve(cast, period, school, reporter, values):
    submission = service.submission_open(period=period, school=school, by=reporter)
    submission = service.submission_save_values(submission=submission, by=reporter, values=values,
                                                expected_version=submission.version)
    submission = service.submission_submit(submission=submission, by=reporter)
    return service.submission_review(submission=submission, by=cast.reviewer, approve=True)


def _state() -> dict:
    rows = IndicatorValue.objects.select_related("indicator").order_by("id")
    return {(r.indicator.code, r.year, r.level, r.unit_key): (r.numerator, r.denominator, r.value,
                                                              r.schools_expected, r.schools_reported, r.sums)
            for r in rows}


def _recomputation(year: int) -> dict:
    ids = dict(Indicator.objects.values_list("id", "code"))
    rows = store._rows(RECOMPUTE(year=year), {v: k for k, v in ids.items()})
    return {(ids[i], year, level, key): fields[1:] for (i, level, key), fields in rows.items()}


def test_random_approvals_and_reopenings_keep_the_stored_state_a_full_recomputation(
        cast, district, eager_celery, django_capture_on_commit_callbacks):
    period, schools, reporters = district
    rng = random.Random(20221206)
    rollup_service.rollup_run_all(year=period.year)
    full_runs = mock.patch.object(rollup_service, "rollup_compute", wraps=rollup_service.rollup_compute)
    approved: set[int] = set()
    with full_runs as computed:
        for step in range(OPERATIONS):
            school = rng.choice(schools)
            with django_capture_on_commit_callbacks(execute=True):
                if school.pk in approved:
                    submission = service.Submission.objects.get(period=period, school=school)
                    service.submission_reopen(submission=submission, by=cast.admin, reason=f"更正 {step}")
                    approved.discard(school.pk)
                else:
                    _approve(cast, period, school, reporters[school.pk], _values(rng))
                    approved.add(school.pk)
            if step % 50 == 49:
                assert _state() == _recomputation(period.year), f"after {step + 1} operations"
        assert computed.call_count == 0  # every change went the incremental way, none by a full recomputation
    assert _state() == _recomputation(period.year)
    assert not RollupDelta.objects.exists()
    runs = RollupRun.objects.filter(incremental=True)
    assert runs.count() >= OPERATIONS * 0.9 and set(runs.values_list("status", flat=True)) == {RunStatus.SUCCEEDED}
    # and the nightly full run finds nothing to repair
    [nightly] = rollup_service.rollup_run_all(year=period.year)
    assert nightly.drift_rows == 0


def test_an_approval_changes_only_the_rows_of_the_schools_units(
        cast, district, eager_celery, django_capture_on_commit_callbacks):
    period, schools, reporters = district
    rollup_service.rollup_run_all(year=period.year)
    before = {key: row[2] for key, row in _state().items()}
    school = schools[1]  # a kindergarten of town_a
    with django_capture_on_commit_callbacks(execute=True):
        _approve(cast, period, school, reporters[school.pk], {"kids": "200", "puhui": "150", "funds": "1000.5"})
    after = {key: row[2] for key, row in _state().items()}
    changed = {key for key in after if after[key] != before.get(key)}
    assert ("share", period.year, "district", "district") in changed
    assert ("share", period.year, "town", cast.town_a.code) in changed
    assert ("share", period.year, "town_type", f"{cast.town_a.code}/kindergarten") in changed
    assert not any(key[3] == cast.town_b.code for key in changed)  # the other town is untouched
    assert after[("share", period.year, "district", "district")] == Decimal("75.000000")
    [own] = school_values(indicators=Indicator.objects.filter(code="per_child"), years=[period.year],
                          schools=[school])
    assert own["value"] == Decimal("5.002500")  # 1000.5 元 / 200 children, computed when read


def test_a_new_school_falls_back_to_a_full_run_of_its_year(
        cast, district, eager_celery, django_capture_on_commit_callbacks):
    period, schools, reporters = district
    rollup_service.rollup_run_all(year=period.year)
    newcomer = SchoolFactory(town=cast.town_b, school_type="kindergarten", ownership="private")
    reporter = user_with_role("newcomer", Role.SCHOOL_REPORTER, school=newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        _approve(cast, period, newcomer, reporter, {"kids": "100", "puhui": "100"})
    assert _state() == _recomputation(period.year)
    assert IndicatorValue.objects.get(indicator__code="share", level="ownership_type",
                                      unit_key="private/kindergarten").schools_reported == 1


def test_a_full_run_over_unchanged_data_writes_no_value_row(cast, district):
    period, schools, reporters = district
    for school in schools[:4]:
        _approve(cast, period, school, reporters[school.pk], {"kids": "10", "puhui": "5", "funds": "3"})
    rollup_service.rollup_run_all(year=period.year)
    stamps = dict(IndicatorValue.objects.values_list("id", "computed_at"))
    counts: dict = {}
    store.store_year(year=period.year, results=rollup_service.rollup_compute(year=period.year), run=None,
                     counts=counts)
    assert counts["values"] == 0 and dict(IndicatorValue.objects.values_list("id", "computed_at")) == stamps
