"""The reports API: the dashboard's figures, the equity tables and the outcomes, with the dashboard's
filters as query parameters (validated by the same form as the page: bad input is a 400 with field
errors). Officials and administrators read every program; program managers the programs they manage
(another program's id is a 400, never its figures); nobody else reads reports. Every count is suppressed
as on the page (reporting/published.py); see reporting/serializers.py for the shape of a count."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_required
from core.exceptions import NotAllowed
from core.schema import ID_MAX
from grants.models import Application
from reporting.equity import MEASURES
from reporting.figures import ReportFilter
from reporting.forms import DashboardFilterForm
from reporting.permissions import DASHBOARD_ROLES, dashboard_programs, sees_every_program
from reporting.published import PublishedDashboard, PublishedOutcomes, equity_view, publish
from reporting.serializers import (
    EquityReportSerializer,
    OutcomeReportSerializer,
    SummarySerializer,
    count,
    figure,
    impact,
    rate,
)

ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
FILTER_PARAMETERS = [
    OpenApiParameter(
        "program",
        {"type": "array", "items": ID_SCHEMA},
        description="Program ids (repeat the parameter for several). Default: every program you may see.",
        explode=True,
    ),
    OpenApiParameter("funding_round", ID_SCHEMA, description="A funding round id of those programs."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Submitted on or after (YYYY-MM-DD)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Submitted on or before (YYYY-MM-DD)."),
    OpenApiParameter(
        "region", {"type": "string", "maxLength": 60}, description="The applicant's region, as written."
    ),
    OpenApiParameter(
        "sector",
        {"type": "string", "pattern": r"^([0-9]{2,6})?$"},
        description="A NAICS code or prefix (2-6 digits); empty: any.",
    ),
    OpenApiParameter("credential", ID_SCHEMA, description="A credential id funded by those programs."),
]

ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="A bad filter: a list of messages per parameter name."
    ),
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in."),
    403: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Not an official, program manager or administrator (or a manager of no program).",
    ),
}


TYPED_PARAMETERS = ("program", "funding_round", "date_from", "date_to", "credential")


def _filters(request: Request) -> ReportFilter:
    # The page's GET form sends empty fields for "any"; an API client leaves the parameter out instead,
    # so an empty id or date is an error here, as the schema says.
    empty = {
        name: [_("Give a value, or leave the parameter out.")]
        for name in TYPED_PARAMETERS
        if "" in request.query_params.getlist(name)
    }
    if empty:
        raise ValidationError(empty)
    form = DashboardFilterForm(
        request.query_params,
        programs=dashboard_programs(request.user),
        every_program=sees_every_program(request.user),
    )
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    filters = form.report_filter()
    if filters is None:
        raise NotAllowed(_("You do not manage any program yet."))
    return filters


def _filters_data(filters: ReportFilter) -> dict[str, Any]:
    return {
        "programs": list(filters.programs),
        "funding_round": filters.funding_round,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "region": filters.region,
        "sector": filters.sector,
        "credential": filters.credential,
    }


def _suppression(published: PublishedDashboard) -> dict[str, Any]:
    return {"threshold": published.threshold, "note": published.note}


def _outcomes(outcomes: PublishedOutcomes) -> dict[str, Any]:
    return {
        "answered_q2": count(outcomes.answered_q2),
        "employed_q2": count(outcomes.employed_q2),
        "employed_rate_q2": rate(outcomes.employed_rate_q2),
        "answered_q4": count(outcomes.answered_q4),
        "employed_q4": count(outcomes.employed_q4),
        "employed_rate_q4": rate(outcomes.employed_rate_q4),
        "median_wage_q2": figure(outcomes.median_wage_q2),
        "median_wage_q4": figure(outcomes.median_wage_q4),
        "wage_change": figure(outcomes.wage_change),
    }


class _ReportView(APIView):
    permission_classes = [role_required(*DASHBOARD_ROLES)]

    def report(self, request: Request, serializer_class: Any, figures: Any) -> Response:
        """A report for the request's filters: its heading (the filters, the suppression rule, when it
        was added up), then `figures(filters, published)`, shown by `serializer_class`."""
        filters = _filters(request)
        published = publish(filters)
        data = {
            "filters": _filters_data(filters),
            "suppression": _suppression(published),
            "as_of": published.as_of,
            **figures(filters, published),
        }
        return Response(serializer_class(data).data)


class ReportSummaryView(_ReportView):
    @extend_schema(
        summary="The dashboard's figures",
        description="Budget, applications by status, decisions, rates, cost, outcomes and pledges, "
        "for the filters given. Counts are suppressed like on the dashboard.",
        parameters=FILTER_PARAMETERS,
        responses={200: SummarySerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.report(request, SummarySerializer, _summary)


def _summary(filters: ReportFilter, published: PublishedDashboard) -> dict[str, Any]:
    budget = published.budget
    apps = published.applications
    labels = dict(Application.Status.choices)
    pledges = published.pledges
    return {
        "budget": {
            "currency": budget.currency,
            "currencies": list(budget.currencies),
            "mixed_currencies": len(budget.currencies) > 1,
            "follows_programs_only": filters.money_is_filtered,
            "total": budget.total,
            "committed": budget.committed,
            "disbursed": budget.disbursed,
            "clawed_back": budget.clawed_back,
            "remaining": budget.remaining,
            "burn_per_30_days": budget.burn_per_30_days,
            "runs_out_on": budget.runs_out_on,
        },
        "applications": {
            "by_status": [
                {"status": status, "label": str(labels[status]), "count": count(cell)}
                for status, cell in apps.by_status.items()
            ],
            **{
                name: count(apps.counts[name])
                for name in ("submitted", "decided", "awarded", "rejected", "completed", "ended")
            },
            "approval_rate": rate(apps.approval_rate),
            "completion_rate": rate(apps.completion_rate),
            "attainment_rate": rate(apps.attainment_rate),
            "amount_paid": apps.amount_paid,
            "amount_recovered": apps.amount_recovered,
            "cost_per_credential": figure(apps.cost_per_credential),
            "days_to_decision_median": figure(apps.days_to_decision_median),
            "days_to_decision_p90": figure(apps.days_to_decision_p90),
        },
        "outcomes": _outcomes(published.outcomes),
        "pledges": {
            name: count(getattr(pledges, name))
            for name in (
                "active",
                "fulfilled",
                "lapsed",
                "roles_converted_target",
                "roles_converted_verified",
                "hires_target",
                "hires_verified",
                "non_degree_hires_target",
                "non_degree_hires_verified",
            )
        },
    }


class ReportEquityView(_ReportView):
    @extend_schema(
        summary="Equity: applications, decisions and results by group",
        description="Each dimension's suppressed table, approval and completion rates, and each group's "
        "approval-rate ratio to the highest group's (flagged below four-fifths), with the suppression note.",
        parameters=FILTER_PARAMETERS,
        responses={200: EquityReportSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.report(request, EquityReportSerializer, _equity)


def _equity(filters: ReportFilter, published: PublishedDashboard) -> dict[str, Any]:
    dimensions = []
    for table in published.equity:
        view = equity_view(table)
        totals = table.table.column_totals or {}
        dimensions.append(
            {
                "key": table.dimension.key,
                "label": str(table.dimension.label),
                "flagged": table.flagged,
                "groups": [
                    {
                        "key": group,
                        "label": row.label,
                        "counts": {
                            measure: count(cell) for measure, cell in zip(MEASURES, row.cells, strict=True)
                        },
                        "approval_rate": rate(row.approval),
                        "completion_rate": rate(row.completion),
                        "impact_ratio": impact(row.impact),
                    }
                    for group, row in zip(table.groups, view.rows, strict=True)
                ],
                "totals": {measure: count(totals[measure]) for measure in MEASURES},
            }
        )
    return {"dimensions": dimensions}


class ReportOutcomesView(_ReportView):
    @extend_schema(
        summary="Outcomes after completion",
        description="Employment in the 2nd and 4th quarter after completion, median earnings, wage change.",
        parameters=FILTER_PARAMETERS,
        responses={200: OutcomeReportSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.report(
            request,
            OutcomeReportSerializer,
            lambda filters, published: {"outcomes": _outcomes(published.outcomes)},
        )
