"""Calendar arithmetic the domain needs: months and quarters, on dates only; and reading a date from input."""

import calendar
import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object, *, field: str | None = None, message: str | None = None) -> date:
    """A calendar day from a service's input: a `date`, or text written YYYY-MM-DD (spaces around it
    are ignored).

    Anything else raises ValidationError with a message a person can act on: `message` (default "Give a
    date as YYYY-MM-DD.") for text that is not such a date, "Give a date, not a date and time." for a
    datetime. With `field`, the error is keyed by that field."""
    problem = message or _("Give a date as YYYY-MM-DD.")
    if isinstance(value, datetime):
        problem = _("Give a date, not a date and time.")
    elif isinstance(value, date):
        return value
    elif isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:  # a day that does not exist, such as 2026-02-30
            pass
    raise ValidationError({field: problem} if field else problem)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day where it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1-4) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> date:
    return add_months(quarter_start(year, quarter), 3) - timedelta(days=1)


def quarter_after(day: date, quarters: int) -> tuple[int, int]:
    """The calendar quarter `quarters` after the quarter of `day` (WIOA counts from the exit quarter)."""
    year, quarter = quarter_of(day)
    index = year * 4 + (quarter - 1) + quarters
    return index // 4, index % 4 + 1
