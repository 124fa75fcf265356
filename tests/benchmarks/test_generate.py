"""The scale data generator (benchmarks/generate.py) at a tiny size: it loads with COPY, so PostgreSQL only.

The load keeps PostgreSQL's foreign-key checks on here, so every reference it writes is proven valid."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, F, Q

from benchmarks.generate import Sizes, generate
from employers.models import Employer, Pledge, ProgressReport
from grants.models import (
    Application,
    Clawback,
    CompletionClaim,
    Demographics,
    Outcome,
    Payment,
    WorkerProfile,
)
from programs.models import FundingRound, LedgerEntry, Program, ProgramBudget
from programs.selectors import ledger_reconcile
from reporting.equity import equity_report
from reporting.figures import ReportFilter, dashboard

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def counts() -> dict[str, int]:
    return generate(Sizes.for_applications(200), now=NOW, progress=False, check_foreign_keys=True)


def test_counts_follow_the_sizes(counts: dict[str, int]) -> None:
    assert counts["grants_application"] == Application.objects.count() == 200
    assert WorkerProfile.objects.count() == 40  # applications / 5, at least 20
    assert Employer.objects.count() == 5  # applications / 200, at least 5
    assert Program.objects.count() == 20
    assert FundingRound.objects.count() == 20 * 8  # one round a quarter, 8 quarters
    assert 0 < Demographics.objects.count() < 40  # voluntary: about three in four answer
    assert ProgramBudget.objects.count() == 20
    # The sequences moved past the ids COPY used: the ORM can add rows after a load.
    program = Program.objects.first()
    assert program is not None
    assert FundingRound.objects.create(
        program=program, name="Later", opens_at=NOW, closes_at=NOW + dt.timedelta(days=1)
    ).pk > max(FundingRound.objects.exclude(name="Later").values_list("pk", flat=True))


def test_statuses_span_the_workflow_and_records_match_them(counts: dict[str, int]) -> None:
    by_status = dict(
        Application.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    for status in ("draft", "rejected", "enrolled", "paid"):
        assert by_status.get(status, 0) > 0, by_status
    assert len(by_status) >= 8, by_status
    submitted = Application.objects.exclude(status="draft")
    assert not submitted.filter(
        Q(submitted_at__isnull=True) | Q(applicant_region="") | Q(applicant_age_band="")
    )
    assert not Application.objects.filter(status="draft", submitted_at__isnull=False).exists()
    decided = submitted.filter(decided_at__isnull=False)
    assert not decided.filter(decided_at__lte=F("submitted_at")).exists()
    assert not decided.filter(decided_at__gt=NOW).exists()
    awarded = Application.objects.filter(status__in=Application.AWARDED)
    assert not awarded.filter(amount_awarded__isnull=True).exists()
    # Paid awards: a verified claim, a paid payment of what was paid, clawbacks of what was recovered.
    for application in Application.objects.filter(status__in=["paid", "clawed_back"]):
        payment = Payment.objects.get(application=application)
        assert payment.status == "paid"
        assert payment.amount == application.amount_paid > 0
        assert CompletionClaim.objects.get(application=application).status == "verified"
        recovered = sum((c.amount for c in Clawback.objects.filter(application=application)), Decimal("0"))
        assert recovered == application.amount_clawed_back
    assert set(Outcome.objects.values_list("quarter_after_completion", flat=True)) <= {2, 4}
    assert not Outcome.objects.exclude(
        application__status__in=["completion_verified", "payment_scheduled", "paid", "clawed_back"]
    ).exists()


def test_the_ledger_reconciles_with_the_budgets(counts: dict[str, int]) -> None:
    assert ledger_reconcile() == []
    for budget in ProgramBudget.objects.all():
        assert budget.committed + budget.disbursed <= budget.total
        last = LedgerEntry.objects.filter(budget=budget).order_by("-created_at", "-id").first()
        assert last is not None
        assert (last.committed_after, last.disbursed_after) == (budget.committed, budget.disbursed)
    commitments = LedgerEntry.objects.filter(kind="commitment").count()
    assert commitments == Application.objects.filter(status__in=Application.AWARDED).count()


def test_pledges_and_reports_and_the_reports_run(counts: dict[str, int]) -> None:
    assert counts.get("employers_pledge", 0) == Pledge.objects.count()
    assert not ProgressReport.objects.filter(status="verified", verified_hires_total__isnull=True).exists()
    figures = dashboard(ReportFilter(), today=NOW.date())
    assert figures.applications.submitted == Application.objects.exclude(status="draft").count()
    assert figures.budget.currency == "USD"
    assert len(equity_report(ReportFilter())) == 6
