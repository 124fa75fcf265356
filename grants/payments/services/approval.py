"""Approving payment of a verified claim (maker-checker); putting a failed payment back for a batch."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotAllowed, require
from core.workflow import lock
from grants.applications.workflow import S, lock_application, move_application, tell_applicant
from grants.models import Application, CompletionClaim, Payment
from grants.payments.services.common import P, move_payment, new_reference, payment_event_write
from grants.permissions import can_handle_payments
from programs.models import Program


def payee_for(application: Application) -> tuple[str, str, str]:
    """(payee type, name, reference for the finance system) by the program's payment model."""
    model = application.program.payment_model
    provider = application.credential.provider
    employer = getattr(application, "employer", None)
    if model in (Program.PaymentModel.UPFRONT_TO_PROVIDER, Program.PaymentModel.VOUCHER):
        return (
            Payment.PayeeType.PROVIDER,
            provider.name,
            provider.registration_number or f"PROVIDER-{provider.pk}",
        )
    if employer is not None:
        return Payment.PayeeType.EMPLOYER, employer.legal_name, employer.registration_number
    applicant = application.applicant
    return Payment.PayeeType.WORKER, applicant.full_name or applicant.email, f"WORKER-{applicant.pk}"


@transaction.atomic
def payment_approve(*, actor: User, application: Application) -> tuple[Payment, bool]:
    """A finance officer approves paying a verified claim. Maker-checker: whoever verified the claim
    cannot approve its payment. Approving again returns the same payment. Answers (payment, created):
    whether this call made the payment, decided under the application's lock, so that of many
    concurrent approvals exactly one says it created it.

    The amount is the award, or the invoice when that is smaller. Side effects: a Payment (key
    application:<id>:payment), status payment_scheduled, events.
    """
    require(can_handle_payments(actor))
    locked = lock_application(application)
    existing = Payment.objects.filter(idempotency_key=f"application:{locked.pk}:payment").first()
    if existing is not None:
        return existing, False
    if locked.status != S.COMPLETION_VERIFIED:
        raise Conflict(
            _("Only an award with verified completion can be paid (this one is “%(status)s”).")
            % {"status": locked.get_status_display()}
        )
    claim = CompletionClaim.objects.get(application=locked, status=CompletionClaim.Status.VERIFIED)
    if claim.decided_by_id == actor.pk:
        raise NotAllowed(_("You verified this claim, so another finance officer must approve its payment."))
    awarded = locked.amount_awarded or Decimal("0")
    amount = min(awarded - locked.amount_paid, claim.invoice_amount or awarded)
    if amount <= 0:
        raise Conflict(_("Nothing is left to pay on this award."))
    payee_type, payee_name, payee_reference = payee_for(locked)
    payment = Payment.objects.create(
        reference=new_reference("PAY"),
        idempotency_key=f"application:{locked.pk}:payment",
        application=locked,
        claim=claim,
        amount=amount,
        currency=locked.program.currency,
        payee_type=payee_type,
        payee_name=payee_name[:200],
        payee_reference=payee_reference[:60],
        approved_by=actor,
    )
    payment_event_write(payment, actor=actor, action="approved", amount=str(amount))
    move_application(
        locked,
        S.PAYMENT_SCHEDULED,
        actor=actor,
        action="payment_scheduled",
        payload={"payment": payment.reference, "amount": str(amount)},
    )
    tell_applicant(
        locked,
        _("Payment approved for %(ref)s") % {"ref": locked.reference},
        _("%(amount)s %(currency)s will be paid to %(payee)s.")
        % {"amount": f"{amount:,.2f}", "currency": payment.currency, "payee": payment.payee_name},
    )
    return payment, True


@transaction.atomic
def payment_retry(*, actor: User, payment: Payment, reason: str = "") -> tuple[Payment, bool]:
    """Put a failed payment back with the approved ones, for a new batch. A payment already retried (or
    never failed) is returned unchanged. Answers (payment, retried): whether this call retried it."""
    require(can_handle_payments(actor))
    lock_application(payment.application)
    locked = lock(payment)
    if locked.status != P.FAILED:
        if locked.status in (P.APPROVED, P.BATCHED, P.SENT, P.PAID):
            return locked, False
        raise Conflict(_("Only a failed payment can be retried."))
    locked.attempts += 1
    locked.batch = None
    move_payment(
        locked,
        P.APPROVED,
        actor=actor,
        action="retried",
        reason=reason.strip(),
        extra_fields=("attempts", "batch"),
    )
    return locked, True
