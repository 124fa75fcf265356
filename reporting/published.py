"""The dashboard as it is published: reporting.figures' numbers with every count about people suppressed
once, so the page, the API (and the PDF reports, if they use it) show the same cells.

How the counts are protected (core.suppression holds the rule; this module only says which figures form
an equation):

- Applications by status, with the headline counts that are sums of statuses (submitted, awarded,
  decided, completed, ended), are one system of equations ("these statuses add up to that total")
  protected together by core.suppression's engine, so no hidden status can be worked out from a
  published total. Submitted, decided, awarded and completed are also the column totals of every equity
  table: when an equity table hides one of them and this system publishes it (or the other way round),
  every status cell is hidden and those totals take the equity tables' verdict, so the two places never
  disagree (a reader could combine them).
- Outcomes: "employed" is part of "answered"; neither is published when it, or the difference between
  them (those answering but not employed), is a small count. Verified hires and those of them without a
  four-year degree follow the same rule.
- Rates use core.suppression.suppressed_rate; a median or a cost per credential is hidden when the number
  of people it rests on is hidden or below the threshold (a median of three waits describes people).
- Not suppressed: money (budget, paid, recovered: public spending, not people), pledge counts, targets and
  roles converted (promises of employers, not people).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.charts import Chart, bar_chart
from core.suppression import (
    SUPPRESSED_MARK,
    Cell,
    ImpactRatio,
    RateCell,
    note,
    suppress_system,
    suppressed_rate,
    threshold_or_default,
)
from grants.models import Application
from reporting.equity import MEASURES, Dimension, EquityTable, equity_report
from reporting.figures import (
    AWARDED,
    COMPLETED,
    DECIDED,
    ENDED,
    Budget,
    Dashboard,
    ReportFilter,
    dashboard,
)
from reporting.summaries import run_for

S = Application.Status
STATUSES: tuple[str, ...] = tuple(status for status in S.values if status != S.DRAFT)
# The headline counts that are sums of statuses, with their parts.
STATUS_SUMS: dict[str, tuple[str, ...]] = {
    "submitted": STATUSES,
    "awarded": tuple(AWARDED),
    "decided": tuple(DECIDED),
    "completed": tuple(COMPLETED),
    "ended": tuple(ENDED),
}
# Headline counts that are also the column totals of every equity table.
SHARED_WITH_EQUITY = ("submitted", "decided", "awarded", "completed")


@dataclass(frozen=True)
class Figure:
    """A published number that is not a count (a median, a cost): hidden when it rests on few people."""

    value: Decimal | None
    suppressed: bool = False

    def display(self) -> str:
        if self.suppressed:
            return SUPPRESSED_MARK
        return "—" if self.value is None else str(self.value)


@dataclass(frozen=True)
class PublishedApplications:
    by_status: dict[str, Cell]
    counts: dict[str, Cell]  # submitted, awarded, decided, completed, ended, rejected
    approval_rate: RateCell
    completion_rate: RateCell
    attainment_rate: RateCell
    amount_paid: Decimal
    amount_recovered: Decimal
    cost_per_credential: Figure
    days_to_decision_median: Figure
    days_to_decision_p90: Figure


@dataclass(frozen=True)
class PublishedOutcomes:
    answered_q2: Cell
    employed_q2: Cell
    answered_q4: Cell
    employed_q4: Cell
    employed_rate_q2: RateCell
    employed_rate_q4: RateCell
    median_wage_q2: Figure
    median_wage_q4: Figure
    wage_change: Figure


@dataclass(frozen=True)
class PublishedPledges:
    active: Cell
    fulfilled: Cell
    lapsed: Cell
    roles_converted_target: Cell
    roles_converted_verified: Cell
    hires_target: Cell
    hires_verified: Cell
    non_degree_hires_target: Cell
    non_degree_hires_verified: Cell


@dataclass(frozen=True)
class PublishedDashboard:
    figures: Dashboard  # the raw figures: only budget (money) may be read from here
    threshold: int
    applications: PublishedApplications
    outcomes: PublishedOutcomes
    pledges: PublishedPledges
    equity: list[EquityTable]
    note: str

    @property
    def budget(self) -> Budget:
        return self.figures.budget

    @property
    def as_of(self) -> dt.datetime | None:
        """When the figures come from a summary run: the time it finished (None: live)."""
        return self.figures.as_of


def _status_system(
    by_status: dict[str, int], equity: list[EquityTable], threshold: int
) -> tuple[dict[str, Cell], dict[str, Cell]]:
    values: dict[tuple[int, int], int] = {
        (0, i): by_status.get(status, 0) for i, status in enumerate(STATUSES)
    }
    position = {status: (0, i) for i, status in enumerate(STATUSES)}
    sums = {name: (1, i) for i, name in enumerate(STATUS_SUMS)}
    equations = []
    for name, parts in STATUS_SUMS.items():
        values[sums[name]] = sum(by_status.get(status, 0) for status in parts)
        equations.append((tuple(position[status] for status in parts), sums[name]))
    hidden = suppress_system(values, equations, threshold)

    def cell(key: tuple[int, int]) -> Cell:
        return Cell(None, True) if key in hidden else Cell(values[key])

    statuses = {status: cell(position[status]) for status in STATUSES}
    counts = {name: cell(key) for name, key in sums.items()}
    equity_hides = {
        name: any(
            table.table.column_totals and table.table.column_totals[name].suppressed for table in equity
        )
        for name in SHARED_WITH_EQUITY
    }
    if any(counts[name].suppressed != equity_hides[name] for name in SHARED_WITH_EQUITY):
        statuses = {status: Cell(None, True) for status in STATUSES}
        counts = {
            name: Cell(None, True) if name not in SHARED_WITH_EQUITY or equity_hides[name] else counts[name]
            for name in counts
        }
    counts["rejected"] = statuses[S.REJECTED]
    return statuses, counts


def _part_of(
    total: int,
    part: int,
    threshold: int,
    *,
    part_published_elsewhere: bool = False,
    part_hidden_elsewhere: bool = False,
) -> tuple[Cell, Cell]:
    """A total and one part of it (answered / employed): the rest (total - part) is never published, so
    neither figure may be shown when it, or that rest, is a small count."""

    def small(value: int) -> bool:
        return 0 < value < threshold

    part_shown = not small(part) and not part_hidden_elsewhere
    part_known = part_shown or part_published_elsewhere
    total_shown = not small(total) and not (part_known and small(total - part))
    return (Cell(total) if total_shown else Cell(None, True), Cell(part) if part_shown else Cell(None, True))


def _figure(value: Decimal | None, base: Cell, threshold: int) -> Figure:
    if base.suppressed or base.value is None or 0 < base.value < threshold:
        return Figure(None, True)
    return Figure(value)


def publish(
    filters: ReportFilter, *, today: dt.date | None = None, threshold: int | None = None
) -> PublishedDashboard:
    """The dashboard's figures, suppressed. Live: 11 queries for the figures plus 6 for the equity tables;
    from a summary run (reporting.summaries.run_for: large systems, filters made of whole cells): 1 to find
    the run, 10 for the figures and 1 for the equity tables."""
    limit = threshold_or_default(threshold)
    summary = run_for(filters)
    figures = dashboard(filters, today=today, summary=summary)
    equity = equity_report(filters, threshold=limit, summary=summary)
    apps = figures.applications
    statuses, counts = _status_system(apps.by_status, equity, limit)
    applications = PublishedApplications(
        by_status=statuses,
        counts=counts,
        approval_rate=suppressed_rate(counts["awarded"], counts["decided"], threshold=limit),
        completion_rate=suppressed_rate(counts["completed"], counts["ended"], threshold=limit),
        attainment_rate=suppressed_rate(counts["completed"], counts["awarded"], threshold=limit),
        amount_paid=apps.amount_paid,
        amount_recovered=apps.amount_recovered,
        cost_per_credential=_figure(apps.cost_per_credential, counts["completed"], limit),
        days_to_decision_median=_figure(apps.days_to_decision_median, counts["decided"], limit),
        days_to_decision_p90=_figure(apps.days_to_decision_p90, counts["decided"], limit),
    )
    raw = figures.outcomes
    employed_totals = [
        table.table.column_totals["employed_q2"] for table in equity if table.table.column_totals
    ]
    answered_q2, employed_q2 = _part_of(
        raw.answered_q2,
        raw.employed_q2,
        limit,
        part_published_elsewhere=any(
            not total.suppressed and total.value == raw.employed_q2 for total in employed_totals
        ),
        part_hidden_elsewhere=any(total.suppressed for total in employed_totals),
    )
    answered_q4, employed_q4 = _part_of(raw.answered_q4, raw.employed_q4, limit)
    median_q2 = _figure(raw.median_wage_q2, employed_q2, limit)
    median_q4 = _figure(raw.median_wage_q4, employed_q4, limit)
    outcomes = PublishedOutcomes(
        answered_q2=answered_q2,
        employed_q2=employed_q2,
        answered_q4=answered_q4,
        employed_q4=employed_q4,
        employed_rate_q2=suppressed_rate(employed_q2, answered_q2, threshold=limit),
        employed_rate_q4=suppressed_rate(employed_q4, answered_q4, threshold=limit),
        median_wage_q2=median_q2,
        median_wage_q4=median_q4,
        wage_change=(
            Figure(None, True) if median_q2.suppressed or median_q4.suppressed else Figure(raw.wage_change)
        ),
    )
    pledge = figures.pledges
    hires, non_degree = _part_of(pledge.hires_verified, pledge.non_degree_hires_verified, limit)
    pledges = PublishedPledges(
        active=Cell(pledge.active),
        fulfilled=Cell(pledge.fulfilled),
        lapsed=Cell(pledge.lapsed),
        roles_converted_target=Cell(pledge.roles_converted_target),
        roles_converted_verified=Cell(pledge.roles_converted_verified),
        hires_target=Cell(pledge.hires_target),
        hires_verified=hires,
        non_degree_hires_target=Cell(pledge.non_degree_hires_target),
        non_degree_hires_verified=non_degree,
    )
    return PublishedDashboard(
        figures=figures,
        threshold=limit,
        applications=applications,
        outcomes=outcomes,
        pledges=pledges,
        equity=equity,
        note=note(limit),
    )


# ---------------------------------------------------------------- for templates


@dataclass(frozen=True)
class EquityRow:
    label: str
    cells: list[Cell]
    approval: RateCell
    completion: RateCell
    impact: ImpactRatio | None  # None: "not reported" is not compared
    flagged: bool


@dataclass(frozen=True)
class EquityView:
    """An equity table laid out for templates/reporting/_equity_table.html (pages and PDFs)."""

    dimension: Dimension
    flagged: list[str]
    rows: list[EquityRow]
    totals: list[Cell]


def equity_view(table: EquityTable) -> EquityView:
    measures = list(MEASURES)
    totals = table.table.column_totals or {}
    return EquityView(
        dimension=table.dimension,
        flagged=table.flagged,
        rows=[
            EquityRow(
                label=table.label(group),
                cells=[table.table.cell(group, measure) for measure in measures],
                approval=table.approval_rates[group],
                completion=table.completion_rates[group],
                impact=table.impact.get(group),
                flagged=group in table.flagged,
            )
            for group in table.groups
        ],
        totals=[totals[measure] for measure in measures if measure in totals],
    )


# ---------------------------------------------------------------- charts


def percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def status_chart(published: PublishedDashboard) -> Chart:
    labels = dict(S.choices)
    cells = published.applications.by_status
    return bar_chart(
        _("Applications by status"),
        [str(labels[status]) for status in cells],
        list(cells.values()),
        category_label=_("Status"),
        value_label=_("Applications"),
        chart_id="chart-status",
    )


def approval_chart(table: EquityTable) -> Chart:
    return bar_chart(
        _("Approval rate by %(dimension)s") % {"dimension": str(table.dimension.label).lower()},
        [table.label(group) for group in table.groups],
        [table.approval_rates[group] for group in table.groups],
        category_label=str(table.dimension.label),
        value_label=_("Approval rate"),
        formatter=percent,
        chart_id=f"chart-approval-{table.dimension.key}".replace("_", "-"),
    )
