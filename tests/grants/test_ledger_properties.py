"""Property: whatever order staff approve, cancel, pay and claw back awards in, the ledger holds.

After every step: the budget's totals equal the sum of its entries; committed plus disbursed never exceeds
the budget; no award is paid more than was committed for it; and a refused step changes nothing.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exceptions import ApplicationError
from grants.applications import services
from grants.awards.services import award_cancel, award_enrol, completion_claim, completion_verify
from grants.models import Application
from grants.payments.services import (
    clawback_record,
    payment_approve,
    payment_batch_create,
    payment_batch_export,
    payment_batch_mark_sent,
    payment_record_paid,
)
from programs.models import LedgerEntry, Program
from programs.selectors import ledger_reconcile
from tests.grants.factories import finance_officer, funded_setup, pdf_upload, worker_with_profile

pytestmark = pytest.mark.django_db
S = Application.Status
AWARDS = 3

steps = st.lists(
    st.tuples(
        st.sampled_from(["approve", "cancel", "pay", "claw_back"]),
        st.integers(min_value=0, max_value=AWARDS - 1),
        st.decimals(min_value=Decimal("0.05"), max_value=Decimal("1"), places=2),
    ),
    min_size=1,
    max_size=8,
)


def _pay(application: Application, share: Decimal, manager, officer, checker) -> None:  # type: ignore[no-untyped-def]
    award_enrol(
        actor=application.applicant, application=application, training_start_date=timezone.localdate()
    )
    invoice = (application.amount_awarded * share).quantize(Decimal("0.01"))
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=timezone.localdate(),
        certificate=pdf_upload(),
        invoice=pdf_upload("invoice.pdf"),
        invoice_amount=invoice,
    )
    completion_verify(actor=manager, claim=claim)
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency, payments=[payment]).batch
    payment_batch_export(actor=checker, batch=batch)
    payment_batch_mark_sent(actor=checker, batch=batch)
    payment.refresh_from_db()
    payment_record_paid(actor=checker, payment=payment, paid_on=timezone.localdate())


def _check_invariants(program: Program, applications: list[Application]) -> None:
    assert ledger_reconcile(Program.objects.filter(pk=program.pk)) == []
    budget = program.budget
    budget.refresh_from_db()
    assert budget.committed >= 0
    assert budget.disbursed >= 0
    assert budget.committed + budget.disbursed <= budget.total
    for application in applications:
        application.refresh_from_db()
        committed = LedgerEntry.objects.filter(
            subject_id=str(application.pk), kind=LedgerEntry.Kind.COMMITMENT
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        disbursed = LedgerEntry.objects.filter(
            subject_id__in=[str(pk) for pk in application.payments.values_list("pk", flat=True)],
            kind=LedgerEntry.Kind.DISBURSEMENT,
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        assert disbursed == application.amount_paid
        assert disbursed <= committed
        assert application.amount_clawed_back <= application.amount_paid
        if application.status in Application.COMMITTED:
            assert committed == application.amount_awarded


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_ledger_invariants_hold_after_every_step(sequence: list[tuple[str, int, Decimal]]) -> None:
    with transaction.atomic():
        # The budget fits two awards of 1,500 but not three, so approvals are refused along the way.
        program, manager, credential = funded_setup(budget=Decimal("3500.00"), cost=Decimal("1500.00"))
        program.claim_evidence = ["certificate", "invoice"]
        program.save(update_fields=["claim_evidence"])
        officer, checker = finance_officer(), finance_officer()
        applications = []
        for _index in range(AWARDS):
            worker = worker_with_profile()
            application = services.application_create(
                actor=worker, program=program, credential=credential, amount_requested="1500.00"
            )
            services.application_submit(actor=worker, application=application)
            applications.append(services.application_begin_review(actor=manager, application=application))
        for action, index, share in sequence:
            application = Application.objects.get(pk=applications[index].pk)
            before = list(LedgerEntry.objects.order_by("pk").values_list("pk", flat=True))
            try:
                with transaction.atomic():
                    if action == "approve":
                        amount = (application.amount_requested * share).quantize(Decimal("0.01"))
                        services.application_approve(actor=manager, application=application, amount=amount)
                    elif action == "cancel":
                        award_cancel(actor=manager, application=application, reason="Property test")
                    elif action == "pay":
                        _pay(application, share, manager, officer, checker)
                    else:
                        amount = (application.amount_paid * share).quantize(Decimal("0.01"))
                        clawback_record(
                            actor=officer,
                            application=application,
                            amount=amount,
                            reason_code="other",
                            explanation="Property test",
                        )
            except (ValidationError, ApplicationError):
                # A refused step leaves the ledger exactly as it was.
                assert list(LedgerEntry.objects.order_by("pk").values_list("pk", flat=True)) == before
            _check_invariants(program, applications)
        transaction.set_rollback(True)
