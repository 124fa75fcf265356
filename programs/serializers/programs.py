"""Shapes of programs themselves (read, create, change settings, move along statuses) and of the
eligibility check against a program's rules."""

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import CURRENCY_CHOICES
from core.serializers import (
    DateInput,
    DistinctList,
    ModelSerializer,
    Serializer,
    StrictDecimalField,
    Text,
    TextMatching,
    WholeNumber,
)
from programs.models import EligibilityRule, Program
from programs.rules import EMPLOYER_SIZE_CLASSES, EMPLOYMENT_STATUSES, NAICS_PATTERN
from programs.serializers.fields import SMALL_INTEGER_MAX, VisibleCredentialField, money_input, money_output
from programs.serializers.program_setup import (
    CapRuleSerializer,
    EligibilityRuleSerializer,
    FundingRoundSerializer,
    ScoringCriterionSerializer,
)
from programs.services import PROGRAM_FIELDS

# ---------------------------------------------------------------- programs


# The settings the API reads and sets: the service's (programs.services.PROGRAM_FIELDS) but for the
# claim's evidence and the wage floor, which are set on the program's settings page.
PROGRAM_SETTING_FIELDS = [name for name in PROGRAM_FIELDS if name not in ("claim_evidence", "wage_floor")]


class ProgramSerializer(ModelSerializer):
    priority_order = serializers.ListField(
        child=serializers.ChoiceField(choices=Program.PriorityGroup.choices), read_only=True
    )
    co_payment_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=True, read_only=True
    )
    rounds = serializers.SerializerMethodField()
    caps = serializers.SerializerMethodField()
    eligibility_rules = serializers.SerializerMethodField()
    scoring_criteria = serializers.SerializerMethodField()
    credential_count = serializers.SerializerMethodField(help_text=_("How many credentials it funds."))

    class Meta:
        model = Program
        fields = [
            "code",
            "currency",
            "status",
            *PROGRAM_SETTING_FIELDS,
            "rounds",
            "caps",
            "eligibility_rules",
            "scoring_criteria",
            "credential_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # The related lists read what the selectors prefetched, so a page of programs costs a fixed count.
    @extend_schema_field(FundingRoundSerializer(many=True))
    def get_rounds(self, program: Program) -> Any:
        return FundingRoundSerializer(program.rounds.all(), many=True, context=self.context).data

    @extend_schema_field(CapRuleSerializer(many=True))
    def get_caps(self, program: Program) -> Any:
        return CapRuleSerializer(program.cap_rules.all(), many=True).data

    @extend_schema_field(EligibilityRuleSerializer(many=True))
    def get_eligibility_rules(self, program: Program) -> Any:
        context = {**self.context, "currency": program.currency}
        return EligibilityRuleSerializer(program.eligibility_rules.all(), many=True, context=context).data

    @extend_schema_field(ScoringCriterionSerializer(many=True))
    def get_scoring_criteria(self, program: Program) -> Any:
        return ScoringCriterionSerializer(program.scoring_criteria.all(), many=True).data

    def get_credential_count(self, program: Program) -> int:
        counted = getattr(program, "credential_count", None)
        return counted if counted is not None else len(program.funded_credentials.all())


class ProgramSettingsSerializer(Serializer):
    """The settings a program manager may set; on update every field is optional."""

    name = Text(max_length=200)
    summary = Text(max_length=300)
    description = Text(max_length=20000, allow_blank=True, required=False)
    funding_agency = Text(max_length=200)
    payment_model = serializers.ChoiceField(choices=Program.PaymentModel.choices)
    applicant_type = serializers.ChoiceField(choices=Program.ApplicantType.choices, required=False)
    selection_method = serializers.ChoiceField(choices=Program.SelectionMethod.choices, required=False)
    priority_order = DistinctList(
        child=serializers.ChoiceField(choices=Program.PriorityGroup.choices),
        max_length=len(Program.PriorityGroup.values),
        required=False,
        help_text=_("Priority groups served first, in order; each at most once."),
    )
    co_payment_percent = StrictDecimalField(
        max_digits=5,
        decimal_places=2,
        coerce_to_string=True,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
    )
    claim_deadline_weeks = WholeNumber(
        min_value=1, max_value=SMALL_INTEGER_MAX, allow_null=True, required=False
    )
    retention_period_months = WholeNumber(
        min_value=1, max_value=SMALL_INTEGER_MAX, allow_null=True, required=False
    )
    training_window_months = WholeNumber(min_value=1, max_value=SMALL_INTEGER_MAX, required=False)


class ProgramCreateSerializer(ProgramSettingsSerializer):
    code = TextMatching(
        r"^[A-Z0-9][A-Z0-9-]{1,30}$",
        max_length=31,
        error_messages={"invalid": _("Use 2 to 31 capital letters, digits and dashes, e.g. TECHCRED-26.")},
    )
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES)
    total_budget = money_input(
        allow_zero=True, help_text=_("The opening budget; zero is allowed for drafts.")
    )


# Only statuses some move leads to: nothing returns a program to draft.
TRANSITION_TARGETS = [
    (value, label)
    for value, label in Program.Status.choices
    if any(value in targets for targets in Program.TRANSITIONS.values())
]


class ProgramTransitionSerializer(Serializer):
    to_status = serializers.ChoiceField(choices=TRANSITION_TARGETS)
    reason = Text(max_length=500, allow_blank=True, required=False, default="")


# ---------------------------------------------------------------- eligibility check


class EligibilityCheckSerializer(Serializer):
    region = Text(max_length=100, allow_blank=True, allow_null=True, required=False)
    date_of_birth = DateInput(allow_null=True, required=False)
    employment_status = serializers.ChoiceField(
        choices=list(EMPLOYMENT_STATUSES.items()), allow_null=True, required=False
    )
    household_income = money_input(allow_zero=True, allow_null=True, required=False)
    employer_size_class = serializers.ChoiceField(
        choices=list(EMPLOYER_SIZE_CLASSES.items()), allow_null=True, required=False
    )
    employer_sector = TextMatching(
        NAICS_PATTERN.pattern,
        max_length=6,
        allow_null=True,
        required=False,
        help_text=_("The employer's NAICS code, 2 to 6 digits."),
        error_messages={"invalid": _("Give a NAICS code of 2 to 6 digits, e.g. 541512.")},
    )
    credential = VisibleCredentialField(
        allow_null=True, required=False, help_text=_("Optional: check the credential and its maximum award.")
    )

    def validate_date_of_birth(self, value: Any) -> Any:
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def validate_region(self, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip() or None


class RuleOutcomeSerializer(Serializer):
    kind = serializers.ChoiceField(choices=EligibilityRule.Kind.choices, read_only=True)
    passed = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(read_only=True)


class MaximumAwardSerializer(Serializer):
    amount = money_output()
    currency = serializers.CharField(read_only=True)
    binding = serializers.CharField(
        read_only=True,
        help_text=_("The limit that binds: cost, credential_maximum or a cap scope such as per_person_year."),
    )
    explanation = serializers.CharField(read_only=True)
    listed_by_program = serializers.BooleanField(
        read_only=True, help_text=_("Whether the program lists this credential as one it funds.")
    )


class EligibilityCheckResultSerializer(Serializer):
    eligible = serializers.BooleanField(read_only=True)
    outcomes = RuleOutcomeSerializer(many=True, read_only=True)
    maximum_award = MaximumAwardSerializer(
        read_only=True, allow_null=True, help_text=_("Only when a credential was given; otherwise null.")
    )
