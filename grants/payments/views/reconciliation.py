"""Reconciling a sent batch: the finance system's results file, applied row by row by payment reference."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import predicate_view_check
from core.views import attempt, signed_in_user
from grants.payments import services as services_payments
from grants.payments.forms import ReconcileForm
from grants.payments.views.batches import keep_result
from grants.payments.views.common import B, batch_for, decorate_batch
from grants.permissions import can_handle_payments

RECONCILIATION_EXAMPLE = (
    "payment_reference,result,paid_on,reason,amount\n"
    "PAY-26-ABCD2345,paid,2026-03-02,,1500.00\n"
    "PAY-26-EFGH6789,failed,,Account closed,\n"
)


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def batch_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_for(pk)
    form = ReconcileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, result = attempt(
            form,
            services_payments.payment_batch_reconcile,
            actor=signed_in_user(request),
            batch=batch,
            content=form.cleaned_data["file"],
        )
        if done:
            keep_result(request, batch, _("Results of the reconciliation file"), result)
            messages.success(
                request,
                _("%(ok)s of %(rows)s rows applied.")
                % {"ok": len(result.succeeded), "rows": len(result.items)},
            )
            if result.failed:
                messages.warning(
                    request,
                    _("%(bad)s rows could not be applied; see the reasons below.")
                    % {"bad": len(result.failed)},
                )
            return redirect("grants:batch_detail", pk=batch.pk)
    decorate_batch(batch)
    return render(
        request,
        "grants/finance/batch_reconcile.html",
        {
            "batch": batch,
            "form": form,
            "may_reconcile": batch.status in (B.SENT, B.RECONCILED),
            "example": RECONCILIATION_EXAMPLE,
        },
    )
