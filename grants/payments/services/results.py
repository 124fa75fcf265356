"""The finance system's results: a payment recorded paid (the disbursement, the rest of the award
released) or failed, one at a time or from a reconciliation file for a whole batch."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import check_within, parse_date
from core.exceptions import Conflict, require
from core.money import to_amount
from core.workflow import lock, transition
from grants.applications.workflow import S, lock_application, move_application, tell_applicant
from grants.date_windows import award_began_on
from grants.models import Application, Payment, PaymentBatch
from grants.payments.services.batches import BatchResult, ItemResult
from grants.payments.services.common import MAX_RECONCILIATION_BYTES, B, P, move_payment
from grants.permissions import can_handle_payments
from programs.services import budget_disburse, budget_release


def _lock_sent(payment: Payment, recorded: str, refused: str) -> tuple[Application, Payment]:
    """The payment's application, then the payment, locked (core.workflow.LOCK_ORDER). Refused with
    `refused` (a message with the status) unless the payment is sent, or already `recorded`."""
    application = lock_application(payment.application)
    locked = lock(payment)
    if locked.status not in (P.SENT, recorded):
        raise Conflict(refused % {"status": locked.get_status_display()})
    return application, locked


@transaction.atomic
def payment_record_paid(*, actor: User, payment: Payment, paid_on: date) -> tuple[Payment, bool]:
    """Record that the finance system paid. Recording it again changes nothing: one disbursement.
    Answers (payment, recorded): whether this call recorded it, decided under the payment's lock.

    Side effects: a ledger disbursement (key payment:<id>:disburse) and, if less than the award was paid,
    a release of the rest (key application:<id>:release-rest); status paid; events; a notice.
    """
    require(can_handle_payments(actor))
    application, locked = _lock_sent(
        payment, P.PAID, _("Only a sent payment can be recorded as paid (this one is “%(status)s”).")
    )
    if locked.status == P.PAID:
        return locked, False
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    check_within(paid_on, field="paid_on", earliest=award_began_on(application), latest=timezone.localdate())
    awarded = application.amount_awarded or Decimal("0")
    if application.amount_paid + locked.amount > awarded:
        raise Conflict(_("This payment would pay more than was committed for the award."))
    budget_disburse(
        program=application.program,
        amount=locked.amount,
        idempotency_key=f"payment:{locked.pk}:disburse",
        reason=_("Payment %(ref)s for %(app)s") % {"ref": locked.reference, "app": application.reference},
        actor=actor,
        funding_round=application.funding_round,
        subject=locked,
    )
    rest = awarded - application.amount_paid - locked.amount
    if rest > 0:
        budget_release(
            program=application.program,
            amount=rest,
            idempotency_key=f"application:{application.pk}:release-rest",
            reason=_("Unpaid rest of award %(ref)s") % {"ref": application.reference},
            actor=actor,
            funding_round=application.funding_round,
            subject=application,
        )
    locked.paid_on = paid_on
    move_payment(locked, P.PAID, actor=actor, action="paid", extra_fields=("paid_on",), paid_on=str(paid_on))
    application.amount_paid = application.amount_paid + locked.amount
    application.closed_at = timezone.now()
    move_application(
        application,
        S.PAID,
        actor=actor,
        action="paid",
        payload={"payment": locked.reference, "amount": str(locked.amount), "released": str(rest)},
        extra_fields=("amount_paid", "closed_at"),
    )
    tell_applicant(
        application,
        _("Payment made for %(ref)s") % {"ref": application.reference},
        _("%(amount)s %(currency)s was paid to %(payee)s on %(day)s.")
        % {
            "amount": f"{locked.amount:,.2f}",
            "currency": locked.currency,
            "payee": locked.payee_name,
            "day": paid_on,
        },
    )
    return locked, True


@transaction.atomic
def payment_record_failed(*, actor: User, payment: Payment, reason: str) -> tuple[Payment, bool]:
    """Record that the finance system could not pay (a closed account, say). Recording it again changes
    nothing. The payment can then be retried. Answers (payment, recorded), as `payment_record_paid`."""
    require(can_handle_payments(actor))
    _application, locked = _lock_sent(
        payment, P.FAILED, _("Only a sent payment can be recorded as failed (this one is “%(status)s”).")
    )
    if locked.status == P.FAILED:
        return locked, False
    locked.failure_reason = (reason or _("No reason given")).strip()[:300]
    move_payment(
        locked,
        P.FAILED,
        actor=actor,
        action="failed",
        reason=locked.failure_reason,
        extra_fields=("failure_reason",),
    )
    return locked, True


RESULT_PAID, RESULT_FAILED = "paid", "failed"


def _parse_reconciliation(content: bytes) -> list[dict[str, str]]:
    if len(content) > MAX_RECONCILIATION_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    if b"\x00" in content:
        raise ValidationError({"file": _("This is not a CSV text file.")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text.")}) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in (reader.fieldnames or []) if name}
    if not {"payment_reference", "result"} <= columns:
        raise ValidationError(
            {"file": _("The file needs the columns payment_reference and result (and paid_on or reason).")}
        )
    try:
        return [
            {
                (key or "").strip().lower(): (value or "").strip()
                for key, value in row.items()
                if isinstance(value, str)
            }
            for row in reader
        ]
    except csv.Error as error:
        raise ValidationError(
            {"file": _("The CSV could not be read: %(error)s") % {"error": error}}
        ) from None


def payment_batch_reconcile(*, actor: User, batch: PaymentBatch, content: bytes) -> BatchResult:
    """Apply the finance system's results file to a sent batch: each row is matched by payment reference and
    recorded paid (with paid_on) or failed (with reason), each in its own transaction so one bad row does
    not undo the rest. Rows for payments already recorded the same way are reported and change nothing.
    When every payment of the batch is paid or failed, the batch is reconciled."""
    require(can_handle_payments(actor))
    rows = _parse_reconciliation(content)
    batch = PaymentBatch.objects.get(pk=batch.pk)
    if batch.status not in (B.SENT, B.RECONCILED):
        raise Conflict(_("Only a batch that was sent can be reconciled."))
    if not rows:
        raise ValidationError({"file": _("The file has no rows.")})
    payments = {payment.reference: payment for payment in batch.payments.select_related("application")}
    result = BatchResult(batch=batch)
    for number, row in enumerate(rows, start=2):
        reference = row.get("payment_reference", "")
        label = reference or _("row %(n)s") % {"n": number}
        payment = payments.get(reference)
        if payment is None:
            result.items.append(
                ItemResult(label, False, _("Row %(n)s: no such payment in this batch.") % {"n": number})
            )
            continue
        outcome = row.get("result", "").lower()
        try:
            if outcome == RESULT_PAID:
                paid_on = parse_date(
                    row.get("paid_on", ""),
                    message=_("Row %(n)s: give paid_on as YYYY-MM-DD.") % {"n": number},
                )
                amount = row.get("amount", "")
                if amount and to_amount(amount, payment.currency, field="amount") != payment.amount:
                    raise ValidationError(
                        _("Row %(n)s: the amount differs from the payment's.") % {"n": number}
                    )
                _paid, recorded = payment_record_paid(actor=actor, payment=payment, paid_on=paid_on)
                message = _("Recorded as paid.") if recorded else _("Already recorded as paid.")
            elif outcome == RESULT_FAILED:
                _failed, recorded = payment_record_failed(
                    actor=actor, payment=payment, reason=row.get("reason", "")
                )
                message = _("Recorded as failed.") if recorded else _("Already recorded as failed.")
            else:
                raise ValidationError(_("Row %(n)s: result must be “paid” or “failed”.") % {"n": number})
        except (ValidationError, Conflict) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            result.items.append(ItemResult(label, False, text))
            continue
        payment.refresh_from_db()
        result.items.append(ItemResult(label, True, message, changed=recorded))
    with transaction.atomic():
        locked = lock(batch)
        open_payments = locked.payments.exclude(status__in=[P.PAID, P.FAILED]).exists()
        if locked.status == B.SENT and not open_payments:
            locked.reconciled_at = timezone.now()
            transition(locked, B.RECONCILED, actor=actor, action="reconciled", fields=("reconciled_at",))
        result.batch = locked
    return result
