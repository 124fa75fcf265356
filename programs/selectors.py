"""Every non-trivial read of programs, the catalog and the ledger."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from core.filters import WholeNumberFilter
from core.money import LARGEST_AMOUNT
from programs.models import (
    CapRule,
    Credential,
    EligibilityRule,
    FundingRound,
    LedgerEntry,
    Occupation,
    Program,
    ProgramBudget,
    ProgramCredential,
    Skill,
    TrainingProvider,
)
from programs.rules import CredentialFacts, EligibilityResult, Profile, evaluate_eligibility

# ---------------------------------------------------------------- catalog


class CredentialFilter(django_filters.FilterSet):
    """The catalog's filters, shared by the public pages and the API."""

    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    skill = django_filters.ModelChoiceFilter(field_name="skills", queryset=Skill.objects.all(), label="Skill")
    occupation = django_filters.CharFilter(
        field_name="occupations__code", label="Occupation code", max_length=10
    )
    provider = django_filters.ModelChoiceFilter(queryset=TrainingProvider.objects.all(), label="Provider")
    delivery_mode = django_filters.ChoiceFilter(
        choices=Credential.DeliveryMode.choices, label="Delivery mode"
    )
    cost_min = django_filters.NumberFilter(
        field_name="cost", lookup_expr="gte", label="Cost from", min_value=0, max_value=LARGEST_AMOUNT
    )
    cost_max = django_filters.NumberFilter(
        field_name="cost", lookup_expr="lte", label="Cost up to", min_value=0, max_value=LARGEST_AMOUNT
    )
    hours_max = WholeNumberFilter(
        field_name="hours", lookup_expr="lte", label="Hours up to", min_value=0, max_value=100000
    )
    program = django_filters.CharFilter(
        field_name="programs__code", label="Funded by program (code)", max_length=31
    )

    class Meta:
        model = Credential
        fields = [
            "q",
            "skill",
            "occupation",
            "provider",
            "delivery_mode",
            "cost_min",
            "cost_max",
            "hours_max",
            "program",
        ]

    def filter_text(self, queryset: QuerySet[Credential], name: str, value: str) -> QuerySet[Credential]:
        """Every word must appear in the title, description, provider, a skill or an occupation.

        Skills and occupations are matched with EXISTS subqueries, not joins, so rows are never
        duplicated and no DISTINCT is needed (measured in benchmarks/catalog_search.py).
        """
        for word in value.split()[:8]:
            skill_match = Credential.skills.through.objects.filter(
                credential_id=OuterRef("pk"), skill__label__icontains=word
            )
            occupation_match = Credential.occupations.through.objects.filter(
                credential_id=OuterRef("pk"), occupation__title__icontains=word
            )
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(provider__name__icontains=word)
                | Exists(skill_match)
                | Exists(occupation_match)
            )
        return queryset


def catalog_credentials(*, listed_only: bool = True) -> QuerySet[Credential]:
    """Credentials with what a list shows, in a fixed number of queries whatever the page size."""
    credentials = Credential.objects.select_related("provider").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("label")),
        Prefetch("occupations", queryset=Occupation.objects.order_by("code")),
    )
    if listed_only:
        credentials = credentials.filter(is_listed=True)
    return credentials.order_by("title", "pk")


def catalog_search(params: Any, *, listed_only: bool = True) -> tuple[CredentialFilter, QuerySet[Credential]]:
    """Apply the catalog filters. No DISTINCT: text matches use EXISTS, and the skill, occupation and
    program filters each match one related row (a single skill, a unique code), so rows never repeat."""
    filterset = CredentialFilter(params, queryset=catalog_credentials(listed_only=listed_only))
    if not filterset.is_valid():
        return filterset, Credential.objects.none()
    return filterset, filterset.qs


def credential_detail(*, pk: Any, listed_only: bool = True) -> Credential:
    """One credential with its provider, skills, occupations and the public programs that fund it."""
    funding = (
        ProgramCredential.objects.select_related("program")
        .filter(program__status__in=[Program.Status.OPEN, Program.Status.CLOSED])
        .order_by("program__name")
    )
    return (
        catalog_credentials(listed_only=listed_only)
        .prefetch_related(Prefetch("funding", queryset=funding, to_attr="public_funding"))
        .get(pk=pk)
    )


# ---------------------------------------------------------------- programs


def program_list(visible: QuerySet[Program]) -> QuerySet[Program]:
    """Programs with their open round and counts, for lists: a fixed number of queries."""
    now = timezone.now()
    return (
        visible.select_related("budget")
        .annotate(credential_count=Count("funded_credentials", distinct=True))
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=FundingRound.objects.filter(closes_at__gt=now).order_by("opens_at"),
                to_attr="current_and_future_rounds",
            )
        )
        .order_by("name")
    )


def program_detail(visible: QuerySet[Program], *, code: str) -> Program:
    return (
        visible.select_related("budget")
        .prefetch_related(
            Prefetch("rounds", queryset=FundingRound.objects.order_by("opens_at")),
            Prefetch("cap_rules", queryset=CapRule.objects.order_by("scope", "amount")),
            Prefetch("eligibility_rules", queryset=EligibilityRule.objects.order_by("id")),
            "scoring_criteria",
            Prefetch(
                "funded_credentials",
                queryset=ProgramCredential.objects.select_related("credential__provider").order_by(
                    "credential__title"
                ),
            ),
        )
        .get(code=code)
    )


def open_round(program: Program, *, at: Any = None) -> FundingRound | None:
    """The round accepting applications now, if any."""
    moment = at or timezone.now()
    return (
        program.rounds.filter(opens_at__lte=moment, closes_at__gt=moment).order_by("opens_at", "pk").first()
    )


def program_eligibility(
    program: Program, profile: Profile, credential: Credential | None = None, *, today: date | None = None
) -> EligibilityResult:
    """Evaluate a program's stored rules for a profile (one query for the rules)."""
    rules = [(rule.kind, rule.parameters) for rule in program.eligibility_rules.order_by("pk")]
    facts = (
        CredentialFacts(
            hours=credential.hours, duration_weeks=credential.duration_weeks, cost=credential.cost
        )
        if credential is not None
        else None
    )
    return evaluate_eligibility(rules, profile, facts, today=today or timezone.localdate())


# ---------------------------------------------------------------- ledger


def budget_entries(program: Program, *, limit: int = 20) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(budget__program=program)
        .select_related("actor", "funding_round")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class Mismatch:
    program_id: int
    program_code: str
    field: str
    recorded: Decimal
    recomputed: Decimal


def ledger_reconcile(programs: QuerySet[Program] | None = None) -> list[Mismatch]:
    """Recompute every budget's totals from its entries (one aggregate query) and list any difference."""
    zero = Decimal("0")

    def total(kind: str) -> Sum:
        return Sum("entries__amount", filter=Q(entries__kind=kind), default=zero)

    budgets = ProgramBudget.objects.select_related("program").annotate(
        sum_commitment=total(LedgerEntry.Kind.COMMITMENT),
        sum_release=total(LedgerEntry.Kind.RELEASE),
        sum_disbursement=total(LedgerEntry.Kind.DISBURSEMENT),
        sum_clawback=total(LedgerEntry.Kind.CLAWBACK),
        sum_adjustment=total(LedgerEntry.Kind.ADJUSTMENT),
    )
    if programs is not None:
        budgets = budgets.filter(program__in=programs)
    mismatches = []
    for budget in budgets.order_by("program__code"):
        expected = {
            "total": budget.sum_adjustment,
            "committed": budget.sum_commitment - budget.sum_release - budget.sum_disbursement,
            "disbursed": budget.sum_disbursement - budget.sum_clawback,
            "clawed_back": budget.sum_clawback,
        }
        for field, recomputed in expected.items():
            recorded = getattr(budget, field)
            if recorded != recomputed:
                mismatches.append(
                    Mismatch(budget.program_id, budget.program.code, field, recorded, recomputed)
                )
    return mismatches
