"""The audit trail: every change of a figure or its explanation leaves a row, and no row is ever changed or
deleted (admin, API, database); approved submissions are read-only in the admin."""
import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.models import Submission, SubmissionStatus, SubmissionTransition, SubmissionValue, ValueChange
from indicators.services.submissions import (
    submission_open,
    submission_review,
    submission_save_values,
    submission_submit,
)
from tests.collection_fixtures import kindergarten_form
from tests.factories import UserFactory

AUDIT_MODELS = (ValueChange, SubmissionTransition)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def draft(cast):
    period = kindergarten_form()
    return submission_open(period=period, school=cast.school_a, by=cast.reporter_a)


def save(submission, user, values, explanations=None):
    submission.refresh_from_db()
    return submission_save_values(submission=submission, by=user, values=values, explanations=explanations or {},
                                  expected_version=submission.version)


@pytest.fixture
def approved(cast, draft):
    save(draft, cast.reporter_a, {"kids": "100", "puhui": "80"}, {"kids": "首次填报"})
    submission_submit(submission=draft, by=cast.reporter_a)
    return submission_review(submission=Submission.objects.get(pk=draft.pk), by=cast.reviewer, approve=True)


# --- what is recorded -------------------------------------------------------------------------------


def test_changing_only_an_explanation_writes_an_audit_row(cast, draft):
    # given a saved figure with an explanation
    save(draft, cast.reporter_a, {"kids": "100"}, {"kids": "新园区开园"})
    before = ValueChange.objects.count()
    # when only the explanation changes
    save(draft, cast.reporter_a, {"kids": "100"}, {"kids": "新园区九月开园,增加两个班"})
    # then one row records it, old and new side by side
    assert ValueChange.objects.count() == before + 1
    change = ValueChange.objects.order_by("-id").first()
    assert (change.old_value, change.new_value) == (100, 100)
    assert (change.old_explanation, change.new_explanation) == ("新园区开园", "新园区九月开园,增加两个班")
    assert change.by == cast.reporter_a and change.source == "form"


def test_every_change_of_a_value_or_explanation_is_audited_and_nothing_else(cast, draft):
    save(draft, cast.reporter_a, {"kids": "100", "puhui": "80"})  # two new figures
    save(draft, cast.reporter_a, {"kids": "120", "puhui": "80"}, {"kids": "扩班"})  # one figure and its note
    save(draft, cast.reporter_a, {"kids": "120", "puhui": "80"}, {"kids": "扩班"})  # nothing changes
    save(draft, cast.reporter_a, {"kids": "120", "puhui": "80"})  # the note removed
    rows = list(ValueChange.objects.order_by("id").values_list(
        "element__code", "old_value", "new_value", "old_explanation", "new_explanation"))
    assert rows == [("kids", None, 100, "", ""), ("puhui", None, 80, "", ""), ("kids", 100, 120, "", "扩班"),
                    ("kids", 120, 120, "扩班", "")]
    stored = SubmissionValue.objects.get(submission=draft, element__code="kids")
    assert (stored.value, stored.explanation) == (120, "")


# --- admin: append-only rows, read-only approved submissions ----------------------------------------


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_admin_offers_no_add_change_or_delete_of_audit_rows_even_to_a_superuser(superuser, model):
    request = _request(superuser)
    model_admins = [admin.site._registry[model]] if model in admin.site._registry else []
    inlines = [inline(Submission, admin.site) for inline in admin.site._registry[Submission].inlines
               if inline.model is model]
    assert model_admins or inlines, f"{model.__name__} is not shown in the admin at all"
    for shown in model_admins + inlines:
        assert not shown.has_add_permission(request, None)
        assert not shown.has_change_permission(request, None)
        assert not shown.has_delete_permission(request, None)


def test_audit_row_cannot_be_added_changed_or_deleted_through_admin_pages(client, superuser, approved):
    client.force_login(superuser)
    change = ValueChange.objects.first()
    frozen = list(ValueChange.objects.values())
    assert client.get(reverse("admin:indicators_valuechange_add")).status_code == 403
    response = client.post(reverse("admin:indicators_valuechange_change", args=[change.pk]),
                           {"new_value": "999", "new_explanation": "改过"})
    assert response.status_code == 403
    assert client.post(reverse("admin:indicators_valuechange_delete", args=[change.pk]), {"post": "yes"}
                       ).status_code == 403
    response = client.post(reverse("admin:indicators_valuechange_changelist"),
                           {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"})
    assert response.status_code in {200, 302}  # the action is not offered: nothing happens
    assert list(ValueChange.objects.values()) == frozen


def test_approved_submission_is_read_only_and_undeletable_in_the_admin(client, cast, superuser, approved):
    submission_admin = admin.site._registry[Submission]
    request = _request(superuser)
    readonly = set(submission_admin.get_readonly_fields(request, approved))
    assert {"school", "period", "status", "version", "approved_at"} <= readonly
    assert not submission_admin.has_delete_permission(request, approved)
    # when a superuser posts a different school and period anyway
    client.force_login(superuser)
    inline_forms = {f"{prefix}-{key}": 0 for prefix in ("values", "transitions")
                    for key in ("TOTAL_FORMS", "INITIAL_FORMS")}
    client.post(reverse("admin:indicators_submission_change", args=[approved.pk]),
                {"school": cast.school_b.pk, "period": approved.period.pk, **inline_forms})
    assert client.post(reverse("admin:indicators_submission_delete", args=[approved.pk]), {"post": "yes"}
                       ).status_code == 403
    # then nothing moved
    approved.refresh_from_db()
    assert approved.school == cast.school_a and approved.status == SubmissionStatus.APPROVED
    assert SubmissionValue.objects.filter(submission=approved).count() == 2


# --- API: no write to the audit trail ----------------------------------------------------------------


def _api_views(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/"):
            yield prefix + str(entry.pattern), entry.callback


def _model_of(callback):
    view = getattr(callback, "cls", None)
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    queryset = getattr(view, "queryset", None)
    return getattr(meta, "model", None) or getattr(queryset, "model", None)


def test_api_has_no_write_route_for_audit_rows():
    routes = list(_api_views(get_resolver().url_patterns))
    assert routes, "no API routes found"
    for route, callback in routes:
        if _model_of(callback) in AUDIT_MODELS:
            methods = set(getattr(callback, "actions", {}) or {}) or {
                m for m in ("post", "put", "patch", "delete") if hasattr(callback.cls, m)}
            assert methods <= {"get", "head", "options"}, (route, methods)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_refuses_to_rewrite_or_delete_a_submission(cast, approved, method):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.admin).key}")
    frozen = (list(ValueChange.objects.values()), list(SubmissionTransition.objects.values()))
    response = getattr(api, method)(f"/api/submissions/{approved.pk}/", {"school": cast.school_b.pk}, format="json")
    assert response.status_code == 405
    assert (list(ValueChange.objects.values()), list(SubmissionTransition.objects.values())) == frozen


# --- the database -------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_database_refuses_to_update_an_audit_row(approved, model):
    # below the admin and the API: a queryset update, as a careless shell session or script would do
    row = model.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(at=row.at.replace(year=2000))
    assert model.objects.get(pk=row.pk).at == row.at


@pytest.mark.skipif(connection.vendor != "postgresql", reason="on SQLite only UPDATE is refused (see migration)")
@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_postgresql_refuses_to_delete_an_audit_row(approved, model):
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all().delete()
