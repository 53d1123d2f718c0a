"""Schemathesis against the app in-process: every operation of the served schema (/api/schema/), called as a
bureau admin and as a school reporter of a small district, with generated valid and invalid input. Any 5xx,
an undeclared status code, or a body or content type the schema does not describe fails the test.

Bounded for CI: a few examples per operation, derandomized (the same cases every run), no shrinking. The
operations are walked here with Hypothesis's ``@given`` over each operation's strategy rather than through
schemathesis's pytest plugin, whose fixture-loaded schemas rename pytest's nodes through an attribute
pytest 9.2 no longer has (``Node._nodeid``)."""
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from edugov.tokens import token_for
from edugov.wsgi import application
from indicators.models import DataElement, DataSet, Indicator, IndicatorValue, ReportingPeriod, TargetStatus
from indicators.services.submissions import submission_open
from plans.models import ActionItem, AnnualTarget, Department, Plan, Programme
from plans.services.progress import action_item_record_progress
from reports.models import MeetingSnapshot
from tests.collection_fixtures import kindergarten_form
from tests.reports_fixtures import AS_OF, build

EXAMPLES = 5  # per operation, mode (valid / invalid input) and caller, and again with a real id
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def district(cast):
    """The reports fixture's plan, indicators and values, a kindergarten form with one open submission,
    a target verdict, a frozen meeting and a progress update: one row at least behind every endpoint."""
    plan, coverage, _myopia = build(cast, by=cast.admin)
    cast.school_a.school_type = "kindergarten"
    cast.school_a.save(update_fields=["school_type"])
    submission_open(period=kindergarten_form(), school=cast.school_a, by=cast.reporter_a)
    TargetStatus.objects.create(target=AnnualTarget.objects.get(plan=plan, measure="puhui", year=2021),
                                indicator=coverage, actual=Decimal("84.2"), status="close", schools_expected=2,
                                schools_reported=2, margin=Decimal("-1.8"), computed_at=AS_OF)
    MeetingSnapshot.objects.create(plan=plan, year=2021, title="2021年度推进会", indicator_codes=["puhui"],
                                   payload={"rows": []}, data_as_of=AS_OF, frozen_by=cast.admin)
    item = ActionItem.objects.filter(departments=cast.education).exclude(status="done").first()
    action_item_record_progress(item=item, by=cast.staff_edu, status="in_progress", progress=60, note="已完成招标",
                                on_date=date(2021, 6, 1))
    return cast


# An id the caller may see, per collection: generated ids are nearly always 404s, so each detail
# operation is also called with a real one.
_MODELS = {"action-items": ActionItem, "datasets": DataSet, "departments": Department, "elements": DataElement,
           "indicator-values": IndicatorValue, "indicators": Indicator, "periods": ReportingPeriod, "plans": Plan,
           "programmes": Programme, "snapshots": MeetingSnapshot, "target-status": TargetStatus,
           "targets": AnnualTarget}


# GET operations a caller is refused (403) or given nothing by; every other one must answer 200 at least once
MAY_NOT_READ = {"admin": set(),
                "reporter_a": {"GET /api/reports/snapshots/", "GET /api/reports/snapshots/{id}/"}}  # bureau only


@pytest.fixture(params=["admin", "reporter_a"])
def caller(request, district):
    user = getattr(district, request.param)
    real_ids = {name: model.objects.order_by("pk").values_list("pk", flat=True).first()
                for name, model in _MODELS.items()}
    real_ids["schools"] = district.school_a.pk
    real_ids["submissions"] = district.school_a.submissions.get(period__dataset__code="kg").pk  # the open one
    return SimpleNamespace(headers={"Authorization": f"Token {token_for(user).key}"}, real_ids=real_ids,
                           may_not_read=MAY_NOT_READ[request.param])


@pytest.fixture
def in_process(monkeypatch):
    """Requests go through edugov.wsgi.application in this thread, inside the test's transaction.

    Django's test client keeps a request from closing the test's connection; a bare WSGI call does not, so
    the same signals are unhooked here. The throttle would otherwise refuse the run with 429s (declared,
    but they would hide everything else): rates far above it, and counters of this test's own, since the
    cache holding them (Redis in CI) outlives the test. The rates are read into the class on import, so a
    settings override would not reach them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute", "user": "100000/minute",
                                                               "token": "100000/minute"})
    monkeypatch.setattr(SimpleRateThrottle, "cache_format", f"throttle-{uuid.uuid4().hex}-%(scope)s-%(ident)s")
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_answers_as_its_schema_says(caller, in_process):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=caller.headers)
    failures, answered = [], defaultdict(set)
    for result in schema.get_all_operations():
        operation = result.ok()
        real_id = caller.real_ids.get(_resource(operation.path))
        for fixed in [{}] + ([{"id": real_id}] if real_id is not None else []):
            for mode in GenerationMode:
                if mode.is_positive or _can_be_invalid(operation, fixed):
                    failures += _exercise(operation, mode, caller.headers, fixed, answered[operation.label])
    assert not failures, "\n\n".join(failures)
    # not a pass by refusing everything: each read this caller may make was answered with data at least once
    unread = {label for label, statuses in answered.items() if label.startswith("GET ") and 200 not in statuses}
    assert unread == caller.may_not_read


def _can_be_invalid(operation, fixed_path) -> bool:
    return len(operation.path_parameters) > len(fixed_path) or len(operation.query) > 0 or len(operation.body) > 0


def _resource(path: str) -> str | None:
    """/api/<resource>/{id}/… → resource; /api/reports/snapshots/{id}/ → snapshots."""
    parts = path.strip("/").split("/")
    return parts[parts.index("{id}") - 1] if "{id}" in parts else None


def _exercise(operation, mode, headers, path_parameters, answered: set) -> list[str]:
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters or None))
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        answered.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    try:
        run()
    except (Exception, FailureGroup) as exc:  # every operation is tried; all failures are reported together
        return [f"{operation.label} ({mode.value}{', real id' if path_parameters else ''}): {exc}"]
    return []
