"""The list of payments, a payment's page with its history and clawbacks, and retrying a failed one."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import predicate_view_check
from core.views import call_with_message, signed_in_user
from grants.models import Payment
from grants.payments import services as services_payments
from grants.payments.forms import PaymentFilterForm, ReasonForm
from grants.payments.views.common import (
    PAYMENT_EVENT_LABELS,
    P,
    S,
    decorate_payment,
    filtered_list,
    payment_rows,
)
from grants.permissions import can_handle_payments
from programs.presentation import money


@predicate_view_check(can_handle_payments)
@require_safe
def payment_list(request: HttpRequest) -> HttpResponse:
    return filtered_list(
        request,
        "grants/finance/payment_list.html",
        PaymentFilterForm(request.GET or None),
        payment_rows().order_by("-approved_at", "-pk"),
        {"status": "status", "program": "application__program", "currency": "currency"},
        decorate_payment,
    )


def _payment_page(
    request: HttpRequest, payment: Payment, *, retry_form: ReasonForm | None = None
) -> HttpResponse:
    decorate_payment(payment)
    events: list[Any] = list(payment.events.select_related("actor"))
    for event in events:
        event.label = PAYMENT_EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        event.status_label = P(event.to_status).label if event.to_status in P.values else ""
    clawbacks: list[Any] = list(payment.clawbacks.select_related("recorded_by"))
    for clawback in clawbacks:
        clawback.amount_display = money(clawback.amount, payment.currency)
    application = payment.application
    context = {
        "payment": payment,
        "application": application,
        "events": events,
        "clawbacks": clawbacks,
        "retry_form": retry_form or (ReasonForm(prefix="retry") if payment.status == P.FAILED else None),
        "may_claw_back": application.status in (S.PAID, S.CLAWED_BACK)
        and application.amount_paid > application.amount_clawed_back,
    }
    return render(request, "grants/finance/payment_detail.html", context)


@predicate_view_check(can_handle_payments)
@require_safe
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(payment_rows().select_related("approved_by", "claim"), pk=pk)
    return _payment_page(request, payment)


@predicate_view_check(can_handle_payments)
@require_POST
def payment_retry(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(payment_rows().select_related("approved_by", "claim"), pk=pk)
    form = ReasonForm(request.POST, prefix="retry")
    if not form.is_valid():
        return _payment_page(request, payment, retry_form=form)
    done, outcome = call_with_message(
        request,
        services_payments.payment_retry,
        forbidden_as_message=True,
        actor=signed_in_user(request),
        payment=payment,
        reason=form.cleaned_data["reason"],
    )
    if done:
        _retried_payment, retried = outcome
        if retried:
            messages.success(request, _("The payment waits for a new batch."))
        else:
            messages.info(request, _("This payment had not failed; nothing changed."))
    return redirect("grants:payment_detail", pk=payment.pk)
