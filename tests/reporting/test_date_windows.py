"""Report filters' days fall in a loose window (reporting.figures FILTER_*): from 1 January 2000 to ten
years ahead. The edges are accepted; a day beyond is an inline error on the dashboard, a 400 naming the
field from the reports and exports APIs and the CSV stream, and starts no export. Before the window, a
date_to of 9999-12-31 was a 500 (the next day does not exist)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from core.dates import add_months
from reporting.models import ExportJob
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
REPORTS = ["/api/v1/reports/summary/", "/api/v1/reports/equity/", "/api/v1/reports/outcomes/"]


def written(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def latest() -> date:
    return add_months(timezone.localdate(), 120)


def message() -> str:
    return f"Give a date between 1 January 2000 and {written(latest())}."


def api_as(role: Role) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_with_role(role))
    return client


@pytest.mark.parametrize("path", REPORTS)
def test_the_reports_api_takes_the_edges_and_refuses_the_days_beyond(path: str) -> None:
    funded_setup()
    api = api_as(Role.OFFICIAL)
    edges = {"date_from": "2000-01-01", "date_to": latest().isoformat()}
    assert api.get(path, edges).status_code == 200
    response = api.get(path, {"date_from": "1999-12-31", "date_to": "9999-12-31"})
    assert response.status_code == 400
    assert response.json() == {"date_from": [message()], "date_to": [message()]}
    response = api.get(path, {"date_to": (latest() + timedelta(days=1)).isoformat()})
    assert response.json() == {"date_to": [message()]}


def test_the_dashboard_shows_the_window_beside_the_filter(client) -> None:  # type: ignore[no-untyped-def]
    funded_setup()
    client.force_login(user_with_role(Role.OFFICIAL))
    assert (
        client.get(DASHBOARD, {"date_from": "2000-01-01", "date_to": latest().isoformat()}).status_code == 200
    )
    response = client.get(DASHBOARD, {"date_to": "9999-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_date_to_error"><p><span class="visually-hidden">Error:</span> {message()}</p>' in html
    assert "Correct the filters above" in html


def test_exports_refuse_a_day_beyond_the_window_and_start_nothing(client) -> None:  # type: ignore[no-untyped-def]
    program, manager, _credential = funded_setup()
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post(
        "/api/v1/exports/",
        {"kind": "applications", "format": "csv", "filters": {"date_from": "1999-12-31"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"date_from": [message()]}
    client.force_login(manager)
    response = client.post(
        reverse("reports:export_list"),
        {"kind": "applications", "format": "csv", "program": program.pk, "date_to": "9999-12-31"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_date_to_error"><p><span class="visually-hidden">Error:</span> {message()}</p>' in html
    assert not ExportJob.objects.exists()
    client.force_login(user_with_role(Role.FINANCE_OFFICER))
    stream = reverse("reports:export_stream", args=["applications"])
    response = client.get(stream, {"date_to": "9999-12-31"})
    assert (response.status_code, response.content.decode()) == (400, message())
    assert client.get(stream, {"date_from": "2000-01-01", "date_to": latest().isoformat()}).status_code == 200
