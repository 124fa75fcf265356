"""The dashboard's filters for an export: ``parse_filters`` reads them from JSON or a query string's values
(ValidationError names the bad field), ``filters_to_json`` stores them on a job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from reporting.figures import ReportFilter, check_filter_dates

FILTER_KEYS = ("programs", "funding_round", "date_from", "date_to", "region", "sector", "credential")


def _whole_number(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({name: _("Enter a whole number.")})
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a whole number.")}) from None
    if number < 1 or number > 2**62:
        raise ValidationError({name: _("Enter a whole number.")})
    return number


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: _("Enter a date as YYYY-MM-DD.")})
    return parsed


def _text(value: Any, name: str, limit: int) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationError({name: _("Enter at most %(n)d characters.") % {"n": limit}})
    return value


def parse_filters(data: Mapping[str, Any]) -> ReportFilter:
    """A ReportFilter from JSON or a query string's values; ValidationError names the bad field."""
    unknown = sorted(set(data) - set(FILTER_KEYS))
    if unknown:
        raise ValidationError({unknown[0]: _("Unknown filter.")})
    programs_value = data.get("programs") or []
    if isinstance(programs_value, (str, int)):
        programs_value = [programs_value]
    if not isinstance(programs_value, list) or len(programs_value) > 100:
        raise ValidationError({"programs": _("Give a list of program ids.")})
    date_from = _date(data.get("date_from"), "date_from")
    date_to = _date(data.get("date_to"), "date_to")
    check_filter_dates(date_from=date_from, date_to=date_to)
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": _("The end date is before the start date.")})
    return ReportFilter(
        programs=tuple(sorted({_whole_number(value, "programs") for value in programs_value})),
        funding_round=_whole_number(data["funding_round"], "funding_round")
        if data.get("funding_round") not in (None, "")
        else None,
        date_from=date_from,
        date_to=date_to,
        region=_text(data.get("region"), "region", 60),
        sector=_text(data.get("sector"), "sector", 10),
        credential=_whole_number(data["credential"], "credential")
        if data.get("credential") not in (None, "")
        else None,
    )


def filters_to_json(filters: ReportFilter) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if filters.programs:
        data["programs"] = list(filters.programs)
    for name in ("funding_round", "credential"):
        if getattr(filters, name):
            data[name] = getattr(filters, name)
    for name in ("date_from", "date_to"):
        if getattr(filters, name):
            data[name] = getattr(filters, name).isoformat()
    for name in ("region", "sector"):
        if getattr(filters, name):
            data[name] = getattr(filters, name)
    return data
