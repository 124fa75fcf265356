"""Report summaries (reporting.summaries, reporting.refresh): every figure added up from a summary run equals
the live figure for the same filters; the dashboards read a run only when the system is large, the run is
fresh and the filters are made of whole cells; a refresh is all or nothing and keeps the previous run."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from grants.models import Application, Outcome
from programs.services import budget_commit, budget_release
from reporting import refresh
from reporting.equity import equity_report
from reporting.figures import ReportFilter, dashboard
from reporting.models import EquitySummary, StatusSummary, SummaryRun, WageSummary, WaitSummary
from reporting.published import publish
from reporting.refresh import refresh_summaries
from reporting.summaries import covers, run_for
from reporting.tasks import refresh_report_summaries
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup
from tests.reporting.factories import application_row, demographics_row, outcome_row

pytestmark = pytest.mark.django_db
S = Application.Status
D = Decimal

STATUSES = [S.SUBMITTED, S.IN_REVIEW, S.REJECTED, S.APPROVED, S.ENROLLED, S.PAID, S.EXPIRED, S.CLAWED_BACK]
COMPLETED = {S.PAID, S.CLAWED_BACK}
RACES = ["white", "black", "hispanic", "asian", "aian", ""]
SEXES = ["female", "male", ""]
REGIONS = ["North", "South", "East", ""]
AGES = ["18-24", "25-34", "35-44", "45-54", ""]
# Submitted this many days ago: several calendar quarters, whatever today is.
AGES_IN_DAYS = [3, 40, 95, 130, 200, 290, 380]


def _quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _quarter_end(day: dt.date) -> dt.date:
    start = _quarter_start(day)
    return (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)


@pytest.fixture
def system(settings):  # type: ignore[no-untyped-def]
    """Two programs, 84 applications over seven quarters-ish, with demographics, waits in fractions of a
    day, outcomes with wages in cents, and ledger flows."""
    settings.REPORTING_SUMMARIES_FROM = 0
    first, _m1, credential_a = funded_setup(budget=D("500000.00"))
    second, _m2, credential_b = funded_setup(budget=D("250000.00"))
    index = 0
    for program, credential in ((first, credential_a), (second, credential_b)):
        for _ in range(42):
            status = STATUSES[index % len(STATUSES)]
            decided = status not in (S.SUBMITTED, S.IN_REVIEW)
            awarded = D("1200") if decided and status != S.REJECTED else None
            paid = D("1100.50") if status in COMPLETED else D("0")
            row = application_row(
                program=program,
                credential=credential,
                status=status,
                days_to_decision=(index % 9) + 1 if decided else None,
                amount_awarded=awarded,
                amount_paid=paid,
                amount_clawed_back=D("300.25") if status == S.CLAWED_BACK else D("0"),
                region=REGIONS[index % len(REGIONS)],
                age_band=AGES[index % len(AGES)],
                submitted_days_ago=AGES_IN_DAYS[index % len(AGES_IN_DAYS)],
            )
            if decided:  # waits in fractions of a day: 0 to 23 hours more
                Application.objects.filter(pk=row.pk).update(
                    decided_at=row.decided_at + dt.timedelta(hours=index % 24, minutes=index % 60)
                )
            if index % 3:
                demographics_row(
                    row.applicant,
                    race_group=RACES[index % len(RACES)],
                    sex=SEXES[index % len(SEXES)],
                    veteran="yes" if index % 5 == 0 else "no",
                    disability="no",
                )
            if status in COMPLETED:
                employed = index % 4 != 0
                outcome_row(
                    row,
                    quarter=2,
                    status="employed" if employed else "unemployed",
                    wage=D("41234.56") + index * D("37.77") if employed else None,
                )
                outcome_row(row, quarter=4, status="employed", wage=D("45250.00") + index * 50)
                # A hire an employer recorded: no quarter after completion, so in no published figure.
                outcome_row(row, quarter=None, status="employed", wage=D("99000.00"))  # type: ignore[arg-type]
            index += 1
    budget_commit(program=first, amount="9000.00", idempotency_key="s:commit", reason="Fixture")
    budget_release(program=first, amount="1500.00", idempotency_key="s:release", reason="Fixture")
    budget_commit(program=second, amount="4000.00", idempotency_key="s:commit2", reason="Fixture")
    return first, second


def _filters(first, second) -> list[ReportFilter]:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    this_quarter = _quarter_start(today)
    last_quarter = _quarter_start(this_quarter - dt.timedelta(days=1))
    a_year_ago = _quarter_start(today - dt.timedelta(days=300))
    return [
        ReportFilter(),
        ReportFilter(programs=(first.pk,)),
        ReportFilter(programs=(first.pk, second.pk)),
        ReportFilter(programs=(second.pk,), funding_round=second.rounds.first().pk),
        ReportFilter(date_from=this_quarter),
        ReportFilter(date_from=last_quarter, date_to=_quarter_end(last_quarter)),
        ReportFilter(programs=(first.pk,), date_from=a_year_ago, date_to=_quarter_end(last_quarter)),
        ReportFilter(date_to=_quarter_end(a_year_ago)),
    ]


def test_every_figure_from_the_summaries_equals_the_live_figure(system) -> None:  # type: ignore[no-untyped-def]
    first, second = system
    run = refresh_summaries()
    assert run.status == SummaryRun.Status.READY
    assert run.applications == 84
    for filters in _filters(first, second):
        assert covers(filters)
        assert run_for(filters) == run
        live = dashboard(filters)
        summed = dashboard(filters, summary=run)
        assert summed.as_of == run.finished_at
        assert live.as_of is None
        assert summed.applications == live.applications, filters
        assert summed.outcomes == live.outcomes, filters
        assert summed.budget == live.budget, filters
        assert summed.pledges == live.pledges, filters
        for threshold in (1, 3, 10):
            assert equity_report(filters, threshold=threshold, summary=run) == equity_report(
                filters, threshold=threshold
            ), (filters, threshold)
    # The data is not trivial: several quarters, every status, medians of more than one value.
    everything = dashboard(ReportFilter(), summary=run)
    assert everything.applications.submitted == 84
    assert everything.applications.days_to_decision_median is not None
    assert everything.outcomes.median_wage_q2 is not None
    assert StatusSummary.objects.filter(run=run).values("quarter").distinct().count() >= 4


def test_waits_count_in_tenths_of_a_day_and_wages_in_hundreds(settings) -> None:  # type: ignore[no-untyped-def]
    """Worked by hand: waits of 6 hours (0.25 day: 0.3, halves up) and 1 day 2 hours (1.083: 1.1);
    wages 41,250.00 (to 41,300, halves up) and 41,249.99 (41,200)."""
    settings.REPORTING_SUMMARIES_FROM = 0
    program, _manager, credential = funded_setup()
    rows = [
        application_row(program=program, credential=credential, status=S.PAID, days_to_decision=0)
        for _ in range(2)
    ]
    for row, hours in zip(rows, (6, 26), strict=True):
        Application.objects.filter(pk=row.pk).update(decided_at=row.submitted_at + dt.timedelta(hours=hours))
    outcome_row(rows[0], quarter=2, status="employed", wage=D("41250.00"))
    outcome_row(rows[1], quarter=2, status="employed", wage=D("41249.99"))
    outcome_row(rows[1], quarter=4, status="employed", wage=D("41249.99"))
    filters = ReportFilter(programs=(program.pk,))
    run = refresh_summaries()
    for figures in (dashboard(filters), dashboard(filters, summary=run)):
        assert figures.applications.days_to_decision_median == D("0.3")  # nearest rank 1 of 2
        assert figures.applications.days_to_decision_p90 == D("1.1")  # rank 2 of 2
        assert figures.outcomes.median_wage_q2 == D("41200.00")  # rank 1 of 41,249.99 and 41,250.00
        assert figures.outcomes.median_wage_q4 == D("41200.00")
    assert set(WageSummary.objects.filter(run=run).values_list("annual_wage", flat=True)) == {
        D("41200.00"),
        D("41300.00"),
    }
    assert set(WaitSummary.objects.filter(run=run).values_list("tenths", flat=True)) == {3, 11}


def test_only_whole_cells_large_systems_and_fresh_runs_are_read(system, settings) -> None:  # type: ignore[no-untyped-def]
    first, _second = system
    assert run_for(ReportFilter()) is None  # nothing built yet
    run = refresh_summaries()
    assert run_for(ReportFilter()) == run
    today = timezone.localdate()
    quarter = _quarter_start(today)
    for filters in (
        ReportFilter(region="North"),
        ReportFilter(sector="62"),
        ReportFilter(credential=first.credentials.first().pk),
        ReportFilter(date_from=quarter + dt.timedelta(days=1)),
        ReportFilter(date_to=quarter),
    ):
        assert not covers(filters)
        with CaptureQueriesContext(connection) as queries:
            assert run_for(filters) is None
        assert len(queries) == 0
    settings.REPORTING_SUMMARIES_FROM = 85  # the run summarised 84 applications: small, so live
    assert run_for(ReportFilter()) is None
    settings.REPORTING_SUMMARIES_FROM = 84
    assert run_for(ReportFilter()) == run
    settings.REPORTING_SUMMARY_MAX_AGE_MINUTES = 30
    late = run.finished_at + dt.timedelta(minutes=31)
    assert run_for(ReportFilter(), now=late) is None
    assert run_for(ReportFilter(), now=late - dt.timedelta(minutes=2)) == run


def test_published_figures_are_as_of_the_run_until_the_next_refresh(system) -> None:  # type: ignore[no-untyped-def]
    first, _second = system
    refresh_summaries()
    application_row(program=first, credential=first.credentials.first(), status=S.SUBMITTED)
    stale = publish(ReportFilter(), threshold=1)
    assert stale.as_of is not None
    assert stale.applications.counts["submitted"].value == 84
    live = publish(ReportFilter(region="North"), threshold=1)  # not whole cells: live and current
    assert live.as_of is None
    refresh_summaries()
    fresh = publish(ReportFilter(), threshold=1)
    assert fresh.applications.counts["submitted"].value == 85
    assert fresh.as_of is not None
    assert fresh.as_of > stale.as_of


def test_a_refresh_keeps_the_previous_run_and_removes_older_ones(system) -> None:  # type: ignore[no-untyped-def]
    runs = [refresh_summaries() for _ in range(3)]
    assert set(SummaryRun.objects.values_list("pk", flat=True)) == {runs[1].pk, runs[2].pk}
    assert not StatusSummary.objects.filter(run_id=runs[0].pk).exists()
    assert not EquitySummary.objects.filter(run_id=runs[0].pk).exists()
    assert StatusSummary.objects.filter(run=runs[1]).exists()
    assert run_for(ReportFilter()) == runs[2]


def test_a_failed_refresh_leaves_no_rows_and_the_last_good_run_in_use(system, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good = refresh_summaries()

    def broken(run: SummaryRun) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(refresh, "STEPS", (*refresh.STEPS, ("broken", broken)))
    with pytest.raises(RuntimeError):
        refresh_summaries()
    failed = SummaryRun.objects.get(status=SummaryRun.Status.FAILED)
    assert "disk full" in failed.error
    assert not StatusSummary.objects.filter(run=failed).exists()
    assert run_for(ReportFilter()) == good


@pytest.mark.parametrize("extra", [0, 8])
def test_reading_a_summary_runs_the_same_queries_whatever_the_size(settings, extra: int) -> None:  # type: ignore[no-untyped-def]
    settings.REPORTING_SUMMARIES_FROM = 0
    program, _manager, credential = funded_setup()
    for index in range(1 + extra):
        paid = application_row(
            program=program,
            credential=credential,
            status=S.PAID,
            days_to_decision=index + 1,
            region=f"R{index}",
            submitted_days_ago=20 + index * 40,
        )
        outcome_row(paid, quarter=2, status=Outcome.EmploymentStatus.EMPLOYED, wage=D("30000") + index)
        outcome_row(paid, quarter=4, status=Outcome.EmploymentStatus.EMPLOYED, wage=D("31000") + index)
    refresh_summaries()
    with CaptureQueriesContext(connection) as queries:
        published = publish(ReportFilter(programs=(program.pk,)))
    assert published.as_of is not None
    # the run; 3 budget (totals, flows, currencies); applications by status; both wait percentiles; outcome
    # counts; both median wages; 2 pledges; 1 for all six equity tables
    assert len(queries) == 11


def test_the_command_and_the_task_rebuild(system) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    out = StringIO()
    call_command("refresh_report_summaries", stdout=out, verbosity=0)
    assert "Report summaries rebuilt" in out.getvalue()
    assert "84 applications" in out.getvalue()
    result = refresh_report_summaries.enqueue()
    assert SummaryRun.objects.get(pk=result.return_value).status == SummaryRun.Status.READY


def test_the_page_and_the_api_say_when_figures_are_as_of_a_run(system, client) -> None:  # type: ignore[no-untyped-def]
    official = user_with_role(Role.OFFICIAL)
    api = APIClient()
    api.force_authenticate(official)
    for path in ("/api/v1/reports/summary/", "/api/v1/reports/equity/", "/api/v1/reports/outcomes/"):
        assert api.get(path).json()["as_of"] is None
    client.force_login(official)
    assert "data-as-of" not in client.get("/reports/").content.decode()
    run = refresh_summaries()
    for path in ("/api/v1/reports/summary/", "/api/v1/reports/equity/", "/api/v1/reports/outcomes/"):
        body = api.get(path).json()
        assert body["as_of"] is not None
        assert dt.datetime.fromisoformat(body["as_of"].replace("Z", "+00:00")) == run.finished_at
    page = client.get("/reports/").content.decode()
    assert "data-as-of" in page
    assert "Figures as of" in page
    assert "data-as-of" not in client.get("/reports/", {"region": "North"}).content.decode()
