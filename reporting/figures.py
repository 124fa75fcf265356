"""Every figure the dashboards, reports, exports and API publish, from database aggregation.

Each selector runs a fixed number of queries whatever the data size (tests assert it at two sizes), and
never loops over rows in Python: counts, sums and medians are computed by the database. The filters are
one `ReportFilter`, shared by pages, PDFs, the API and exports, so a figure is the same wherever it shows.

Definitions (also on the methodology page of the PDF reports):
- awarded: applications approved, whatever happened after (enrolled ... paid, expired, cancelled, clawed
  back); decided: awarded or rejected. Approval rate = awarded / decided.
- completed: awards whose completion staff verified (verified, payment scheduled, paid, clawed back).
  Completion rate = completed / awards with a known result (completed, expired, cancelled);
  credential-attainment rate = completed / awarded.
- time to decision: from submission to the decision, in days; median and 90th percentile.
- cost per credential earned: money paid less money recovered, over completed awards.
- budget burn rate: money newly awarded (commitments less releases) per 30 days over the last 90 days;
  the projected run-out date is when the remaining budget would be spent at that rate.
- outcomes: of the awards with an answer for the 2nd (4th) quarter after completion, the share employed;
  median annual earnings of those employed in the 2nd quarter; wage change is the 4th-quarter median less
  the 2nd-quarter median.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from employers.models import Employer, Pledge, ProgressReport
from grants.models import Application, Outcome
from programs.models import LedgerEntry, Program, ProgramBudget

S = Application.Status
AWARDED = tuple(Application.AWARDED)
DECIDED = (*AWARDED, S.REJECTED)
COMPLETED = (S.COMPLETION_VERIFIED, S.PAYMENT_SCHEDULED, S.PAID, S.CLAWED_BACK)
ENDED = (*COMPLETED, S.EXPIRED, S.CANCELLED)
ZERO = Decimal("0")
BURN_WINDOW_DAYS = 90
MAX_PROJECTION_DAYS = 100 * 365


@dataclass(frozen=True)
class ReportFilter:
    """The dashboard's filters. Dates bound the submission date of applications (inclusive)."""

    programs: tuple[int, ...] = ()
    funding_round: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: str = ""
    sector: str = ""  # a NAICS code or prefix: employer applications and pledges only
    credential: int | None = None

    def applications(self, base: QuerySet[Application] | None = None) -> QuerySet[Application]:
        rows = (base if base is not None else Application.objects.all()).exclude(status=S.DRAFT)
        if self.programs:
            rows = rows.filter(program_id__in=self.programs)
        if self.funding_round:
            rows = rows.filter(funding_round_id=self.funding_round)
        if self.date_from:
            rows = rows.filter(submitted_at__date__gte=self.date_from)
        if self.date_to:
            rows = rows.filter(submitted_at__date__lte=self.date_to)
        if self.region:
            rows = rows.filter(applicant_region=self.region)
        if self.sector:
            rows = rows.filter(employer__naics_code__startswith=self.sector)
        if self.credential:
            rows = rows.filter(credential_id=self.credential)
        return rows

    def budget_programs(self) -> QuerySet[Program]:
        programs = Program.objects.exclude(status=Program.Status.DRAFT)
        if self.programs:
            programs = programs.filter(pk__in=self.programs)
        return programs

    def pledges(self) -> QuerySet[Pledge]:
        pledges = Pledge.objects.filter(employer__status=Employer.Status.VERIFIED)
        if self.region:
            pledges = pledges.filter(employer__region=self.region)
        if self.sector:
            pledges = pledges.filter(employer__naics_code__startswith=self.sector)
        return pledges

    @property
    def money_is_filtered(self) -> bool:
        """Budget figures follow programs only; other filters do not split a budget."""
        return bool(
            self.funding_round
            or self.date_from
            or self.date_to
            or self.region
            or self.sector
            or self.credential
        )


def _ratio(numerator: int | Decimal, denominator: int | Decimal, places: int = 3) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1).scaleb(-places))


def _median(values: QuerySet[Any], field_name: str, count: int, fraction: Decimal) -> Any:
    """The value at a fraction of an ordered column, by the nearest-rank method, in one query.

    PostgreSQL and SQLite both run it (ORDER BY ... LIMIT 1 OFFSET k); with an index on the column it reads
    only k rows of the index."""
    if count == 0:
        return None
    rank = max(int((fraction * count).to_integral_value(rounding="ROUND_CEILING")), 1)
    return values.order_by(field_name).values_list(field_name, flat=True)[rank - 1]


# ---------------------------------------------------------------- the dashboard


@dataclass(frozen=True)
class Budget:
    currency: str
    total: Decimal
    committed: Decimal
    disbursed: Decimal
    clawed_back: Decimal
    remaining: Decimal
    burn_per_30_days: Decimal
    runs_out_on: dt.date | None
    currencies: tuple[str, ...]


@dataclass(frozen=True)
class Applications:
    by_status: dict[str, int]
    submitted: int
    decided: int
    awarded: int
    rejected: int
    completed: int
    ended: int
    approval_rate: Decimal | None
    completion_rate: Decimal | None
    attainment_rate: Decimal | None
    amount_paid: Decimal
    amount_recovered: Decimal
    cost_per_credential: Decimal | None
    days_to_decision_median: Decimal | None
    days_to_decision_p90: Decimal | None


@dataclass(frozen=True)
class Outcomes:
    answered_q2: int
    employed_q2: int
    answered_q4: int
    employed_q4: int
    employed_rate_q2: Decimal | None
    employed_rate_q4: Decimal | None
    median_wage_q2: Decimal | None
    median_wage_q4: Decimal | None
    wage_change: Decimal | None


@dataclass(frozen=True)
class Pledges:
    active: int
    fulfilled: int
    lapsed: int
    roles_converted_target: int
    roles_converted_verified: int
    hires_target: int
    hires_verified: int
    non_degree_hires_target: int
    non_degree_hires_verified: int


@dataclass(frozen=True)
class Dashboard:
    filters: ReportFilter
    today: dt.date
    budget: Budget
    applications: Applications
    outcomes: Outcomes
    pledges: Pledges
    extra: dict[str, Any] = field(default_factory=dict)


def budget_figures(filters: ReportFilter, *, today: dt.date | None = None) -> Budget:
    """Three queries: the budgets' totals, their currencies, and the last 90 days of commitments and
    releases. Totals in several currencies are not added up: `currency` is then empty and pages say so."""
    day = today or timezone.localdate()
    programs = filters.budget_programs()
    totals = ProgramBudget.objects.filter(program__in=programs).aggregate(
        total=Coalesce(Sum("total"), ZERO),
        committed=Coalesce(Sum("committed"), ZERO),
        disbursed=Coalesce(Sum("disbursed"), ZERO),
        clawed_back=Coalesce(Sum("clawed_back"), ZERO),
    )
    since = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=BURN_WINDOW_DAYS), dt.time.min))
    flows = LedgerEntry.objects.filter(budget__program__in=programs, created_at__gte=since).aggregate(
        committed=Coalesce(Sum("amount", filter=Q(kind=LedgerEntry.Kind.COMMITMENT)), ZERO),
        released=Coalesce(Sum("amount", filter=Q(kind=LedgerEntry.Kind.RELEASE)), ZERO),
    )
    currency_list = tuple(
        ProgramBudget.objects.filter(program__in=programs)
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )
    net = flows["committed"] - flows["released"]
    burn = (net * 30 / BURN_WINDOW_DAYS).quantize(Decimal("0.01")) if net > 0 else ZERO
    remaining = totals["total"] - totals["committed"] - totals["disbursed"]
    runs_out = None
    if burn > 0 and remaining > 0:
        days = int(remaining / burn * 30)
        if days <= MAX_PROJECTION_DAYS:  # beyond that there is no run-out date worth printing
            runs_out = day + dt.timedelta(days=days)
    return Budget(
        currency=currency_list[0] if len(currency_list) == 1 else "",
        total=totals["total"],
        committed=totals["committed"],
        disbursed=totals["disbursed"],
        clawed_back=totals["clawed_back"],
        remaining=remaining,
        burn_per_30_days=burn,
        runs_out_on=runs_out,
        currencies=currency_list,
    )


def _days(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        seconds = Decimal(value.total_seconds())
    else:  # SQLite hands back microseconds for a duration expression
        seconds = Decimal(value) / Decimal(1_000_000)
    return (seconds / Decimal(86400)).quantize(Decimal("0.1"))


def application_figures(filters: ReportFilter) -> Applications:
    """Three queries: counts and money by status in one, then the median and 90th percentile of the time
    to decision."""
    rows = filters.applications()
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n"))
    money = rows.filter(status__in=AWARDED).aggregate(
        paid=Coalesce(Sum("amount_paid"), ZERO), recovered=Coalesce(Sum("amount_clawed_back"), ZERO)
    )
    submitted = sum(counts.values())
    awarded = sum(counts.get(status, 0) for status in AWARDED)
    rejected = counts.get(S.REJECTED, 0)
    completed = sum(counts.get(status, 0) for status in COMPLETED)
    ended = sum(counts.get(status, 0) for status in ENDED)
    decided_rows = rows.filter(
        status__in=DECIDED, decided_at__isnull=False, submitted_at__isnull=False
    ).annotate(wait=ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField()))
    decided = awarded + rejected
    net_paid = money["paid"] - money["recovered"]
    return Applications(
        by_status={status: counts.get(status, 0) for status in S.values if status != S.DRAFT},
        submitted=submitted,
        decided=decided,
        awarded=awarded,
        rejected=rejected,
        completed=completed,
        ended=ended,
        approval_rate=_ratio(awarded, decided),
        completion_rate=_ratio(completed, ended),
        attainment_rate=_ratio(completed, awarded),
        amount_paid=money["paid"],
        amount_recovered=money["recovered"],
        cost_per_credential=(net_paid / completed).quantize(Decimal("0.01")) if completed else None,
        days_to_decision_median=_days(_median(decided_rows, "wait", decided, Decimal("0.5"))),
        days_to_decision_p90=_days(_median(decided_rows, "wait", decided, Decimal("0.9"))),
    )


def outcome_figures(filters: ReportFilter) -> Outcomes:
    """Three queries: the counts by quarter, and the two median wages."""
    applications = filters.applications().filter(status__in=COMPLETED)
    outcomes = Outcome.objects.filter(application__in=applications.values("pk"))
    employed = Q(employment_status__in=Outcome.EMPLOYED)
    counts = outcomes.aggregate(
        answered_q2=Count("application", filter=Q(quarter_after_completion=2), distinct=True),
        employed_q2=Count("application", filter=Q(quarter_after_completion=2) & employed, distinct=True),
        answered_q4=Count("application", filter=Q(quarter_after_completion=4), distinct=True),
        employed_q4=Count("application", filter=Q(quarter_after_completion=4) & employed, distinct=True),
        wages_q2=Count("pk", filter=Q(quarter_after_completion=2) & employed & Q(annual_wage__isnull=False)),
        wages_q4=Count("pk", filter=Q(quarter_after_completion=4) & employed & Q(annual_wage__isnull=False)),
    )
    wages = outcomes.filter(employed, annual_wage__isnull=False)
    median_q2 = _median(
        wages.filter(quarter_after_completion=2), "annual_wage", counts["wages_q2"], Decimal("0.5")
    )
    median_q4 = _median(
        wages.filter(quarter_after_completion=4), "annual_wage", counts["wages_q4"], Decimal("0.5")
    )
    return Outcomes(
        answered_q2=counts["answered_q2"],
        employed_q2=counts["employed_q2"],
        answered_q4=counts["answered_q4"],
        employed_q4=counts["employed_q4"],
        employed_rate_q2=_ratio(counts["employed_q2"], counts["answered_q2"]),
        employed_rate_q4=_ratio(counts["employed_q4"], counts["answered_q4"]),
        median_wage_q2=median_q2,
        median_wage_q4=median_q4,
        wage_change=(median_q4 - median_q2) if median_q2 is not None and median_q4 is not None else None,
    )


def pledge_figures(filters: ReportFilter) -> Pledges:
    """Two queries: pledge counts and targets, and the verified report sums of active and ended pledges."""
    pledges = filters.pledges()
    live = Q(status__in=[Pledge.Status.ACTIVE, Pledge.Status.FULFILLED, Pledge.Status.LAPSED])
    targets = pledges.aggregate(
        active=Count("pk", filter=Q(status=Pledge.Status.ACTIVE)),
        fulfilled=Count("pk", filter=Q(status=Pledge.Status.FULFILLED)),
        lapsed=Count("pk", filter=Q(status=Pledge.Status.LAPSED)),
        roles=Coalesce(Sum("roles_converted_target", filter=live), 0),
        hires=Coalesce(Sum("credential_holder_hires_target", filter=live), 0),
        non_degree=Coalesce(Sum("non_degree_hires_target", filter=live), 0),
    )
    verified = ProgressReport.objects.filter(
        pledge__in=pledges.filter(live).values("pk"), status=ProgressReport.Status.VERIFIED
    ).aggregate(
        roles=Coalesce(Sum("verified_roles_converted"), 0),
        hires=Coalesce(Sum("verified_hires_credential_holders"), 0),
        non_degree=Coalesce(Sum("verified_hires_without_degree"), 0),
    )
    return Pledges(
        active=targets["active"],
        fulfilled=targets["fulfilled"],
        lapsed=targets["lapsed"],
        roles_converted_target=targets["roles"],
        roles_converted_verified=verified["roles"],
        hires_target=targets["hires"],
        hires_verified=verified["hires"],
        non_degree_hires_target=targets["non_degree"],
        non_degree_hires_verified=verified["non_degree"],
    )


def dashboard(filters: ReportFilter, *, today: dt.date | None = None) -> Dashboard:
    """The official and program manager dashboard: at most 3 + 4 + 3 + 2 queries, whatever the data size
    (a median of nothing needs no query)."""
    day = today or timezone.localdate()
    return Dashboard(
        filters=filters,
        today=day,
        budget=budget_figures(filters, today=day),
        applications=application_figures(filters),
        outcomes=outcome_figures(filters),
        pledges=pledge_figures(filters),
    )
