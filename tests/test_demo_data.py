"""The demo district: deterministic, idempotent, and consistent with the definitions' own checks."""
import datetime
import io
from collections import defaultdict

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from edugov.models import Profile, Role
from indicators.models import (
    DataElement,
    ReportingPeriod,
    School,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    Town,
    ValidationRule,
)
from indicators.selectors.collection import previous_values
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.demo import PASSWORD, demo_checksum, demo_generate
from indicators.services.submissions import submission_problems
from indicators.validation import ERROR, check_bounds, check_rules, soft_check_reasons

SMALL = ["--schools", "24", "--no-rollup"]


@pytest.fixture
def definitions(db):
    definitions_load(data=definitions_read(DEFAULT_FILE))


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo_data", "--allow-production-demo", *args, stdout=out)  # tests run with DEBUG off
    return out.getvalue()


def counts():
    return {m.__name__: m.objects.count() for m in (Town, School, User, Profile, Submission, SubmissionValue)}


def test_generation_is_a_pure_function_of_the_seed():
    first, again, other = (demo_generate(seed=s, schools=30) for s in (7, 7, 8))
    assert first == again
    assert first[1] != other[1]


def test_second_run_adds_nothing_and_gives_the_same_checksum(definitions):
    run(*SMALL)
    before, checksum = counts(), demo_checksum()
    output = run(*SMALL)
    assert counts() == before and demo_checksum() == checksum
    assert "submissions +0" in output


def test_refuses_without_definitions(db):
    with pytest.raises(CommandError, match="load_definitions"):
        run(*SMALL)
    assert School.objects.count() == 0


def test_every_school_has_a_reporter_and_every_town_a_reviewer(definitions):
    run(*SMALL)
    for school in School.objects.all():
        user = User.objects.get(username=school.code.lower())
        assert user.profile.role == Role.SCHOOL_REPORTER and user.profile.school == school
    for town in Town.objects.all():
        assert User.objects.get(username=f"town-{town.code}").profile.town == town
    assert User.objects.get(username="dsk001").check_password(PASSWORD)


def test_periods_closed_before_2022_and_2022_open_until_ten_days_from_today(definitions):
    run(*SMALL)
    assert not ReportingPeriod.objects.filter(year__lt=2022, closed=False).exists()
    open_periods = ReportingPeriod.objects.filter(year=2022)
    assert open_periods.exists() and not open_periods.filter(closed=True).exists()
    today = datetime.date.today()
    assert all(p.deadline >= today + datetime.timedelta(days=9) for p in open_periods)


def test_closed_years_are_approved_and_2022_has_a_mix_of_states(definitions):
    run("--schools", "150", "--no-rollup")
    assert set(Submission.objects.filter(period__year__lt=2022).values_list("status", flat=True)) == {"approved"}
    states = set(Submission.objects.filter(period__year=2022).values_list("status", flat=True))
    assert {SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED, SubmissionStatus.DRAFT} <= states
    assert School.objects.filter(ownership="private").exists()
    assert School.objects.filter(is_minority_language=True).exists()
    assert School.objects.filter(is_urban=False).exists()


def test_demo_figures_pass_the_definitions_own_rules_and_bounds(definitions):
    run(*SMALL)
    elements = {e.code: e for e in DataElement.objects.all()}
    values = defaultdict(dict)
    for sub_id, code, value in SubmissionValue.objects.values_list("submission_id", "element__code", "value"):
        values[sub_id][code] = value
        assert check_bounds(elements[code], value) == [], (code, value)
    for submission in Submission.objects.select_related("period__dataset"):
        rules = ValidationRule.objects.filter(dataset=submission.period.dataset)
        assert check_rules(rules, values[submission.id]) == [], submission


def test_demo_scales_past_a_hundred_schools_of_a_type():
    # benchmarks scale the district to thousands of schools; names must not run out of numerals
    from indicators.services.demo import demo_generate

    specs, _ = demo_generate(seed=2019, schools=1200)
    assert len(specs) >= 1100 and all(s.name for s in specs)


def test_every_seeded_submission_passes_the_forms_checks_or_carries_its_explanation(definitions):
    # given the district `make setup` writes
    run("--no-rollup")
    # when every submission goes through the checks the form runs on 上报 (hard bounds and rules, and the
    # soft checks against last year's approved figures, which a 说明 answers)
    unexplained, explained = [], 0
    for submission in Submission.objects.select_related("period__dataset", "school"):
        stored = {v.element.code: v for v in submission.values.select_related("element")}
        for problem in submission_problems(submission):
            draft_gap = submission.status == SubmissionStatus.DRAFT and problem.kind == ERROR and \
                len(problem.elements) == 1 and problem.elements[0] not in stored
            if not draft_gap:  # a draft is half filled in: its empty fields are not yet a failure
                unexplained.append((str(submission), problem.message))
        previous = previous_values(submission)
        for row in stored.values():
            if soft_check_reasons(row.element, row.value, previous.get(row.element.code)):
                explained += 1
                assert row.explanation and not row.explanation.startswith("本年实际"), row.explanation
    # then nothing is refused or left unexplained, and the soft checks do fire (with their 说明)
    assert unexplained == []
    assert explained > 0
