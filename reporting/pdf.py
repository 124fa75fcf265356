"""PDF reports (tagged PDF/UA-1, core.pdf): a program report, a quarterly official report, and a pledge
summary for employers.

The figures are the dashboard's: both are built by reporting.published.publish (reporting.figures and
reporting.equity, suppressed once) from the same ReportFilter, and formatted by the dashboard's own
``dashboard_context``, so a number reads the same on the page and on paper. Charts are core.charts SVGs,
each followed by its summary and its figures as a table: the dashboard's status chart, and for equity one
summary chart beside the per-dimension tables (the dashboard's chart per dimension is left to the page).
Text people typed (program names, credential titles, employer names) is autoescaped, and
core.pdf.SafeFetcher loads nothing but our static files, so a hostile ``<img src>`` in a name is printed
as text and never fetched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Chart, bar_chart
from core.pdf import render_pdf
from core.suppression import NOT_APPLICABLE_MARK, Cell
from employers.models import Employer, Pledge
from employers.selectors import pledge_progress
from programs.models import Program
from reporting import figures
from reporting.equity import MEASURES, EquityTable
from reporting.figures import ReportFilter
from reporting.published import PublishedDashboard, publish
from reporting.views_dashboard import dashboard_context

QUARTERS = (1, 2, 3, 4)


def methodology() -> list[str]:
    """The definitions of reporting/figures.py's docstring, one paragraph per definition."""
    text = (figures.__doc__ or "").split("Definitions", 1)[-1]
    items: list[str] = []
    for line in text.splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(stripped[2:])
        elif stripped and items:
            items[-1] += " " + stripped
    return items


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in QUARTERS or not 2000 <= year <= 2100:
        raise ValueError("A quarter is 1 to 4 of a year from 2000 to 2100.")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def quarter_filter(year: int, quarter: int, programs: Sequence[int] = ()) -> ReportFilter:
    """Applications submitted in the quarter (the dashboard's date filter, inclusive)."""
    start, end = quarter_dates(year, quarter)
    return ReportFilter(programs=tuple(programs), date_from=start, date_to=end)


def equity_sections(published: PublishedDashboard) -> list[dict[str, Any]]:
    """One table per dimension. No chart each (the dashboard draws those): on paper one summary chart,
    `equity_summary_chart`, stands for them, as laying out a chart and its data table per dimension
    was most of a report's rendering time."""
    sections = []
    for table in published.equity:
        sections.append(
            {
                "table": table,
                "rows": _equity_rows(table),
                "totals": [
                    (table.table.column_totals or {})[measure].display()
                    if table.table.column_totals
                    else NOT_APPLICABLE_MARK
                    for measure in MEASURES
                ],
            }
        )
    return sections


def equity_summary_chart(published: PublishedDashboard) -> Chart:
    """In each dimension, the group with the lowest published ratio of its approval rate to the highest
    group's, and that ratio (the tables flag those below 0.8). Suppressed ratios are left out; a dimension
    whose ratios are all suppressed shows the suppressed mark, one without any ratio "no data"."""
    categories: list[str] = []
    values: list[Decimal | Cell | None] = []
    for table in published.equity:
        shown = [
            (group, ratio.value)
            for group, ratio in table.impact.items()
            if not ratio.suppressed and ratio.value is not None
        ]
        lowest = min(shown, key=lambda item: item[1], default=None)
        dimension = str(table.dimension.label)
        categories.append(f"{dimension}: {table.label(lowest[0])}" if lowest else dimension)
        if lowest is not None:
            values.append(lowest[1])
        elif any(ratio.suppressed for ratio in table.impact.values()):
            values.append(Cell(None, suppressed=True))
        else:
            values.append(None)
    return bar_chart(
        _("Lowest ratio to the highest approval rate in each dimension"),
        categories,
        values,
        category_label=_("Dimension: group"),
        value_label=_("Ratio to highest approval rate"),
        formatter=str,
        chart_id="chart-equity-lowest-ratio",
    )


def _equity_rows(table: EquityTable) -> list[dict[str, Any]]:
    rows = []
    for group in table.groups:
        impact = table.impact.get(group)
        rows.append(
            {
                "label": table.label(group),
                "cells": [table.table.cell(group, measure).display() for measure in MEASURES],
                "approval": table.approval_rates[group].display_percent(),
                "completion": table.completion_rates[group].display_percent(),
                "impact": impact.display() if impact else NOT_APPLICABLE_MARK,
                "flagged": bool(impact and impact.flagged),
            }
        )
    return rows


def _filter_lines(filters: ReportFilter, programs: Sequence[Program]) -> list[tuple[str, str]]:
    lines = [
        (
            _("Programs"),
            ", ".join(f"{p.name} ({p.code})" for p in programs) if programs else _("All programs"),
        ),
    ]
    if filters.date_from or filters.date_to:
        lines.append(
            (
                _("Applications submitted"),
                f"{filters.date_from or '…'} – {filters.date_to or '…'}",
            )
        )
    if filters.region:
        lines.append((_("Region"), filters.region))
    if filters.sector:
        lines.append((_("Sector (NAICS)"), filters.sector))
    return lines


def report_context(
    filters: ReportFilter, *, title: str, subtitle: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything a report template shows, from the dashboard's own figures for these filters."""
    published = publish(filters, today=today)
    programs = (
        list(Program.objects.filter(pk__in=filters.programs).order_by("code")) if filters.programs else []
    )
    return {
        **dashboard_context(published, equity_charts=False),
        "report_title": title,
        "subtitle": subtitle,
        "filter_lines": _filter_lines(filters, programs),
        "equity_sections": equity_sections(published),
        "equity_chart": equity_summary_chart(published),
        "measures": list(MEASURES.values()),
        "methodology": methodology(),
        "suppression_note": published.note,
        "generated_at": timezone.localtime(),
    }


def program_report_pdf(
    program: Program, *, filters: ReportFilter | None = None, today: dt.date | None = None
) -> bytes:
    """The program report: the dashboard filtered to one program (and any other filters given)."""
    base = filters or ReportFilter()
    scoped = dataclasses.replace(base, programs=(program.pk,))
    title = _("Program report: %(name)s") % {"name": program.name}
    context = report_context(scoped, title=title, subtitle=program.code, today=today)
    return render_pdf(template_name="reporting/pdf/program_report.html", context=context, title=title)


def quarterly_report_pdf(
    year: int, quarter: int, *, programs: Sequence[int] = (), today: dt.date | None = None
) -> bytes:
    """The quarterly official report: applications submitted in the quarter, all programs or those given."""
    filters = quarter_filter(year, quarter, programs)
    title = _("Quarterly report: Q%(quarter)d %(year)d") % {"quarter": quarter, "year": year}
    start, end = quarter_dates(year, quarter)
    context = report_context(filters, title=title, subtitle=f"{start:%d %b %Y} – {end:%d %b %Y}", today=today)
    return render_pdf(template_name="reporting/pdf/quarterly_report.html", context=context, title=title)


def pledge_summary_context(employer: Employer) -> dict[str, Any]:
    pledges = list(
        Pledge.objects.filter(employer=employer)
        .exclude(status__in=[Pledge.Status.DRAFT, Pledge.Status.WITHDRAWN])
        .order_by("start_date", "pk")
    )
    return {
        "employer": employer,
        "pledges": [
            {"pledge": pledge, "status": pledge.get_status_display(), "progress": pledge_progress(pledge)}
            for pledge in pledges
        ],
        "generated_at": timezone.localtime(),
    }


def pledge_summary_pdf(employer: Employer) -> bytes:
    """The employer's pledges: commitments, verified progress and attainment (verified figures only)."""
    title = _("Pledge summary: %(name)s") % {"name": employer.legal_name}
    return render_pdf(
        template_name="reporting/pdf/pledge_summary.html",
        context=pledge_summary_context(employer),
        title=title,
    )
