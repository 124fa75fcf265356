from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_health_is_200_with_a_working_database(client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_unreachable(client) -> None:
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_favicon_redirects_to_the_static_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/applications/", "/accounts/sign-in/"])
def test_a_host_not_served_gets_the_400_page_not_an_error(client, settings, path: str) -> None:
    """Django refuses an unknown Host before authentication runs: the 400 page must not need a user."""
    settings.ALLOWED_HOSTS = ["skillsfund.example.gov"]
    client.raise_request_exception = False
    response = client.get(path, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert b"<main" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "json_body"), [("/api/v1/applications/", True), ("/applications/", False)])
def test_a_server_error_says_a_write_may_have_been_saved(client, path: str, json_body: bool) -> None:
    """The API answers JSON; the pages answer the error page. Neither promises nothing was saved: a
    commit can reach the disk just as the connection dies."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email="someone@example.test", password="x" * 20)
    client.force_login(user)
    client.raise_request_exception = False
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("lost")):
        response = client.get(path)
    assert response.status_code == 500
    if json_body:
        assert response["Content-Type"] == "application/json"
        assert "may or may not have been saved" in response.json()["detail"]
    else:
        assert b"may or may not have been saved" in response.content
        assert b"Nothing you entered was saved" not in response.content
