"""Each cell's text, as the Python path writes it: local ISO datetimes, empty for None, and the formula guard
(``safe_text``: a leading quote before = + - @, a tab or a carriage return); CSV lines with the csv module
(``csv_lines``). The COPY path's SQL (``copy_sql``) gives the same text."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Spreadsheets run cells that start with these characters as formulas; a leading quote stops that."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (dt.date, Decimal, int)):
        return str(value)
    return safe_text(str(value))


def xlsx_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # Excel has no time zones: local time, without the offset.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (dt.date, Decimal, int, float)):
        return value
    return safe_text(str(value))


class _Echo:
    """A file-like object that hands back what is written, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, one line at a time (a byte-order mark first, so spreadsheets read UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
