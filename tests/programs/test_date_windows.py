"""A funding round's opening and closing and a provider's listing dates must fall in a plausible window
(programs.services ROUND_* and PROVIDER_LISTING_*): the day on each edge is accepted, the day beyond is
refused with a message naming the window, by the service, the API and the page, and nothing changes."""

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from core.dates import add_months
from programs import services
from programs.models import FundingRound, ProgramEvent, TrainingProvider
from tests.programs.factories import FundingRoundFactory, TrainingProviderFactory, managed_program

pytestmark = pytest.mark.django_db

FAR_OPEN, FAR_CLOSE = date(9999, 12, 30), date(9999, 12, 31)
LISTING_EARLIEST = date(2000, 1, 1)


def written(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def window(earliest: date, latest: date) -> str:
    return f"Give a date between {written(earliest)} and {written(latest)}."


def today() -> date:
    return timezone.localdate()


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def round_window() -> str:
    return window(add_months(today(), -120), add_months(today(), 120))


def listing_window() -> str:
    return window(LISTING_EARLIEST, add_months(today(), 240))


def rounds_state() -> list[tuple]:
    return [
        *FundingRound.objects.order_by("pk").values_list("pk", "name", "opens_at", "closes_at"),
        ("events", ProgramEvent.objects.count()),
    ]


def providers_state() -> list[tuple]:
    return list(
        TrainingProvider.objects.order_by("pk").values_list("pk", "name", "eligible_from", "eligible_until")
    )


def inline_error(field: str, message: str) -> str:
    return f'id="id_{field}_error"><p><span class="visually-hidden">Error:</span> {message}</p>'


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


# ---------------------------------------------------------------- funding rounds


def test_a_round_from_ten_years_back_to_ten_years_ahead_is_accepted() -> None:
    program, manager = managed_program()
    earliest, latest = add_months(today(), -120), add_months(today(), 120)
    old = services.round_save(
        actor=manager, program=program, name="First", opens_at=at(earliest, 0), closes_at=at(earliest, 23)
    )
    planned = services.round_save(
        actor=manager, program=program, name="Planned", opens_at=at(latest, 0), closes_at=at(latest, 23)
    )
    assert [timezone.localdate(old.opens_at), timezone.localdate(planned.closes_at)] == [earliest, latest]


@pytest.mark.parametrize(
    ("opens_days", "closes_days", "refused"),
    [
        (-1, 30, {"opens_at"}),  # opens the day before the window
        (None, 1, {"closes_at"}),  # closes the day after it
    ],
)
def test_a_round_a_day_beyond_the_window_is_refused_naming_it(
    opens_days: int | None, closes_days: int, refused: set[str]
) -> None:
    program, manager = managed_program()
    if opens_days is not None:
        opens = at(add_months(today(), -120) + timedelta(days=opens_days))
        closes = opens + timedelta(days=closes_days)
    else:
        opens = at(add_months(today(), 120), 0)
        closes = at(add_months(today(), 120) + timedelta(days=closes_days))
    before = rounds_state()
    with pytest.raises(ValidationError) as caught:
        services.round_save(actor=manager, program=program, name="Odd", opens_at=opens, closes_at=closes)
    assert caught.value.message_dict == {name: [round_window()] for name in refused}
    assert rounds_state() == before


def test_a_round_in_the_year_9999_is_refused_by_the_api_and_the_page(client) -> None:  # type: ignore[no-untyped-def]
    program, manager = managed_program()
    before = rounds_state()
    response = api_as(manager).post(
        f"/api/v1/programs/{program.code}/rounds/",
        {"name": "Far", "opens_at": at(FAR_OPEN).isoformat(), "closes_at": at(FAR_CLOSE).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"opens_at": [round_window()], "closes_at": [round_window()]}
    client.force_login(manager)
    response = client.post(
        reverse("programs:round_create", args=[program.code]),
        {"name": "Far", "opens_at": "9999-12-30T09:00", "closes_at": "9999-12-31T09:00", "budget_share": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert inline_error("opens_at", round_window()) in html
    assert inline_error("closes_at", round_window()) in html
    assert rounds_state() == before


def test_a_round_keeps_its_old_dates_when_renamed_but_a_changed_date_is_judged() -> None:
    program, manager = managed_program()
    opened = at(add_months(today(), -121))
    old = FundingRoundFactory(program=program, opens_at=opened, closes_at=opened + timedelta(days=60))
    renamed = services.round_save(
        actor=manager,
        program=program,
        name="Pilot round",
        opens_at=old.opens_at,
        closes_at=old.closes_at,
        funding_round=old,
    )
    assert renamed.name == "Pilot round"
    before = rounds_state()
    with pytest.raises(ValidationError) as caught:
        services.round_save(
            actor=manager,
            program=program,
            name="Pilot round",
            opens_at=old.opens_at - timedelta(days=1),
            closes_at=old.closes_at,
            funding_round=FundingRound.objects.get(pk=old.pk),
        )
    assert caught.value.message_dict == {"opens_at": [round_window()]}
    assert rounds_state() == before


# ---------------------------------------------------------------- providers


def test_a_listing_from_2000_to_twenty_years_ahead_is_accepted() -> None:
    _program, manager = managed_program()
    latest = add_months(today(), 240)
    provider = services.provider_save(
        actor=manager, name="Metro Welding School", eligible_from=LISTING_EARLIEST, eligible_until=latest
    )
    assert (provider.eligible_from, provider.eligible_until) == (LISTING_EARLIEST, latest)


@pytest.mark.parametrize(
    ("dates", "refused"),
    [
        ({"eligible_from": date(1999, 12, 31)}, {"eligible_from"}),
        ({"eligible_until": date(1999, 12, 31)}, {"eligible_until"}),
        ({"eligible_until": "beyond"}, {"eligible_until"}),
        ({"eligible_from": FAR_OPEN, "eligible_until": FAR_CLOSE}, {"eligible_from", "eligible_until"}),
    ],
)
def test_a_listing_date_beyond_the_window_is_refused_naming_it(dates: dict, refused: set[str]) -> None:
    _program, manager = managed_program()
    if dates.get("eligible_until") == "beyond":
        dates = {"eligible_until": add_months(today(), 240) + timedelta(days=1)}
    before = providers_state()
    with pytest.raises(ValidationError) as caught:
        services.provider_save(actor=manager, name="Metro Welding School", **dates)
    assert caught.value.message_dict == {name: [listing_window()] for name in refused}
    assert providers_state() == before


def test_a_listing_in_the_year_9999_is_refused_by_the_api_and_the_page(client) -> None:  # type: ignore[no-untyped-def]
    _program, manager = managed_program()
    provider = TrainingProviderFactory()
    before = providers_state()
    api = api_as(manager)
    body = {"name": "Far Future Academy", "eligible_from": str(FAR_OPEN), "eligible_until": str(FAR_CLOSE)}
    response = api.post("/api/v1/providers/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"eligible_from": [listing_window()], "eligible_until": [listing_window()]}
    response = api.patch(
        f"/api/v1/providers/{provider.pk}/", {"eligible_until": str(FAR_CLOSE)}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"eligible_until": [listing_window()]}
    client.force_login(manager)
    response = client.post(
        reverse("programs:provider_list"),
        {"name": "Far Future Academy", "registration_number": "", "website": "", **body},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert inline_error("eligible_from", listing_window()) in html
    assert inline_error("eligible_until", listing_window()) in html
    assert providers_state() == before
