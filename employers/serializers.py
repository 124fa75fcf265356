"""Shapes of the employers API: what goes in and what comes out. No business rules here: services check
and write, these only parse input and present records.

Input serializers refuse, with a 400 naming each, any field the request cannot set (status, verified
figures, the employer of a role...): silently ignoring them would let a client believe they applied.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import AnyUser
from core.serializers import (
    DateInput,
    Email,
    Flag,
    ModelSerializer,
    Serializer,
    StrictPrimaryKeyField,
    Text,
    TextMatching,
    Web,
    WholeNumber,
    WholeNumberText,
)
from employers.models import (
    Employer,
    JobRole,
    Pledge,
    ProgressReport,
    Representative,
    RepresentativeInvitation,
)
from employers.permissions import employers_visible_to, pledges_visible_to
from employers.selectors import pledge_progress
from employers.services import PLEDGE_FIELDS as PLEDGE_SETTINGS
from programs.models import Occupation, Skill
from programs.serializers import (
    SkillSerializer,
    money_input,
    money_output,
    web_address_output,
)

REASON_MAX = 2000
# The largest figure a report or a target may hold (the services refuse more).
FIGURE_MAX = 1_000_000


def _request_user(field: serializers.Field) -> AnyUser:
    request = field.context.get("request")
    return getattr(request, "user", None)


def _absolute(serializer: serializers.Field, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def size_class_choice(**kwargs: Any) -> serializers.ChoiceField:
    """The size classes, as their own enum in the schema: eligibility checks take the same values under
    another name (employer_size_class), which drf-spectacular would otherwise warn about."""
    schema = {
        "type": "string",
        "enum": list(Employer.SizeClass.values),
        "x-spec-enum-id": "employers-size_class",
    }
    field_class = extend_schema_field(schema)(type("SizeClassField", (serializers.ChoiceField,), {}))
    return field_class(choices=Employer.SizeClass.choices, **kwargs)


def figure(**kwargs: Any) -> WholeNumber:
    return WholeNumber(min_value=0, max_value=FIGURE_MAX, **kwargs)


def status_output(choices: Any) -> serializers.CharField:
    # Text with the values in the help, not an enum: "status" names several workflows' enums already.
    return serializers.CharField(
        read_only=True,
        help_text=_("One of: %(values)s.") % {"values": ", ".join(value for value, _l in choices)},
    )


# ---------------------------------------------------------------- people


class RepresentativePersonSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)
    email = serializers.EmailField(read_only=True)


# ---------------------------------------------------------------- employers


class EmployerSerializer(ModelSerializer):
    status = status_output(Employer.Status.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    size_class = size_class_choice(read_only=True)
    display_name = serializers.CharField(read_only=True)
    sector_name = serializers.CharField(read_only=True, help_text=_("The NAICS sector of the code."))
    website = web_address_output()

    class Meta:
        model = Employer
        fields = [
            "id",
            "legal_name",
            "trading_name",
            "display_name",
            "registration_number",
            "naics_code",
            "sector_name",
            "size_class",
            "region",
            "address",
            "website",
            "status",
            "status_label",
            "verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EmployerUpdateSerializer(Serializer):
    """What a representative may change; status and verification have their own endpoints."""

    legal_name = Text(max_length=200)
    trading_name = Text(max_length=200, allow_blank=True, required=False)
    registration_number = TextMatching(
        r"^[0-9]{2}-?[0-9]{7}$",
        max_length=10,
        error_messages={
            "invalid": _("Enter the Employer Identification Number as 9 digits, like 12-3456789.")
        },
        help_text=_(
            "The US Employer Identification Number: 12-3456789 or 123456789. Not changeable once "
            "the employer is verified."
        ),
    )
    naics_code = TextMatching(
        r"^[0-9]{2,6}$",
        max_length=6,
        error_messages={"invalid": _("Give a NAICS code of 2 to 6 digits, e.g. 541512.")},
        help_text=_("The NAICS code, 2 to 6 digits, e.g. 541512."),
    )
    size_class = size_class_choice()
    region = Text(max_length=60)
    address = Text(max_length=2000)
    website = Web(max_length=200, allow_blank=True, required=False)


class EmployerRegisterSerializer(EmployerUpdateSerializer):
    pass


class EmployerReasonSerializer(Serializer):
    reason = Text(max_length=REASON_MAX, allow_blank=True, required=False, default="")


class EmployerSuspendSerializer(Serializer):
    reason = Text(max_length=REASON_MAX, help_text=_("Required; the employer's representatives read it."))


# ---------------------------------------------------------------- representatives


class RepresentativeSerializer(ModelSerializer):
    user = RepresentativePersonSerializer(read_only=True)
    added_by = RepresentativePersonSerializer(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Representative
        fields = ["id", "user", "added_by", "added_at", "is_active", "removed_at", "removal_reason"]
        read_only_fields = fields


class RepresentativeInvitationSerializer(ModelSerializer):
    employer = serializers.IntegerField(source="employer_id", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = RepresentativeInvitation
        fields = [
            "id",
            "employer",
            "email",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "is_open",
        ]
        read_only_fields = fields


class RepresentativeInviteSerializer(Serializer):
    email = Email(max_length=254, help_text=_("The colleague's email address."))

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and "email" in data and not isinstance(data["email"], str):
            raise serializers.ValidationError({"email": [_("Not a valid string.")]})
        return super().to_internal_value(data)


class RepresentativeInvitationAcceptSerializer(Serializer):
    token = Text(max_length=200, help_text=_("The token from the invitation email's link."))


class RepresentativeRemoveSerializer(Serializer):
    reason = Text(
        max_length=REASON_MAX, help_text=_("Why they no longer act for the employer; kept on record.")
    )


# ---------------------------------------------------------------- pledges


class PledgeCommitmentSerializer(Serializer):
    name = serializers.CharField(read_only=True, help_text=_("The target's field name."))
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field, not Field.label
    target = serializers.IntegerField(read_only=True)
    verified = serializers.IntegerField(read_only=True, help_text=_("From verified reports only."))
    attainment_percent = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Verified ÷ target × 100, rounded down; null when the target is 0."),
    )
    met = serializers.BooleanField(read_only=True)


class PledgeProgressSerializer(Serializer):
    commitments = PledgeCommitmentSerializer(many=True, read_only=True)
    verified_hires_total = serializers.IntegerField(read_only=True)
    verified_reports = serializers.IntegerField(
        read_only=True, help_text=_("How many reports staff verified.")
    )
    employer_reported_hires = serializers.IntegerField(
        read_only=True,
        help_text=_("Hires recorded by the employer that no verified report covers yet: to be verified."),
    )
    all_targets_met = serializers.BooleanField(read_only=True)
    in_name_only = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Staff only (null for representatives): at least one role converted and two verified reports, "
            "but verified hires without a degree below the set share (10%) of verified hires."
        ),
    )


def progress_body(progress: Any, *, staff: bool) -> dict[str, Any]:
    """A pledge's progress (employers.selectors.PledgeProgress) in the API's shape."""
    return {
        "commitments": [
            {
                "name": commitment.key,
                "label": commitment.label,
                "target": commitment.target,
                "verified": commitment.verified,
                "attainment_percent": commitment.attainment_percent,
                "met": commitment.met,
            }
            for commitment in progress.commitments
        ],
        "verified_hires_total": progress.verified["verified_hires_total"],
        "verified_reports": progress.verified_report_count,
        "employer_reported_hires": progress.unverified_hire_count,
        "all_targets_met": progress.all_met,
        "in_name_only": progress.in_name_only if staff else None,
    }


PLEDGE_FIELDS = [
    "id",
    "employer",
    "employer_name",
    *PLEDGE_SETTINGS,  # what a representative sets (employers.services.PLEDGE_FIELDS)
    "status",
    "status_label",
    "staff_note",
    "submitted_at",
    "activated_at",
    "closed_at",
    "created_at",
    "updated_at",
    "progress",
]


class PledgeSerializer(ModelSerializer):
    """A pledge with its progress. Read from employers.selectors.pledges_with_progress, the progress
    costs no query of its own. Context: `staff` (whether to show the in-name-only flag)."""

    employer = serializers.IntegerField(source="employer_id", read_only=True)
    employer_name = serializers.CharField(source="employer.display_name", read_only=True)
    wage_floor = money_output(allow_null=True, help_text=_("Annual pay, USD."))
    status = status_output(Pledge.Status.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = PLEDGE_FIELDS
        read_only_fields = fields

    @extend_schema_field(PledgeProgressSerializer)
    def get_progress(self, pledge: Pledge) -> Any:
        return progress_body(pledge_progress(pledge), staff=bool(self.context.get("staff")))


class PledgeUpdateSerializer(Serializer):
    framework_name = Text(max_length=200, help_text=_("The initiative, e.g. a national skills-first pledge."))
    start_date = DateInput()
    target_date = DateInput(help_text=_("After the start date."))
    roles_converted_target = figure(required=False)
    credential_holder_hires_target = figure(required=False)
    non_degree_hires_target = figure(required=False)
    priority_group_hires_target = figure(required=False)
    wage_floor = money_input(allow_null=True, required=False, help_text=_("Optional: annual pay, USD."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        target = attrs.get("target_date", getattr(self.instance, "target_date", None))
        if start and target and target <= start:
            raise serializers.ValidationError(
                {"target_date": [_("The target date must be after the start date.")]}
            )
        return attrs


@extend_schema_field(OpenApiTypes.INT)
class RepresentedEmployerField(StrictPrimaryKeyField):
    """An employer id the caller may see (their own, for a representative)."""

    def get_queryset(self) -> Any:
        return employers_visible_to(_request_user(self))


class PledgeCreateSerializer(PledgeUpdateSerializer):
    employer = RepresentedEmployerField(help_text=_("The id of the employer you act for."))


class PledgeReasonSerializer(Serializer):
    reason = Text(max_length=REASON_MAX, allow_blank=True, required=False, default="")


class PledgeReturnSerializer(Serializer):
    reason = Text(max_length=REASON_MAX, help_text=_("What to change; the representatives read it."))


# ---------------------------------------------------------------- progress reports


REPORT_FIGURES = list(ProgressReport.FIGURES)
VERIFIED_FIGURES = [f"verified_{name}" for name in REPORT_FIGURES]


class ProgressReportSerializer(ModelSerializer):
    pledge = serializers.IntegerField(source="pledge_id", read_only=True)
    status = status_output(ProgressReport.Status.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    evidence_url = serializers.SerializerMethodField(help_text=_("Where to download the payroll extract."))

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "pledge",
            "year",
            "quarter",
            "period",
            *REPORT_FIGURES,
            "status",
            "status_label",
            *VERIFIED_FIGURES,
            "verified_at",
            "staff_note",
            "evidence_name",
            "evidence_sha256",
            "evidence_url",
            "submitted_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in VERIFIED_FIGURES}

    @extend_schema_field(OpenApiTypes.STR)
    def get_evidence_url(self, report: ProgressReport) -> str:
        return _absolute(self, reverse("api:pledge-report-evidence", args=[report.pledge_id, report.pk]))


def _check_within_total(attrs: dict[str, Any], prefix: str = "") -> None:
    total = attrs.get(f"{prefix}hires_total")
    if total is None:
        return
    errors = {
        f"{prefix}{name}": [_("Cannot be more than the hires in total.")]
        for name in ("hires_credential_holders", "hires_without_degree", "hires_priority_groups")
        if attrs.get(f"{prefix}{name}") is not None and attrs[f"{prefix}{name}"] > total
    }
    if errors:
        raise serializers.ValidationError(errors)


class ProgressReportCreateSerializer(Serializer):
    """Multipart: numbers arrive as text, so these are DRF's ordinary (coercing) integer fields."""

    # Multipart (the payroll extract rides along), so the figures arrive as text.
    year = WholeNumberText(min_value=2000, max_value=2100)
    quarter = WholeNumberText(min_value=1, max_value=4)
    roles_converted = WholeNumberText(min_value=0, max_value=FIGURE_MAX)
    hires_total = WholeNumberText(min_value=0, max_value=FIGURE_MAX)
    hires_credential_holders = WholeNumberText(min_value=0, max_value=FIGURE_MAX)
    hires_without_degree = WholeNumberText(min_value=0, max_value=FIGURE_MAX)
    hires_priority_groups = WholeNumberText(min_value=0, max_value=FIGURE_MAX)
    # Empty files get through here so that the upload check gives its own, clearer message.
    evidence = serializers.FileField(
        allow_empty_file=True, help_text=_("The payroll extract for the quarter (checked by its content).")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        _check_within_total(attrs)
        return attrs


class ProgressReportVerifySerializer(Serializer):
    """Staff confirm the reported figures or correct them; a figure left out is confirmed as reported."""

    verified_roles_converted = figure(required=False)
    verified_hires_total = figure(required=False)
    verified_hires_credential_holders = figure(required=False)
    verified_hires_without_degree = figure(required=False)
    verified_hires_priority_groups = figure(required=False)
    note = Text(max_length=REASON_MAX, allow_blank=True, required=False, default="")


class ProgressReportReturnSerializer(Serializer):
    note = Text(max_length=REASON_MAX, help_text=_("What to correct; the representatives read it."))


# ---------------------------------------------------------------- job roles


class OccupationBriefSerializer(ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "title"]
        read_only_fields = fields


class JobRoleSerializer(ModelSerializer):
    employer = serializers.IntegerField(source="employer_id", read_only=True)
    employer_name = serializers.CharField(source="employer.display_name", read_only=True)
    pledge = serializers.IntegerField(source="pledge_id", read_only=True, allow_null=True)
    occupation = OccupationBriefSerializer(read_only=True, allow_null=True)
    skills = SkillSerializer(many=True, read_only=True)
    assessment_method = serializers.ChoiceField(choices=JobRole.AssessmentMethod.choices, read_only=True)
    wage_min = money_output(help_text=_("Annual pay, USD."))
    wage_max = money_output(help_text=_("Annual pay, USD."))
    degree_requirement_removed = serializers.BooleanField(read_only=True)
    effective_region = serializers.CharField(
        read_only=True, help_text=_("The role's region, or the employer's.")
    )

    class Meta:
        model = JobRole
        fields = [
            "id",
            "employer",
            "employer_name",
            "pledge",
            "title",
            "occupation",
            "skills",
            "degree_required_before",
            "degree_required_after",
            "degree_requirement_removed",
            "assessment_method",
            "wage_min",
            "wage_max",
            "open_positions",
            "is_open",
            "region",
            "effective_region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisiblePledgeField(StrictPrimaryKeyField):
    def get_queryset(self) -> Any:
        return pledges_visible_to(_request_user(self))


class OccupationCodeField(serializers.SlugRelatedField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JobRoleUpdateSerializer(Serializer):
    title = Text(max_length=200)
    pledge = VisiblePledgeField(
        allow_null=True, required=False, help_text=_("Optional: the id of one of the employer's pledges.")
    )
    occupation = OccupationCodeField(
        slug_field="code",
        queryset=Occupation.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("An O*NET-SOC code from the catalog, e.g. 15-1212.00."),
    )
    skills = StrictPrimaryKeyField(
        queryset=Skill.objects.all(), many=True, required=False, help_text=_("Skill ids from the catalog.")
    )
    degree_required_before = Flag(required=False)
    degree_required_after = Flag(required=False)
    assessment_method = serializers.ChoiceField(choices=JobRole.AssessmentMethod.choices)
    wage_min = money_input(help_text=_("Annual pay, USD."))
    wage_max = money_input(help_text=_("Annual pay, USD."))
    open_positions = WholeNumber(min_value=0, max_value=FIGURE_MAX, required=False)
    region = Text(max_length=60, allow_blank=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        low = attrs.get("wage_min", getattr(self.instance, "wage_min", None))
        high = attrs.get("wage_max", getattr(self.instance, "wage_max", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"wage_max": [_("The highest pay cannot be below the lowest.")]}
            )
        return attrs


class JobRoleCreateSerializer(JobRoleUpdateSerializer):
    employer = RepresentedEmployerField(help_text=_("The id of the employer you act for."))


class JobRoleCloseSerializer(Serializer):
    reason = Text(max_length=REASON_MAX, allow_blank=True, required=False, default="")
