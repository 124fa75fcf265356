"""Shapes of the applications API: what goes in and what comes out. No business rules here: services
check and write, these only parse input and present records.

Demographics are never part of any application's representation; they are read and written only by
their owner at /api/v1/me/demographics/.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from core.demographics import INCOME_BAND_CHOICES, race_ethnicity_codes
from core.serializers import (
    DateInput,
    Email,
    Flag,
    ModelSerializer,
    Serializer,
    StrictPrimaryKeyField,
    Text,
    WholeNumber,
)
from employers.models import Employer
from employers.selectors import employers_for_user
from grants.applications.services import DEMOGRAPHIC_ANSWERS
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Review,
    ReviewAssignment,
)
from programs.rules import EMPLOYMENT_STATUSES
from programs.serializers import (
    RuleOutcomeSerializer,
    VisibleCredentialField,
    VisibleProgramField,
    money_input,
    money_output,
)

TEXT_MAX = 5000


def inline_choice(choices: Any, *, name: str, **kwargs: Any) -> serializers.ChoiceField:
    """A choice field with its own enum name in the schema: two questions with the same answers
    (veteran, disability) would otherwise share one."""
    values: list[Any] = [value for value, _label in choices]
    if kwargs.get("allow_blank"):
        values.append("")
    schema: dict[str, Any] = {"type": "string", "enum": values, "x-spec-enum-id": f"grants-{name}"}
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


# ---------------------------------------------------------------- applications: output


class PersonSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class ApplicationMinimalSerializer(ModelSerializer):
    """What a reviewer sees before declaring whether they have a conflict of interest: enough to decide."""

    applicant_name = serializers.CharField(source="applicant.full_name", read_only=True)
    program = serializers.CharField(source="program.code", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    credential = serializers.IntegerField(source="credential_id", read_only=True)
    credential_title = serializers.CharField(source="credential.title", read_only=True)
    conflict = serializers.SerializerMethodField(
        help_text=_("The caller's conflict-of-interest declaration: undeclared, none or declared.")
    )
    detail_level = serializers.SerializerMethodField(
        help_text=_("minimal until the reviewer declares no conflict of interest; full otherwise.")
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "applicant_name",
            "program",
            "program_name",
            "credential",
            "credential_title",
            "conflict",
            "detail_level",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ReviewAssignment.Conflict.choices, allow_null=True))
    def get_conflict(self, application: Application) -> str | None:
        assignment = self.context.get("assignments", {}).get(application.pk)
        return assignment.conflict if assignment is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=[("minimal", "minimal"), ("full", "full")]))
    def get_detail_level(self, application: Application) -> str:
        return "minimal"


APPLICATION_FIELDS = [
    "id",
    "reference",
    "status",
    "status_label",
    "applicant",
    "filed_by",
    "program",
    "program_name",
    "funding_round",
    "credential",
    "credential_title",
    "currency",
    "amount_requested",
    "amount_awarded",
    "statement",
    "rejection_reason",
    "decision_explanation",
    "submitted_at",
    "decided_at",
    "training_deadline",
    "training_start_date",
    "enrolled_at",
    "completed_on",
    "amount_paid",
    "amount_clawed_back",
    "closed_at",
    "created_at",
    "updated_at",
]


class ApplicationSerializer(ApplicationMinimalSerializer):
    """An application as its applicant and the staff allowed to see it read it."""

    status = serializers.CharField(
        read_only=True, help_text=_("One of: %(values)s.") % {"values": ", ".join(Application.Status.values)}
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    applicant = PersonSerializer(read_only=True)
    filed_by = PersonSerializer(read_only=True)
    funding_round = serializers.IntegerField(source="funding_round_id", read_only=True)
    currency = serializers.CharField(source="program.currency", read_only=True)
    amount_requested = money_output()
    amount_awarded = money_output(allow_null=True)
    rejection_reason = serializers.CharField(read_only=True, help_text=_("Empty unless rejected."))
    amount_paid = money_output()
    amount_clawed_back = money_output()

    class Meta:
        model = Application
        fields = [*APPLICATION_FIELDS, "conflict", "detail_level"]
        read_only_fields = fields

    def get_detail_level(self, application: Application) -> str:
        return "full"


class ReviewerBriefSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    conflict = serializers.ChoiceField(choices=ReviewAssignment.Conflict.choices, read_only=True)


class ApplicationStaffSerializer(ApplicationSerializer):
    """Adds what only staff working on the application see: priority, score and reviewers."""

    score = serializers.DecimalField(
        max_digits=7, decimal_places=3, coerce_to_string=True, read_only=True, allow_null=True
    )
    reviewers = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            *APPLICATION_FIELDS,
            "priority_group",
            "priority_rank",
            "score",
            "reviewers",
            "conflict",
            "detail_level",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewerBriefSerializer(many=True))
    def get_reviewers(self, application: Application) -> list[dict[str, Any]]:
        if "assignments" not in getattr(application, "_prefetched_objects_cache", {}):
            return []
        return [
            {"id": a.reviewer_id, "name": a.reviewer.full_name, "conflict": a.conflict}
            for a in application.assignments.all()
        ]


class ApplicationRowSerializer(ModelSerializer):
    """A row of a list. For a reviewer who has not yet declared a conflict, only the minimal fields are
    filled; the others are null."""

    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    status = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text=_("One of: %(values)s.") % {"values": ", ".join(Application.Status.values)},
    )
    applicant_name = serializers.CharField(source="applicant.full_name", read_only=True)
    program = serializers.CharField(source="program.code", read_only=True)
    credential = serializers.IntegerField(source="credential_id", read_only=True)
    credential_title = serializers.CharField(source="credential.title", read_only=True)
    currency = serializers.CharField(source="program.currency", read_only=True)
    amount_requested = money_output(allow_null=True)
    amount_awarded = money_output(allow_null=True)
    detail_level = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "status",
            "applicant_name",
            "program",
            "credential",
            "credential_title",
            "currency",
            "amount_requested",
            "amount_awarded",
            "submitted_at",
            "created_at",
            "detail_level",
        ]
        read_only_fields = fields

    def _minimal(self, application: Application) -> bool:
        mine: list[ReviewAssignment] = getattr(application, "my_assignments", None) or []
        return bool(mine) and mine[0].conflict == ReviewAssignment.Conflict.UNDECLARED

    @extend_schema_field(serializers.ChoiceField(choices=[("minimal", "minimal"), ("full", "full")]))
    def get_detail_level(self, application: Application) -> str:
        return "minimal" if self._minimal(application) else "full"

    def to_representation(self, instance: Application) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self._minimal(instance):
            for name in ("status", "amount_requested", "amount_awarded", "submitted_at", "created_at"):
                data[name] = None
        return data


# ---------------------------------------------------------------- applications: input


class ApplicationCreateSerializer(Serializer):
    program = VisibleProgramField(slug_field="code", help_text=_("The program's code."))
    credential = VisibleCredentialField(help_text=_("A credential the program funds."))
    amount_requested = money_input(help_text=_('A decimal string, like "1250.00".'))
    statement = Text(max_length=TEXT_MAX, allow_blank=True, required=False, default="")
    employer = StrictPrimaryKeyField(
        queryset=Employer.objects.all(),
        required=False,
        help_text=_(
            "Employer programs: the id of the verified employer you represent, filing for an employee "
            "(then employee_email and employee_name are required)."
        ),
    )
    employee_email = Email(max_length=254, required=False)
    employee_name = Text(max_length=200, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        employee = {"employer", "employee_email", "employee_name"}
        given = employee & set(attrs)
        if given and given != employee:
            together = _("Give employer, employee_email and employee_name together.")
            raise serializers.ValidationError({name: together for name in employee - given})
        request = self.context.get("request")
        employer = attrs.get("employer")
        if employer is not None and (
            request is None or not employers_for_user(request.user).filter(pk=employer.pk).exists()
        ):
            # Said the same way whether the employer exists or not.
            raise serializers.ValidationError({"employer": _("You do not represent this employer.")})
        return attrs


class ApplicationUpdateSerializer(Serializer):
    credential = VisibleCredentialField(required=False)
    amount_requested = money_input(required=False)
    statement = Text(max_length=TEXT_MAX, allow_blank=True, required=False)


class WithdrawSerializer(Serializer):
    reason = Text(max_length=2000, allow_blank=True, required=False, default="")


class AssignSerializer(Serializer):
    reviewer = StrictPrimaryKeyField(
        queryset=User.objects.filter(is_active=True), help_text=_("The reviewer's user id.")
    )


class ConflictSerializer(Serializer):
    has_conflict = Flag()
    note = Text(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("Required with a conflict."),
    )


class ReviewCreateSerializer(Serializer):
    checklist = serializers.DictField(
        child=Flag(),
        help_text=_("Every item of the screening checklist: %(keys)s.")
        % {"keys": ", ".join(Review.CHECKLIST)},
    )
    scores = serializers.DictField(
        child=WholeNumber(),
        required=False,
        default=dict,
        help_text=_("Scored programs: criterion id → whole number from 0 to 5, for every criterion."),
    )
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices)
    comments = Text(max_length=TEXT_MAX, allow_blank=True, required=False, default="")


class ReviewSerializer(ModelSerializer):
    reviewer = PersonSerializer(source="assignment.reviewer", read_only=True)
    checklist = serializers.DictField(child=serializers.BooleanField(), read_only=True)
    scores = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    weighted_score = serializers.DecimalField(
        max_digits=7, decimal_places=3, coerce_to_string=True, read_only=True, allow_null=True
    )
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "reviewer",
            "checklist",
            "scores",
            "weighted_score",
            "recommendation",
            "comments",
            "submitted_at",
        ]
        read_only_fields = fields


class RequestInfoSerializer(Serializer):
    question = Text(max_length=TEXT_MAX, help_text=_("The applicant reads this."))


class RespondSerializer(Serializer):
    answer = Text(max_length=TEXT_MAX, help_text=_("Add documents first, then answer."))


class ApproveSerializer(Serializer):
    amount = money_input(
        required=False, allow_null=True, help_text=_("The award; the amount requested when left out.")
    )
    reason = Text(max_length=2000, allow_blank=True, required=False, default="")


class RejectSerializer(Serializer):
    reason_code = serializers.ChoiceField(choices=Application.RejectionReason.choices)
    explanation = Text(max_length=TEXT_MAX, help_text=_("The applicant reads this."))


# ---------------------------------------------------------------- events, documents, assessment


class EventSerializer(ModelSerializer):
    visibility = serializers.ChoiceField(choices=ApplicationEvent.Visibility.choices, read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = ["id", "action", "from_status", "to_status", "reason", "visibility", "created_at"]
        read_only_fields = fields


class StaffEventSerializer(EventSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)
    payload = serializers.DictField(read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = [*EventSerializer.Meta.fields, "actor", "payload"]
        read_only_fields = fields


class DocumentSerializer(ModelSerializer):
    kind = serializers.CharField(
        read_only=True,
        help_text=_("One of: %(values)s.") % {"values": ", ".join(ApplicationDocument.Kind.values)},
    )
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, document: ApplicationDocument) -> str:
        path = reverse("api:application-document", args=[document.application_id, document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DocumentUploadSerializer(Serializer):
    # Empty files get through here so that the upload check gives its own, clearer message.
    file = serializers.FileField(allow_empty_file=True, help_text=_("A PDF, PNG or JPEG."))
    # Text, not a choice: "kind" already names the eligibility rules' choices in the schema. The service
    # refuses an unknown kind with a 400 naming the field.
    kind = Text(
        max_length=12,
        required=False,
        default=ApplicationDocument.Kind.EVIDENCE,
        help_text=_("One of: %(values)s.") % {"values": ", ".join(ApplicationDocument.Kind.values)},
    )


class AssessmentMaximumSerializer(Serializer):
    amount = money_output(source="maximum")
    currency = serializers.CharField(read_only=True)
    binding = serializers.CharField(read_only=True, help_text=_("The limit that binds: cost or a cap scope."))
    explanation = serializers.CharField(read_only=True)


class AssessmentSerializer(Serializer):
    eligible = serializers.BooleanField(read_only=True)
    outcomes = RuleOutcomeSerializer(many=True, read_only=True)
    maximum_award = AssessmentMaximumSerializer(read_only=True)
    amount_requested = money_output()
    within_maximum = serializers.BooleanField(read_only=True)


# ---------------------------------------------------------------- the signed-in worker's own records


class WorkerProfileSerializer(Serializer):
    """PUT replaces the whole profile: every field is required (send "" or null to clear one)."""

    region = Text(max_length=60, allow_blank=True)
    address = Text(max_length=2000, allow_blank=True)
    date_of_birth = DateInput(allow_null=True)
    employment_status = serializers.ChoiceField(
        choices=[(key, label.capitalize()) for key, label in EMPLOYMENT_STATUSES.items()], allow_blank=True
    )
    household_income_band = serializers.ChoiceField(choices=INCOME_BAND_CHOICES, allow_blank=True)
    contact_by_employers = Flag(help_text=_("Employers with matching roles may contact me."))
    priority_veteran = Flag(
        required=False,
        default=False,
        help_text=_("Claims veterans' priority of service (staff see the claim). Omitted: false."),
    )
    priority_disability = Flag(
        required=False,
        default=False,
        help_text=_("Claims disability priority of service (staff see the claim). Omitted: false."),
    )
    contact_consent_changed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


RACE_ETHNICITY_ANSWERS = [(code, code) for code in race_ethnicity_codes()]


def _answers(name: str) -> list[tuple[str, str]]:
    return [(answer, answer) for answer in sorted(DEMOGRAPHIC_ANSWERS[name])]


class DemographicsSerializer(Serializer):
    """Voluntary answers; every question may be blank or "prefer_not_to_say". PUT replaces them all."""

    race_ethnicity = serializers.ListField(
        child=inline_choice(RACE_ETHNICITY_ANSWERS, name="race-ethnicity"),
        max_length=40,
        help_text=_("2024 OMB SPD 15 codes, any number (an empty list is no answer)."),
    )
    sex = inline_choice(_answers("sex"), name="sex", allow_blank=True)
    veteran = inline_choice(_answers("veteran"), name="veteran", allow_blank=True)
    disability = inline_choice(_answers("disability"), name="disability", allow_blank=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
