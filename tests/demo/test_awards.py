"""The demo awards (issue 5): every state after approval, batches in several states, verified badges in both
proof forms, a tampered badge that is refused, outcomes, the demo workers' awards, a ledger that reconciles,
and a second run that adds nothing. One seeding (40 applications, no letters rendered) serves all checks."""

import re

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from demo import applications as demo
from demo.accounts import seed_demo_accounts
from demo.applications import seed_demo_applications
from demo.awards import (
    AFTER_APPROVAL,
    DEMO_ISSUER_ID,
    certificate_pdf,
    demo_tampered_badge,
    seed_demo_awards,
)
from demo.programs import seed_demo_programs
from grants.awards.services import check_badge, completion_claim
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Clawback,
    CompletionClaim,
    Outcome,
    OutcomeFollowUp,
    Payment,
    PaymentBatch,
    PaymentEvent,
)
from programs.models import BadgeIssuer, LedgerEntry
from programs.selectors import ledger_reconcile

pytestmark = pytest.mark.django_db

S = Application.Status
B = PaymentBatch.Status


def _snapshot() -> tuple[int, ...]:
    return (
        Application.objects.count(),
        ApplicationEvent.objects.count(),
        CompletionClaim.objects.count(),
        ApplicationDocument.objects.count(),
        Payment.objects.count(),
        PaymentEvent.objects.count(),
        PaymentBatch.objects.count(),
        Clawback.objects.count(),
        Outcome.objects.count(),
        OutcomeFollowUp.objects.count(),
        BadgeIssuer.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_seed_demo_awards(settings, tmp_path, monkeypatch) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(demo, "letter_generate", lambda **kwargs: None)  # PDFs are the slow part
    seed_demo_accounts(password="a-long-demo-password-2026")
    seed_demo_programs(manager=User.objects.get(email="manager@demo.skillsfund.test"))
    seed_demo_applications(count=40)
    made = seed_demo_awards()
    assert made["batches"] == 4
    assert min(made["awards"], made["payments"], made["outcomes"]) > 0

    # Every state after approval exists; the money still adds up.
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {S.APPROVED, *AFTER_APPROVAL} <= statuses
    assert ledger_reconcile() == []

    # Batches: reconciled (with a failed payment that was retried into the sent batch), sent, exported, draft.
    assert set(PaymentBatch.objects.values_list("status", flat=True)) == {
        B.RECONCILED,
        B.SENT,
        B.EXPORTED,
        B.DRAFT,
    }
    retried = Payment.objects.get(events__action="failed")
    assert retried.events.filter(action="retried").exists()
    assert retried.status == Payment.Status.SENT
    assert retried.batch.status == B.SENT
    assert retried.events.filter(action="batched").count() == 2
    reconciled = PaymentBatch.objects.get(status=B.RECONCILED)
    assert reconciled.payments.filter(status=Payment.Status.PAID).exists()
    assert Payment.objects.filter(status=Payment.Status.APPROVED, batch=None).exists()
    assert Clawback.objects.filter(application__status=S.CLAWED_BACK).exists()

    # Badges in both proof forms, verified when claimed and still verifying now; certificates are PDFs.
    badge_claims = CompletionClaim.objects.exclude(badge="").select_related("application__credential")
    assert {claim.badge_checks["proof_format"] for claim in badge_claims} == {"jwt", "data_integrity"}
    for claim in badge_claims:
        assert claim.badge_verified is True
        assert claim.badge_checks["issuer_id"] == DEMO_ISSUER_ID
        assert check_badge(claim.application, claim.badge).verified
    assert (
        CompletionClaim.objects.filter(status=CompletionClaim.Status.REJECTED)
        .exclude(decision_note="")
        .exists()
    )
    certificate = CompletionClaim.objects.exclude(certificate=None).first().certificate
    with certificate.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Outcomes: answered follow-ups, follow-ups asked and waiting, outcomes the manager verified.
    assert OutcomeFollowUp.objects.filter(answered_at__isnull=False).exists()
    assert OutcomeFollowUp.objects.filter(sent_at__isnull=False, answered_at__isnull=True).exists()
    assert Outcome.objects.filter(source=Outcome.Source.VERIFIED).exists()
    assert (
        Outcome.objects.filter(
            source=Outcome.Source.SELF_REPORTED, employment_status=Outcome.EmploymentStatus.EMPLOYED
        )
        .exclude(annual_wage=None)
        .exists()
    )

    # The demo workers: worker@ can claim one award and has a question open on a paid one; worker2@ claimed.
    worker = User.objects.get(email="worker@demo.skillsfund.test")
    enrolled = worker.applications.get(status=S.ENROLLED)
    paid = worker.applications.get(status=S.PAID)
    assert paid.follow_ups.filter(sent_at__isnull=False, answered_at__isnull=True).exists()
    worker2 = User.objects.get(email="worker2@demo.skillsfund.test")
    assert worker2.applications.get(status=S.COMPLETION_CLAIMED).claims.get().badge_verified

    # Dates look plausible: training starts after submission, completion within the window, nothing ahead.
    for application in Application.objects.exclude(training_start_date=None):
        assert application.submitted_at.date() <= application.training_start_date
        if application.completed_on:
            assert application.training_start_date <= application.completed_on

    # The tampered badge is refused at the signature check, and the refusal stores nothing.
    tampered = demo_tampered_badge()
    assert check_badge(enrolled, tampered).failing.name == "signature"
    before = _snapshot()
    with pytest.raises(ValidationError, match="signature"):
        completion_claim(
            actor=worker, application=enrolled, completed_on=enrolled.training_start_date, badge=tampered
        )
    assert _snapshot() == before

    # A second run adds nothing.
    assert seed_demo_awards() == {"awards": 0, "payments": 0, "batches": 0, "outcomes": 0}
    assert _snapshot() == before


def test_certificate_pdf_is_well_formed() -> None:
    content = certificate_pdf(["This certifies that José O'Brien (Ω)", "has completed a course"])
    assert content.startswith(b"%PDF-1.4\n")
    assert content.endswith(b"%%EOF\n")
    start = int(re.search(rb"startxref\n(\d+)\n", content).group(1))
    assert content[start : start + 4] == b"xref"
    offsets = [int(line[:10]) for line in content[start:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(b"%d 0 obj" % number)
