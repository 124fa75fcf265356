"""Reads the REST API needs beyond programs/selectors.py: filters and prefetches for its lists."""

from datetime import date
from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet

from accounts.permissions import AnyUser
from core.money import CURRENCY_CHOICES
from programs.models import (
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    Program,
    ProgramBudget,
    ProgramCredential,
    ScoringCriterion,
    Skill,
    TrainingProvider,
)
from programs.permissions import can_manage_catalog, credential_requests_visible_to
from programs.rules import Profile, Usage, maximum_award
from programs.selectors import program_eligibility, program_list

# ---------------------------------------------------------------- programs


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=200, label="Name contains"
    )
    status = django_filters.ChoiceFilter(choices=Program.Status.choices)
    payment_model = django_filters.ChoiceFilter(choices=Program.PaymentModel.choices)
    applicant_type = django_filters.ChoiceFilter(choices=Program.ApplicantType.choices)
    selection_method = django_filters.ChoiceFilter(choices=Program.SelectionMethod.choices)
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES)

    class Meta:
        model = Program
        fields = ["q", "status", "payment_model", "applicant_type", "selection_method", "currency"]


def _program_settings_prefetches() -> list[Prefetch]:
    return [
        Prefetch("rounds", queryset=FundingRound.objects.order_by("opens_at", "pk")),
        Prefetch("cap_rules", queryset=CapRule.objects.order_by("scope", "amount", "pk")),
        Prefetch("eligibility_rules", queryset=EligibilityRule.objects.order_by("pk")),
        Prefetch("scoring_criteria", queryset=ScoringCriterion.objects.order_by("-weight", "name")),
    ]


def program_api_list(visible: QuerySet[Program]) -> QuerySet[Program]:
    """`program_list` plus every setting the API shows, still a fixed number of queries."""
    return program_list(visible).prefetch_related(*_program_settings_prefetches()).order_by("name", "pk")


def program_rounds(program: Program) -> QuerySet[FundingRound]:
    return FundingRound.objects.filter(program=program).order_by("opens_at", "pk")


def program_cap_rules(program: Program) -> QuerySet[CapRule]:
    return CapRule.objects.filter(program=program).order_by("scope", "amount", "pk")


def program_eligibility_rules(program: Program) -> QuerySet[EligibilityRule]:
    return EligibilityRule.objects.filter(program=program).order_by("pk")


def program_scoring_criteria(program: Program) -> QuerySet[ScoringCriterion]:
    return ScoringCriterion.objects.filter(program=program).order_by("-weight", "name", "pk")


def program_funded_credentials(program: Program) -> QuerySet[ProgramCredential]:
    return (
        ProgramCredential.objects.filter(program=program)
        .select_related("credential__provider")
        .order_by("credential__title", "pk")
    )


def program_budget(program: Program) -> ProgramBudget:
    return ProgramBudget.objects.get(program=program)


def program_credential_maximum(program: Program, credential: Credential) -> tuple[bool, Any]:
    """Whether the program lists the credential, and its per-credential maximum (None if it has none)."""
    link = ProgramCredential.objects.filter(program=program, credential=credential).first()
    return (link is not None, link.maximum_amount if link is not None else None)


# ---------------------------------------------------------------- catalog


def credentials_visible_to(user: AnyUser) -> QuerySet[Credential]:
    """Program managers see the whole catalog; everyone else only listed credentials."""
    if can_manage_catalog(user):
        return Credential.objects.all()
    return Credential.objects.filter(is_listed=True)


class ProviderFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", max_length=200, label="Name contains")
    eligible_on = django_filters.DateFilter(method="filter_eligible_on", label="On the eligible list on")

    class Meta:
        model = TrainingProvider
        fields = ["name", "eligible_on"]

    def filter_eligible_on(
        self, queryset: QuerySet[TrainingProvider], name: str, value: date
    ) -> QuerySet[TrainingProvider]:
        # Same meaning as TrainingProvider.is_eligible_on: no start date means not on the list.
        return queryset.filter(
            Q(eligible_from__lte=value) & (Q(eligible_until__isnull=True) | Q(eligible_until__gte=value))
        )


def providers_for_api() -> QuerySet[TrainingProvider]:
    return TrainingProvider.objects.order_by("name", "pk")


class SkillFilter(django_filters.FilterSet):
    taxonomy = django_filters.ChoiceFilter(choices=Skill.Taxonomy.choices)
    taxonomy_version = django_filters.CharFilter(max_length=20)
    code = django_filters.CharFilter(max_length=120)
    label = django_filters.CharFilter(lookup_expr="icontains", max_length=200, label="Label contains")

    class Meta:
        model = Skill
        fields = ["taxonomy", "taxonomy_version", "code", "label"]


def skills_for_api() -> QuerySet[Skill]:
    return Skill.objects.order_by("label", "pk")


class CredentialRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CredentialRequest.Status.choices)

    class Meta:
        model = CredentialRequest
        fields = ["status"]


def credential_requests_for_api(user: AnyUser) -> QuerySet[CredentialRequest]:
    return (
        credential_requests_visible_to(user)
        .select_related("requested_by", "decided_by", "program")
        .order_by("-created_at", "-pk")
    )


# ---------------------------------------------------------------- eligibility check


def eligibility_check(
    program: Program, profile: Profile, credential: Credential | None = None
) -> dict[str, Any]:
    """Evaluate a profile against the program's rules and, for a credential, the most it could receive.

    Amounts already used count as zero: the check is a preview for someone without awards yet.
    """
    result = program_eligibility(program, profile, credential)
    maximum = None
    if credential is not None:
        listed, credential_maximum = program_credential_maximum(program, credential)
        award = maximum_award(
            cost=credential.cost,
            co_payment_percent=program.co_payment_percent,
            caps=[(cap.scope, cap.amount) for cap in program_cap_rules(program)],
            usage=Usage(),
            credential_maximum=credential_maximum,
            employer_applies=program.applicant_type == Program.ApplicantType.EMPLOYER,
        )
        maximum = {
            "amount": award.maximum,
            "currency": program.currency,
            "binding": award.binding,
            "explanation": award.explanation,
            "listed_by_program": listed,
        }
    return {"eligible": result.eligible, "outcomes": result.outcomes, "maximum_award": maximum}
