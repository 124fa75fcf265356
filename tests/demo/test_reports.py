"""The demo's dashboards and reports are meaningful (issue 7, "Demo data"): several quarters of history with
decisions, completions, payments and outcomes whose dates follow one another, pledges with progress, equity
tables with real numbers for large groups beside at least one suppressed small group, the official's headline
figures published, and a ledger that reconciles.

Seeding the whole demo is slow, so one seeding (the shipped history, a small current round, two letters)
serves every check: they are properties of the data, not totals.
"""

from collections import defaultdict
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from core.dates import quarter_of
from demo import applications as demo
from demo.history import HISTORY_DOMAIN, seed_demo_history
from grants.models import Application, ApplicationEvent, Outcome, Payment
from programs.selectors import ledger_reconcile

pytestmark = pytest.mark.django_db

S = Application.Status
COMPLETED = (S.COMPLETION_VERIFIED, S.PAYMENT_SCHEDULED, S.PAID, S.CLAWED_BACK)
MOVES = {S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.REJECTED, S.WITHDRAWN, *Application.AWARDED}


def _seed(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "OTHER_LETTERS", 0)  # rendering PDFs is the slow part
    with override_settings(MEDIA_ROOT=str(tmp_path), DEBUG=True):
        call_command("seed_demo", "--applications", "40", verbosity=0, stdout=StringIO())


def _official() -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(email="official@demo.skillsfund.test"))
    return client


def _quarters_with_decisions() -> dict[tuple[int, int], list[int]]:
    """Submission quarter -> [applications submitted, of them decided]."""
    quarters: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = Application.objects.filter(submitted_at__isnull=False).values_list("submitted_at", "decided_at")
    for submitted, decided in rows:
        counts = quarters[quarter_of(timezone.localtime(submitted).date())]
        counts[0] += 1
        counts[1] += decided is not None
    return quarters


def _check_history_dates(today: date) -> None:
    """Each historic application's dates follow one another, and its events tell the same story at the
    same times."""
    now = timezone.now()
    history = Application.objects.filter(applicant__email__endswith="@" + HISTORY_DOMAIN)
    events: dict[int, list[ApplicationEvent]] = defaultdict(list)
    for event in ApplicationEvent.objects.filter(application__in=history).order_by("created_at", "pk"):
        events[event.application_id].append(event)
    payments = {
        payment.application_id: payment for payment in Payment.objects.filter(application__in=history)
    }
    assert history.count() >= 1000
    for application in history:
        assert application.submitted_at is not None
        assert application.created_at <= application.submitted_at <= now
        if application.decided_at is not None:
            assert application.submitted_at < application.decided_at <= now
        if application.enrolled_at is not None:
            assert application.decided_at is not None
            assert application.decided_at < application.enrolled_at <= now
            assert application.training_start_date is not None
            assert application.training_start_date >= timezone.localtime(application.submitted_at).date()
        if application.completed_on is not None:
            assert application.training_start_date is not None
            assert application.training_start_date < application.completed_on <= today
        payment = payments.get(application.pk)
        if payment is not None and payment.paid_on is not None:
            assert application.completed_on is not None
            assert application.completed_on < payment.paid_on <= today
        if application.status in (S.APPROVED, S.ENROLLED):  # the expiry job has nothing to catch up on
            assert application.training_deadline is not None
            assert application.training_deadline >= today
        moves = [event for event in events[application.pk] if event.to_status in MOVES]
        chain = [S.DRAFT] + [event.to_status for event in moves]
        assert [event.from_status for event in moves] == chain[:-1]
        assert chain[-1] == application.status
        times = {event.action: event.created_at for event in moves}
        assert times["submitted"] == application.submitted_at
        if application.status == S.REJECTED or application.amount_awarded is not None:
            assert (
                times["rejected" if application.status == S.REJECTED else "approved"]
                == application.decided_at
            )
        assert all(event.created_at <= now for event in events[application.pk])


def test_demo_dashboards_and_reports_are_meaningful(tmp_path, monkeypatch) -> None:
    _seed(tmp_path, monkeypatch)
    today = timezone.localdate()

    # At least six quarters of submissions, with decisions in each, growing over time.
    quarters = _quarters_with_decisions()
    decided_quarters = sorted(quarter for quarter, (_submitted, decided) in quarters.items() if decided)
    assert len(decided_quarters) >= 6
    full = decided_quarters[1:-1]  # the first and the current may be partial
    assert quarters[full[-1]][0] > quarters[full[0]][0]

    # Completions, payments and outcomes for the 2nd and 4th quarter after completion, after completion.
    assert Application.objects.filter(status__in=COMPLETED).count() >= 100
    assert Payment.objects.filter(status=Payment.Status.PAID).exists()
    for quarters_after in (2, 4):
        answered = Outcome.objects.filter(quarter_after_completion=quarters_after)
        assert answered.exists()
        for outcome in answered.select_related("application"):
            assert outcome.application.completed_on is not None
            assert outcome.application.completed_on <= outcome.observed_on <= today
    _check_history_dates(today)
    assert ledger_reconcile() == []

    # The official's dashboard: the headline figures are published, not suppressed.
    client = _official()
    summary = client.get("/api/v1/reports/summary/").json()
    headline = [
        summary["applications"][name]
        for name in (
            "submitted",
            "decided",
            "awarded",
            "rejected",
            "completed",
            "approval_rate",
            "completion_rate",
            "attainment_rate",
            "cost_per_credential",
            "days_to_decision_median",
        )
    ] + [
        summary["outcomes"][name]
        for name in ("answered_q2", "employed_q2", "employed_rate_q2", "answered_q4", "median_wage_q2")
    ]
    assert all(not figure["suppressed"] and figure["value"] not in (None, 0) for figure in headline), headline
    pledges = summary["pledges"]
    assert pledges["active"]["value"] > 0
    assert pledges["hires_verified"]["value"] > 0
    assert pledges["roles_converted_verified"]["value"] > 0

    # Equity: large groups show every measure; at least one small group is suppressed.
    equity = client.get("/api/v1/reports/equity/").json()
    race = next(dimension for dimension in equity["dimensions"] if dimension["key"] == "race_ethnicity")
    shown = [
        group
        for group in race["groups"]
        if all(not cell["suppressed"] and cell["value"] for cell in group["counts"].values())
    ]
    hidden = [
        group for group in race["groups"] if any(cell["suppressed"] for cell in group["counts"].values())
    ]
    assert len(shown) >= 2
    assert all(not group["approval_rate"]["suppressed"] for group in shown)
    assert hidden
    assert any(group["counts"]["submitted"]["suppressed"] for group in race["groups"])  # a whole small group

    # Seeding the history again adds nothing.
    assert set(seed_demo_history().values()) == {0}
