"""Pagination for lists that grow to millions of rows: page numbers over a bounded count, and keyset pages.

- `Pagination` (the default) numbers pages strictly: `page` and `page_size` are whole numbers in range,
  anything else a 400.
- `BoundedPagination` numbers pages over the first COUNT_LIMIT rows (2,000) and counts no further:
  `SELECT COUNT(*) FROM (SELECT id ... LIMIT 2001)` costs the same at any table size, where an exact count
  of a million rows costs ~100 ms, and an OFFSET costs more with every page. The answer says whether
  `count` is the total (`count_exact`); a page past the limit is a 404 that names the cursor.
- `KeysetPagination` (`?cursor=`) reads the rows after the last one shown, in the list's own order: the
  same cost at any depth, and no count at all.

Both read a page in one statement of two steps (`page_rows`): the ids of the page from the list's filters
and order alone, then those rows with their joins and annotations.
"""

import base64
import binascii
import json
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Field, Func, Lookup, Q, QuerySet, Value
from django.db.models.expressions import OrderBy
from django.db.models.lookups import GreaterThan, LessThan
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


class Pagination(PageNumberPagination):
    """Page numbers, strictly: `page` is a whole number from 1 and `page_size` one from 1 to 100, and
    anything else is a 400 naming the parameter (DRF's own reads a bad `page_size` as the default and
    `page=last` as the last page, which the schema cannot promise). A page past the end is a 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_size(self, request: Any) -> int:
        return whole_number_parameter(
            request, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        return whole_number_parameter(request, self.page_query_param, default=1)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": PAGE_NUMBER_MAX}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
        return parameters


# Far beyond any list's last page (a bigger number is refused with a 400 rather than counted).
PAGE_NUMBER_MAX = 1_000_000


def whole_number_parameter(request: Any, name: str, *, default: int, maximum: int = PAGE_NUMBER_MAX) -> int:
    """A query parameter holding a whole number from 1 to `maximum`; `default` when it is left out."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise DrfValidationError(
            {name: [_("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}]}
        )
    return int(raw)


COUNT_LIMIT = 2_000


class RowValue(Func):
    """`(a, b, c)`: a row value, which PostgreSQL and SQLite compare column by column (`(a, b) > (1, 2)`
    is `a > 1 OR (a = 1 AND b > 2)`), and which PostgreSQL turns into one range of a matching index."""

    function = ""
    output_field = Field()


def page_rows(
    queryset: QuerySet[Any], start: int, stop: int, *, bounds: Q | Lookup | None = None
) -> QuerySet[Any]:
    """Rows `start` to `stop` of `queryset` in its order (after `bounds`, a keyset condition, if given), as
    `... WHERE id IN (SELECT id ... ORDER BY ... LIMIT n OFFSET m) ORDER BY ...`. The inner query reads one
    table in index order and stops at the page, so an OFFSET skips index entries, not joined rows; the
    outer one joins 25 rows by primary key. The keyset condition stays inside: PostgreSQL estimates a row
    comparison from its first column alone (often "1 row"), and outside it could pick a plan that reads
    everything after the cursor."""
    inner = queryset if bounds is None else queryset.filter(bounds)
    return queryset.filter(pk__in=inner.values("pk")[start:stop])


class BoundedCountPaginator(Paginator):
    """A Django paginator that counts at most `count_limit` rows; `count_exact` says whether it stopped."""

    count_limit = COUNT_LIMIT

    @cached_property
    def _found(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Ordering is irrelevant to a count; the LIMIT stops the scan after count_limit + 1 rows.
            return rows.order_by()[: self.count_limit + 1].count()
        return len(rows)

    def page(self, number: Any) -> Any:
        """Django's page, with the rows read through `page_rows`."""
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(page_rows(self.object_list, bottom, top), number, self)

    @cached_property
    def count(self) -> int:
        return min(self._found, self.count_limit)

    @property
    def count_exact(self) -> bool:
        return self._found <= self.count_limit


class BoundedPagination(Pagination):
    """Page numbers over the first COUNT_LIMIT rows, with `count_exact`; deeper rows are for `cursor`."""

    django_paginator_class: type[BoundedCountPaginator] = BoundedCountPaginator

    @property
    def invalid_page_message(self) -> str:  # type: ignore[override]
        # DRF fills in {message} (Django's reason) and {page_number}.
        return _(
            "Invalid page: {message}. Page numbers reach the first %(limit)s rows; beyond, use `cursor`."
        ) % {"limit": f"{self.django_paginator_class.count_limit:,}"}

    def get_paginated_response(self, data: Any) -> Response:
        paginator = cast(BoundedCountPaginator, cast(Any, self.page).paginator)
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"The number of rows, counted up to {COUNT_LIMIT:,}: when there are more, `count` is "
            f"{COUNT_LIMIT:,} and `count_exact` is false."
        )
        answer["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"True when `count` is the total; false when more than {COUNT_LIMIT:,} rows match "
            "(page numbers stop there: page further with `cursor`).",
        }
        return answer


class KeysetPagination(BasePagination):
    """`?cursor=` pages through a list in its own order at constant cost, however deep: the next page is
    the rows after the last one shown (a keyset on the order's fields, ending with the id), never an
    OFFSET, and no total is counted. The answer is {"next": url or null, "results": [...]}; an empty
    `cursor` is the first page, `next` carries the opaque cursor of the following one. Orders on nullable
    expressions (the `score` sort) are refused; page numbers (`?page=`) still serve them."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        size = Pagination().get_page_size(request) or Pagination.page_size
        keys = self._keys(queryset)
        cursor = request.query_params.get("cursor", "")
        bounds = self._after(queryset, keys, self._decode(queryset, cursor, keys)) if cursor else None
        rows = list(page_rows(queryset, 0, size + 1, bounds=bounds))
        self.next_values = None
        if len(rows) > size:
            rows = rows[:size]
            self.next_values = [getattr(rows[-1], name) for name, _descending in keys]
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        next_url = None
        if self.next_values is not None:
            raw = json.dumps([str(value) if value is not None else None for value in self.next_values])
            token = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
            next_url = self.request.build_absolute_uri(
                self.request.get_full_path().split("?")[0] + "?" + self._query(token)
            )
        return Response({"next": next_url, "results": data})

    def _query(self, token: str) -> str:
        params = self.request.query_params.copy()
        params["cursor"] = token
        return str(params.urlencode())

    @staticmethod
    def _keys(queryset: QuerySet[Any]) -> list[tuple[str, bool]]:
        keys = []
        for item in queryset.query.order_by or queryset.model._meta.ordering:
            if isinstance(item, OrderBy) and not item.nulls_last and not item.nulls_first:
                item = f"{'-' if item.descending else ''}{getattr(item.expression, 'name', '?')}"
            if not isinstance(item, str) or "__" in item.lstrip("-") or item.lstrip("-") == "?":
                raise DrfValidationError(
                    {"cursor": [_("This order cannot be paged with a cursor; use page.")]}
                )
            name = "id" if item.lstrip("-") == "pk" else item.lstrip("-")
            keys.append((name, item.startswith("-")))
        if not keys or keys[-1][0] != "id":
            keys.append(("id", bool(keys) and keys[0][1]))
        return keys

    @staticmethod
    def _decode(queryset: QuerySet[Any], cursor: str, keys: list[tuple[str, bool]]) -> list[Any]:
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(values, list) or len(values) != len(keys):
                raise ValueError(cursor)
            fields = [cast(Any, queryset.model._meta.get_field(name)) for name, _descending in keys]
            return [
                None if value is None else field.to_python(value)
                for field, value in zip(fields, values, strict=True)
            ]
        except (ValueError, TypeError, binascii.Error, DjangoValidationError) as error:
            raise DrfValidationError({"cursor": [_("This cursor is not valid; start again.")]}) from error

    @staticmethod
    def _after(queryset: QuerySet[Any], keys: list[tuple[str, bool]], values: list[Any]) -> Q | Lookup:
        """Rows after the cursor: a row comparison when every key runs the same way (an index range scan
        on PostgreSQL), otherwise the equivalent OR of comparisons. Nulls sort as the database sorts them."""
        model = queryset.model
        if None not in values and len({descending for _name, descending in keys}) == 1:
            fields = [model._meta.get_field(name) for name, _descending in keys]
            columns = RowValue(*[F(name) for name, _descending in keys])
            bounds = RowValue(
                *[Value(value, output_field=field) for field, value in zip(fields, values, strict=True)]
            )
            return LessThan(columns, bounds) if keys[0][1] else GreaterThan(columns, bounds)
        nulls_largest = connection.features.nulls_order_largest
        after, equal = Q(pk__in=[]), Q()
        for (name, descending), value in zip(keys, values, strict=True):
            larger = not descending  # the next rows hold larger values when ascending
            if value is None:
                step = Q(**{f"{name}__isnull": False}) if larger != nulls_largest else Q(pk__in=[])
                same = Q(**{f"{name}__isnull": True})
            else:
                step = Q(**{f"{name}__{'gt' if larger else 'lt'}": value})
                if larger == nulls_largest:
                    step |= Q(**{f"{name}__isnull": True})
                same = Q(**{name: value})
            after |= equal & step
            equal &= same
        return after


def paginate(request: HttpRequest, rows: Any, per_page: int, *, bounded: bool = False) -> Page:
    """The page of `rows` that `?page=` asks for (the first or last for a bad number), evaluated, for an
    HTML list. `bounded` lists, which may hold millions of rows (the review queue), count at most
    COUNT_LIMIT rows: `page.paginator.count_exact` is then False and the page says "more than"."""
    paginator = (BoundedCountPaginator if bounded else Paginator)(rows, per_page)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page
