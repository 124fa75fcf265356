"""The COPY fast path's SQL, on PostgreSQL: ``copy_statement`` wraps the export's values_list query in a
SELECT that formats each cell exactly as ``csv_cell`` does (or gives None, for the Python path), and
``crlf_rows`` turns COPY's LF row ends into the csv module's CRLF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from reporting.exports.cells import FORMULA_STARTS

_INTEGER_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)

_TEXT_TYPES = frozenset({"CharField", "TextField", "SlugField"})
_FORMULA_CODES = ", ".join(str(ord(character)) for character in FORMULA_STARTS)
_ISO_SECONDS = """'YYYY-MM-DD"T"HH24:MI:SS'"""
_ISO_MICROSECONDS = """'YYYY-MM-DD"T"HH24:MI:SS.US'"""


@dataclass
class _SqlCell:
    """A cell's SQL over the row ``export_rows``, its parameters, and any per-row values it needs worked
    out once below it (``fenced``: SQL over the query's row ``r``, and their parameters)."""

    sql: str
    params: list[Any]
    fenced: list[str]
    fenced_params: list[Any]


def _offset_text(offset: dt.timedelta) -> str:
    """A UTC offset as datetime.isoformat() writes it (+05:30, -04:56:02)."""
    return dt.datetime(2000, 1, 1, tzinfo=dt.timezone(offset)).isoformat()[19:]


def _usual_offsets(zone: dt.tzinfo) -> list[dt.timedelta]:
    """The offsets the zone has had around now (winter and summer), for a cheap lookup in SQL."""
    year = timezone.now().year
    moments = [dt.datetime(y, m, 1, 12, tzinfo=dt.UTC) for y in range(year - 3, year + 2) for m in (1, 7)]
    return sorted(
        {offset for moment in moments if (offset := moment.astimezone(zone).utcoffset()) is not None}
    )


def _sql_cell(field: Any, index: int, zone: dt.tzinfo | None) -> _SqlCell | None:
    """SQL giving the text ``csv_cell`` gives for the query's column ``index`` (NULL for an empty cell),
    or None if the type is not one the SQL formats exactly."""
    column = f"export_rows.c{index}"
    kind = field.get_internal_type()
    if hasattr(field, "from_db_value"):  # Python changes the value after reading it
        return None
    if kind in _TEXT_TYPES:
        # The formula guard, on the first character's code point. COPY writes an empty string as ""
        # where the csv module writes nothing: NULL for both.
        return _SqlCell(
            f"CASE WHEN ascii({column}) IN ({_FORMULA_CODES}) THEN '''' || {column}"
            f" ELSE NULLIF({column}, '') END",
            [],
            [],
            [],
        )
    if kind in _INTEGER_TYPES:
        return _SqlCell(f"{column}::text", [], [], [])
    if kind == "DecimalField" and field.decimal_places <= 6:
        # numeric's text is str(Decimal), unless Decimal would switch to an exponent (below 1E-6).
        return _SqlCell(f"{column}::text", [], [], [])
    if kind == "BooleanField":
        return _SqlCell(f"CASE WHEN {column} THEN 'True' WHEN NOT {column} THEN 'False' END", [], [], [])
    if kind == "DateField":
        return _SqlCell(f"to_char({column}, 'YYYY-MM-DD')", [], [], [])
    if kind == "DateTimeField" and isinstance(zone, ZoneInfo):
        # datetime.isoformat() in the local zone: 2026-03-04T10:11:12[.123456]+HH:MM[:SS]. The local and
        # UTC wall times are worked out once per row (below an OFFSET 0 fence, which the planner keeps);
        # the offset is their difference, looked up for the zone's usual offsets, else spelled out.
        local, utc = f"export_rows.l{index}", f"export_rows.u{index}"
        usual = _usual_offsets(zone)
        lookup = " ".join("WHEN %s THEN %s" for _offset in usual)
        sql = (
            f"CASE WHEN date_trunc('second', {local}) = {local} THEN to_char({local}, {_ISO_SECONDS})"
            f" ELSE to_char({local}, {_ISO_MICROSECONDS}) END"
            f" || CASE {local} - {utc} {lookup} ELSE"
            f" CASE WHEN {local} < {utc} THEN '-' ELSE '+' END"
            f" || to_char(CASE WHEN {local} < {utc} THEN {utc} - {local} ELSE {local} - {utc} END, 'HH24:MI')"
            f" || CASE WHEN date_part('second', {local} - {utc}) = 0 THEN ''"
            f" ELSE to_char(CASE WHEN {local} < {utc} THEN {utc} - {local} ELSE {local} - {utc} END, ':SS')"
            " END END"
        )
        return _SqlCell(
            sql,
            [value for offset in usual for value in (offset, _offset_text(offset))],
            [f"(r.c{index} AT TIME ZONE %s) AS l{index}", f"(r.c{index} AT TIME ZONE 'UTC') AS u{index}"],
            [zone.key],
        )
    return None


def copy_statement(query: QuerySet[Any]) -> tuple[str, list[Any]] | None:
    """``COPY (SELECT <formatted cells> FROM (<the query>) ...) TO STDOUT`` and its parameters, or None
    where the Python path must write the CSV (not PostgreSQL, or a column the SQL does not format).

    The query's own SQL and parameters come from its compiler (never ``str(query)``); the primary key
    rides along as the first column so that the outer SELECT keeps the query's order."""
    if connections[query.db].vendor != "postgresql":
        return None
    if query.query.order_by != ("pk",) or not query.query.values_select:
        return None
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    keyed = query.values_list("pk", *query.query.values_select)
    compiler = keyed.query.get_compiler(using=keyed.db)
    try:
        inner_sql, inner_params = compiler.as_sql()
    except EmptyResultSet:  # a .none() query: no rows, but columns of the same types
        types = [expression.output_field.db_type(connections[keyed.db]) for expression, *_ in compiler.select]
        inner_sql = "SELECT " + ", ".join(f"CAST(NULL AS {name})" for name in types) + " WHERE false"
        inner_params = ()
    cells = []
    for index, (expression, _sql, _alias) in enumerate(compiler.select[1:], start=1):
        cell = _sql_cell(expression.output_field, index, zone)
        if cell is None:
            return None
        cells.append(cell)
    names = ", ".join(f"c{index}" for index in range(len(compiler.select)))
    fenced = ", ".join(["r.*", *(sql for cell in cells for sql in cell.fenced)])
    # Every piece is SQL the compiler or _sql_cell wrote; values travel as parameters.
    select = (
        f"SELECT {', '.join(cell.sql for cell in cells)} FROM "  # noqa: S608
        f"(SELECT {fenced} FROM ({inner_sql}) AS r({names}) ORDER BY r.c0 OFFSET 0) AS export_rows "
        "ORDER BY export_rows.c0"
    )
    params = [
        *(value for cell in cells for value in cell.params),
        *(value for cell in cells for value in cell.fenced_params),
        *inner_params,
    ]
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER false)", params


def crlf_rows(data: bytes, inside: bool) -> tuple[bytes, int, bool]:
    """COPY ends rows with LF, the csv module with CRLF: turn the LFs outside quoted cells into CRLF.

    A quoted cell may hold line breaks. Split at the quotes, every other piece is outside a cell ("" in
    a cell is an empty piece between two, so it stays inside); ``inside`` says whether ``data`` starts in
    a cell. Returns the new bytes, the rows ended in it, and whether it ends in a cell. Per block of
    rows, not per row: the work stays in C."""
    pieces = data.split(b'"')
    start = 1 if inside else 0
    pieces[start::2] = [piece.replace(b"\n", b"\r\n") for piece in pieces[start::2]]
    converted = b'"'.join(pieces)
    return converted, len(converted) - len(data), inside != (len(pieces) % 2 == 0)
