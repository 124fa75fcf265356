"""Dashboard figures against numbers worked out by hand for a fixed fixture (see the comments)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from employers.models import Employer, Pledge, ProgressReport
from grants.models import Application, Outcome
from programs.services import budget_commit, budget_release
from reporting.figures import Dashboard, ReportFilter, dashboard
from reporting.refresh import refresh_summaries
from reporting.summaries import covers, run_for
from tests.employers.factories import EmployerFactory, PledgeFactory, ProgressReportFactory
from tests.grants.factories import funded_setup
from tests.reporting.factories import application_row, outcome_row

pytestmark = pytest.mark.django_db
S = Application.Status
D = Decimal


@pytest.fixture(params=["live", "summary"])
def read(request, settings):  # type: ignore[no-untyped-def]
    """The dashboard for some filters, computed live or added up from a summary run built on first use
    (with filters the summaries do not cover, the figures are live either way)."""
    settings.REPORTING_SUMMARIES_FROM = 0
    runs: list[object] = []

    def read(filters: ReportFilter, **kwargs: object) -> Dashboard:
        if request.param == "live":
            return dashboard(filters, **kwargs)  # type: ignore[arg-type]
        if not runs:
            runs.append(refresh_summaries())
        run = run_for(filters)
        assert (run is not None) == covers(filters)
        figures = dashboard(filters, summary=run, **kwargs)  # type: ignore[arg-type]
        assert (figures.as_of is not None) == covers(filters)
        return figures

    return read


@pytest.fixture
def fixture():  # type: ignore[no-untyped-def]
    """16 submitted applications (and a draft, never counted) in one program, decided after known waits."""
    program, manager, credential = funded_setup(budget=D("100000.00"))
    rows = {}
    plan = [
        # (status, how many, days to decision, awarded, paid, recovered, region)
        (S.SUBMITTED, 3, None, None, 0, 0, "North"),
        (S.IN_REVIEW, 2, None, None, 0, 0, "North"),
        (S.REJECTED, 4, 10, None, 0, 0, "South"),
        (S.APPROVED, 2, 2, D("1000"), 0, 0, "North"),
        (S.ENROLLED, 1, 4, D("1000"), 0, 0, "South"),
        (S.PAID, 2, 6, D("1000"), D("800"), 0, "North"),
        (S.EXPIRED, 1, 8, D("1000"), 0, 0, "South"),
        (S.CLAWED_BACK, 1, 20, D("1000"), D("1000"), D("400"), "South"),
    ]
    for status, count, days, awarded, paid, recovered, region in plan:
        rows[status] = [
            application_row(
                program=program,
                credential=credential,
                status=status,
                days_to_decision=days,
                amount_awarded=awarded,
                amount_paid=paid,
                amount_clawed_back=recovered,
                region=region,
            )
            for _ in range(count)
        ]
    application_row(program=program, credential=credential, status=S.DRAFT, region="North")
    # Outcomes: A and B were paid, C clawed back.
    a, b = rows[S.PAID]
    (c,) = rows[S.CLAWED_BACK]
    outcome_row(a, quarter=2, status="employed", wage=D("40000"))
    outcome_row(a, quarter=4, status="employed", wage=D("46000"))
    outcome_row(b, quarter=2, status="unemployed")
    outcome_row(b, quarter=4, status="self_employed", wage=D("50000"))
    outcome_row(c, quarter=2, status="employed", wage=D("30000"))
    # Money: 9,000 awarded and 3,000 released in the last 90 days.
    budget_commit(program=program, amount="9000.00", idempotency_key="t:commit", reason="Fixture")
    budget_release(program=program, amount="3000.00", idempotency_key="t:release", reason="Fixture")
    return program, rows


def test_application_figures_match_the_hand_count(fixture, read) -> None:  # type: ignore[no-untyped-def]
    program, _rows = fixture
    figures = read(ReportFilter(programs=(program.pk,))).applications
    assert figures.submitted == 16
    assert figures.by_status[S.SUBMITTED] == 3
    assert figures.by_status[S.REJECTED] == 4
    assert figures.awarded == 7  # 2 approved + 1 enrolled + 2 paid + 1 expired + 1 clawed back
    assert figures.decided == 11
    assert figures.approval_rate == D("0.636")  # 7 / 11
    assert figures.completed == 3  # 2 paid + 1 clawed back
    assert figures.completion_rate == D("0.750")  # 3 / (3 completed + 1 expired)
    assert figures.attainment_rate == D("0.429")  # 3 / 7
    assert figures.amount_paid == D("2600.00")
    assert figures.amount_recovered == D("400.00")
    assert figures.cost_per_credential == D("733.33")  # (2600 - 400) / 3
    # Waits sorted: 2 2 4 6 6 8 10 10 10 10 20: nearest rank 6 of 11 is 8, rank 10 is 10.
    assert figures.days_to_decision_median == D("8.0")
    assert figures.days_to_decision_p90 == D("10.0")


def test_outcome_figures_match_the_hand_count(fixture, read) -> None:  # type: ignore[no-untyped-def]
    program, _rows = fixture
    outcomes = read(ReportFilter(programs=(program.pk,))).outcomes
    assert (outcomes.answered_q2, outcomes.employed_q2) == (3, 2)
    assert outcomes.employed_rate_q2 == D("0.667")
    assert (outcomes.answered_q4, outcomes.employed_q4) == (2, 2)
    assert outcomes.employed_rate_q4 == D("1.000")
    assert outcomes.median_wage_q2 == D("30000.00")  # of 30,000 and 40,000, nearest rank 1
    assert outcomes.median_wage_q4 == D("46000.00")  # of 46,000 and 50,000
    assert outcomes.wage_change == D("16000.00")


def test_budget_figures_and_the_projected_run_out(fixture, read) -> None:  # type: ignore[no-untyped-def]
    program, _rows = fixture
    today = timezone.localdate()
    budget = read(ReportFilter(programs=(program.pk,)), today=today).budget
    assert budget.total == D("100000.00")
    assert budget.committed == D("6000.00")
    assert budget.disbursed == D("0.00")
    assert budget.remaining == D("94000.00")
    assert budget.burn_per_30_days == D("2000.00")  # (9,000 - 3,000) over 90 days, per 30
    assert budget.runs_out_on == today + dt.timedelta(days=1410)  # 94,000 / 2,000 × 30
    assert budget.currency == program.currency


def test_filters_narrow_every_application_figure(fixture, read) -> None:  # type: ignore[no-untyped-def]
    program, _rows = fixture
    north = read(ReportFilter(programs=(program.pk,), region="North")).applications
    # North: 3 submitted + 2 in review + 2 approved + 2 paid.
    assert north.submitted == 9
    assert north.awarded == 4
    assert north.decided == 4
    assert north.completed == 2
    other_program, _m, _c = funded_setup()
    assert read(ReportFilter(programs=(other_program.pk,))).applications.submitted == 0
    later = read(ReportFilter(date_from=timezone.localdate() + dt.timedelta(days=1))).applications
    assert later.submitted == 0
    # Whole quarters: the fixture was submitted 30 days ago, so its quarter holds all 16 and the next none.
    submitted = (timezone.now() - dt.timedelta(days=30)).astimezone(timezone.get_current_timezone()).date()
    start = submitted.replace(month=(submitted.month - 1) // 3 * 3 + 1, day=1)
    end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    quarter = ReportFilter(programs=(program.pk,), date_from=start, date_to=end)
    assert covers(quarter)
    assert read(quarter).applications.submitted == 16
    assert read(ReportFilter(date_from=end + dt.timedelta(days=1))).applications.submitted == 0


def test_pledge_figures_count_verified_reports_of_verified_employers_only() -> None:
    first = PledgeFactory(
        status=Pledge.Status.ACTIVE,
        roles_converted_target=4,
        credential_holder_hires_target=10,
        non_degree_hires_target=8,
    )
    PledgeFactory(
        status=Pledge.Status.ACTIVE,
        roles_converted_target=6,
        credential_holder_hires_target=5,
        non_degree_hires_target=2,
    )
    fulfilled = PledgeFactory(
        status=Pledge.Status.FULFILLED,
        roles_converted_target=1,
        credential_holder_hires_target=2,
        non_degree_hires_target=1,
    )
    PledgeFactory(
        status=Pledge.Status.LAPSED,
        roles_converted_target=2,
        credential_holder_hires_target=3,
        non_degree_hires_target=3,
    )
    PledgeFactory(status=Pledge.Status.DRAFT, roles_converted_target=50)
    PledgeFactory(
        status=Pledge.Status.ACTIVE,
        employer=EmployerFactory(status=Employer.Status.PENDING),
        roles_converted_target=70,
    )
    ProgressReportFactory(
        pledge=first,
        status=ProgressReport.Status.VERIFIED,
        quarter=1,
        roles_converted=2,
        hires_credential_holders=3,
        hires_without_degree=1,
    )
    ProgressReportFactory(pledge=first, status=ProgressReport.Status.SUBMITTED, quarter=2, roles_converted=9)
    ProgressReportFactory(
        pledge=fulfilled,
        status=ProgressReport.Status.VERIFIED,
        quarter=1,
        roles_converted=1,
        hires_credential_holders=2,
        hires_without_degree=1,
    )
    pledges = dashboard(ReportFilter()).pledges
    assert (pledges.active, pledges.fulfilled, pledges.lapsed) == (2, 1, 1)
    assert pledges.roles_converted_target == 13  # 4 + 6 + 1 + 2
    assert pledges.hires_target == 20  # 10 + 5 + 2 + 3
    assert pledges.non_degree_hires_target == 14  # 8 + 2 + 1 + 3
    assert pledges.roles_converted_verified == 3  # 2 + 1: the unverified 9 does not count
    assert pledges.hires_verified == 5
    assert pledges.non_degree_hires_verified == 2


def test_an_empty_system_gives_empty_figures_not_errors(read) -> None:  # type: ignore[no-untyped-def]
    figures = read(ReportFilter())
    assert figures.applications.submitted == 0
    assert figures.applications.approval_rate is None
    assert figures.applications.days_to_decision_median is None
    assert figures.outcomes.median_wage_q2 is None
    assert figures.budget.runs_out_on is None


@pytest.mark.parametrize("size", [1, 6])
def test_dashboard_query_count_does_not_grow(django_assert_num_queries, size: int) -> None:
    program, _manager, credential = funded_setup()
    for _ in range(size):
        paid = application_row(
            program=program,
            credential=credential,
            status=S.PAID,
            days_to_decision=3,
            amount_awarded=D("500"),
            amount_paid=D("500"),
        )
        outcome_row(paid, quarter=2, status="employed", wage=D("30000"))
        application_row(program=program, credential=credential, status=S.REJECTED, days_to_decision=5)
        PledgeFactory(status=Pledge.Status.ACTIVE)
    # 3 budget + 3 applications (counts and money by status, median, 90th percentile) + 2 outcomes (counts,
    # the 2nd-quarter median; no 4th-quarter wages here: their median needs no query) + 2 pledges.
    with django_assert_num_queries(10):
        dashboard(ReportFilter(programs=(program.pk,)))


def test_outcome_rows_keep_their_source(fixture) -> None:  # type: ignore[no-untyped-def]
    assert set(Outcome.objects.values_list("source", flat=True)) == {"self_reported"}


def test_a_budget_that_would_last_centuries_has_no_run_out_date() -> None:
    program, _manager, _credential = funded_setup(budget=D("4000000000.00"))
    budget_commit(program=program, amount="500.00", idempotency_key="t:tiny", reason="Fixture")
    budget = dashboard(ReportFilter(programs=(program.pk,))).budget
    assert budget.burn_per_30_days == D("166.67")
    assert budget.runs_out_on is None
