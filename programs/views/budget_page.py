"""The budget page of a program: its totals and ledger entries, and for its managers a form to set the
total."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import get_visible_or_404, predicate_view_check, require
from core.views import attempt, signed_in_user
from programs import selectors, services
from programs.forms import BudgetTotalForm
from programs.permissions import can_manage_program, can_read_budget, programs_visible_to
from programs.presentation import money

# ---------------------------------------------------------------- staff: budget


@predicate_view_check(can_read_budget)
@require_http_methods(["GET", "POST"])
def budget(request: HttpRequest, code: str) -> HttpResponse:
    program = get_visible_or_404(programs_visible_to(request.user).select_related("budget"), code=code)
    may_set_total = bool(can_manage_program(request.user, program))
    form = BudgetTotalForm(request.POST or None) if may_set_total else None
    if request.method == "POST" and not may_set_total:
        require(can_manage_program(request.user, program))
    if form is not None and request.method == "POST" and form.is_valid():
        done, entry = attempt(
            form,
            services.budget_set_total,
            field_names={"delta": "total"},
            actor=signed_in_user(request),
            program=program,
            total=form.cleaned_data["total"],
            reason=form.cleaned_data["reason"],
            idempotency_key=f"budget-total:{program.pk}:{form.cleaned_data['idempotency_key']}",
        )
        if done:
            if entry is None:
                messages.info(request, _("Nothing changed: the total budget was already that."))
            else:
                messages.success(request, _("The total budget is changed."))
            return redirect("programs:budget", code=program.code)
    try:
        program_budget = program.budget
    except ObjectDoesNotExist:
        program_budget = None
    totals = []
    if program_budget is not None:
        totals = [
            (_("Total budget"), money(program_budget.total, program_budget.currency)),
            (_("Committed"), money(program_budget.committed, program_budget.currency)),
            (_("Paid out"), money(program_budget.disbursed, program_budget.currency)),
            (_("Available"), money(program_budget.available, program_budget.currency)),
            (_("Clawed back"), money(program_budget.clawed_back, program_budget.currency)),
        ]
    entries = list(selectors.budget_entries(program))
    for entry in entries:
        entry.amount_display = money(entry.amount, entry.currency)  # type: ignore[attr-defined]
        entry.total_after_display = money(entry.total_after, entry.currency)  # type: ignore[attr-defined]
        entry.committed_after_display = money(entry.committed_after, entry.currency)  # type: ignore[attr-defined]
        entry.disbursed_after_display = money(entry.disbursed_after, entry.currency)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/budget.html",
        {
            "program": program,
            "totals": totals,
            "entries": entries,
            "form": form,
            "can_manage": may_set_total,
            "section": "budget",
        },
    )
