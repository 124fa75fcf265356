"""Paying awards and recovering money: payment approval (maker-checker), batches for the agency's finance
system, reconciliation of its results, retries and clawbacks.

Every step is idempotent: approving, batching, sending or recording the same payment again changes
nothing and writes no second ledger entry. The disbursement's ledger key is `payment:<id>:disburse`, and
the application row (locked first) caps what is paid at what was committed.

Lock order: application, then payment, then batch, then the program budget (the ledger services).
"""

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import check_within, parse_date
from core.exceptions import Conflict, NotAllowed, require
from core.money import to_amount
from core.workflow import lock, transition
from grants.applications.workflow import S, lock_application, move_application, tell_applicant
from grants.date_windows import award_began_on
from grants.models import (
    Application,
    ApplicationEvent,
    Clawback,
    CompletionClaim,
    Payment,
    PaymentBatch,
    PaymentBatchEvent,
    PaymentEvent,
)
from grants.permissions import can_handle_payments
from programs.models import Program
from programs.services import budget_claw_back, budget_disburse, budget_release

P = Payment.Status
B = PaymentBatch.Status
MAX_RECONCILIATION_BYTES = 5 * 1024 * 1024
MAX_BATCH_SIZE = 5000
EXPORT_COLUMNS = (
    "payment_reference",
    "application_reference",
    "payee_type",
    "payee_name",
    "payee_reference",
    "amount",
    "currency",
    "program_code",
)


def _reference(prefix: str) -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{prefix}-{timezone.localdate():%y}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _payment_event(
    payment: Payment,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    reason: str = "",
    **payload: Any,
) -> None:
    PaymentEvent.objects.create(
        payment=payment,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=payment.status,
        reason=reason,
        payload=payload,
    )


def _set_payment_status(
    payment: Payment,
    to_status: str,
    *,
    actor: User | None,
    action: str,
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
    **payload: Any,
) -> None:
    transition(
        payment,
        to_status,
        actor=actor,
        action=action,
        reason=reason,
        payload=payload,
        fields=extra_fields,
    )


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


# ---------------------------------------------------------------- approval


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
        reference=_reference("PAY"),
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
    _payment_event(payment, actor=actor, action="approved", amount=str(amount))
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
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != P.FAILED:
        if locked.status in (P.APPROVED, P.BATCHED, P.SENT, P.PAID):
            return locked, False
        raise Conflict(_("Only a failed payment can be retried."))
    locked.attempts += 1
    locked.batch = None
    _set_payment_status(
        locked,
        P.APPROVED,
        actor=actor,
        action="retried",
        reason=reason.strip(),
        extra_fields=("attempts", "batch"),
    )
    return locked, True


# ---------------------------------------------------------------- batches


@dataclass
class ItemResult:
    """One row's result: `ok` when it was applied or found applied already; `changed` when this call
    changed something (decided under the row's lock, so a repeated file reports no change)."""

    reference: str
    ok: bool
    message: str
    changed: bool = False


@dataclass
class BatchResult:
    batch: PaymentBatch
    items: list[ItemResult] = field(default_factory=list)

    @property
    def succeeded(self) -> list[ItemResult]:
        return [item for item in self.items if item.ok]

    @property
    def failed(self) -> list[ItemResult]:
        return [item for item in self.items if not item.ok]


@transaction.atomic
def payment_batch_create(
    *, actor: User, currency: str, payments: Iterable[Payment] | None = None
) -> BatchResult:
    """Put approved payments (those given, or every approved one in the currency) into a new draft batch.
    Payments that are no longer approved, or in another currency, are reported and left out."""
    require(can_handle_payments(actor))
    if currency not in Program.objects.values_list("currency", flat=True).distinct():
        raise ValidationError({"currency": _("No program pays in this currency.")})
    chosen: QuerySet[Payment] = Payment.objects.filter(status=P.APPROVED, currency=currency)
    wanted: list[int] | None = None
    if payments is not None:
        wanted = sorted({payment.pk for payment in payments})
        if not wanted:
            raise ValidationError({"payments": _("Choose at least one payment.")})
        chosen = Payment.objects.filter(pk__in=wanted)
    ids = list(chosen.order_by("pk").values_list("pk", flat=True)[: MAX_BATCH_SIZE + 1])
    if len(ids) > MAX_BATCH_SIZE:
        raise ValidationError(
            {"payments": _("A batch holds at most %(n)s payments.") % {"n": MAX_BATCH_SIZE}}
        )
    if not ids:
        raise ValidationError({"payments": _("There are no approved payments to batch.")})
    batch = PaymentBatch.objects.create(reference=_reference("BATCH"), currency=currency, created_by=actor)
    PaymentBatchEvent.objects.create(batch=batch, actor=actor, action="created", to_status=B.DRAFT)
    result = BatchResult(batch=batch)
    for payment in Payment.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if payment.currency != currency:
            result.items.append(ItemResult(payment.reference, False, _("In another currency.")))
            continue
        if payment.status != P.APPROVED:
            result.items.append(
                ItemResult(
                    payment.reference,
                    False,
                    _("Not waiting for a batch (%(s)s).") % {"s": payment.get_status_display()},
                )
            )
            continue
        payment.batch = batch
        _set_payment_status(
            payment, P.BATCHED, actor=actor, action="batched", extra_fields=("batch",), batch=batch.reference
        )
        result.items.append(ItemResult(payment.reference, True, _("Added."), changed=True))
    if wanted is not None:
        found = {payment.pk for payment in Payment.objects.filter(pk__in=wanted)}
        for missing in set(wanted) - found:
            result.items.append(ItemResult(str(missing), False, _("No such payment.")))
    if not result.succeeded:
        raise ValidationError({"payments": [f"{item.reference}: {item.message}" for item in result.items]})
    return result


def batch_csv(batch: PaymentBatch) -> str:
    """The batch as the finance system reads it: one row per payment, in reference order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = batch.payments.select_related("application__program").order_by("reference")
    for payment in rows:
        writer.writerow(
            [
                payment.reference,
                payment.application.reference,
                payment.payee_type,
                _csv_safe(payment.payee_name),
                _csv_safe(payment.payee_reference),
                f"{payment.amount:.2f}",
                payment.currency,
                payment.application.program.code,
            ]
        )
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with these characters as formulas; a leading quote stops that.
    A carriage return inside a cell is not quoted by a writer whose line ending is "\n", so it would start
    a new row (and a formula cell) in the finance system's reader: names hold no line breaks, so spaces."""
    value = value.replace("\r", " ").replace("\n", " ")
    return "'" + value if value.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t") else value


@transaction.atomic
def payment_batch_export(*, actor: User, batch: PaymentBatch) -> tuple[str, bool]:
    """Export the batch: (its CSV, whether this call exported it). Side effect: a draft batch becomes
    exported (closed to changes, with the time, the file itself and its SHA-256 recorded). Exporting a
    batch already exported gives the same file, byte for byte, and changes nothing, so a caller can
    retry. Callers reach this by POST only; a GET reads `payment_batch_file`."""
    require(can_handle_payments(actor))
    locked = lock(batch)
    if locked.status == B.DISCARDED:
        raise Conflict(_("This batch was discarded."))
    if locked.status != B.DRAFT:
        return _exported_file(locked), False
    content = batch_csv(locked)
    locked.exported_at, locked.exported_by = timezone.now(), actor
    locked.export_content = content
    locked.export_sha256 = hashlib.sha256(content.encode()).hexdigest()
    transition(
        locked,
        B.EXPORTED,
        actor=actor,
        action="exported",
        payload={"sha256": locked.export_sha256},
        fields=("exported_at", "exported_by", "export_content", "export_sha256"),
    )
    return content, True


def payment_batch_file(*, actor: User, batch: PaymentBatch) -> str:
    """The CSV of a batch already exported, to download again: the file as it was exported, so it still
    matches its recorded SHA-256 after payments have moved (a failed one retried into a new batch). Reads
    only: a draft batch is a Conflict (exporting it, which closes it, is `payment_batch_export`), and so is
    a discarded one."""
    require(can_handle_payments(actor))
    current = PaymentBatch.objects.get(pk=batch.pk)
    if current.status == B.DISCARDED:
        raise Conflict(_("This batch was discarded."))
    if current.status == B.DRAFT:
        raise Conflict(
            _("This batch has not been exported yet. Export it first; exporting closes it to changes.")
        )
    return _exported_file(current)


def _exported_file(batch: PaymentBatch) -> str:
    """The stored file; for a batch exported before files were stored (grants migration 0005), the file
    rebuilt from its payments, which matches its SHA-256 only while none has left the batch."""
    return batch.export_content or batch_csv(batch)


@transaction.atomic
def payment_batch_mark_sent(*, actor: User, batch: PaymentBatch) -> tuple[PaymentBatch, bool]:
    """Record that the exported file went to the finance system. Marking it again changes nothing.
    Answers (batch, marked): whether this call marked it sent."""
    require(can_handle_payments(actor))
    locked = lock(batch)
    if locked.status in (B.SENT, B.RECONCILED):
        return locked, False
    if locked.status != B.EXPORTED:
        raise Conflict(_("Export the batch before marking it sent."))
    for payment in Payment.objects.select_for_update().filter(batch=locked, status=P.BATCHED).order_by("pk"):
        _set_payment_status(payment, P.SENT, actor=actor, action="sent", batch=locked.reference)
    locked.sent_at, locked.sent_by = timezone.now(), actor
    transition(locked, B.SENT, actor=actor, action="sent", fields=("sent_at", "sent_by"))
    return locked, True


@transaction.atomic
def payment_batch_discard(*, actor: User, batch: PaymentBatch, reason: str = "") -> PaymentBatch:
    """Undo a draft batch: its payments wait for another. A started (exported) batch cannot be discarded;
    nothing is deleted either way."""
    require(can_handle_payments(actor))
    locked = lock(batch)
    if locked.is_started:
        raise Conflict(_("This batch has been exported, so it cannot be discarded."))
    for payment in Payment.objects.select_for_update().filter(batch=locked, status=P.BATCHED).order_by("pk"):
        payment.batch = None
        _set_payment_status(
            payment,
            P.APPROVED,
            actor=actor,
            action="unbatched",
            reason=reason.strip(),
            extra_fields=("batch",),
        )
    transition(locked, B.DISCARDED, actor=actor, action="discarded", reason=reason.strip())
    return locked


# ---------------------------------------------------------------- results


@transaction.atomic
def payment_record_paid(*, actor: User, payment: Payment, paid_on: date) -> tuple[Payment, bool]:
    """Record that the finance system paid. Recording it again changes nothing: one disbursement.
    Answers (payment, recorded): whether this call recorded it, decided under the payment's lock.

    Side effects: a ledger disbursement (key payment:<id>:disburse) and, if less than the award was paid,
    a release of the rest (key application:<id>:release-rest); status paid; events; a notice.
    """
    require(can_handle_payments(actor))
    application = lock_application(payment.application)
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == P.PAID:
        return locked, False
    if locked.status != P.SENT:
        raise Conflict(
            _("Only a sent payment can be recorded as paid (this one is “%(status)s”).")
            % {"status": locked.get_status_display()}
        )
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
    _set_payment_status(
        locked, P.PAID, actor=actor, action="paid", extra_fields=("paid_on",), paid_on=str(paid_on)
    )
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
    lock_application(payment.application)
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == P.FAILED:
        return locked, False
    if locked.status != P.SENT:
        raise Conflict(
            _("Only a sent payment can be recorded as failed (this one is “%(status)s”).")
            % {"status": locked.get_status_display()}
        )
    locked.failure_reason = (reason or _("No reason given")).strip()[:300]
    _set_payment_status(
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


# ---------------------------------------------------------------- clawback


@transaction.atomic
def clawback_record(
    *, actor: User, application: Application, amount: Any, reason_code: str, explanation: str
) -> Clawback:
    """Record money recovered from a paid award, with a reason the worker can read.

    Side effects: a Clawback, a ledger clawback entry (key clawback:<id>), status clawed_back (first time),
    an event the applicant sees, a notice.
    """
    require(can_handle_payments(actor))
    locked = lock_application(application)
    if locked.status not in (S.PAID, S.CLAWED_BACK):
        raise Conflict(_("Only a paid award can be clawed back."))
    if reason_code not in Clawback.Reason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    if not (explanation or "").strip():
        raise ValidationError({"explanation": _("Explain the recovery; the worker will read it.")})
    value = to_amount(amount, locked.program.currency, field="amount")
    recoverable = locked.amount_paid - locked.amount_clawed_back
    if value > recoverable:
        raise ValidationError(
            {
                "amount": _("At most %(amount)s can be recovered on this award.")
                % {"amount": f"{recoverable:,.2f}"}
            }
        )
    payment = Payment.objects.get(application=locked, status=P.PAID)
    clawback = Clawback.objects.create(
        application=locked,
        payment=payment,
        amount=value,
        reason_code=reason_code,
        explanation=explanation.strip(),
        recorded_by=actor,
    )
    budget_claw_back(
        program=locked.program,
        amount=value,
        idempotency_key=f"clawback:{clawback.pk}",
        reason=_("Recovery on %(ref)s: %(reason)s")
        % {"ref": locked.reference, "reason": clawback.get_reason_code_display()},
        actor=actor,
        subject=clawback,
    )
    locked.amount_clawed_back = locked.amount_clawed_back + value
    payload = {"amount": str(value), "reason_code": reason_code, "clawback": clawback.pk}
    if locked.status == S.PAID:
        move_application(
            locked,
            S.CLAWED_BACK,
            actor=actor,
            action="clawed_back",
            reason=clawback.explanation,
            payload=payload,
            extra_fields=("amount_clawed_back",),
        )
    else:
        locked.save(update_fields=["amount_clawed_back", "updated_at"])
        ApplicationEvent.objects.create(
            application=locked,
            actor=actor,
            action="clawed_back",
            reason=clawback.explanation,
            payload=payload,
        )
    tell_applicant(
        locked,
        _("Money recovered on %(ref)s") % {"ref": locked.reference},
        _("%(amount)s %(currency)s is being recovered: %(reason)s. %(explanation)s")
        % {
            "amount": f"{value:,.2f}",
            "currency": locked.program.currency,
            "reason": clawback.get_reason_code_display(),
            "explanation": clawback.explanation,
        },
    )
    return clawback
