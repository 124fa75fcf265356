"""Reading the report summary tables: the dashboards' figures for a large system without aggregating every
application on each request (issue 7: "the official dashboard under 1 second at 1,000,000 applications").

The trade-off (docs/architecture.md, "Report summaries"):

- `reporting.refresh.refresh_summaries` (command `refresh_report_summaries`, run every 15 minutes by the
  scheduler) adds up the live tables into small tables keyed by *cell*: program, funding round and the
  calendar quarter of submission. A dashboard then adds up a few thousand cells instead of a million rows.
- A dashboard reads the summaries only when (1) its filters are made of cells: programs, a funding round,
  and dates that start and end on quarter boundaries (or are open); region, sector, credential or other
  dates read the live tables, exactly; (2) the system is large: the last run summarised at least
  `REPORTING_SUMMARIES_FROM` applications (default 50,000; below that the live queries are fast and
  always current); (3) the last run is fresh: it finished within `REPORTING_SUMMARY_MAX_AGE_MINUTES`
  (default 60). Otherwise the figures are live. Pages, PDFs and the API say "as of" when they come from a
  summary.
- Budget and pledge figures are always live (small tables). Everything else is the same arithmetic on the
  same definitions (reporting.figures): the test suite checks that every figure from the summaries equals
  the live one for the same filters.
- Medians and percentiles stay exact: the summaries keep histograms (applications per tenth of a day of
  waiting; answers per annual wage) and the rank is found with a running sum in the database.

This module never imports reporting.figures or reporting.equity (they import it); the builder is
reporting.refresh.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import DecimalField, F, Func, IntegerField, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from reporting.models import (
    EquitySummary,
    LedgerFlowSummary,
    OutcomeSummary,
    StatusSummary,
    SummaryRun,
    WageSummary,
    WaitSummary,
)

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from reporting.figures import ReportFilter

M = TypeVar("M", bound=Model)
CENT = Decimal("0.01")
ZERO = Decimal("0")
QUARTER_MONTHS = (1, 4, 7, 10)


class WageHundreds(Func):
    """An annual wage to the nearest 100 in SQL (ROUND rounds halves away from zero on both databases)."""

    template = "(ROUND(%(expressions)s / 100.0) * 100)"  # 100.0: SQLite divides whole numbers as such
    output_field = DecimalField(max_digits=16, decimal_places=2)


class WaitTenths(Func):
    """Whole tenths of a day from one moment to a later one, rounded half up: the unit of the time to
    decision, the same in the live figures and in the summaries (so medians agree exactly)."""

    output_field = IntegerField()

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(start, end)

    def _parts(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, str, list[Any]]:
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return start_sql, end_sql, [*end_params, *start_params]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        start, end, params = self._parts(compiler, connection)
        return f"CAST(ROUND((julianday({end}) - julianday({start})) * 10) AS INTEGER)", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        start, end, params = self._parts(compiler, connection)
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start})) / 8640) AS INTEGER)", params


def wage_to_hundreds(value: Decimal | None) -> Decimal | None:
    """An annual wage to the nearest 100, halves up (as the summaries' WAGE_BUCKET does in SQL)."""
    if value is None:
        return None
    return ((value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100).quantize(CENT)


def tenths_to_days(tenths: int | None) -> Decimal | None:
    return None if tenths is None else (Decimal(tenths) / 10).quantize(Decimal("0.1"))


# ---------------------------------------------------------------- when the summaries are used


def is_quarter_start(day: dt.date) -> bool:
    return day.day == 1 and day.month in QUARTER_MONTHS


def is_quarter_end(day: dt.date) -> bool:
    return is_quarter_start(day + dt.timedelta(days=1))


def covers(filters: ReportFilter) -> bool:
    """Whether the filters select whole cells (programs, a round, whole quarters)."""
    if filters.region or filters.sector or filters.credential:
        return False
    if filters.date_from and not is_quarter_start(filters.date_from):
        return False
    return not (filters.date_to and not is_quarter_end(filters.date_to))


def latest_run() -> SummaryRun | None:
    return SummaryRun.objects.filter(status=SummaryRun.Status.READY).order_by("-finished_at", "-id").first()


def run_for(filters: ReportFilter, *, now: dt.datetime | None = None) -> SummaryRun | None:
    """The summary run the dashboard for these filters should read, or None for live figures.

    No query when the filters are not made of cells; one otherwise."""
    if not covers(filters):
        return None
    run = latest_run()
    if run is None or run.finished_at is None:
        return None
    if run.applications < settings.REPORTING_SUMMARIES_FROM:
        return None
    age = (now or timezone.now()) - run.finished_at
    if age > dt.timedelta(minutes=settings.REPORTING_SUMMARY_MAX_AGE_MINUTES):
        return None
    return run


def cells(model: type[M], run: SummaryRun, filters: ReportFilter) -> QuerySet[M]:
    rows = model._default_manager.filter(run=run)
    if filters.programs:
        rows = rows.filter(program_id__in=filters.programs)
    if filters.funding_round:
        rows = rows.filter(funding_round_id=filters.funding_round)
    if filters.date_from:
        rows = rows.filter(quarter__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(quarter__lte=filters.date_to)
    return rows


# ---------------------------------------------------------------- readers (one query each)


def status_counts(run: SummaryRun, filters: ReportFilter) -> dict[str, tuple[int, Decimal, Decimal]]:
    """Applications, money paid and money recovered, by status."""
    rows = (
        cells(StatusSummary, run, filters)
        .values("status")
        .annotate(
            n=Sum("applications"),
            paid=Coalesce(Sum("amount_paid"), ZERO),
            recovered=Coalesce(Sum("amount_recovered"), ZERO),
        )
        .order_by()
        .values_list("status", "n", "paid", "recovered")
    )
    return {status: (n, paid, recovered) for status, n, paid, recovered in rows}


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(CENT) if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _ranked(
    histogram: QuerySet[Any], part: str | None, value: str, weight: str, picks: list[tuple[int, int]]
) -> list[Any]:
    """For each (part, rank): the smallest value of that part of a grouped histogram whose running count
    reaches the rank (the nearest-rank percentile), in one query. Without a part column, every pick is
    about the whole histogram (its part is ignored)."""
    sql, params = histogram.query.sql_with_params()
    quote = connection.ops.quote_name
    part_sql = f"h.{quote(part)}" if part else "0"
    columns = ", ".join("MIN(CASE WHEN part = %s AND cum >= %s THEN v END)" for _ in picks)
    # Only quoted column names and Django's own compiled SQL are put together here; values are parameters.
    query = (
        f"SELECT {columns} FROM (SELECT h.{quote(value)} AS v, {part_sql} AS part, SUM(h.{quote(weight)}) "  # noqa: S608
        f"OVER (PARTITION BY {part_sql} ORDER BY h.{quote(value)} ROWS BETWEEN UNBOUNDED PRECEDING AND "
        f"CURRENT ROW) AS cum FROM ({sql}) h) c"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*[value for pick in picks for value in pick], *params])
        row = cursor.fetchone()
    return list(row) if row else [None] * len(picks)


def wait_percentiles(run: SummaryRun, filters: ReportFilter, ranks: list[int]) -> list[Decimal | None]:
    """The waits (in days) at the given ranks of the decided applications, in one query."""
    if not ranks:
        return []
    histogram = cells(WaitSummary, run, filters).values("tenths").annotate(n=Sum("applications")).order_by()
    values = _ranked(histogram, None, "tenths", "n", [(0, rank) for rank in ranks])
    return [tenths_to_days(None if value is None else int(value)) for value in values]


def ledger_flows(run: SummaryRun, programs: QuerySet[Any], *, since: dt.date) -> dict[str, Decimal]:
    """Money committed and released since a day (inclusive) in the given programs, from the daily flows."""
    totals = LedgerFlowSummary.objects.filter(run=run, program__in=programs, day__gte=since).aggregate(
        committed=Coalesce(Sum("amount", filter=Q(kind="commitment")), ZERO),
        released=Coalesce(Sum("amount", filter=Q(kind="release")), ZERO),
    )
    return {name: _decimal(value) or ZERO for name, value in totals.items()}


def outcome_counts(run: SummaryRun, filters: ReportFilter) -> dict[str, int]:
    names = ("answered_q2", "employed_q2", "answered_q4", "employed_q4", "wages_q2", "wages_q4")
    totals = cells(OutcomeSummary, run, filters).aggregate(**{name: Coalesce(Sum(name), 0) for name in names})
    return {name: int(totals[name]) for name in names}


def wage_medians(
    run: SummaryRun, filters: ReportFilter, rank_q2: int | None, rank_q4: int | None
) -> tuple[Decimal | None, Decimal | None]:
    """The annual wages at the given ranks of the employed answers in the 2nd and 4th quarter."""
    picks = [(quarter, rank) for quarter, rank in ((2, rank_q2), (4, rank_q4)) if rank]
    if not picks:
        return None, None
    histogram = (
        cells(WageSummary, run, filters)
        .filter(quarter_after__in=(2, 4))
        .annotate(part=F("quarter_after"))
        .values("part", "annual_wage")
        .annotate(n=Sum("outcomes"))
        .order_by()
    )
    values = iter(_ranked(histogram, "part", "annual_wage", "n", picks))
    q2 = _decimal(next(values)) if rank_q2 else None
    q4 = _decimal(next(values)) if rank_q4 else None
    return q2, q4


def equity_counts(
    run: SummaryRun, filters: ReportFilter, parts: tuple[str, ...]
) -> dict[str, dict[str, dict[str, int]]]:
    """Every breakdown's groups split into the partition: {dimension: {group: {part: n}}}, in one query."""
    rows = (
        cells(EquitySummary, run, filters)
        .values("dimension", "group")
        .annotate(**{part: Sum(part) for part in parts})
        .order_by("dimension", "group")
    )
    counted: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:  # one row per group of each breakdown
        sums: dict[str, Any] = dict(row)
        counted.setdefault(sums["dimension"], {})[sums["group"]] = {part: int(sums[part]) for part in parts}
    return counted
