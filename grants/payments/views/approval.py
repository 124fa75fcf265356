"""Approving the payment of an award whose completion is verified (maker-checker: not by the person who
verified it), with the claim's evidence, the payee and the amount to pay."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import get_visible_or_404, predicate_view_check
from core.views import call_with_message, signed_in_user
from grants.awards.services import required_evidence
from grants.models import Application, CompletionClaim, Payment
from grants.payments import services as services_payments
from grants.payments.views.common import S
from grants.permissions import applications_visible_to, can_handle_payments
from programs.presentation import money

EVIDENCE_LABELS: dict[str, Any] = dict(CompletionClaim.Evidence.choices)


def _claim_summary(application: Application, claim: CompletionClaim | None) -> dict[str, Any]:
    if claim is None:
        return {}
    checks = claim.badge_checks if isinstance(claim.badge_checks, dict) else {}
    return {
        "claim": claim,
        "required": [EVIDENCE_LABELS.get(kind, kind) for kind in required_evidence(application.program)],
        "documents": [
            (label, document)
            for label, document in (
                (_("Certificate"), claim.certificate),
                (_("Invoice"), claim.invoice),
                (_("Proof of payment"), claim.proof_of_payment),
            )
            if document is not None
        ],
        "invoice_amount": money(claim.invoice_amount, application.program.currency)
        if claim.invoice_amount is not None
        else "",
        "annual_wage": money(claim.annual_wage, application.program.currency)
        if claim.annual_wage is not None
        else "",
        "badge_checks": checks.get("checks") or [],
        "badge_achievement": checks.get("achievement_name") or checks.get("achievement_id") or "",
        "badge_issuer": checks.get("issuer_name") or checks.get("issuer_id") or "",
    }


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def payment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    application = get_visible_or_404(
        applications_visible_to(user).select_related(
            "program", "credential__provider", "applicant", "employer"
        ),
        pk=pk,
    )
    existing = Payment.objects.filter(application=application).first()
    if request.method == "POST":
        done, outcome = call_with_message(
            request,
            services_payments.payment_approve,
            forbidden_as_message=True,
            actor=user,
            application=application,
        )
        if done:
            payment, created = outcome
            if not created:
                messages.info(request, _("This award's payment was already approved; nothing changed."))
                return redirect("grants:payment_detail", pk=payment.pk)
            messages.success(
                request,
                _("Payment %(ref)s approved: %(amount)s to %(payee)s. It now waits for a batch.")
                % {
                    "ref": payment.reference,
                    "amount": money(payment.amount, payment.currency),
                    "payee": payment.payee_name,
                },
            )
            return redirect("grants:payment_detail", pk=payment.pk)
        return redirect("grants:payment_approve", pk=application.pk)
    claim = (
        CompletionClaim.objects.filter(application=application, status=CompletionClaim.Status.VERIFIED)
        .select_related("certificate", "invoice", "proof_of_payment", "decided_by")
        .first()
    )
    currency = application.program.currency
    awarded = application.amount_awarded or Decimal("0")
    amount = awarded - application.amount_paid
    if claim is not None and claim.invoice_amount is not None:
        amount = min(amount, claim.invoice_amount)
    payee_type, payee_name, payee_reference = services_payments.payee_for(application)
    context = {
        "application": application,
        "existing": existing,
        "may_approve": application.status == S.COMPLETION_VERIFIED and existing is None and claim is not None,
        "verified_by_me": claim is not None and claim.decided_by_id == user.pk,
        "amount": money(amount, currency),
        "amount_awarded": money(application.amount_awarded, currency),
        "payee_type": Payment.PayeeType(payee_type).label,
        "payee_name": payee_name,
        "payee_reference": payee_reference,
        "payment_model": application.program.get_payment_model_display(),
        **_claim_summary(application, claim),
    }
    return render(request, "grants/finance/approve.html", context)
