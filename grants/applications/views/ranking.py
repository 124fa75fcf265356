"""The ranking of a scored funding round for its program's managers, and approving it best first until
the budget runs out."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import Decision, has_role, predicate_view_check
from accounts.roles import Role
from core.exceptions import ApplicationError, NotAllowed
from core.views import signed_in_user
from grants.applications import services
from grants.applications.selectors import ranked_applications
from grants.applications.views.staff import PRIORITY_LABELS
from programs.models import FundingRound, Program
from programs.presentation import money


def _is_program_manager(user: Any) -> Decision:
    return has_role(user, Role.PROGRAM_MANAGER)


def _managed_round(request: HttpRequest, round_pk: int) -> FundingRound:
    """The round, if the caller manages its program; 404 otherwise."""
    return get_object_or_404(
        FundingRound.objects.filter(program__managers=signed_in_user(request)).select_related(
            "program__budget"
        ),
        pk=round_pk,
    )


@predicate_view_check(_is_program_manager)
@require_safe
def round_ranking(request: HttpRequest, round_pk: int) -> HttpResponse:
    funding_round = _managed_round(request, round_pk)
    program = funding_round.program
    budget = getattr(program, "budget", None)
    available = budget.available if budget else Decimal("0")
    rows: list[Any] = list(ranked_applications(funding_round))
    cumulative = Decimal("0")
    still_fits = True
    for row in rows:
        cumulative += row.amount_requested
        still_fits = still_fits and cumulative <= available
        row.cumulative = cumulative
        row.fits = still_fits
        row.amount_display = money(row.amount_requested, program.currency)
        row.cumulative_display = money(cumulative, program.currency)
        row.priority_label = PRIORITY_LABELS.get(row.priority_group, "—") if row.priority_group else "—"
    return render(
        request,
        "grants/staff/ranking.html",
        {
            "funding_round": funding_round,
            "program": program,
            "rows": rows,
            "available": money(available, program.currency),
            "round_share": money(funding_round.budget_share, program.currency)
            if funding_round.budget_share is not None
            else "",
            "fitting_count": sum(1 for row in rows if row.fits),
            "is_scored": program.selection_method == Program.SelectionMethod.SCORED,
        },
    )


@predicate_view_check(_is_program_manager)
@require_POST
def round_approve_top(request: HttpRequest, round_pk: int) -> HttpResponse:
    funding_round = _managed_round(request, round_pk)
    if funding_round.program.selection_method != Program.SelectionMethod.SCORED:
        messages.error(
            request, _("This program is first come, first served; its applications are not ranked.")
        )
        return redirect("grants:round_ranking", round_pk=funding_round.pk)
    try:
        result = services.approve_top_ranked(actor=signed_in_user(request), funding_round=funding_round)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("grants:round_ranking", round_pk=funding_round.pk)
    approved, skipped = result["approved"], result["stopped_or_skipped"]
    if approved:
        messages.success(
            request,
            _("Approved %(count)s: %(refs)s.") % {"count": len(approved), "refs": ", ".join(approved)},
        )
    else:
        messages.info(request, _("No application was approved."))
    if skipped:
        messages.warning(
            request,
            _("Not approved (the budget ran out, or a cap or rule refused them): %(refs)s.")
            % {"refs": ", ".join(skipped)},
        )
    return redirect("grants:round_ranking", round_pk=funding_round.pk)
