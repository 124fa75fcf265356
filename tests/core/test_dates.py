from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from core.dates import parse_date


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
