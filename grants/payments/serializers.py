"""Payments, payment batches, reconciliation and clawbacks in the API: what comes in and what goes out."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import CURRENCY_CHOICES
from core.serializers import (
    ModelSerializer,
    Serializer,
    Text,
    WholeNumber,
)
from grants.applications.serializers import PersonSerializer
from grants.awards.serializers import VisibleApplicationField, choice_field
from grants.models import (
    Clawback,
    Payment,
    PaymentBatch,
    PaymentEvent,
)
from grants.payments.services import MAX_BATCH_SIZE, MAX_RECONCILIATION_BYTES
from programs.serializers import (
    money_input,
    money_output,
)


class PaymentEventSerializer(ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    payload = serializers.DictField(read_only=True)

    class Meta:
        model = PaymentEvent
        fields = ["id", "action", "from_status", "to_status", "reason", "actor", "payload", "created_at"]
        read_only_fields = fields


class PaymentSerializer(ModelSerializer):
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    program = serializers.CharField(source="application.program.code", read_only=True)
    status = choice_field(Payment.Status.choices, read_only=True)
    payee_type = choice_field(Payment.PayeeType.choices, read_only=True)
    amount = money_output()
    batch = serializers.IntegerField(source="batch_id", read_only=True, allow_null=True)
    batch_reference = serializers.SerializerMethodField()
    approved_by = PersonSerializer(read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "reference",
            "idempotency_key",
            "application",
            "application_reference",
            "program",
            "status",
            "amount",
            "currency",
            "payee_type",
            "payee_name",
            "payee_reference",
            "batch",
            "batch_reference",
            "approved_by",
            "approved_at",
            "attempts",
            "failure_reason",
            "paid_on",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_batch_reference(self, payment: Payment) -> str | None:
        return payment.batch.reference if payment.batch is not None else None


class PaymentDetailSerializer(PaymentSerializer):
    events = PaymentEventSerializer(many=True, read_only=True)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "events"]
        read_only_fields = fields


class PaymentApproveSerializer(Serializer):
    application = VisibleApplicationField(help_text=_("The award whose verified claim is to be paid."))


class BatchSerializer(ModelSerializer):
    status = choice_field(PaymentBatch.Status.choices, read_only=True)
    created_by = PersonSerializer(read_only=True)
    sent_by = PersonSerializer(read_only=True, allow_null=True)
    payment_count = serializers.IntegerField(read_only=True)
    total = money_output(allow_null=True)

    class Meta:
        model = PaymentBatch
        fields = [
            "id",
            "reference",
            "status",
            "currency",
            "payment_count",
            "total",
            "created_by",
            "created_at",
            "exported_at",
            "export_sha256",
            "sent_by",
            "sent_at",
            "reconciled_at",
        ]
        read_only_fields = fields


class BatchDetailSerializer(BatchSerializer):
    payments = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "payments"]
        read_only_fields = fields

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, batch: PaymentBatch) -> list[dict[str, Any]]:
        rows = batch.payments.select_related("application__program", "approved_by", "batch").order_by(
            "reference"
        )
        return list(PaymentSerializer(rows, many=True).data)


class BatchCreateSerializer(Serializer):
    currency = choice_field(CURRENCY_CHOICES)
    payments = serializers.ListField(
        child=WholeNumber(min_value=1, max_value=2**62),
        required=False,
        allow_null=True,
        max_length=MAX_BATCH_SIZE,
        help_text=_("Payment ids; every approved payment in the currency when left out."),
    )


class ItemResultSerializer(Serializer):
    reference = serializers.CharField(read_only=True)
    ok = serializers.BooleanField(read_only=True)
    message = serializers.CharField(read_only=True)
    changed = serializers.BooleanField(
        read_only=True,
        help_text=_("True when this request changed it; false when it was already so (or was refused)."),
    )


class BatchResultSerializer(Serializer):
    batch = BatchDetailSerializer(read_only=True)
    results = ItemResultSerializer(many=True, read_only=True)
    succeeded = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)


class ReconcileSerializer(Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=_(
            "The finance system's results: a UTF-8 CSV with the columns payment_reference, result (paid or "
            "failed), paid_on (YYYY-MM-DD, for paid rows), reason (for failed rows) and optionally amount."
        ),
    )

    def validate_file(self, value: Any) -> bytes:
        if value.size > MAX_RECONCILIATION_BYTES:
            raise serializers.ValidationError(_("The file is larger than 5 MB."))
        return bytes(value.read(MAX_RECONCILIATION_BYTES + 1))


class ClawbackSerializer(ModelSerializer):
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    payment_reference = serializers.CharField(source="payment.reference", read_only=True)
    currency = serializers.CharField(source="payment.currency", read_only=True)
    amount = money_output()
    reason_code = choice_field(Clawback.Reason.choices, read_only=True)
    reason_label = serializers.CharField(source="get_reason_code_display", read_only=True)

    class Meta:
        model = Clawback
        fields = [
            "id",
            "application",
            "application_reference",
            "payment_reference",
            "amount",
            "currency",
            "reason_code",
            "reason_label",
            "explanation",
            "created_at",
        ]
        read_only_fields = fields


class ClawbackCreateSerializer(Serializer):
    application = VisibleApplicationField(help_text=_("A paid award."))
    amount = money_input(help_text=_('The amount to recover, like "250.00".'))
    reason_code = choice_field(Clawback.Reason.choices)
    explanation = Text(max_length=5000, help_text=_("The worker reads this."))
