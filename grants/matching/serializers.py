"""Shapes of the matching API: a worker's matching roles, a role's candidates, invitations and hires.

A candidate carries their name, region and verified credentials with those credentials' skills: never
demographics, contact details, date of birth or other applications.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import (
    DateInput,
    Flag,
    ModelSerializer,
    QuerySerializer,
    Serializer,
    Text,
    WholeNumber,
    WholeNumberText,
)
from employers.models import CandidateInvitation, Hire, JobRole
from programs.serializers import (
    SkillSerializer,
    money_input,
    money_output,
)

ID_MAX = 2**63 - 1
MESSAGE_MAX = 2000


def _id_input(help_text: Any) -> WholeNumber:
    return WholeNumber(min_value=1, max_value=ID_MAX, help_text=help_text)


class MatchQuerySerializer(QuerySerializer):
    job_role = WholeNumberText(
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text=_(
            "For an employer representative: the id of one of their job roles, to list its candidates."
        ),
    )


class MatchedRoleSerializer(ModelSerializer):
    """A job role matching the worker's verified skills."""

    employer = serializers.IntegerField(source="employer_id", read_only=True)
    employer_name = serializers.CharField(source="employer.display_name", read_only=True)
    pledge_framework = serializers.CharField(read_only=True, allow_null=True)
    overlap = serializers.IntegerField(read_only=True, help_text=_("How many skills the worker shares."))
    required_skills = serializers.IntegerField(
        source="required", read_only=True, help_text=_("How many skills the role needs.")
    )
    matched_skills = SkillSerializer(many=True, read_only=True)
    assessment_method = serializers.ChoiceField(choices=JobRole.AssessmentMethod.choices, read_only=True)
    wage_min = money_output(help_text=_("Annual pay, USD."))
    wage_max = money_output(help_text=_("Annual pay, USD."))
    degree_requirement_removed = serializers.BooleanField(read_only=True)
    effective_region = serializers.CharField(read_only=True)

    class Meta:
        model = JobRole
        fields = [
            "id",
            "title",
            "employer",
            "employer_name",
            "pledge_framework",
            "overlap",
            "required_skills",
            "matched_skills",
            "assessment_method",
            "wage_min",
            "wage_max",
            "effective_region",
            "open_positions",
            "degree_required_after",
            "degree_requirement_removed",
        ]
        read_only_fields = fields


class VerifiedCredentialSerializer(Serializer):
    """A credential the candidate earned (completion verified), with the skills it teaches."""

    id = serializers.IntegerField(source="credential.pk", read_only=True)
    title = serializers.CharField(source="credential.title", read_only=True)
    provider = serializers.CharField(source="credential.provider.name", read_only=True)
    skills = SkillSerializer(source="credential.skills.all", many=True, read_only=True)


class CandidateSerializer(Serializer):
    """An opted-in worker whose verified credentials share skills with the role."""

    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True, allow_null=True)
    overlap = serializers.IntegerField(
        read_only=True, help_text=_("How many of the role's skills they hold.")
    )
    verified_credentials = VerifiedCredentialSerializer(source="verified_awards", many=True, read_only=True)


class InviteSerializer(Serializer):
    job_role = _id_input(_("The id of one of your employer's job roles."))
    worker = _id_input(_("The candidate's id, from the role's candidates."))
    message = Text(max_length=MESSAGE_MAX, allow_blank=True, required=False, default="")


class InvitationSerializer(ModelSerializer):
    job_role = serializers.IntegerField(source="job_role_id", read_only=True)
    worker = serializers.IntegerField(source="worker_id", read_only=True)

    class Meta:
        model = CandidateInvitation
        fields = ["id", "job_role", "worker", "message", "created_at"]
        read_only_fields = fields


class HireCreateSerializer(Serializer):
    job_role = _id_input(_("The id of one of your employer's job roles."))
    worker = _id_input(_("The candidate's id, from the role's candidates."))
    hired_on = DateInput(help_text=_("The date the person started; not in the future."))
    annual_wage = money_input(required=False, allow_null=True, default=None, help_text=_("Annual pay, USD."))
    has_four_year_degree = Flag()


class HireSerializer(ModelSerializer):
    employer = serializers.IntegerField(source="employer_id", read_only=True)
    employer_name = serializers.CharField(source="employer.display_name", read_only=True)
    job_role = serializers.IntegerField(source="job_role_id", read_only=True, allow_null=True)
    job_role_title = serializers.CharField(source="job_role.title", read_only=True, allow_null=True)
    pledge = serializers.IntegerField(source="pledge_id", read_only=True, allow_null=True)
    worker = serializers.IntegerField(source="worker_id", read_only=True)
    worker_name = serializers.CharField(source="worker.full_name", read_only=True)
    annual_wage = money_output(allow_null=True, help_text=_("Annual pay, USD."))
    source = serializers.ChoiceField(choices=Hire.Source.choices, read_only=True)  # type: ignore[assignment]  # a field, not Field.source: DRF pops it
    outcome = serializers.IntegerField(
        source="outcome_id",
        read_only=True,
        allow_null=True,
        help_text=_("The outcome recorded on the worker's funded credential, if any."),
    )

    class Meta:
        model = Hire
        fields = [
            "id",
            "employer",
            "employer_name",
            "job_role",
            "job_role_title",
            "pledge",
            "worker",
            "worker_name",
            "hired_on",
            "annual_wage",
            "has_four_year_degree",
            "source",
            "outcome",
            "created_at",
        ]
        read_only_fields = fields
