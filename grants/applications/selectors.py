"""Reads for applications: profiles as rule input, cap usage, queues, rankings, timelines."""

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import Role
from core.demographics import income_band_upper_bound
from core.filters import StrictBooleanFilter
from employers.models import Representative
from grants.models import (
    Application,
    ApplicationEvent,
    Clawback,
    Demographics,
    Outcome,
    OutcomeFollowUp,
    Payment,
    ReviewAssignment,
    WorkerProfile,
)
from grants.permissions import applications_visible_to
from programs.models import FundingRound, Program
from programs.rules import Profile, Usage


def worker_profile_for(user: Any) -> WorkerProfile | None:
    return WorkerProfile.objects.filter(user=user).first()


def demographics_for(user: Any) -> Demographics | None:
    return Demographics.objects.filter(user=user).first()


def rule_profile(profile: WorkerProfile | None) -> Profile:
    """The plain profile the eligibility rules read. An income band counts as its upper bound, so a
    band passes an income limit only when the whole band is under it."""
    if profile is None:
        return Profile()
    upper = income_band_upper_bound(profile.household_income_band) if profile.household_income_band else None
    return Profile(
        region=profile.region or None,
        date_of_birth=profile.date_of_birth,
        employment_status=profile.employment_status or None,
        household_income=(upper - Decimal("0.01")) if upper is not None else None,
    )


def cap_usage(
    *, applicant: Any, program: Program, on: date | None = None, excluding: Application | None = None
) -> Usage:
    """What the applicant already holds in this program: awards this calendar year and ever."""
    day = on or timezone.localdate()
    awards = Application.objects.filter(
        applicant=applicant, program=program, status__in=Application.ACTIVE_AWARD
    )
    if excluding is not None:
        awards = awards.exclude(pk=excluding.pk)
    # A paid award counts what was paid: the unpaid rest went back to the budget.
    counted = Case(When(status=Application.Status.PAID, then=F("amount_paid")), default=F("amount_awarded"))
    totals = awards.aggregate(
        lifetime=Sum(counted, default=Decimal("0")),
        year=Sum(counted, filter=Q(decided_at__year=day.year), default=Decimal("0")),
    )
    return Usage(person_year=totals["year"], person_lifetime=totals["lifetime"])


def employer_cap_usage(
    *, usage: Usage, employer: Any, program: Program, funding_round: Any, excluding: Application | None = None
) -> Usage:
    """Add what the employer already holds in this program: awards this round and this calendar year."""
    day = timezone.localdate()
    awards = Application.objects.filter(
        employer=employer, program=program, status__in=Application.ACTIVE_AWARD
    )
    if excluding is not None:
        awards = awards.exclude(pk=excluding.pk)
    counted = Case(When(status=Application.Status.PAID, then=F("amount_paid")), default=F("amount_awarded"))
    totals = awards.aggregate(
        round=Sum(counted, filter=Q(funding_round=funding_round), default=Decimal("0")),
        year=Sum(counted, filter=Q(decided_at__year=day.year), default=Decimal("0")),
    )
    return dataclasses.replace(usage, employer_round=totals["round"], employer_year=totals["year"])


def double_funding_exists(
    *, applicant: Any, credential_id: int, excluding: Application | None = None
) -> bool:
    """Does this person already hold an active award for this credential, in any program?"""
    awards = Application.objects.filter(
        applicant=applicant, credential_id=credential_id, status__in=Application.ACTIVE_AWARD
    )
    if excluding is not None:
        awards = awards.exclude(pk=excluding.pk)
    return awards.exists()


def applications_for_applicant(user: Any) -> QuerySet[Application]:
    """The person's own applications, those they filed, and their employers' (for representatives)."""
    mine = Q(applicant=user) | Q(filed_by=user)
    if user.has_role(Role.EMPLOYER_REPRESENTATIVE):
        mine |= Q(
            employer__in=Representative.objects.filter(user=user, removed_at__isnull=True).values(
                "employer_id"
            )
        )
    return (
        Application.objects.filter(mine)
        .select_related("program", "credential__provider", "funding_round")
        .order_by("-created_at", "-id")
    )


def queue_rounds(request: Any) -> QuerySet[FundingRound]:
    """The rounds a queue may be filtered by: those of programs with applications the caller may see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return FundingRound.objects.none()
    programs = applications_visible_to(user).order_by().values("program_id")
    return (
        FundingRound.objects.filter(program_id__in=programs)
        .select_related("program")
        .order_by("program__code", "opens_at", "id")
    )


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FundingRound) -> str:
        return f"{obj.program.code}: {obj.name}"


class RoundChoiceFilter(django_filters.ModelChoiceFilter):
    """A round, named by its program and name in the page's select; the API takes its id."""

    field_class = RoundChoiceField


class QueueFilter(django_filters.FilterSet):
    """The review queue's filters, shared by the staff pages and the API."""

    SORTS = {
        "submitted": ("submitted_at", "id"),
        "-submitted": ("-submitted_at", "-id"),
        "priority": ("priority_rank", "submitted_at", "id"),
        "score": (F("score").desc(nulls_last=True), "priority_rank", "submitted_at", "id"),
        "amount": ("-amount_requested", "id"),
    }

    program = django_filters.CharFilter(method="filter_program", max_length=31, label="Program code")
    # The rounds of programs whose applications the caller may see; an id outside them is a 400.
    funding_round = RoundChoiceFilter(
        field_name="funding_round", label="Round", queryset=queue_rounds, empty_label="Any round"
    )
    # A column of the row itself: no duplicates to remove (django-filter's default DISTINCT would make
    # PostgreSQL sort every matching row, and count them all, before it could return a page).
    status = django_filters.MultipleChoiceFilter(
        choices=Application.Status.choices,
        label="Status",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    priority_group = django_filters.ChoiceFilter(
        choices=Program.PriorityGroup.choices, label="Priority group"
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at__date", lookup_expr="gte", label="Submitted from"
    )
    submitted_to = django_filters.DateFilter(
        field_name="submitted_at__date", lookup_expr="lte", label="Submitted up to"
    )
    assigned_to_me = StrictBooleanFilter(method="filter_assigned_to_me", label="Assigned to me")
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS],
        method="filter_sort",
        label="Sort by",
        empty_label="Oldest first",
    )

    class Meta:
        model = Application
        fields = ["program", "funding_round", "status", "priority_group", "submitted_from", "submitted_to"]

    def filter_program(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        # `program_id = (SELECT id ... WHERE code = %s)`, not a join on the program: PostgreSQL then reads
        # the program's rows in queue order from one index, as it does for a status.
        program = Program.objects.filter(code=value).values("pk")[:1]
        return queryset.filter(program_id=Subquery(program)) if value else queryset

    def filter_assigned_to_me(
        self, queryset: QuerySet[Application], name: str, value: bool
    ) -> QuerySet[Application]:
        if value:
            if self.request is None:
                return queryset.none()
            mine = ReviewAssignment.objects.filter(reviewer=self.request.user).values("application_id")
            return queryset.filter(pk__in=mine)
        return queryset

    def filter_sort(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["submitted"]))


def review_queue(
    visible: QuerySet[Application], params: Any, *, request: Any = None
) -> tuple[QueueFilter, QuerySet[Application]]:
    """Staff's queue: submitted and later applications they may see, with what a row shows."""
    base = (
        visible.exclude(status=Application.Status.DRAFT)
        .select_related("program", "credential", "funding_round", "applicant")
        # A correlated count, not a join and GROUP BY over every visible row: a page is then read
        # straight from the queue index (benchmarks/README.md).
        .annotate(
            assignment_count=Coalesce(
                Subquery(
                    ReviewAssignment.objects.filter(application=OuterRef("pk"))
                    .values("application")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            )
        )
        .order_by("priority_rank", "submitted_at", "id")
    )
    filterset = QueueFilter(params, queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, Application.objects.none()
    return filterset, filterset.qs


def application_detail(visible: QuerySet[Application], *, pk: Any) -> Application:
    """One application the caller may see, by primary key: a lookup on the key (the visibility scopes
    need no DISTINCT), then its documents, requests, assignments and letters."""
    return (
        visible.select_related(
            "program__budget", "credential__provider", "funding_round", "applicant", "filed_by", "decided_by"
        )
        .prefetch_related(
            "documents",
            "information_requests",
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer", "review")),
            "letters",
        )
        .get(pk=pk)
    )


def timeline(application: Application, *, staff: bool) -> QuerySet[ApplicationEvent]:
    events = application.events.select_related("actor").order_by("created_at", "id")
    if not staff:
        events = events.filter(visibility=ApplicationEvent.Visibility.APPLICANT)
    return events


def ranked_applications(funding_round: Any) -> QuerySet[Application]:
    """A round's reviewed applications, best first: priority group, then score, then who came first."""
    return (
        Application.objects.filter(funding_round=funding_round, status=Application.Status.IN_REVIEW)
        .select_related("applicant", "credential")
        .order_by("priority_rank", F("score").desc(nulls_last=True), "submitted_at", "id")
    )


# ---------------------------------------------------------------- after approval (issue 5)


def award_records(application: Application) -> dict[str, list[Any]]:
    """An award's claims, payments, clawbacks, outcomes and follow-ups: five queries whatever their number."""
    return {
        "claims": list(
            application.claims.select_related(
                "certificate", "invoice", "proof_of_payment", "claimed_by", "decided_by"
            ).order_by("-submitted_at", "-id")
        ),
        "payments": list(
            Payment.objects.filter(application=application)
            .select_related("batch")
            .order_by("-approved_at", "-id")
        ),
        "clawbacks": list(
            Clawback.objects.filter(application=application)
            .select_related("payment", "recorded_by")
            .order_by("-created_at", "-id")
        ),
        "outcomes": list(
            Outcome.objects.filter(application=application)
            .select_related("recorded_by")
            .order_by("-observed_on", "-id")
        ),
        "follow_ups": list(OutcomeFollowUp.objects.filter(application=application).order_by("due_on", "id")),
    }


def is_open_follow_up(follow_up: OutcomeFollowUp, today: date | None = None) -> bool:
    """A question the worker can answer now: not answered, and sent or due."""
    day = today or timezone.localdate()
    return follow_up.answered_at is None and (follow_up.sent_at is not None or follow_up.due_on <= day)


# Awards whose training counts as done: completion verified, whether paid yet or not.
EARNED = (
    Application.Status.COMPLETION_VERIFIED,
    Application.Status.PAYMENT_SCHEDULED,
    Application.Status.PAID,
)


def credentials_earned(user: Any, *, limit: int = 10) -> list[Application]:
    """The worker's awards with verified completion, newest first; one query, at most `limit` rows."""
    return list(
        Application.objects.filter(applicant=user, status__in=EARNED)
        .select_related("credential__provider")
        .order_by("-completed_on", "-id")[:limit]
    )


def open_follow_ups(user: Any, *, limit: int = 10) -> list[OutcomeFollowUp]:
    """Outcome questions waiting for the worker's answer; one query, at most `limit` rows."""
    today = timezone.localdate()
    return list(
        OutcomeFollowUp.objects.filter(
            application__applicant=user,
            answered_at__isnull=True,
            application__status__in=[*EARNED, Application.Status.CLAWED_BACK],
        )
        .filter(Q(sent_at__isnull=False) | Q(due_on__lte=today))
        .select_related("application__credential")
        .order_by("due_on", "id")[:limit]
    )
