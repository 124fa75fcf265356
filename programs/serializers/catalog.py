"""Shapes of the credential catalog: providers, skills, occupations, credentials and credential requests."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import CURRENCY_CHOICES
from core.serializers import (
    DateInput,
    Flag,
    ModelSerializer,
    Serializer,
    StrictPrimaryKeyField,
    Text,
    TextMatching,
    Web,
    WholeNumber,
)
from programs.models import (
    Credential,
    CredentialRequest,
    Occupation,
    ProgramCredential,
    Skill,
    TrainingProvider,
    ctid_validator,
)
from programs.serializers.fields import (
    INTEGER_MAX,
    SMALL_INTEGER_MAX,
    VisibleProgramField,
    money_input,
    money_output,
    web_address_output,
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
