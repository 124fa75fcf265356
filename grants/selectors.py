"""Reads for applications: profiles as rule input, cap usage, queues, rankings, timelines."""

from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from core.demographics import income_band_upper_bound
from grants.models import Application, ApplicationEvent, Demographics, ReviewAssignment, WorkerProfile
from programs.models import Program
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
    totals = awards.aggregate(
        lifetime=Sum("amount_awarded", default=Decimal("0")),
        year=Sum("amount_awarded", filter=Q(decided_at__year=day.year), default=Decimal("0")),
    )
    return Usage(person_year=totals["year"], person_lifetime=totals["lifetime"])


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
    return (
        Application.objects.filter(Q(applicant=user) | Q(filed_by=user))
        .select_related("program", "credential__provider", "funding_round")
        .order_by("-created_at", "-id")
    )


class QueueFilter(django_filters.FilterSet):
    """The review queue's filters, shared by the staff pages and the API."""

    SORTS = {
        "submitted": ("submitted_at", "id"),
        "-submitted": ("-submitted_at", "-id"),
        "priority": ("priority_rank", "submitted_at", "id"),
        "score": (F("score").desc(nulls_last=True), "priority_rank", "submitted_at", "id"),
        "amount": ("-amount_requested", "id"),
    }

    program = django_filters.CharFilter(field_name="program__code", max_length=31, label="Program code")
    # Bounded, so an absurd number is a 400 rather than an integer the database cannot hold.
    funding_round = django_filters.NumberFilter(
        field_name="funding_round_id", label="Round", min_value=1, max_value=2**31 - 1, decimal_places=0
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Application.Status.choices, label="Status", widget=forms.CheckboxSelectMultiple
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
    assigned_to_me = django_filters.BooleanFilter(method="filter_assigned_to_me", label="Assigned to me")
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS],
        method="filter_sort",
        label="Sort by",
        empty_label="Oldest first",
    )

    class Meta:
        model = Application
        fields = ["program", "funding_round", "status", "priority_group", "submitted_from", "submitted_to"]

    def filter_assigned_to_me(
        self, queryset: QuerySet[Application], name: str, value: bool | None
    ) -> QuerySet[Application]:
        if value:
            return (
                queryset.filter(assignments__reviewer=self.request.user) if self.request else queryset.none()
            )
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
        .annotate(assignment_count=Count("assignments", distinct=True))
        .order_by("priority_rank", "submitted_at", "id")
    )
    filterset = QueueFilter(params, queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, Application.objects.none()
    return filterset, filterset.qs


def application_detail(visible: QuerySet[Application], *, pk: Any) -> Application:
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
