"""Shapes of a program's setup: caps, eligibility rules, scoring criteria, funding rounds and the
credentials it funds."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import DateTimeInput, ModelSerializer, Serializer, StrictDecimalField, Text
from programs.models import CapRule, EligibilityRule, FundingRound, ProgramCredential, ScoringCriterion
from programs.rules import EMPLOYER_SIZE_CLASSES, EMPLOYMENT_STATUSES
from programs.serializers.fields import VisibleCredentialField, money_input, money_output

# ---------------------------------------------------------------- program settings


def describe_rule(kind: str, parameters: Mapping[str, Any], currency: str = "") -> str:
    """The rule in plain words, for people reading a program's conditions."""
    label = str(EligibilityRule.Kind(kind).label) if kind in EligibilityRule.Kind.values else kind
    try:
        if kind == "residency_region":
            return f"{label}: {', '.join(parameters['regions'])}."
        if kind == "age_between":
            low, high = parameters.get("minimum"), parameters.get("maximum")
            if low is not None and high is not None:
                return str(_("Aged %(low)s to %(high)s.") % {"low": low, "high": high})
            if low is not None:
                return str(_("Aged %(low)s or older.") % {"low": low})
            return str(_("Aged %(high)s or younger.") % {"high": high})
        if kind == "employment_status":
            statuses = [EMPLOYMENT_STATUSES.get(status, status) for status in parameters["statuses"]]
            return f"{label}: {', '.join(statuses)}."
        if kind == "household_income_below":
            amount = Decimal(str(parameters["maximum"]))
            return str(
                _("Household income below %(amount)s %(currency)s a year.")
                % {"amount": f"{amount:,.2f}", "currency": currency}
            ).replace("  ", " ")
        if kind == "employer_size_class":
            sizes = [EMPLOYER_SIZE_CLASSES.get(size, size) for size in parameters["size_classes"]]
            return f"{label}: {', '.join(sizes)}."
        if kind == "sector":
            return f"{label}: {', '.join(parameters['naics_prefixes'])}."
        if kind == "credential_max_hours":
            return str(_("The course takes at most %(max)s hours.") % {"max": parameters["maximum"]})
        if kind == "credential_max_months":
            return str(_("The course lasts at most %(max)s months.") % {"max": parameters["maximum"]})
    except (KeyError, TypeError, ValueError, ArithmeticError):
        pass  # a stored rule in an older shape still gets its label rather than an error
    return f"{label}."


class CapRuleSerializer(ModelSerializer):
    amount = money_output()

    class Meta:
        model = CapRule
        fields = ["id", "scope", "amount", "note"]
        read_only_fields = fields


class CapRuleCreateSerializer(Serializer):
    scope = serializers.ChoiceField(choices=CapRule.Scope.choices)
    amount = money_input()
    note = Text(max_length=200, allow_blank=True, required=False, default="")


class EligibilityRuleSerializer(ModelSerializer):
    parameters = serializers.DictField(read_only=True)
    description = serializers.SerializerMethodField()

    class Meta:
        model = EligibilityRule
        fields = ["id", "kind", "parameters", "description"]
        read_only_fields = fields

    def get_description(self, rule: EligibilityRule) -> str:
        return describe_rule(rule.kind, rule.parameters, self.context.get("currency", ""))


class EligibilityRuleCreateSerializer(Serializer):
    kind = serializers.ChoiceField(choices=EligibilityRule.Kind.choices)
    parameters = serializers.DictField(
        help_text=_("Named values; each kind takes its own, e.g. age_between takes minimum and maximum.")
    )


class ScoringCriterionSerializer(ModelSerializer):
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True, read_only=True)

    class Meta:
        model = ScoringCriterion
        fields = ["id", "name", "weight", "guidance"]
        read_only_fields = fields


class ScoringCriterionCreateSerializer(Serializer):
    name = Text(max_length=120)
    weight = StrictDecimalField(
        max_digits=5,
        decimal_places=2,
        coerce_to_string=True,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("The weight must be more than zero.")},
    )
    guidance = Text(max_length=5000, allow_blank=True, required=False, default="")


class FundingRoundSerializer(ModelSerializer):
    budget_share = money_output(allow_null=True)
    is_open = serializers.SerializerMethodField(help_text=_("Accepting applications now."))

    class Meta:
        model = FundingRound
        fields = ["id", "name", "opens_at", "closes_at", "budget_share", "is_open"]
        read_only_fields = fields

    def get_is_open(self, funding_round: FundingRound) -> bool:
        return funding_round.is_open_at(self.context.get("now") or timezone.now())


class FundingRoundWriteSerializer(Serializer):
    name = Text(max_length=120)
    opens_at = DateTimeInput()
    closes_at = DateTimeInput()
    budget_share = money_input(
        allow_null=True, required=False, help_text=_("Optional: the most this round may commit and pay.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opens_at = attrs.get("opens_at", getattr(self.instance, "opens_at", None))
        closes_at = attrs.get("closes_at", getattr(self.instance, "closes_at", None))
        if opens_at and closes_at and closes_at <= opens_at:
            raise serializers.ValidationError({"closes_at": _("The round must close after it opens.")})
        return attrs


class ProgramCredentialSerializer(ModelSerializer):
    credential = serializers.IntegerField(source="credential_id", read_only=True)
    title = serializers.CharField(source="credential.title", read_only=True)
    provider = serializers.CharField(source="credential.provider.name", read_only=True)
    cost = money_output(source="credential.cost")
    currency = serializers.CharField(source="credential.currency", read_only=True)
    maximum_amount = money_output(allow_null=True)

    class Meta:
        model = ProgramCredential
        fields = ["credential", "title", "provider", "cost", "currency", "maximum_amount"]
        read_only_fields = fields


class ProgramCredentialSetSerializer(Serializer):
    credential = VisibleCredentialField()
    maximum_amount = money_input(
        allow_null=True, required=False, help_text=_("Optional: the most the program pays for it.")
    )
