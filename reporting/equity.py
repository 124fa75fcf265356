"""Whom the money reaches: applications, approvals, completions and employment by group, with small-cell
suppression (core.suppression) applied once here, so every page, PDF, CSV and API answer publishes the same
suppressed table.

Groups come from the voluntary answers (race and ethnicity rolled up to SPD 15 reporting groups, sex,
veteran status, disability) and from the application (age band and region at submission). One query per
breakdown, grouped in the database. Nobody's answers leave this module except as suppressed counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.demographics import (
    AGE_BAND_LABELS,
    DISABILITY_LABELS,
    NOT_REPORTED,
    NOT_REPORTED_LABEL,
    REPORTING_GROUP_LABELS,
    SEX_LABELS,
    VETERAN_STATUS_LABELS,
)
from core.suppression import (
    Cell,
    ImpactRatio,
    RateCell,
    Table,
    adverse_impact,
    suppress_table,
    suppressed_rate,
)
from grants.models import Outcome
from reporting import summaries
from reporting.figures import AWARDED, COMPLETED, DECIDED, ReportFilter
from reporting.models import SummaryRun

MEASURES: dict[str, str | Promise] = {
    "submitted": _("Applications"),
    "decided": _("Decided"),
    "awarded": _("Approved"),
    "completed": _("Completed"),
    "employed_q2": _("Employed in the 2nd quarter after"),
}


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    field: str
    labels: Mapping[str, Any]


DIMENSIONS: dict[str, Dimension] = {
    dimension.key: dimension
    for dimension in (
        Dimension(
            "race_ethnicity",
            _("Race and ethnicity"),
            "applicant__demographics__race_group",
            REPORTING_GROUP_LABELS,
        ),
        Dimension("sex", _("Sex"), "applicant__demographics__sex", SEX_LABELS),
        Dimension("age_band", _("Age band"), "applicant_age_band", AGE_BAND_LABELS),
        Dimension("veteran", _("Veteran status"), "applicant__demographics__veteran", VETERAN_STATUS_LABELS),
        Dimension("disability", _("Disability"), "applicant__demographics__disability", DISABILITY_LABELS),
        Dimension("region", _("Region"), "applicant_region", {}),
    )
}


@dataclass(frozen=True)
class EquityTable:
    dimension: Dimension
    groups: tuple[str, ...]
    table: Table
    approval_rates: dict[str, RateCell]
    completion_rates: dict[str, RateCell]
    impact: dict[str, ImpactRatio]

    def label(self, group: str) -> str:
        if group == NOT_REPORTED:
            return str(NOT_REPORTED_LABEL)
        return str(self.dimension.labels.get(group, group))

    @property
    def flagged(self) -> list[str]:
        return [group for group, ratio in self.impact.items() if ratio.flagged]


# The measures are nested (employed ⊆ completed ⊆ approved ⊆ decided ⊆ applications), so publishing two of
# them for a group also publishes their difference (say, 3 rejections). Suppression therefore runs on the
# partition of each group's applications below, with the group's applications as the row total, and each
# published measure is a sum of partition cells, shown only when every cell it adds is shown: it then
# tells nothing the protected partition does not.
PARTS: dict[str, tuple[str, ...]] = {
    "submitted": ("pending", "rejected", "awarded_open", "completed_other", "completed_employed"),
    "decided": ("rejected", "awarded_open", "completed_other", "completed_employed"),
    "awarded": ("awarded_open", "completed_other", "completed_employed"),
    "completed": ("completed_other", "completed_employed"),
    "employed_q2": ("completed_employed",),
}
PARTITION = PARTS["submitted"]


def group_of(dimension: Dimension) -> Coalesce:
    """An application's group in a breakdown; blank answers are "not reported"."""
    return Coalesce(NullIf(dimension.field, Value("")), Value(NOT_REPORTED))


def partition_counts() -> dict[str, Count]:
    """The partition of applications as aggregates (shared with the summary builder, reporting.refresh)."""
    # An IN over the outcomes, evaluated once, rather than EXISTS per application (benchmarks/README.md).
    employed = Q(
        pk__in=Outcome.objects.filter(
            quarter_after_completion=2, employment_status__in=Outcome.EMPLOYED
        ).values("application_id")
    )
    completed = Q(status__in=COMPLETED)
    return {
        "pending": Count("pk", filter=~Q(status__in=DECIDED)),
        "rejected": Count("pk", filter=Q(status__in=DECIDED) & ~Q(status__in=AWARDED)),
        "awarded_open": Count("pk", filter=Q(status__in=AWARDED) & ~completed),
        "completed_other": Count("pk", filter=completed & ~employed),
        "completed_employed": Count("pk", filter=completed & employed),
    }


def _raw_counts(filters: ReportFilter, dimension: Dimension) -> dict[str, dict[str, int]]:
    """Each group's applications split into the partition, in one grouped query."""
    rows = (
        filters.applications()
        .annotate(group=group_of(dimension))
        .values("group")
        .annotate(**partition_counts())
        .order_by("group")
    )
    counted: list[Any] = list(rows)
    return {row["group"]: {part: row[part] for part in PARTITION} for row in counted}


def _derived(cells: Mapping[str, Cell], parts: tuple[str, ...]) -> Cell:
    if any(cells[part].suppressed for part in parts):
        return Cell(None, suppressed=True, reason="complementary")
    return Cell(sum(cells[part].value or 0 for part in parts))


def _measures_table(partition: Table, groups: list[str]) -> Table:
    """The published group × measure table, derived from the protected partition."""
    cells = {
        group: {
            measure: (
                partition.row_totals[group]
                if measure == "submitted" and partition.row_totals is not None
                else _derived(partition.cells[group], parts)
            )
            for measure, parts in PARTS.items()
        }
        for group in groups
    }
    totals = None
    if partition.column_totals is not None:
        column_totals = dict(partition.column_totals)
        totals = {
            measure: (
                partition.grand_total
                if measure == "submitted" and partition.grand_total is not None
                else _derived(column_totals, parts)
            )
            for measure, parts in PARTS.items()
        }
    return Table(
        row_labels=tuple(groups),
        column_labels=tuple(MEASURES),
        cells=cells,
        row_totals=None,
        column_totals=totals,
        grand_total=None,
        threshold=partition.threshold,
    )


def _ordered(groups: list[str], dimension: Dimension) -> list[str]:
    """The vocabulary's order (then others alphabetically), "not reported" last."""
    known = [key for key in dimension.labels if key in groups and key != NOT_REPORTED]
    others = sorted(group for group in groups if group not in dimension.labels and group != NOT_REPORTED)
    return known + others + ([NOT_REPORTED] if NOT_REPORTED in groups else [])


def equity_table(
    filters: ReportFilter,
    key: str,
    *,
    threshold: int | None = None,
    counts: dict[str, dict[str, int]] | None = None,
) -> EquityTable:
    """One breakdown, suppressed: one query (none when the counts are given, from a summary run)."""
    dimension = DIMENSIONS[key]
    raw = counts if counts is not None else _raw_counts(filters, dimension)
    groups = _ordered(list(raw), dimension)
    partition = suppress_table(
        {group: raw[group] for group in groups},
        row_totals=True,
        column_totals=True,
        columns=list(PARTITION),
        threshold=threshold,
    )
    table = _measures_table(partition, groups)
    approval = {
        group: suppressed_rate(
            table.cell(group, "awarded"), table.cell(group, "decided"), threshold=threshold
        )
        for group in groups
    }
    completion = {
        group: suppressed_rate(
            table.cell(group, "completed"), table.cell(group, "awarded"), threshold=threshold
        )
        for group in groups
    }
    # The four-fifths comparison leaves out "not reported": it is not a group that could be treated unfairly.
    impact = adverse_impact({group: rate for group, rate in approval.items() if group != NOT_REPORTED})
    return EquityTable(
        dimension=dimension,
        groups=tuple(groups),
        table=table,
        approval_rates=approval,
        completion_rates=completion,
        impact=impact,
    )


def equity_report(
    filters: ReportFilter, *, threshold: int | None = None, summary: SummaryRun | None = None
) -> list[EquityTable]:
    """Every breakdown: one query each (six) live, or one query for all from a summary run."""
    if summary is not None:
        counted = summaries.equity_counts(summary, filters, PARTITION)
        return [
            equity_table(filters, key, threshold=threshold, counts=counted.get(key, {})) for key in DIMENSIONS
        ]
    return [equity_table(filters, key, threshold=threshold) for key in DIMENSIONS]
