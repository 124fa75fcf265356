"""Calendar arithmetic the domain needs: months and quarters, on dates only; reading a date from input;
and refusing one outside a plausible window."""

import calendar
import re
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Day = TypeVar("Day", bound=date)


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


def check_within(value: Day, *, field: str, earliest: date, latest: date) -> Day:
    """`value` itself when it falls on `earliest`, `latest` or a day between; otherwise ValidationError
    keyed by `field`: "Give a date between 1 January 2020 and 31 December 2036."

    A datetime is judged by its day (in the current time zone when it is aware). The callers choose the
    window (each app keeps its windows as constants, with the reason for them); this only words the
    refusal."""
    day: date = value
    if isinstance(value, datetime):
        try:
            day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        except OverflowError:  # near date.min or date.max: far outside any window either way
            day = value.date()
    if earliest <= day <= latest:
        return value
    # Translators: how a day is written inside a sentence, in Django's date format syntax
    # (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date); Spanish: j \d\e F \d\e Y
    written = _("j F Y")
    raise ValidationError(
        {
            field: _("Give a date between %(earliest)s and %(latest)s.")
            % {"earliest": date_format(earliest, written), "latest": date_format(latest, written)}
        }
    )


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
