"""Calendar arithmetic the domain needs: months and quarters, on dates only."""

import calendar
from datetime import date, timedelta


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
