"""Shapes of a program's budget: its totals and ledger entries."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer
from programs.models import LedgerEntry
from programs.serializers.fields import money_output

# ---------------------------------------------------------------- budget


# A pattern rather than an enum: an enum named "kind" would collide in the schema with the eligibility
# rule kinds (drf-spectacular warns) until ENUM_NAME_OVERRIDES names both choice sets.
LEDGER_KIND_SCHEMA = {
    "type": "string",
    "pattern": "^(" + "|".join(LedgerEntry.Kind.values) + ")$",
    "description": "One of: " + ", ".join(LedgerEntry.Kind.values) + ".",
}


@extend_schema_field(LEDGER_KIND_SCHEMA)
class LedgerKindField(serializers.CharField):
    pass


class LedgerEntrySerializer(ModelSerializer):
    kind = LedgerKindField(read_only=True)
    amount = money_output()
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True, default=None)
    total_after = money_output()
    committed_after = money_output()
    disbursed_after = money_output()
    funding_round = serializers.IntegerField(source="funding_round_id", read_only=True, allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "amount",
            "reason",
            "actor",
            "created_at",
            "idempotency_key",
            "total_after",
            "committed_after",
            "disbursed_after",
            "funding_round",
        ]
        read_only_fields = fields


class BudgetSerializer(Serializer):
    currency = serializers.CharField(read_only=True)
    total = money_output()
    committed = money_output()
    disbursed = money_output()
    available = money_output()
    clawed_back = money_output()
    recent_entries = LedgerEntrySerializer(many=True, read_only=True, help_text=_("The 20 most recent."))
