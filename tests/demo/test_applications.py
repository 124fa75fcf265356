"""The demo applications: every state, the demo workers' applications, letters, small groups, a ledger
that reconciles, and a second run that adds nothing. One seeding (count=40) serves all the checks, to
keep the test fast."""

from collections import Counter

import pytest
from django.utils import timezone

from accounts.models import User
from core.demographics import minimum_categories
from demo import applications as demo
from demo.accounts import seed_demo_accounts
from demo.applications import PEOPLE_DOMAIN, seed_demo_applications
from demo.awards import AFTER_APPROVAL
from demo.programs import seed_demo_programs
from grants.models import Application, DecisionLetter, Demographics, Review
from programs.selectors import ledger_reconcile

pytestmark = pytest.mark.django_db

S = Application.Status


def _snapshot() -> tuple[int, ...]:
    return (
        Application.objects.count(),
        User.objects.count(),
        DecisionLetter.objects.count(),
        Review.objects.count(),
        Demographics.objects.count(),
    )


def test_seed_demo_applications(settings, tmp_path, monkeypatch) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(demo, "OTHER_LETTERS", 3)  # rendering PDFs is the slow part
    seed_demo_accounts(password="a-long-demo-password-2026")
    seed_demo_programs(manager=User.objects.get(email="manager@demo.skillsfund.test"))
    seed_demo_applications(count=40)

    # Every status up to the decision, in both worker programs, for 40 fictional people who cannot sign in
    # (the awards step, tested in test_demo_awards.py, takes approved awards further).
    assert set(Application.objects.values_list("status", flat=True)) == set(S.values) - set(AFTER_APPROVAL)
    assert set(Application.objects.values_list("program__code", flat=True)) == {"SKILLCREDIT-26", "ITA-26"}
    people = User.objects.filter(email__endswith="@" + PEOPLE_DOMAIN)
    assert people.count() == 40
    assert not any(user.has_usable_password() for user in people)

    # Decisions are complete and consistent; the budgets reconcile with the ledger.
    assert ledger_reconcile() == []
    for application in Application.objects.filter(status__in=[S.APPROVED, S.REJECTED]):
        assert application.decided_by is not None
        assert application.created_at <= application.submitted_at <= application.decided_at <= timezone.now()
    assert not Review.objects.filter(submitted_at__gt=timezone.now()).exists()
    assert not Application.objects.filter(status=S.REJECTED, rejection_reason="").exists()
    assert not Application.objects.filter(status=S.APPROVED, amount_awarded=None).exists()
    assert Review.objects.filter(assignment__application__program__code="ITA-26").exclude(scores={}).exists()

    # The demo workers' applications, in distinct states, with letters and the question visible.
    worker = User.objects.get(email="worker@demo.skillsfund.test")
    assert sorted(worker.applications.values_list("status", flat=True)) == sorted(
        [S.APPROVED, S.IN_REVIEW, S.MORE_INFO_REQUESTED, S.DRAFT]
    )
    asking = worker.applications.get(status=S.MORE_INFO_REQUESTED)
    assert (
        asking.events.filter(action="more_info_requested", visibility="applicant").exclude(reason="").exists()
    )
    worker2 = User.objects.get(email="worker2@demo.skillsfund.test")
    assert sorted(worker2.applications.values_list("status", flat=True)) == sorted([S.REJECTED, S.SUBMITTED])
    for application in (
        worker.applications.get(status=S.APPROVED),
        worker2.applications.get(status=S.REJECTED),
    ):
        letter = application.letters.get()
        with letter.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    assert DecisionLetter.objects.count() == 2 + 3

    # Some race and ethnicity groups are small (1 to 9 people), so suppression can be shown.
    counts: Counter[str] = Counter()
    for codes in Demographics.objects.filter(user__in=people).values_list("race_ethnicity", flat=True):
        counts.update(minimum_categories(codes))
    assert any(1 <= counts[category] <= 9 for category in counts)

    # A second run adds nothing.
    before = _snapshot()
    seed_demo_applications(count=40)
    assert _snapshot() == before
