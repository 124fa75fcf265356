"""The demo history on its own (a small run): valid rows written in bulk, a ledger that reconciles with the
budgets, backdated events, people who cannot sign in, and a second run that adds nothing."""

import hashlib
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from demo.accounts import seed_demo_accounts
from demo.history import HISTORY_DOMAIN, seed_demo_history
from demo.programs import seed_demo_programs
from grants.models import (
    Application,
    ApplicationEvent,
    CompletionClaim,
    Demographics,
    Outcome,
    Payment,
    PaymentBatch,
)
from grants.payments.services import batch_csv
from programs.models import LedgerEntry, ProgramBudget
from programs.selectors import ledger_reconcile

pytestmark = pytest.mark.django_db

S = Application.Status


def test_seed_demo_history() -> None:
    seed_demo_accounts(password="a-long-demo-password-2026")
    seed_demo_programs(manager=User.objects.get(email="manager@demo.skillsfund.test"))
    before = timezone.now()
    made = seed_demo_history(count=300)

    applications = Application.objects.filter(applicant__email__endswith="@" + HISTORY_DOMAIN)
    assert made["applications"] == applications.count() > 250
    assert {S.PAID, S.REJECTED, S.EXPIRED} <= set(applications.values_list("status", flat=True))
    people = User.objects.filter(email__endswith="@" + HISTORY_DOMAIN)
    assert not any(user.has_usable_password() for user in people)
    assert Demographics.objects.filter(user__in=people).count() == people.count()
    assert all(application.funding_round.closes_at <= before for application in applications)

    # The events carry the backdated times, not the time of seeding.
    events = ApplicationEvent.objects.filter(application__in=applications)
    assert made["events"] == events.count()
    assert not events.filter(created_at__gte=before).exists()
    assert events.filter(action="submitted").count() == applications.count()

    # Money: every award committed, every payment disbursed, and the budgets moved by the same sums.
    assert ledger_reconcile() == []
    awarded = applications.filter(amount_awarded__isnull=False)
    commitments = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.COMMITMENT)
    assert commitments.count() == awarded.count()
    assert (
        commitments.aggregate(total=Sum("amount"))["total"]
        == awarded.aggregate(total=Sum("amount_awarded"))["total"]
    )
    paid = Payment.objects.filter(status=Payment.Status.PAID)
    assert paid.count() == LedgerEntry.objects.filter(kind=LedgerEntry.Kind.DISBURSEMENT).count() > 0
    disbursed = ProgramBudget.objects.aggregate(total=Sum("disbursed"), recovered=Sum("clawed_back"))
    assert disbursed["total"] == paid.aggregate(total=Sum("amount"))["total"] - disbursed["recovered"]
    assert all(
        claim.completed_on == claim.application.completed_on
        for claim in CompletionClaim.objects.filter(status=CompletionClaim.Status.VERIFIED).select_related(
            "application"
        )
    )
    assert not Outcome.objects.filter(annual_wage__lte=Decimal("0")).exists()

    # Each batch keeps the file it was exported as.
    batches = list(PaymentBatch.objects.all())
    assert batches
    for batch in batches:
        assert batch.export_content == batch_csv(batch)
        assert hashlib.sha256(batch.export_content.encode()).hexdigest() == batch.export_sha256

    # A second run adds nothing.
    assert set(seed_demo_history(count=300).values()) == {0}
    assert applications.count() == made["applications"]
