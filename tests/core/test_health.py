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
