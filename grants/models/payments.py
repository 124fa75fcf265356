"""Money out and back: payments, payment batches and their events, clawbacks."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, StatusEvent
from core.money import MoneyField
from grants.models.applications import Application
from grants.models.awards import CompletionClaim

# ---------------------------------------------------------------- payments (issue 5)


class PaymentBatch(models.Model):
    """Approved payments sent together to the agency's finance system as one CSV file."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being put together")
        EXPORTED = "exported", _("Exported")
        SENT = "sent", _("Sent to the finance system")
        RECONCILED = "reconciled", _("Reconciled")
        DISCARDED = "discarded", _("Discarded before export")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.EXPORTED, Status.DISCARDED},
        Status.EXPORTED: {Status.SENT},
        Status.SENT: {Status.RECONCILED},
        Status.RECONCILED: set(),
        Status.DISCARDED: set(),
    }
    WORKFLOW_EVENT = ("grants.PaymentBatchEvent", "batch")
    TRANSITION_REFUSED = _("A payment batch that is “%(from)s” cannot become “%(to)s”.")

    reference = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    currency = models.CharField(max_length=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True)
    # The file exactly as exported (UTF-8 text): downloading it again gives these bytes, whatever happened
    # to the payments since (a failed one retried leaves the batch for a new one).
    export_content = models.TextField(blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_started(self) -> bool:
        return self.status != self.Status.DRAFT


class Payment(models.Model):
    """One payment of an award to its payee. Paid at most once: the idempotency key is unique, and the
    ledger disbursement carries the key `payment:<id>:disburse`."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved, waiting for a batch")
        BATCHED = "batched", _("In a batch")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.APPROVED: {Status.BATCHED},
        Status.BATCHED: {Status.SENT, Status.APPROVED},  # back to approved when a draft batch is discarded
        Status.SENT: {Status.PAID, Status.FAILED},
        Status.FAILED: {Status.APPROVED},  # retried
        Status.PAID: set(),
    }
    WORKFLOW_EVENT = ("grants.PaymentEvent", "payment")
    TRANSITION_REFUSED = _("A payment that is “%(from)s” cannot become “%(to)s”.")

    class PayeeType(models.TextChoices):
        WORKER = "worker", _("Worker")
        PROVIDER = "provider", _("Training provider")
        EMPLOYER = "employer", _("Employer")

    reference = models.CharField(max_length=24, unique=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    claim = models.ForeignKey(CompletionClaim, on_delete=models.PROTECT, related_name="payments")
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED, db_index=True)
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    payee_type = models.CharField(max_length=10, choices=PayeeType.choices)
    payee_name = models.CharField(max_length=200)
    payee_reference = models.CharField(max_length=60, help_text=_("Who the finance system pays."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    failure_reason = models.CharField(max_length=300, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-approved_at", "-id"]
        indexes = [models.Index(fields=["status", "currency"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One live payment per award: a failed one is retried, never duplicated.
            models.UniqueConstraint(fields=["application"], name="one_payment_per_award"),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentEvent(StatusEvent):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")


class PaymentBatchEvent(StatusEvent):
    """Every move of a payment batch: exported, sent, reconciled, discarded."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="events")


class Clawback(AppendOnlyModel):
    """Money recovered after payment, with the reason; the worker sees it on their application."""

    class Reason(models.TextChoices):
        FALSE_INFORMATION = "false_information", _("False or misleading information")
        NON_COMPLETION = "non_completion", _("The training was not completed")
        NOT_RETAINED = "not_retained", _("The employee was not retained for the required period")
        OVERPAYMENT = "overpayment", _("Paid more than was due")
        DUPLICATE_FUNDING = "duplicate_funding", _("The same training was funded elsewhere")
        OTHER = "other", _("Other reason (explained)")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="clawbacks")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="clawbacks")
    amount = MoneyField()
    reason_code = models.CharField(max_length=20, choices=Reason.choices)
    explanation = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_amount_positive")]
