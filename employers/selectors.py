"""Every non-trivial read of employers and pledges: lists, progress and attainment.

Attainment counts verified figures only: the verified_* figures of progress reports staff have
verified. What employers report, and hires they record, show apart as "to be verified".

"In name only" (the flag staff see): a pledge whose roles were converted but whose hiring did not follow.
    verified roles converted ≥ 1
    AND at least two verified quarterly reports (one quarter is too early to judge)
    AND (no verified hires at all, OR verified hires without a degree < EMPLOYER_IN_NAME_ONLY_SHARE ×
         verified hires in total)           (the share is a setting, default 0.10)
Studies of firms that dropped degree requirements found most changed in name only: the posting
changed, the people hired did not.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, is_signed_in
from employers.models import Employer, Hire, Pledge, ProgressReport, Representative, RepresentativeInvitation

VERIFIED_FIGURES = (
    "verified_roles_converted",
    "verified_hires_total",
    "verified_hires_credential_holders",
    "verified_hires_without_degree",
    "verified_hires_priority_groups",
)
COMMITMENT_LABELS: dict[str, Any] = {
    "roles_converted_target": _("Roles whose degree requirement is removed"),
    "credential_holder_hires_target": _("Hires of credential holders"),
    "non_degree_hires_target": _("Hires of people without a four-year degree"),
    "priority_group_hires_target": _("Hires from priority groups"),
}
MINIMUM_VERIFIED_REPORTS_FOR_FLAG = 2


# ---------------------------------------------------------------- employers


def employers_for_user(user: AnyUser) -> QuerySet[Employer]:
    """The employers this person actively represents."""
    if not is_signed_in(user):
        return Employer.objects.none()
    return Employer.objects.filter(
        pk__in=Representative.objects.filter(user=user, removed_at__isnull=True).values("employer_id")
    ).order_by("legal_name", "pk")


def token_hash(token: str) -> str:
    """How an invitation token is stored: its SHA-256, in hex (the token itself is only mailed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> RepresentativeInvitation | None:
    """The invitation a mailed token belongs to, whatever its state (the page explains the state)."""
    if not token or len(token) > 200:
        return None
    return (
        RepresentativeInvitation.objects.select_related("employer", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


class EmployerFilter(django_filters.FilterSet):
    """Staff's employer list filters, shared by the pages and the API."""

    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    status = django_filters.ChoiceFilter(choices=Employer.Status.choices, label="Status")
    size_class = django_filters.ChoiceFilter(choices=Employer.SizeClass.choices, label="Size")
    sector = django_filters.CharFilter(
        field_name="naics_code", lookup_expr="startswith", label="Sector (NAICS code)", max_length=6
    )
    region = django_filters.CharFilter(
        field_name="region", lookup_expr="iexact", label="Region", max_length=60
    )

    class Meta:
        model = Employer
        fields = ["q", "status", "size_class", "sector", "region"]

    def filter_text(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        return queryset.filter(
            Q(legal_name__icontains=value)
            | Q(trading_name__icontains=value)
            | Q(registration_number__icontains=value)
        )


def employer_list(
    filters: Mapping[str, Any] | None = None, *, queryset: QuerySet[Employer] | None = None
) -> QuerySet[Employer]:
    """Employers for staff, filtered (invalid filter values are ignored), with counts, in one query."""
    base = Employer.objects.all() if queryset is None else queryset
    base = base.annotate(
        active_representative_count=Count(
            "representatives", filter=Q(representatives__removed_at__isnull=True), distinct=True
        ),
    ).order_by("legal_name", "pk")
    if not filters:
        return base
    filterset = EmployerFilter(filters, queryset=base)
    return filterset.qs if filterset.is_valid() else base


# ---------------------------------------------------------------- pledge progress


@dataclass(frozen=True)
class CommitmentProgress:
    key: str  # the target field, e.g. "roles_converted_target"
    label: str
    target: int
    verified: int
    attainment_percent: int | None  # None when nothing was committed (target 0)

    @property
    def met(self) -> bool:
        return self.target == 0 or self.verified >= self.target


@dataclass(frozen=True)
class PledgeProgress:
    targets: dict[str, int]
    verified: dict[str, int]  # verified_* sums over verified reports
    commitments: list[CommitmentProgress]
    verified_report_count: int
    unverified_hire_count: int  # hires the employer recorded that no verified report covers yet
    in_name_only: bool
    wage_floor: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def all_met(self) -> bool:
        return all(c.met for c in self.commitments)


def _report_sum(figure: str) -> Coalesce:
    sums = (
        ProgressReport.objects.filter(pledge=OuterRef("pk"), status=ProgressReport.Status.VERIFIED)
        .order_by()
        .values("pledge")
        .annotate(total=Sum(figure))
        .values("total")
    )
    return Coalesce(Subquery(sums, output_field=IntegerField()), Value(0))


def _verified_report_count() -> Coalesce:
    counts = (
        ProgressReport.objects.filter(pledge=OuterRef("pk"), status=ProgressReport.Status.VERIFIED)
        .order_by()
        .values("pledge")
        .annotate(number=Count("pk"))
        .values("number")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _unverified_hire_count() -> Coalesce:
    counts = (
        Hire.objects.filter(pledge=OuterRef("pk"), source=Hire.Source.EMPLOYER_REPORTED)
        .order_by()
        .values("pledge")
        .annotate(number=Count("pk"))
        .values("number")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def pledges_with_progress(queryset: QuerySet[Pledge] | None = None) -> QuerySet[Pledge]:
    """Pledges annotated with their verified sums (sum_verified_*), the number of verified reports and
    of unverified employer-recorded hires, in the same single query as the pledges (with the employer).
    Read each row's progress with pledge_progress(pledge): it uses these annotations, no new query."""
    base = Pledge.objects.all() if queryset is None else queryset
    annotations: dict[str, Any] = {f"sum_{name}": _report_sum(name) for name in VERIFIED_FIGURES}
    annotations["verified_report_count"] = _verified_report_count()
    annotations["unverified_hire_count"] = _unverified_hire_count()
    return base.select_related("employer").annotate(**annotations)


def in_name_only(
    *, roles_converted: int, verified_reports: int, hires_total: int, hires_without_degree: int
) -> bool:
    """The rule in this module's docstring, over verified figures."""
    if roles_converted < 1 or verified_reports < MINIMUM_VERIFIED_REPORTS_FOR_FLAG:
        return False
    if hires_total == 0:
        return True
    share = Decimal(str(settings.EMPLOYER_IN_NAME_ONLY_SHARE))
    return Decimal(hires_without_degree) < share * Decimal(hires_total)


def _attainment(verified: int, target: int) -> int | None:
    if target <= 0:
        return None
    return verified * 100 // target


def pledge_progress(pledge: Pledge) -> PledgeProgress:
    """Targets, verified totals, attainment per commitment and the in-name-only flag of one pledge.
    Uses the annotations of pledges_with_progress when present; otherwise two aggregate queries."""
    if hasattr(pledge, "sum_verified_hires_total"):
        verified = {name: int(getattr(pledge, f"sum_{name}") or 0) for name in VERIFIED_FIGURES}
        report_count = int(getattr(pledge, "verified_report_count", 0) or 0)
        unverified = int(getattr(pledge, "unverified_hire_count", 0) or 0)
    else:
        aggregates = ProgressReport.objects.filter(
            pledge=pledge, status=ProgressReport.Status.VERIFIED
        ).aggregate(
            reports=Count("pk"),
            **{name: Coalesce(Sum(name), Value(0)) for name in VERIFIED_FIGURES},
        )
        verified = {name: int(aggregates[name]) for name in VERIFIED_FIGURES}
        report_count = int(aggregates["reports"])
        unverified = Hire.objects.filter(pledge=pledge, source=Hire.Source.EMPLOYER_REPORTED).count()
    targets = {target: int(getattr(pledge, target)) for target, _v, _r in Pledge.COMMITMENTS}
    commitments = [
        CommitmentProgress(
            key=target,
            label=str(COMMITMENT_LABELS[target]),
            target=targets[target],
            verified=verified[verified_name],
            attainment_percent=_attainment(verified[verified_name], targets[target]),
        )
        for target, verified_name, _reported in Pledge.COMMITMENTS
    ]
    flagged = in_name_only(
        roles_converted=verified["verified_roles_converted"],
        verified_reports=report_count,
        hires_total=verified["verified_hires_total"],
        hires_without_degree=verified["verified_hires_without_degree"],
    )
    return PledgeProgress(
        targets=targets,
        verified=verified,
        commitments=commitments,
        verified_report_count=report_count,
        unverified_hire_count=unverified,
        in_name_only=flagged,
        wage_floor=pledge.wage_floor,
    )


def public_pledges() -> QuerySet[Pledge]:
    """Active and fulfilled pledges of verified employers, with verified progress: the public page."""
    return pledges_with_progress(
        Pledge.objects.filter(
            status__in=[Pledge.Status.ACTIVE, Pledge.Status.FULFILLED],
            employer__status=Employer.Status.VERIFIED,
        ).order_by("employer__legal_name", "-activated_at", "pk")
    )


def pledges_for_staff_review(queryset: QuerySet[Pledge] | None = None) -> QuerySet[Pledge]:
    """Pledges awaiting a staff decision (submitted), oldest first."""
    base = Pledge.objects.all() if queryset is None else queryset
    return (
        base.filter(status=Pledge.Status.SUBMITTED).select_related("employer").order_by("submitted_at", "pk")
    )


def reports_awaiting_verification(
    queryset: QuerySet[ProgressReport] | None = None,
) -> QuerySet[ProgressReport]:
    base = ProgressReport.objects.all() if queryset is None else queryset
    return (
        base.filter(status=ProgressReport.Status.SUBMITTED)
        .select_related("pledge", "pledge__employer")
        .order_by("submitted_at", "pk")
    )
