"""Shapes of the award API (issue 5): enrolment, completion claims, payments, batches, clawbacks and
outcomes. No business rules here: services check and write; these parse input and present records.

Ids in a request body (an application, a payment, a follow-up) are looked up among what the caller may
see; one they may not see reads as "no such record" (a 400 naming the field), never as a different answer.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import (
    DateInput,
    ModelSerializer,
    Serializer,
    StrictPrimaryKeyField,
    Text,
    TextMatching,
)
from grants.applications.serializers import DocumentSerializer, PersonSerializer
from grants.awards.services import MAX_BADGE_LENGTH
from grants.models import (
    CompletionClaim,
    Outcome,
    OutcomeFollowUp,
)
from grants.permissions import applications_visible_to, is_applicant_side
from programs.models import onet_soc_validator
from programs.serializers import (
    money_input,
    money_output,
)

NOTE_MAX = 2000


def _request_user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


def choice_field(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice, described in the schema by a pattern and its values rather than an enum: "status",
    "reason_code", "employment_status" and "currency" already name other choice sets' enums, which
    drf-spectacular would warn about (as with programs.serializers.LEDGER_KIND_SCHEMA)."""
    values = [str(value) for value, _label in choices]
    schema = {
        "type": "string",
        "pattern": "^(" + "|".join(values) + ")$",
        "description": "One of: " + ", ".join(values) + ".",
    }
    field_class = extend_schema_field(schema)(type("PatternChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class VisibleApplicationField(StrictPrimaryKeyField):
    """An application id the caller may see."""

    default_error_messages = {"does_not_exist": _("No such application.")}  # noqa: RUF012

    def get_queryset(self) -> Any:
        return applications_visible_to(_request_user(self)).select_related("program", "credential")


@extend_schema_field(OpenApiTypes.INT)
class OwnFollowUpField(StrictPrimaryKeyField):
    """A follow-up question of the caller's own award."""

    default_error_messages = {"does_not_exist": _("No such question of yours.")}  # noqa: RUF012

    def get_queryset(self) -> Any:
        user = _request_user(self)
        return OutcomeFollowUp.objects.filter(application__applicant=getattr(user, "pk", None))


# ---------------------------------------------------------------- application actions: input


class EnrolSerializer(Serializer):
    training_start_date = DateInput(help_text=_("The day the training starts, YYYY-MM-DD."))


class ClaimCompletionSerializer(Serializer):
    """Multipart. Which evidence is required depends on the program (see `claim_evidence`)."""

    completed_on = DateInput(help_text=_("The day the training was completed, YYYY-MM-DD."))
    # Empty files get through here so that the upload check gives its own, clearer message.
    certificate = serializers.FileField(
        required=False, allow_empty_file=True, help_text=_("Certificate of completion: a PDF, PNG or JPEG.")
    )
    badge = Text(
        required=False,
        allow_blank=True,
        max_length=MAX_BADGE_LENGTH,
        help_text=_("An Open Badges 3.0 credential: JSON with an embedded proof, or a compact JWT."),
    )
    badge_file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        help_text=_("The same credential as a file (UTF-8 text, at most 256 KB), instead of `badge`."),
    )
    invoice = serializers.FileField(
        required=False, allow_empty_file=True, help_text=_("The provider's invoice.")
    )
    invoice_amount = money_input(required=False, help_text=_('The amount on the invoice, like "1250.00".'))
    proof_of_payment = serializers.FileField(
        required=False, allow_empty_file=True, help_text=_("Proof that the invoice was paid.")
    )
    annual_wage = money_input(
        required=False,
        allow_zero=True,
        help_text=_("Annual pay after training, where the program sets a floor."),
    )
    employed_through = DateInput(
        required=False,
        help_text=_("Retention grants (the employer): the employee is still employed on this day."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        badge_file = attrs.pop("badge_file", None)
        if badge_file is not None:
            if attrs.get("badge"):
                raise serializers.ValidationError(
                    {"badge_file": [_("Give the badge as text or as a file, not both.")]}
                )
            if badge_file.size > MAX_BADGE_LENGTH:
                raise serializers.ValidationError(
                    {"badge_file": [_("The badge file is larger than 256 KB.")]}
                )
            content = badge_file.read(MAX_BADGE_LENGTH + 1)
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise serializers.ValidationError(
                    {"badge_file": [_("The badge file is not UTF-8 text.")]}
                ) from None
            if "\x00" in text or not text.strip():
                raise serializers.ValidationError(
                    {"badge_file": [_("The badge file has no credential in it.")]}
                )
            attrs["badge"] = text
        if "\x00" in attrs.get("badge", ""):
            raise serializers.ValidationError({"badge": [_("The badge cannot contain null characters.")]})
        return attrs


class CompletionNoteSerializer(Serializer):
    note = Text(max_length=NOTE_MAX, allow_blank=True, required=False, default="")


class ReasonRequiredSerializer(Serializer):
    reason = Text(max_length=NOTE_MAX, help_text=_("The applicant reads this."))


class ReasonOptionalSerializer(Serializer):
    reason = Text(max_length=NOTE_MAX, allow_blank=True, required=False, default="")


# ---------------------------------------------------------------- claims: output


# A claim's evidence is one of the application's documents, shown with fewer fields.
class ClaimDocumentSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = ["id", "original_name", "content_type", "size", "sha256", "download_url"]
        read_only_fields = fields


class BadgeCheckSerializer(Serializer):
    name = serializers.CharField(read_only=True)
    passed = serializers.BooleanField(read_only=True)
    detail = serializers.CharField(read_only=True)


class BadgeChecksSerializer(Serializer):
    verified = serializers.BooleanField(read_only=True)
    proof_format = serializers.CharField(read_only=True, allow_null=True)
    issuer_id = serializers.CharField(read_only=True, allow_null=True)
    issuer_name = serializers.CharField(read_only=True, allow_null=True)
    achievement_id = serializers.CharField(read_only=True, allow_null=True)
    achievement_name = serializers.CharField(read_only=True, allow_null=True)
    failing_check = serializers.CharField(read_only=True, allow_null=True)
    checks = BadgeCheckSerializer(many=True, read_only=True)


class ClaimSerializer(ModelSerializer):
    """A completion claim. The applicant side sees whether the badge verified; staff also see each check
    (`badge_checks`, null for the applicant side or when no badge was given) and who decided."""

    application_reference = serializers.CharField(source="application.reference", read_only=True)
    currency = serializers.CharField(source="application.program.currency", read_only=True)
    status = choice_field(CompletionClaim.Status.choices, read_only=True)
    certificate = ClaimDocumentSerializer(read_only=True, allow_null=True)
    invoice = ClaimDocumentSerializer(read_only=True, allow_null=True)
    proof_of_payment = ClaimDocumentSerializer(read_only=True, allow_null=True)
    invoice_amount = money_output(allow_null=True)
    annual_wage = money_output(allow_null=True)
    has_badge = serializers.SerializerMethodField()
    badge_checks = serializers.SerializerMethodField()
    claimed_by = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CompletionClaim
        fields = [
            "id",
            "application",
            "application_reference",
            "status",
            "completed_on",
            "certificate",
            "invoice",
            "proof_of_payment",
            "invoice_amount",
            "currency",
            "has_badge",
            "badge_verified",
            "badge_checks",
            "annual_wage",
            "employed_through",
            "claimed_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_has_badge(self, claim: CompletionClaim) -> bool:
        return bool(claim.badge)

    @extend_schema_field(BadgeChecksSerializer(allow_null=True))
    def get_badge_checks(self, claim: CompletionClaim) -> dict[str, Any] | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not claim.badge_checks or is_applicant_side(user, claim.application):
            return None
        return dict(claim.badge_checks)


# ---------------------------------------------------------------- payments


# ---------------------------------------------------------------- clawbacks


# ---------------------------------------------------------------- outcomes


class OutcomeSerializer(ModelSerializer):
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    currency = serializers.CharField(source="application.program.currency", read_only=True)
    source = choice_field(Outcome.Source.choices, read_only=True)  # type: ignore[assignment]
    employment_status = choice_field(Outcome.EmploymentStatus.choices, read_only=True)
    annual_wage = money_output(allow_null=True)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "application",
            "application_reference",
            "source",
            "quarter_after_completion",
            "employment_status",
            "employer_name",
            "occupation_code",
            "annual_wage",
            "currency",
            "observed_on",
            "created_at",
        ]
        read_only_fields = fields


class _OutcomeFieldsSerializer(Serializer):
    application = VisibleApplicationField(help_text=_("An award whose completion was verified."))
    employment_status = choice_field(Outcome.EmploymentStatus.choices)
    employer_name = Text(max_length=200, allow_blank=True, required=False, default="")
    occupation_code = TextMatching(
        onet_soc_validator.regex,
        error_messages={"invalid": _("Use an O*NET-SOC code such as 15-1212.00, or leave it empty.")},
        max_length=10,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("An O*NET-SOC code, like 15-1212.00."),
    )
    annual_wage = money_input(allow_zero=True, required=False, allow_null=True, default=None)
    observed_on = DateInput(
        required=False, allow_null=True, default=None, help_text=_("When this was true; today when left out.")
    )


class OutcomeReportSerializer(_OutcomeFieldsSerializer):
    follow_up = OwnFollowUpField(
        required=False, allow_null=True, default=None, help_text=_("The follow-up question this answers.")
    )


class OutcomeVerifiedSerializer(_OutcomeFieldsSerializer):
    quarter_after_completion = serializers.ChoiceField(
        choices=[(2, "2"), (4, "4")], required=False, allow_null=True, default=None
    )


class FollowUpSerializer(ModelSerializer):
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    credential_title = serializers.CharField(source="application.credential.title", read_only=True)

    class Meta:
        model = OutcomeFollowUp
        fields = [
            "id",
            "application",
            "application_reference",
            "credential_title",
            "quarter_after_completion",
            "due_on",
            "sent_at",
            "answered_at",
        ]
        read_only_fields = fields
