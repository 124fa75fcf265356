"""The official and program manager dashboard: aggregates only, every count suppressed (see
reporting/published.py), filters in the query string so a view can be shared by its URL.

There are no links to applications here: officials never see an application's details.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import require
from core.money import format_money
from grants.models import Application
from reporting.equity import MEASURES
from reporting.forms import DashboardFilterForm
from reporting.permissions import can_read_dashboard, dashboard_programs, sees_every_program
from reporting.published import (
    Figure,
    PublishedDashboard,
    approval_chart,
    equity_view,
    publish,
    status_chart,
)


def filter_form(request: HttpRequest, data: Any) -> DashboardFilterForm:
    return DashboardFilterForm(
        data, programs=dashboard_programs(request.user), every_program=sees_every_program(request.user)
    )


def _money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    return format_money(amount, currency) if currency else f"{amount:,.2f}"


def _figure_money(figure: Figure, currency: str) -> str:
    return figure.display() if figure.suppressed or figure.value is None else _money(figure.value, currency)


def _days(figure: Figure) -> str:
    if figure.suppressed or figure.value is None:
        return figure.display()
    return _("%(days)s days") % {"days": figure.value}


def dashboard_context(published: PublishedDashboard, *, equity_charts: bool = True) -> dict[str, Any]:
    """Labelled, formatted rows for each section (reusable by other renderings of the dashboard).
    `equity_charts=False` leaves out the per-dimension equity tables and charts (`equity`): the PDFs lay
    out their own (reporting.pdf.equity_sections) and drawing these cost them ~10 ms for nothing."""
    budget = published.budget
    currency = budget.currency
    apps = published.applications
    outcomes = published.outcomes
    pledges = published.pledges
    statuses = dict(Application.Status.choices)
    return {
        "published": published,
        "mixed_currencies": len(budget.currencies) > 1,
        "budget_rows": [
            (_("Total budget"), _money(budget.total, currency)),
            (_("Committed (awarded, not yet paid)"), _money(budget.committed, currency)),
            (_("Disbursed"), _money(budget.disbursed, currency)),
            (_("Recovered (clawed back)"), _money(budget.clawed_back, currency)),
            (_("Remaining"), _money(budget.remaining, currency)),
            (_("Burn rate (newly awarded per 30 days)"), _money(budget.burn_per_30_days, currency)),
            (
                _("Projected run-out date"),
                budget.runs_out_on.strftime("%d %b %Y") if budget.runs_out_on else _("Not projected"),
            ),
        ],
        "status_rows": [(statuses[status], cell.display()) for status, cell in apps.by_status.items()],
        "status_total": apps.counts["submitted"].display(),
        "status_chart": status_chart(published),
        "decision_rows": [
            (_("Applications submitted"), apps.counts["submitted"].display()),
            (_("Decided"), apps.counts["decided"].display()),
            (_("Approved (awards)"), apps.counts["awarded"].display()),
            (_("Rejected"), apps.counts["rejected"].display()),
            (_("Completed"), apps.counts["completed"].display()),
            (_("Median time to decision"), _days(apps.days_to_decision_median)),
            (_("90th percentile time to decision"), _days(apps.days_to_decision_p90)),
        ],
        "rate_rows": [
            (_("Approval rate"), apps.approval_rate.display_percent()),
            (_("Completion rate"), apps.completion_rate.display_percent()),
            (_("Credential-attainment rate"), apps.attainment_rate.display_percent()),
            (_("Paid to awards"), _money(apps.amount_paid, currency)),
            (_("Recovered from awards"), _money(apps.amount_recovered, currency)),
            (_("Cost per credential earned"), _figure_money(apps.cost_per_credential, currency)),
        ],
        "outcome_rows": [
            (_("Answered for the 2nd quarter after completion"), outcomes.answered_q2.display()),
            (_("Employed in the 2nd quarter"), outcomes.employed_q2.display()),
            (_("Employment rate, 2nd quarter"), outcomes.employed_rate_q2.display_percent()),
            (_("Answered for the 4th quarter after completion"), outcomes.answered_q4.display()),
            (_("Employed in the 4th quarter"), outcomes.employed_q4.display()),
            (_("Employment rate, 4th quarter"), outcomes.employed_rate_q4.display_percent()),
            (_("Median annual earnings, 2nd quarter"), _figure_money(outcomes.median_wage_q2, currency)),
            (_("Median annual earnings, 4th quarter"), _figure_money(outcomes.median_wage_q4, currency)),
            (_("Wage change (4th less 2nd quarter median)"), _figure_money(outcomes.wage_change, currency)),
        ],
        "pledge_rows": [
            (_("Active pledges"), pledges.active.display(), ""),
            (_("Fulfilled pledges"), pledges.fulfilled.display(), ""),
            (_("Lapsed pledges"), pledges.lapsed.display(), ""),
            (
                _("Roles converted to skills-based hiring"),
                pledges.roles_converted_verified.display(),
                pledges.roles_converted_target.display(),
            ),
            (
                _("Credential holders hired (verified)"),
                pledges.hires_verified.display(),
                pledges.hires_target.display(),
            ),
            (
                _("Of them without a four-year degree"),
                pledges.non_degree_hires_verified.display(),
                pledges.non_degree_hires_target.display(),
            ),
        ],
        "equity": [
            {"table": equity_view(table), "chart": approval_chart(table), "measures": MEASURES}
            for table in published.equity
        ]
        if equity_charts
        else [],
    }


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    require(can_read_dashboard(request.user))
    form = filter_form(request, request.GET)
    context: dict[str, Any] = {"form": form, "no_programs": False}
    if form.is_valid():
        filters = form.report_filter()
        if filters is None:
            context["no_programs"] = True
        else:
            context.update(dashboard_context(publish(filters)))
    return render(request, "reporting/dashboard.html", context)
