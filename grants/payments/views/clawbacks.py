"""Recording money recovered from a paid award (a clawback), with a reason the worker sees."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import get_visible_or_404, predicate_view_check
from core.views import attempt, signed_in_user
from grants.models import Clawback, Payment
from grants.payments import services as services_payments
from grants.payments.forms import ClawbackForm
from grants.payments.views.common import P, S
from grants.permissions import applications_visible_to, can_handle_payments
from programs.presentation import money


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def clawback_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    application = get_visible_or_404(
        applications_visible_to(user).select_related("program", "credential", "applicant"), pk=pk
    )
    currency = application.program.currency
    form = ClawbackForm(request.POST or None)
    payment = Payment.objects.filter(application=application, status=P.PAID).first()
    if request.method == "POST" and form.is_valid():
        done, clawback = attempt(
            form,
            services_payments.clawback_record,
            actor=user,
            application=application,
            amount=form.cleaned_data["amount"],
            reason_code=form.cleaned_data["reason_code"],
            explanation=form.cleaned_data["explanation"],
        )
        if done:
            messages.success(
                request,
                _("%(amount)s is recorded as recovered on %(ref)s; the worker is told why.")
                % {"amount": money(clawback.amount, currency), "ref": application.reference},
            )
            return redirect("grants:payment_detail", pk=clawback.payment_id)
    previous: list[Any] = list(Clawback.objects.filter(application=application).select_related("recorded_by"))
    for clawback in previous:
        clawback.amount_display = money(clawback.amount, currency)
    return render(
        request,
        "grants/finance/clawback.html",
        {
            "application": application,
            "payment": payment,
            "form": form,
            "may_claw_back": application.status in (S.PAID, S.CLAWED_BACK),
            "amount_paid": money(application.amount_paid, currency),
            "recoverable": money(application.amount_paid - application.amount_clawed_back, currency),
            "previous": previous,
        },
    )
