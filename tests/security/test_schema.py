"""The OpenAPI schema tells the truth: it validates without a warning, names the errors each operation can
answer, and describes the shapes the views really return (tests/security/test_schema_conformance.py checks
that against the running app)."""
import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from edugov.models import Role
from edugov.tokens import token_for
from tests.factories import user_with_role
from tests.reports_fixtures import build

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["paths"]


def test_every_signed_in_operation_declares_401_403_and_429(schema):
    for path, method, operation in operations(schema):
        if path == "/api/token/":
            continue  # takes a password, not a token
        assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


def test_detail_and_paginated_operations_declare_404(schema):
    for path, method, operation in operations(schema):
        queries = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "{" in path or "page" in queries:
            assert "404" in operation["responses"], (method, path)


def test_every_operation_declares_400(schema):
    # bodies and filters, services refusing a bodiless action, and a NUL anywhere (edugov.middleware)
    for path, method, operation in operations(schema):
        assert "400" in operation["responses"], (method, path)


def test_error_responses_have_a_detail_body(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, method, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code >= "400":
                assert "application/json" in response.get("content", {}), (method, path, code)


def test_action_item_history_is_one_unpaginated_list(schema):
    operation = schema["paths"]["/api/action-items/{id}/history/"]["get"]
    assert not [p for p in operation.get("parameters", []) if p["in"] == "query"]  # no page, no list filters
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["items"] == {"$ref": "#/components/schemas/Update"}


@pytest.mark.parametrize("path", ["/api/reports/overview/", "/api/reports/snapshots/",
                                  "/api/reports/snapshots/{id}/"])
def test_report_views_are_in_the_schema_with_a_body(schema, path):
    responses = schema["paths"][path]["get"]["responses"]
    assert "schema" in responses["200"]["content"]["application/json"]


def test_snapshot_list_is_not_paginated(schema):
    body = schema["paths"]["/api/reports/snapshots/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert body["schema"]["type"] == "array"


# --- found by the conformance run (test_schema_conformance.py): /api/ answers errors in the declared shape ---


@pytest.fixture
def token_headers(db):
    return {"HTTP_AUTHORIZATION": f"Token {token_for(user_with_role('admin', Role.BUREAU_ADMIN)).key}"}


@pytest.mark.parametrize("url", ["/api/plans/1.5/", "/api/action-items/x.y/history/", "/api/nothing-here/"])
def test_api_path_no_route_matches_is_a_json_404(client, token_headers, url):
    response = client.get(url, **token_headers)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_page_path_no_route_matches_is_still_the_404_page(client, db):
    response = client.get("/plans/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_nul_in_an_api_request_is_a_json_400_in_chinese(client, token_headers):
    response = client.get("/api/plans/?page=1%00", **token_headers)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "空字符" in response.json()["detail"] and "空字符" in response.content.decode()


def test_action_item_history_is_a_plain_list_whatever_the_list_filters_say(client, cast):
    build(cast)
    item = cast.education.items.get(year=2021)  # delayed: the list's ?status=done would exclude it
    response = client.get(f"/api/action-items/{item.pk}/history/?status=done&page=2",
                          HTTP_AUTHORIZATION=f"Token {token_for(cast.leader).key}")
    assert response.status_code == 200 and response.json() == []
