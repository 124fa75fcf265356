"""Strict list filters for the API: a value is what the schema says or a 400 naming the parameter.

django-filter reads leniently, as a web form would: "null" or "yes" as "no filter" for a boolean, 0.5 or
" 7" for a number. An API client sending those has a bug, and the schema (core.schema) promises the
strict shapes, so these refuse everything else."""

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request

from core.schema import ID_MAX

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false`; anything else (a number, "yes", "null") is refused rather than read as "no
    filter". Left out (or empty, from a page's "Any" choice) is no filter; the API refuses an empty value
    (StrictFilterBackend)."""

    widget = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: no filter
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError(_("Use true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class WholeNumberField(forms.IntegerField):
    """Digits, with a minus sign if the bounds allow one: not "1.0", " 1" or "1e3", which Django's own
    IntegerField would read as numbers."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _WHOLE_NUMBER.fullmatch(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


def id_filter(field_name: str, label: Any = None, *, maximum: int = ID_MAX) -> WholeNumberFilter:
    """A filter on an id: a whole number from 1."""
    return WholeNumberFilter(field_name=field_name, label=label, min_value=1, max_value=maximum)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter reads `?status=` as "any status", as a web form's empty select means. An API client
    that sends an empty choice, date, number or id has a bug, and the schema says so: refuse it."""

    typed_filters = (
        django_filters.ChoiceFilter,
        django_filters.DateFilter,
        django_filters.NumberFilter,
        django_filters.ModelChoiceFilter,
        django_filters.BooleanFilter,
    )

    def get_filterset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            self.refuse_empty_typed_values(filterset.filters, request.query_params)
        return filterset

    @classmethod
    def refuse_empty_typed_values(cls, filters: dict[str, Any], params: Any) -> None:
        """The refusal alone, for a view that builds its filter set itself: from a FilterSet class's
        `base_filters` it needs no filter set (building one copies every filter)."""
        empty = [
            name
            for name, declared in filters.items()
            if isinstance(declared, cls.typed_filters) and params.get(name, None) == ""
        ]
        if empty:
            raise DrfValidationError(
                {name: [_("Give a value, or leave the parameter out.")] for name in empty},
                code="empty_parameter",
            )
