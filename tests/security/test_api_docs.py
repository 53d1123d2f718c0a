"""/api/schema/ and /api/docs/ map every endpoint: signed-in users only."""
import pytest
from rest_framework.authtoken.models import Token

from edugov.models import Role
from tests.factories import user_with_role


def test_anonymous_gets_no_schema(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 401 and b"openapi" not in response.content


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script="])
def test_anonymous_is_sent_to_log_in_from_the_docs(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_signed_in_user_reads_schema_and_docs(client, db):
    client.force_login(user_with_role("leader", Role.LEADER))
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"?script" in docs.content  # the start-up script is a file, not inline
    assert client.get("/api/docs/?script=").status_code == 200


def test_token_reads_the_schema(client, db):
    token = Token.objects.create(user=user_with_role("leader", Role.LEADER))
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
