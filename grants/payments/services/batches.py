"""Batches of approved payments for the agency's finance system: made, exported (the CSV, byte for byte
the same on every download), marked sent, or discarded while still a draft."""

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, require
from core.workflow import lock, lock_rows, transition
from grants.models import Payment, PaymentBatch, PaymentBatchEvent
from grants.payments.services.common import MAX_BATCH_SIZE, B, P, move_payment, new_reference
from grants.permissions import can_handle_payments
from programs.models import Program

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
    batch = PaymentBatch.objects.create(reference=new_reference("BATCH"), currency=currency, created_by=actor)
    PaymentBatchEvent.objects.create(batch=batch, actor=actor, action="created", to_status=B.DRAFT)
    result = BatchResult(batch=batch)
    for payment in lock_rows(Payment.objects.filter(pk__in=ids)):
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
        move_payment(
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
    for payment in lock_rows(Payment.objects.filter(batch=locked, status=P.BATCHED)):
        move_payment(payment, P.SENT, actor=actor, action="sent", batch=locked.reference)
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
    for payment in lock_rows(Payment.objects.filter(batch=locked, status=P.BATCHED)):
        payment.batch = None
        move_payment(
            payment,
            P.APPROVED,
            actor=actor,
            action="unbatched",
            reason=reason.strip(),
            extra_fields=("batch",),
        )
    transition(locked, B.DISCARDED, actor=actor, action="discarded", reason=reason.strip())
    return locked
