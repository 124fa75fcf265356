"""Shapes of the programs and catalog API: what goes in and what comes out. No business rules here:
services check and write, these only parse input and present records."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import AnyUser
from core.money import CURRENCY_CHOICES, DECIMAL_PLACES, MAX_DIGITS
from core.serializers import (
    DateInput,
    DateTimeInput,
    DistinctList,
    Flag,
    ModelSerializer,
    Serializer,
    StrictDecimalField,
    StrictPrimaryKeyField,
    Text,
    TextMatching,
    Web,
    WholeNumber,
)
from programs.api_selectors import credentials_visible_to
from programs.models import (
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    LedgerEntry,
    Occupation,
    Program,
    ProgramCredential,
    ScoringCriterion,
    Skill,
    TrainingProvider,
    ctid_validator,
)
from programs.permissions import programs_visible_to
from programs.rules import EMPLOYER_SIZE_CLASSES, EMPLOYMENT_STATUSES, NAICS_PATTERN

POSITIVE_MONEY_MESSAGES: dict[str, Any] = {"min_value": _("The amount must be more than zero.")}
NOT_NEGATIVE_MONEY_MESSAGES: dict[str, Any] = {"min_value": _("The amount cannot be negative.")}
SMALL_INTEGER_MAX = 32767
INTEGER_MAX = 2147483647


# ---------------------------------------------------------------- strict input types: core.serializers


def web_address_output(**kwargs: Any) -> serializers.CharField:
    # Not URLField: a blank address is allowed, and "" is not a "uri" to the schema's readers.
    return serializers.CharField(read_only=True, help_text=_("A web address, or empty."), **kwargs)


def money_output(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, coerce_to_string=True, read_only=True, **kwargs
    )


def money_input(*, allow_zero: bool = False, **kwargs: Any) -> StrictDecimalField:
    """A decimal string with at most two places; more than zero unless `allow_zero`."""
    return StrictDecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        coerce_to_string=True,
        min_value=Decimal("0") if allow_zero else Decimal("0.01"),
        error_messages=NOT_NEGATIVE_MONEY_MESSAGES if allow_zero else POSITIVE_MONEY_MESSAGES,
        **kwargs,
    )


def _request_user(serializer: serializers.Field) -> AnyUser:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


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


@extend_schema_field(OpenApiTypes.INT)
class VisibleCredentialField(StrictPrimaryKeyField):
    """A credential id the caller may see: listed ones, or any for program managers."""

    def get_queryset(self) -> Any:
        return credentials_visible_to(_request_user(self))


class ProgramCredentialSetSerializer(Serializer):
    credential = VisibleCredentialField()
    maximum_amount = money_input(
        allow_null=True, required=False, help_text=_("Optional: the most the program pays for it.")
    )


# ---------------------------------------------------------------- programs


PROGRAM_SETTING_FIELDS = [
    "name",
    "summary",
    "description",
    "funding_agency",
    "payment_model",
    "applicant_type",
    "selection_method",
    "priority_order",
    "co_payment_percent",
    "claim_deadline_weeks",
    "retention_period_months",
    "training_window_months",
]


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


# ---------------------------------------------------------------- catalog


class ProviderSerializer(ModelSerializer):
    website = web_address_output()
    eligible_today = serializers.SerializerMethodField(help_text=_("On the eligible-provider list today."))

    class Meta:
        model = TrainingProvider
        fields = [
            "id",
            "name",
            "registration_number",
            "website",
            "eligible_from",
            "eligible_until",
            "eligible_today",
        ]
        read_only_fields = fields

    def get_eligible_today(self, provider: TrainingProvider) -> bool:
        return provider.is_eligible_on(timezone.localdate())


class ProviderWriteSerializer(Serializer):
    name = Text(max_length=200)
    registration_number = Text(max_length=64, allow_blank=True, allow_null=True, required=False)
    website = Web(max_length=200, allow_blank=True, required=False)
    eligible_from = DateInput(allow_null=True, required=False)
    eligible_until = DateInput(allow_null=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("eligible_from", getattr(self.instance, "eligible_from", None))
        end = attrs.get("eligible_until", getattr(self.instance, "eligible_until", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"eligible_until": _("The end of eligibility cannot be before its start.")}
            )
        return attrs


class SkillSerializer(ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "taxonomy", "taxonomy_version", "code", "label"]
        read_only_fields = fields


class SkillWriteSerializer(Serializer):
    taxonomy = serializers.ChoiceField(choices=Skill.Taxonomy.choices)
    taxonomy_version = Text(max_length=20)
    code = Text(max_length=120)
    label = Text(max_length=200)  # type: ignore[assignment]  # a field, not Field.label: DRF pops it


class OccupationSerializer(ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "title"]
        read_only_fields = fields


class ProviderBriefSerializer(ModelSerializer):
    class Meta:
        model = TrainingProvider
        fields = ["id", "name"]
        read_only_fields = fields


class CredentialSerializer(ModelSerializer):
    provider = ProviderBriefSerializer(read_only=True)
    cost = money_output()
    website = web_address_output()
    skills = SkillSerializer(many=True, read_only=True)
    occupations = OccupationSerializer(many=True, read_only=True)

    class Meta:
        model = Credential
        fields = [
            "id",
            "title",
            "provider",
            "description",
            "hours",
            "duration_weeks",
            "cost",
            "currency",
            "delivery_mode",
            "occupations",
            "skills",
            "ctid",
            "website",
            "is_listed",
            "created_at",
        ]
        read_only_fields = fields


class CredentialFundingSerializer(ModelSerializer):
    program = serializers.CharField(source="program.code", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    maximum_amount = money_output(allow_null=True)

    class Meta:
        model = ProgramCredential
        fields = ["program", "program_name", "maximum_amount"]
        read_only_fields = fields


class CredentialDetailSerializer(CredentialSerializer):
    funded_by = CredentialFundingSerializer(
        source="public_funding",
        many=True,
        read_only=True,
        help_text=_("Open and closed programs funding it."),
    )

    class Meta(CredentialSerializer.Meta):
        fields = [*CredentialSerializer.Meta.fields, "funded_by"]
        read_only_fields = fields


class CredentialWriteSerializer(Serializer):
    title = Text(max_length=200)
    provider = StrictPrimaryKeyField(queryset=TrainingProvider.objects.all())
    description = Text(max_length=20000, allow_blank=True, required=False)
    hours = WholeNumber(min_value=1, max_value=INTEGER_MAX)
    duration_weeks = WholeNumber(min_value=1, max_value=SMALL_INTEGER_MAX)
    cost = money_input(allow_zero=True)
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, required=False)
    delivery_mode = serializers.ChoiceField(choices=Credential.DeliveryMode.choices)
    occupation_codes = serializers.ListField(
        child=Text(max_length=20),
        max_length=50,
        required=False,
        help_text=_("O*NET-SOC codes in the form NN-NNNN.NN, e.g. 15-1212.00."),
    )
    skills = StrictPrimaryKeyField(
        queryset=Skill.objects.all(), many=True, required=False, help_text=_("Skill ids.")
    )
    ctid = TextMatching(
        ctid_validator.regex,
        max_length=39,
        error_messages={"invalid": ctid_validator.message},
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text=_("Credential Engine CTID: “ce-” followed by a lower-case UUID."),
    )
    website = Web(max_length=200, allow_blank=True, required=False)
    is_listed = Flag(required=False)


# ---------------------------------------------------------------- credential requests


class CredentialRequestSerializer(ModelSerializer):
    program = serializers.CharField(source="program.code", read_only=True, allow_null=True, default=None)
    cost = money_output(allow_null=True)
    provider_website = web_address_output()
    requested_by = serializers.EmailField(source="requested_by.email", read_only=True)
    decided_by = serializers.EmailField(
        source="decided_by.email", read_only=True, allow_null=True, default=None
    )
    credential = serializers.IntegerField(source="credential_id", read_only=True, allow_null=True)
    has_syllabus = serializers.SerializerMethodField()

    class Meta:
        model = CredentialRequest
        fields = [
            "id",
            "title",
            "provider_name",
            "provider_website",
            "hours",
            "cost",
            "skills_taught",
            "program",
            "has_syllabus",
            "status",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "credential",
        ]
        read_only_fields = fields

    def get_has_syllabus(self, request: CredentialRequest) -> bool:
        return bool(request.syllabus)


@extend_schema_field(OpenApiTypes.STR)
class VisibleProgramField(serializers.SlugRelatedField):
    """A program code the caller may see."""

    def get_queryset(self) -> Any:
        return programs_visible_to(_request_user(self))


class CredentialRequestCreateSerializer(Serializer):
    title = Text(max_length=200)
    provider_name = Text(max_length=200)
    provider_website = Web(max_length=200, allow_blank=True, required=False)
    hours = WholeNumber(min_value=1, max_value=INTEGER_MAX, allow_null=True, required=False)
    cost = money_input(allow_null=True, required=False)
    skills_taught = Text(max_length=5000, help_text=_("One skill per line."))
    program = VisibleProgramField(
        slug_field="code", allow_null=True, required=False, help_text=_("Optional: the program it is for.")
    )


class CredentialRequestApproveSerializer(Serializer):
    credential = StrictPrimaryKeyField(
        queryset=Credential.objects.all(), help_text=_("The catalog credential made or found for it.")
    )
    reason = Text(max_length=2000, allow_blank=True, required=False, default="")


class CredentialRequestDeclineSerializer(Serializer):
    reason = Text(max_length=2000, help_text=_("The requester reads this."))
