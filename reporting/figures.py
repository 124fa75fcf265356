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
  median annual earnings of those employed in the 2nd quarter, to the nearest 100 (as earnings are
  usually published; it also keeps the summaries' wage histograms small); wage change is the 4th-quarter
  median less the 2nd-quarter median.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import add_months, check_within
from employers.models import Employer, Pledge, ProgressReport
from grants.models import Application, Outcome
from programs.models import LedgerEntry, Program, ProgramBudget
from reporting import summaries
from reporting.models import SummaryRun

S = Application.Status
AWARDED = tuple(Application.AWARDED)
DECIDED = (*AWARDED, S.REJECTED)
COMPLETED = (S.COMPLETION_VERIFIED, S.PAYMENT_SCHEDULED, S.PAID, S.CLAWED_BACK)
ENDED = (*COMPLETED, S.EXPIRED, S.CANCELLED)
ZERO = Decimal("0")
BURN_WINDOW_DAYS = 90
MAX_PROJECTION_DAYS = 100 * 365
# The days a report filter may name. Filters are looser than the dates entered on records (a date_to at the
# end of next year is a fair question), but nothing on SkillsFund was submitted before 2000 (the quarterly
# reports start there too, reporting.pdf), and a day more than ten years ahead is a typing error.
FILTER_EARLIEST = dt.date(2000, 1, 1)
FILTER_YEARS_AHEAD = 10


def check_filter_dates(**days: dt.date | None) -> None:
    """ValidationError naming each of the filter's days (date_from, date_to) outside the window above."""
    latest = add_months(timezone.localdate(), 12 * FILTER_YEARS_AHEAD)
    errors: dict[str, list[str]] = {}
    for name, day in days.items():
        if day is not None:
            try:
                check_within(day, field=name, earliest=FILTER_EARLIEST, latest=latest)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


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


def ledger_flow_sums() -> dict[str, Coalesce]:
    """Money committed and released, as aggregates over ledger entries (or their daily summaries)."""
    kinds = {"committed": LedgerEntry.Kind.COMMITMENT, "released": LedgerEntry.Kind.RELEASE}
    return {name: Coalesce(Sum("amount", filter=Q(kind=kind)), ZERO) for name, kind in kinds.items()}


def _ratio(numerator: int | Decimal, denominator: int | Decimal, places: int = 3) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1).scaleb(-places))


def rank_of(fraction: Decimal, count: int) -> int | None:
    """The nearest-rank position (1-based) of a fraction of `count` ordered values; None for no values."""
    if count <= 0:
        return None
    return max(int((fraction * count).to_integral_value(rounding="ROUND_CEILING")), 1)


def _median(values: QuerySet[Any], field_name: str, count: int, fraction: Decimal) -> Any:
    """The value at a fraction of an ordered column, by the nearest-rank method, in one query.

    PostgreSQL and SQLite both run it (ORDER BY ... LIMIT 1 OFFSET k); with an index on the column it reads
    only k rows of the index."""
    rank = rank_of(fraction, count)
    if rank is None:
        return None
    found = list(values.order_by(field_name).values_list(field_name, flat=True)[rank - 1 : rank])
    return found[0] if found else None


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
    # When the application and outcome figures come from a summary run (reporting.summaries): its time.
    as_of: dt.datetime | None = None


def budget_figures(
    filters: ReportFilter, *, today: dt.date | None = None, summary: SummaryRun | None = None
) -> Budget:
    """Three queries: the budgets' totals, their currencies, and the last 90 days of commitments and
    releases (from the ledger, or from a summary run's daily flows). Totals in several currencies are not
    added up: `currency` is then empty and pages say so."""
    day = today or timezone.localdate()
    programs = filters.budget_programs()
    totals = ProgramBudget.objects.filter(program__in=programs).aggregate(
        total=Coalesce(Sum("total"), ZERO),
        committed=Coalesce(Sum("committed"), ZERO),
        disbursed=Coalesce(Sum("disbursed"), ZERO),
        clawed_back=Coalesce(Sum("clawed_back"), ZERO),
    )
    first_day = day - dt.timedelta(days=BURN_WINDOW_DAYS)
    if summary is not None:
        flows = summaries.ledger_flows(summary, programs, since=first_day)
    else:
        since = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
        flows = LedgerEntry.objects.filter(budget__program__in=programs, created_at__gte=since).aggregate(
            **ledger_flow_sums()
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


def _live_status_counts(filters: ReportFilter) -> dict[str, tuple[int, Decimal, Decimal]]:
    """Applications, money paid and money recovered, by status, read live (as
    reporting.summaries.status_counts reads them from a summary run)."""
    rows = (
        filters.applications()
        .values("status")
        .annotate(
            n=Count("pk"),
            paid=Coalesce(Sum("amount_paid"), ZERO),
            recovered=Coalesce(Sum("amount_clawed_back"), ZERO),
        )
        .order_by()
        .values_list("status", "n", "paid", "recovered")
    )
    return {status: (n, paid, recovered) for status, n, paid, recovered in rows}


def application_figures(filters: ReportFilter, summary: SummaryRun | None = None) -> Applications:
    """Two queries: counts and money by status in one, then the median and 90th percentile of the time
    to decision (in tenths of a day: reporting.summaries.WaitTenths) in one from a summary run, two live."""
    by_status = (
        summaries.status_counts(summary, filters) if summary is not None else _live_status_counts(filters)
    )
    counts = {status: n for status, (n, _paid, _recovered) in by_status.items()}
    paid = sum((by_status[status][1] for status in AWARDED if status in by_status), ZERO)
    recovered = sum((by_status[status][2] for status in AWARDED if status in by_status), ZERO)
    submitted = sum(counts.values())
    awarded = sum(counts.get(status, 0) for status in AWARDED)
    rejected = counts.get(S.REJECTED, 0)
    completed = sum(counts.get(status, 0) for status in COMPLETED)
    ended = sum(counts.get(status, 0) for status in ENDED)
    decided = awarded + rejected
    ranks = [rank_of(Decimal("0.5"), decided), rank_of(Decimal("0.9"), decided)]
    if summary is not None:
        median, p90 = summaries.wait_percentiles(summary, filters, [r for r in ranks if r]) or [None, None]
    else:
        waits = (
            filters.applications()
            .filter(status__in=DECIDED, decided_at__isnull=False, submitted_at__isnull=False)
            .annotate(tenths=summaries.WaitTenths("submitted_at", "decided_at"))
        )
        median, p90 = (
            summaries.tenths_to_days(_median(waits, "tenths", decided, fraction))
            for fraction in (Decimal("0.5"), Decimal("0.9"))
        )
    net_paid = paid - recovered
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
        amount_paid=paid,
        amount_recovered=recovered,
        cost_per_credential=(net_paid / completed).quantize(Decimal("0.01")) if completed else None,
        days_to_decision_median=median,
        days_to_decision_p90=p90,
    )


def outcome_counts() -> dict[str, Count]:
    """The outcome counts per quarter after completion (each application once), as aggregates over
    Outcome rows; shared with the summary builder (reporting.refresh)."""
    employed = Q(employment_status__in=Outcome.EMPLOYED)
    return {
        "answered_q2": Count("application", filter=Q(quarter_after_completion=2), distinct=True),
        "employed_q2": Count("application", filter=Q(quarter_after_completion=2) & employed, distinct=True),
        "answered_q4": Count("application", filter=Q(quarter_after_completion=4), distinct=True),
        "employed_q4": Count("application", filter=Q(quarter_after_completion=4) & employed, distinct=True),
        "wages_q2": Count(
            "pk", filter=Q(quarter_after_completion=2) & employed & Q(annual_wage__isnull=False)
        ),
        "wages_q4": Count(
            "pk", filter=Q(quarter_after_completion=4) & employed & Q(annual_wage__isnull=False)
        ),
    }


def outcome_figures(filters: ReportFilter, summary: SummaryRun | None = None) -> Outcomes:
    """Three queries live (the counts by quarter, and the two median wages); two from a summary run."""
    half = Decimal("0.5")
    if summary is not None:
        counts = summaries.outcome_counts(summary, filters)
        median_q2, median_q4 = summaries.wage_medians(
            summary, filters, rank_of(half, counts["wages_q2"]), rank_of(half, counts["wages_q4"])
        )
    else:
        applications = filters.applications().filter(status__in=COMPLETED)
        outcomes = Outcome.objects.filter(application__in=applications.values("pk"))
        counts = outcomes.aggregate(**outcome_counts())
        wages = outcomes.filter(employment_status__in=Outcome.EMPLOYED, annual_wage__isnull=False)
        median_q2, median_q4 = (
            summaries.wage_to_hundreds(
                _median(wages.filter(quarter_after_completion=quarter), "annual_wage", counts[name], half)
            )
            for quarter, name in ((2, "wages_q2"), (4, "wages_q4"))
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


def dashboard(
    filters: ReportFilter, *, today: dt.date | None = None, summary: SummaryRun | None = None
) -> Dashboard:
    """The official and program manager dashboard: at most 3 + 3 + 3 + 2 queries, whatever the data size
    (a median of nothing needs no query). With a summary run (reporting.summaries.run_for decides), the
    application and outcome figures are added up from its cells."""
    day = today or timezone.localdate()
    return Dashboard(
        filters=filters,
        today=day,
        budget=budget_figures(filters, today=day, summary=summary),
        applications=application_figures(filters, summary),
        outcomes=outcome_figures(filters, summary),
        pledges=pledge_figures(filters),
        as_of=summary.finished_at if summary is not None else None,
    )
