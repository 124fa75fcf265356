from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.dates import check_within, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 2, 28), date(2026, 2, 28)),
        ("2026-02-28", date(2026, 2, 28)),
        ("  2024-02-29 \n", date(2024, 2, 29)),
    ],
)
def test_a_date_or_iso_text_is_read(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "31/12/2026", "20261231", "2026-W01-1", "2026-02-30", "2026-13-01", "2026-1-1", None, 20261231],
)
def test_anything_else_is_refused_with_the_format_to_use(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(value)
    assert caught.value.messages == ["Give a date as YYYY-MM-DD."]


def test_a_date_and_time_is_refused_for_what_it_is() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(datetime(2026, 1, 2, 9, 30, tzinfo=UTC))
    assert caught.value.messages == ["Give a date, not a date and time."]


def test_the_error_is_keyed_by_the_field_when_one_is_named() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("tomorrow", field="completed_on")
    assert caught.value.message_dict == {"completed_on": ["Give a date as YYYY-MM-DD."]}


def test_a_caller_can_word_the_format_error_itself() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("2026-02-30", message="Row 3: give paid_on as YYYY-MM-DD.")
    assert caught.value.messages == ["Row 3: give paid_on as YYYY-MM-DD."]


# ---------------------------------------------------------------- check_within

EARLIEST, LATEST = date(2020, 1, 1), date(2036, 12, 31)
WINDOW = "Give a date between 1 January 2020 and 31 December 2036."


@pytest.mark.parametrize("value", [EARLIEST, date(2026, 6, 15), LATEST])
def test_a_day_on_or_between_the_edges_is_given_back(value: date) -> None:
    assert check_within(value, field="start_date", earliest=EARLIEST, latest=LATEST) is value


@pytest.mark.parametrize("value", [date(2019, 12, 31), date(2037, 1, 1), date.min, date.max])
def test_a_day_beyond_is_refused_naming_the_window_and_the_field(value: date) -> None:
    with pytest.raises(ValidationError) as caught:
        check_within(value, field="start_date", earliest=EARLIEST, latest=LATEST)
    assert caught.value.message_dict == {"start_date": [WINDOW]}


def test_a_datetime_is_judged_by_its_day_in_the_current_time_zone(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "America/New_York"
    # 02:00 UTC on 1 January 2020 is still 31 December 2019 in New York.
    early = datetime(2020, 1, 1, 2, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        check_within(early, field="opens_at", earliest=EARLIEST, latest=LATEST)
    assert caught.value.message_dict == {"opens_at": [WINDOW]}
    late = datetime(2037, 1, 1, 3, 0, tzinfo=UTC)  # 22:00 on 31 December 2036 in New York
    assert check_within(late, field="closes_at", earliest=EARLIEST, latest=LATEST) is late


def test_a_datetime_at_the_end_of_time_is_refused_not_an_overflow() -> None:
    end = datetime.max.replace(tzinfo=timezone(timedelta(hours=-12)))
    with pytest.raises(ValidationError) as caught:
        check_within(end, field="closes_at", earliest=EARLIEST, latest=LATEST)
    assert caught.value.message_dict == {"closes_at": [WINDOW]}


def test_the_months_are_named_in_the_language_in_use() -> None:
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        check_within(date(2040, 1, 1), field="start_date", earliest=EARLIEST, latest=LATEST)
    assert "enero" in caught.value.message_dict["start_date"][0]
