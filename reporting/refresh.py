"""Building the report summary tables (reporting.summaries explains when dashboards read them).

`refresh_summaries()` writes a new SummaryRun: each table is filled by one INSERT ... SELECT that groups
the live tables by cell (program, funding round, quarter of submission), so the work stays in the database
whatever the size; the aggregates are the very expressions the live figures use (reporting.figures,
reporting.equity), so both agree by construction, and the tests compare them figure by figure. The run
becomes "ready" only when every table is filled, in one transaction; a failure leaves a "failed" run with
its error and no rows. Rows of runs older than the previous ready one are removed afterwards (the previous
one stays, so a dashboard reading it while a new run lands is never cut short).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Model, QuerySet, Sum, Value
from django.db.models import Field as DjangoField
from django.db.models.functions import Coalesce, TruncDate, TruncQuarter
from django.utils import timezone

from core.workflow import lock_rows, transition
from grants.models import Application, Outcome
from programs.models import LedgerEntry
from reporting.equity import DIMENSIONS, group_of, partition_counts
from reporting.figures import COMPLETED, DECIDED, ZERO, outcome_counts
from reporting.models import (
    EquitySummary,
    LedgerFlowSummary,
    OutcomeSummary,
    StatusSummary,
    SummaryRun,
    WageSummary,
    WaitSummary,
)
from reporting.summaries import WageHundreds, WaitTenths

SUMMARY_MODELS: tuple[type[Model], ...] = (
    LedgerFlowSummary,
    StatusSummary,
    WaitSummary,
    OutcomeSummary,
    WageSummary,
    EquitySummary,
)
CELL = ("program", "funding_round", "quarter")


def _applications() -> QuerySet[Application]:
    return Application.objects.exclude(status=Application.Status.DRAFT)


def _cell(prefix: str = "") -> dict[str, Any]:
    """The cell of an application (or of an outcome's application, with prefix "application__")."""
    return {
        "c_program": F(f"{prefix}program_id"),
        "c_round": F(f"{prefix}funding_round_id"),
        "c_quarter": TruncQuarter(f"{prefix}submitted_at", output_field=DateField()),
    }


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, DjangoField):  # a reverse relation has no column
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return str(field.column)


CELL_COLUMNS = {"program": "c_program", "funding_round": "c_round", "quarter": "c_quarter"}


def _insert(
    run: SummaryRun,
    model: type[Model],
    rows: QuerySet[Any],
    columns: dict[str, str],
    *,
    cell: dict[str, str] = CELL_COLUMNS,
) -> None:
    """INSERT INTO model's table (run, cell, columns...) SELECT ... FROM (the grouped queryset); `columns`
    (and `cell`) map the model's fields to the queryset's aliases."""
    quote = connection.ops.quote_name
    fields = {"run": "", **cell, **columns}
    target = ", ".join(quote(_column(model, name)) for name in fields)
    source = ", ".join(["%s", *(f"s.{quote(alias)}" for alias in list(fields.values())[1:])])
    sql, params = rows.order_by().query.sql_with_params()
    # Only quoted names and Django's own compiled SQL are put together; values are parameters.
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({target}) SELECT {source} FROM ({sql}) s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, [run.pk, *params])


def _statuses(run: SummaryRun) -> None:
    rows = (
        _applications()
        .values(**_cell(), c_status=F("status"))
        .annotate(
            c_n=Count("pk"),
            c_paid=Coalesce(Sum("amount_paid"), ZERO),
            c_recovered=Coalesce(Sum("amount_clawed_back"), ZERO),
        )
    )
    _insert(
        run,
        StatusSummary,
        rows,
        {
            "status": "c_status",
            "applications": "c_n",
            "amount_paid": "c_paid",
            "amount_recovered": "c_recovered",
        },
    )


def _waits(run: SummaryRun) -> None:
    rows = (
        _applications()
        .filter(status__in=DECIDED, decided_at__isnull=False, submitted_at__isnull=False)
        .values(**_cell(), c_tenths=WaitTenths("submitted_at", "decided_at"))
        .annotate(c_n=Count("pk"))
    )
    _insert(run, WaitSummary, rows, {"tenths": "c_tenths", "applications": "c_n"})


def _completed_outcomes() -> QuerySet[Outcome]:
    return Outcome.objects.filter(application__status__in=COMPLETED)


def _outcomes(run: SummaryRun) -> None:
    counts = outcome_counts()
    rows = (
        _completed_outcomes()
        .values(**_cell("application__"))
        .annotate(**{f"c_{name}": aggregate for name, aggregate in counts.items()})
    )
    _insert(run, OutcomeSummary, rows, {name: f"c_{name}" for name in counts})


def _wages(run: SummaryRun) -> None:
    rows = (
        _completed_outcomes()
        # The follow-ups' wages only: an employer-reported hire has no quarter (the figures use the 2nd, 4th).
        .filter(
            employment_status__in=Outcome.EMPLOYED,
            annual_wage__isnull=False,
            quarter_after_completion__in=(2, 4),
        )
        .values(
            **_cell("application__"),
            c_after=F("quarter_after_completion"),
            c_wage=WageHundreds("annual_wage"),
        )
        .annotate(c_n=Count("pk"))
    )
    _insert(run, WageSummary, rows, {"quarter_after": "c_after", "annual_wage": "c_wage", "outcomes": "c_n"})


def _equity(run: SummaryRun) -> None:
    parts = partition_counts()
    for key, dimension in DIMENSIONS.items():
        rows = (
            _applications()
            .values(**_cell(), c_dimension=Value(key), c_group=group_of(dimension))
            .annotate(**{f"c_{part}": aggregate for part, aggregate in parts.items()})
        )
        _insert(
            run,
            EquitySummary,
            rows,
            {"dimension": "c_dimension", "group": "c_group", **{part: f"c_{part}" for part in parts}},
        )


def _ledger_flows(run: SummaryRun) -> None:
    """Commitments and releases per program and (local) day, for the burn rate."""
    rows = (
        LedgerEntry.objects.filter(kind__in=(LedgerEntry.Kind.COMMITMENT, LedgerEntry.Kind.RELEASE))
        .values(c_program=F("budget__program_id"), c_day=TruncDate("created_at"), c_kind=F("kind"))
        .annotate(c_amount=Coalesce(Sum("amount"), ZERO))
    )
    columns = {"day": "c_day", "kind": "c_kind", "amount": "c_amount"}
    _insert(run, LedgerFlowSummary, rows, columns, cell={"program": "c_program"})


STEPS: tuple[tuple[str, Callable[[SummaryRun], None]], ...] = (
    ("applications by status", _statuses),
    ("time to decision", _waits),
    ("outcomes", _outcomes),
    ("wages", _wages),
    ("equity breakdowns", _equity),
    ("budget flows", _ledger_flows),
)


def refresh_summaries(*, progress: Callable[[str], None] | None = None) -> SummaryRun:
    """Build a new summary run from the live tables; returns it ready (or failed, with the error raised)."""
    run = SummaryRun.objects.create()
    started = time.perf_counter()

    def finish(status: str, **fields: Any) -> None:
        run.finished_at = timezone.now()
        run.milliseconds = round((time.perf_counter() - started) * 1000)
        for name, value in fields.items():
            setattr(run, name, value)
        transition(run, status, actor=None, fields=("finished_at", "milliseconds", *fields))

    try:
        with transaction.atomic():
            for name, step in STEPS:
                if progress:
                    progress(name)
                step(run)
            total = StatusSummary.objects.filter(run=run).aggregate(n=Coalesce(Sum("applications"), 0))["n"]
            finish(SummaryRun.Status.READY, applications=total)
    except Exception as error:
        finish(SummaryRun.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
        raise
    run.refresh_from_db()
    prune(keep=run)
    if connection.vendor == "postgresql":  # fresh statistics for the rebuilt tables' query plans
        with connection.cursor() as cursor:
            for model in SUMMARY_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return run


def prune(*, keep: SummaryRun) -> int:
    """Remove the rows of runs older than the ready run before `keep` (and of failed runs); returns how many
    runs were removed. Runs still building (another refresh) are left alone."""
    previous = (
        SummaryRun.objects.filter(status=SummaryRun.Status.READY, finished_at__lt=keep.finished_at)
        .order_by("-finished_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    kept = [pk for pk in (keep.pk, previous) if pk is not None]
    stale = (
        SummaryRun.objects.exclude(pk__in=kept)
        .exclude(status=SummaryRun.Status.BUILDING)
        .filter(started_at__lt=keep.started_at)
    )
    with transaction.atomic():
        runs = list(lock_rows(stale).values_list("pk", flat=True))
        for model in SUMMARY_MODELS:
            model._default_manager.filter(run__in=runs).delete()
        SummaryRun.objects.filter(pk__in=runs).delete()
    return len(runs)
