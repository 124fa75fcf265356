"""A pledge's dates must fall in a plausible window (employers.services PLEDGE_*): the day on each edge is
accepted, the day beyond is refused with a message naming the window, by the service, the API and the page,
and a refusal changes nothing. A hire's date keeps its own bounds (the pledge's start, today)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from core.dates import add_months
from employers import services
from employers.models import Employer, Hire, Pledge, PledgeEvent
from tests.accounts.factories import user_with_role
from tests.employers.factories import EmployerFactory, JobRoleFactory, PledgeFactory, representative_of

pytestmark = pytest.mark.django_db

PLEDGES = "/api/v1/pledges/"
# The exact case of the issue: a pledge of a day, eight thousand years from now.
ISSUE_START, ISSUE_TARGET = date(9999, 12, 30), date(9999, 12, 31)


def written(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def window(earliest: date, latest: date) -> str:
    return f"Give a date between {written(earliest)} and {written(latest)}."


def today() -> date:
    return timezone.localdate()


def start_window() -> str:
    return window(add_months(today(), -12), add_months(today(), 24))


def target_window() -> str:
    return window(today() + timedelta(days=1), add_months(today(), 120))


def fields(**overrides: Any) -> dict[str, Any]:
    values = {
        "framework_name": "Skills-First Pledge",
        "start_date": today(),
        "target_date": today() + timedelta(days=365),
        "roles_converted_target": 2,
        "non_degree_hires_target": 5,
    }
    values.update(overrides)
    return values


def state() -> list[tuple]:
    return [
        *Pledge.objects.order_by("pk").values_list("pk", "start_date", "target_date", "updated_at"),
        ("events", PledgeEvent.objects.count()),
    ]


def create(**overrides: Any) -> Pledge:
    employer = EmployerFactory()
    return services.pledge_create(actor=representative_of(employer), employer=employer, **fields(**overrides))


def refusal(**overrides: Any) -> dict[str, list[str]]:
    employer = EmployerFactory()
    rep = representative_of(employer)
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.pledge_create(actor=rep, employer=employer, **fields(**overrides))
    assert state() == before
    return caught.value.message_dict


# ---------------------------------------------------------------- the service


def test_a_start_a_year_back_or_two_years_ahead_is_accepted() -> None:
    earliest, latest = add_months(today(), -12), add_months(today(), 24)
    assert create(start_date=earliest).start_date == earliest
    assert create(start_date=latest, target_date=latest + timedelta(days=1)).start_date == latest


def test_a_start_a_day_beyond_the_window_is_refused_naming_it() -> None:
    too_early = add_months(today(), -12) - timedelta(days=1)
    assert refusal(start_date=too_early) == {"start_date": [start_window()]}
    too_late = add_months(today(), 24) + timedelta(days=1)
    assert refusal(start_date=too_late, target_date=too_late + timedelta(days=30)) == {
        "start_date": [start_window()]
    }


def test_a_target_from_tomorrow_to_ten_years_ahead_is_accepted() -> None:
    earliest, latest = today() + timedelta(days=1), add_months(today(), 120)
    assert create(start_date=today() - timedelta(days=10), target_date=earliest).target_date == earliest
    assert create(target_date=latest).target_date == latest


def test_a_target_that_has_passed_or_is_over_ten_years_ahead_is_refused_naming_the_window() -> None:
    assert refusal(start_date=today() - timedelta(days=10), target_date=today()) == {
        "target_date": [target_window()]
    }
    beyond = add_months(today(), 120) + timedelta(days=1)
    assert refusal(target_date=beyond) == {"target_date": [target_window()]}


def test_a_target_not_after_the_start_is_told_so_rather_than_its_window() -> None:
    assert refusal(start_date=today(), target_date=today()) == {
        "target_date": ["The target date must be after the start date."]
    }


def test_the_pledge_from_the_issue_is_refused_on_both_dates() -> None:
    assert refusal(start_date=ISSUE_START, target_date=ISSUE_TARGET) == {
        "start_date": [start_window()],
        "target_date": [target_window()],
    }


def test_an_update_judges_the_dates_it_changes_not_those_it_keeps() -> None:
    # Drafted when its start was recent; two years on, it is still editable without moving the start.
    pledge = PledgeFactory(start_date=add_months(today(), -24), target_date=today() + timedelta(days=90))
    rep = representative_of(pledge.employer)
    services.pledge_update(actor=rep, pledge=pledge, wage_floor="41000.00")
    pledge.refresh_from_db()
    assert str(pledge.wage_floor) == "41000.00"
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.pledge_update(actor=rep, pledge=pledge, start_date=add_months(today(), -24) + timedelta(1))
    assert caught.value.message_dict == {"start_date": [start_window()]}
    with pytest.raises(ValidationError) as caught:
        services.pledge_update(actor=rep, pledge=pledge, target_date=ISSUE_TARGET)
    assert caught.value.message_dict == {"target_date": [target_window()]}
    assert state() == before


# ---------------------------------------------------------------- the API and the page


def test_the_api_refuses_the_pledge_from_the_issue_with_a_400_naming_the_window() -> None:
    employer = EmployerFactory()
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=representative_of(employer).pk))
    before = state()
    body = {**fields(start_date=str(ISSUE_START), target_date=str(ISSUE_TARGET)), "employer": employer.pk}
    response = client.post(PLEDGES, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"start_date": [start_window()], "target_date": [target_window()]}
    assert state() == before
    # The day on the edge goes through.
    body = {**fields(start_date=str(add_months(today(), -12))), "employer": employer.pk}
    assert client.post(PLEDGES, body, format="json").status_code == 201


def test_the_api_refuses_a_changed_date_beyond_the_window() -> None:
    pledge = PledgeFactory()
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=representative_of(pledge.employer).pk))
    before = state()
    response = client.patch(f"{PLEDGES}{pledge.pk}/", {"target_date": str(ISSUE_TARGET)}, format="json")
    assert response.status_code == 400
    assert response.json() == {"target_date": [target_window()]}
    assert state() == before


def inline_error(field: str, message: str) -> str:
    return f'id="id_{field}_error"><p><span class="visually-hidden">Error:</span> {message}</p>'


def test_the_page_shows_the_window_beside_each_date_of_the_pledge_from_the_issue(client) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    client.force_login(representative_of(employer))
    before = state()
    data = {
        "framework_name": "Skills-First Pledge",
        "start_date": ISSUE_START.isoformat(),
        "target_date": ISSUE_TARGET.isoformat(),
        "roles_converted_target": "2",
        "credential_holder_hires_target": "0",
        "non_degree_hires_target": "5",
        "priority_group_hires_target": "0",
        "wage_floor": "",
    }
    response = client.post(reverse("employers:pledge_create", args=[employer.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert inline_error("start_date", start_window()) in html
    assert inline_error("target_date", target_window()) in html
    assert state() == before


# ---------------------------------------------------------------- hires keep their own bounds


def test_a_hire_is_dated_from_the_pledges_start_to_today() -> None:
    pledge = PledgeFactory(status=Pledge.Status.ACTIVE, employer__status=Employer.Status.VERIFIED)
    role = JobRoleFactory(employer=pledge.employer, pledge=pledge)
    rep = representative_of(pledge.employer)

    def record(day: date) -> Hire:
        return services.hire_record(
            actor=rep,
            job_role=role,
            worker=user_with_role(Role.WORKER),
            hired_on=day,
            has_four_year_degree=False,
        )

    for day, message in (
        (
            pledge.start_date - timedelta(days=1),
            "The hire date is before the pledge started; it does not count.",
        ),
        (today() + timedelta(days=1), "The hire date cannot be in the future."),
    ):
        with pytest.raises(ValidationError) as caught:
            record(day)
        assert caught.value.message_dict == {"hired_on": [message]}
    assert not Hire.objects.exists()
    assert [record(pledge.start_date).hired_on, record(today()).hired_on] == [pledge.start_date, today()]
