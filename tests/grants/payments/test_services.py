"""Payments: maker-checker approval, batches, export, reconciliation, retries, idempotency, clawbacks."""

import hashlib
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.exceptions import Conflict, NotAllowed
from grants.models import Application, Clawback, Payment, PaymentBatch
from grants.payments.services import (
    batch_csv,
    clawback_record,
    payee_for,
    payment_approve,
    payment_batch_create,
    payment_batch_discard,
    payment_batch_export,
    payment_batch_file,
    payment_batch_mark_sent,
    payment_batch_reconcile,
    payment_record_paid,
    payment_retry,
)
from programs.models import LedgerEntry, Program
from programs.selectors import ledger_reconcile
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    claimed_application,
    finance_officer,
    paid_application,
    pdf_upload,
    verified_application,
)

pytestmark = pytest.mark.django_db
S = Application.Status
P = Payment.Status
TODAY = timezone.localdate()


def _sent_payment(**kwargs: object):  # type: ignore[no-untyped-def]
    application, _claim, _manager = verified_application(**kwargs)
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency, payments=[payment]).batch
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    payment.refresh_from_db()
    return application, payment, batch, officer


def _disbursements(payment: Payment) -> int:
    return LedgerEntry.objects.filter(idempotency_key=f"payment:{payment.pk}:disburse").count()


# ---------------------------------------------------------------- approval


def test_finance_officer_approves_a_verified_claim() -> None:
    application, claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    application.refresh_from_db()
    assert application.status == S.PAYMENT_SCHEDULED
    assert payment.status == P.APPROVED
    assert payment.amount == application.amount_awarded
    assert payment.claim == claim
    assert payment.events.get().action == "approved"


def test_approving_twice_returns_the_same_payment() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    first, first_created = payment_approve(actor=officer, application=application)
    second, second_created = payment_approve(actor=officer, application=application)
    assert first.pk == second.pk
    assert (first_created, second_created) == (True, False)
    assert Payment.objects.filter(application=application).count() == 1


def test_maker_checker_the_verifier_cannot_approve_the_payment() -> None:
    application, claim, _manager = claimed_application()
    verifier = finance_officer()
    from grants.awards.services import completion_verify

    completion_verify(actor=verifier, claim=claim)
    application.refresh_from_db()
    with pytest.raises(NotAllowed):
        payment_approve(actor=verifier, application=application)
    assert not Payment.objects.exists()
    assert payment_approve(actor=finance_officer(), application=application)[0].status == P.APPROVED


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.WORKER, Role.OFFICIAL, Role.REVIEWER])
def test_only_finance_officers_approve_payments(role: str) -> None:
    application, _claim, _manager = verified_application()
    with pytest.raises(NotAllowed):
        payment_approve(actor=user_with_role(role), application=application)
    application.refresh_from_db()
    assert application.status == S.COMPLETION_VERIFIED


def test_payment_needs_verified_completion() -> None:
    application, _claim, _manager = claimed_application()
    with pytest.raises(Conflict):
        payment_approve(actor=finance_officer(), application=application)


def test_payment_is_the_invoice_when_smaller_and_the_rest_is_released() -> None:
    from grants.awards.services import completion_claim, completion_verify
    from tests.grants.factories import enrolled_application

    application, manager = enrolled_application()
    program = application.program
    program.claim_evidence = ["certificate", "invoice"]
    program.save(update_fields=["claim_evidence"])
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=TODAY,
        certificate=pdf_upload(),
        invoice=pdf_upload("invoice.pdf"),
        invoice_amount="1000.00",
    )
    completion_verify(actor=manager, claim=claim)
    application.refresh_from_db()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    assert payment.amount == Decimal("1000.00") < application.amount_awarded
    batch = payment_batch_create(actor=officer, currency=payment.currency).batch
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    payment.refresh_from_db()
    payment_record_paid(actor=officer, payment=payment, paid_on=TODAY)
    application.refresh_from_db()
    assert application.amount_paid == Decimal("1000.00")
    rest = LedgerEntry.objects.get(idempotency_key=f"application:{application.pk}:release-rest")
    assert rest.amount == application.amount_awarded - Decimal("1000.00")
    budget = application.program.budget
    budget.refresh_from_db()
    assert budget.committed == 0
    assert budget.disbursed == Decimal("1000.00")


def test_payee_follows_the_payment_model() -> None:
    application, _claim, _manager = verified_application()
    program = application.program
    program.payment_model = Program.PaymentModel.VOUCHER
    program.save(update_fields=["payment_model"])
    application = Application.objects.select_related("program", "credential__provider").get(pk=application.pk)
    kind, name, _reference = payee_for(application)
    assert (kind, name) == ("provider", application.credential.provider.name)
    program.payment_model = Program.PaymentModel.REIMBURSEMENT
    program.save(update_fields=["payment_model"])
    application = Application.objects.select_related("program", "credential__provider").get(pk=application.pk)
    assert payee_for(application)[0] == "worker"


# ---------------------------------------------------------------- batches


def test_batch_export_send_and_reconcile_paid() -> None:
    application, payment, batch, officer = _sent_payment()
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.SENT
    assert payment.status == P.SENT
    content = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    result = payment_batch_reconcile(actor=officer, batch=batch, content=content)
    assert [item.ok for item in result.items] == [True]
    payment.refresh_from_db()
    application.refresh_from_db()
    assert payment.status == P.PAID
    assert payment.paid_on == TODAY
    assert application.status == S.PAID
    assert application.amount_paid == application.amount_awarded
    assert result.batch.status == PaymentBatch.Status.RECONCILED
    assert _disbursements(payment) == 1
    assert ledger_reconcile(Program.objects.filter(pk=application.program_id)) == []


def test_the_same_results_file_twice_pays_once() -> None:
    _application, payment, batch, officer = _sent_payment()
    content = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    payment_batch_reconcile(actor=officer, batch=batch, content=content)
    again = payment_batch_reconcile(actor=officer, batch=batch, content=content)
    assert again.items[0].ok
    assert "Already" in again.items[0].message
    assert _disbursements(payment) == 1
    payment_record_paid(actor=officer, payment=payment, paid_on=TODAY)
    assert _disbursements(payment) == 1


def test_csv_export_has_one_row_per_payment_and_is_stable() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency).batch
    first, first_exported = payment_batch_export(actor=officer, batch=batch)
    second, second_exported = payment_batch_export(actor=officer, batch=batch)
    assert first == second
    assert (first_exported, second_exported) == (True, False)
    lines = first.strip().split("\n")
    assert lines[0].startswith("payment_reference,application_reference")
    assert lines[1].startswith(f"{payment.reference},{application.reference},")
    assert f"{payment.amount:.2f}" in lines[1]
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.EXPORTED
    assert len(batch.export_sha256) == 64


def test_csv_export_neutralises_spreadsheet_formulas() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    Payment.objects.filter(pk=payment.pk).update(payee_name='=HYPERLINK("http://evil")')
    batch = payment_batch_create(actor=officer, currency=payment.currency).batch
    assert "'=HYPERLINK" in batch_csv(batch)


def test_a_started_batch_cannot_be_discarded_but_a_draft_can() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    draft = payment_batch_create(actor=officer, currency=payment.currency).batch
    payment_batch_discard(actor=officer, batch=draft, reason="Wrong selection")
    payment.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == PaymentBatch.Status.DISCARDED
    assert payment.status == P.APPROVED
    assert payment.batch is None
    assert PaymentBatch.objects.filter(pk=draft.pk).exists()  # kept, not deleted
    batch = payment_batch_create(actor=officer, currency=payment.currency).batch
    payment_batch_export(actor=officer, batch=batch)
    with pytest.raises(Conflict):
        payment_batch_discard(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.EXPORTED


def test_a_payment_goes_into_one_batch_only() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    payment_batch_create(actor=officer, currency=payment.currency, payments=[payment])
    with pytest.raises(ValidationError):
        payment_batch_create(actor=officer, currency=payment.currency, payments=[payment])
    assert PaymentBatch.objects.count() == 1


def test_batch_needs_payments_and_a_known_currency() -> None:
    officer = finance_officer()
    with pytest.raises(ValidationError):
        payment_batch_create(actor=officer, currency="USD")
    with pytest.raises(ValidationError):
        payment_batch_create(actor=officer, currency="XXX")
    assert not PaymentBatch.objects.exists()


def test_sending_twice_changes_nothing_and_sending_needs_export() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency).batch
    with pytest.raises(Conflict):
        payment_batch_mark_sent(actor=officer, batch=batch)
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    sent_events = payment.events.filter(action="sent").count()
    payment_batch_mark_sent(actor=officer, batch=batch)
    assert payment.events.filter(action="sent").count() == sent_events == 1


# ---------------------------------------------------------------- failures and retries


def test_failed_payment_is_retried_in_a_new_batch_and_paid_once() -> None:
    application, payment, batch, officer = _sent_payment()
    failed = f"payment_reference,result,reason\n{payment.reference},failed,Account closed\n".encode()
    result = payment_batch_reconcile(actor=officer, batch=batch, content=failed)
    payment.refresh_from_db()
    assert result.items[0].ok
    assert payment.status == P.FAILED
    assert payment.failure_reason == "Account closed"
    assert result.batch.status == PaymentBatch.Status.RECONCILED
    application.refresh_from_db()
    assert application.status == S.PAYMENT_SCHEDULED
    payment_retry(actor=officer, payment=payment, reason="New account details")
    payment_retry(actor=officer, payment=payment)  # a second retry changes nothing
    payment.refresh_from_db()
    assert payment.status == P.APPROVED
    assert payment.attempts == 2
    assert payment.batch is None
    second = payment_batch_create(actor=officer, currency=payment.currency).batch
    payment_batch_export(actor=officer, batch=second)
    payment_batch_mark_sent(actor=officer, batch=second)
    paid = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    payment_batch_reconcile(actor=officer, batch=second, content=paid)
    payment.refresh_from_db()
    assert payment.status == P.PAID
    assert _disbursements(payment) == 1


def test_an_exported_batch_downloads_as_exported_after_a_payment_has_left_it() -> None:
    """A failed payment retried leaves its batch for a new one; the old batch's file, downloaded again,
    is still the file the finance system received, and matches its recorded SHA-256."""
    application, payment, batch, officer = _sent_payment()
    batch.refresh_from_db()
    exported = payment_batch_file(actor=officer, batch=batch)
    assert payment.reference in exported
    assert hashlib.sha256(exported.encode()).hexdigest() == batch.export_sha256
    failed = f"payment_reference,result,reason\n{payment.reference},failed,Account closed\n".encode()
    payment_batch_reconcile(actor=officer, batch=batch, content=failed)
    payment_retry(actor=officer, payment=payment, reason="New account details")
    assert Payment.objects.get(pk=payment.pk).batch is None
    assert payment.reference not in batch_csv(batch)  # rebuilt from today's rows, the file would differ
    again = payment_batch_file(actor=officer, batch=batch)
    assert again == exported
    assert hashlib.sha256(again.encode()).hexdigest() == batch.export_sha256
    assert payment_batch_export(actor=officer, batch=batch) == (exported, False)  # a repeated export, too


def test_reconciliation_reports_each_bad_row_and_applies_the_good_ones() -> None:
    _application, payment, batch, officer = _sent_payment()
    content = (
        "payment_reference,result,paid_on,reason\n"
        "PAY-00-NOSUCH,paid,2026-01-01,\n"
        f"{payment.reference},maybe,,\n"
        f"{payment.reference},paid,not-a-date,\n"
        f"{payment.reference},paid,{TODAY},\n"
    ).encode()
    result = payment_batch_reconcile(actor=officer, batch=batch, content=content)
    assert [item.ok for item in result.items] == [False, False, False, True]
    assert "no such payment" in result.items[0].message
    payment.refresh_from_db()
    assert payment.status == P.PAID


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"reference,outcome\nx,y\n",
        b"\xff\xfe\xfa",
        b"payment_reference,result\n",
    ],
)
def test_malformed_results_files_are_refused_and_change_nothing(content: bytes) -> None:
    _application, payment, batch, officer = _sent_payment()
    with pytest.raises(ValidationError):
        payment_batch_reconcile(actor=officer, batch=batch, content=content)
    payment.refresh_from_db()
    assert payment.status == P.SENT


def test_reconciling_an_unsent_batch_is_refused() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency).batch
    with pytest.raises(Conflict):
        payment_batch_reconcile(
            actor=officer,
            batch=batch,
            content=f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode(),
        )


def test_paid_date_cannot_be_in_the_future() -> None:
    _application, payment, _batch, officer = _sent_payment()
    with pytest.raises(ValidationError):
        payment_record_paid(actor=officer, payment=payment, paid_on=TODAY + timedelta(days=2))
    assert _disbursements(payment) == 0


# ---------------------------------------------------------------- clawback


def test_clawback_writes_a_ledger_entry_and_the_worker_sees_it() -> None:
    application, payment, officer = paid_application()
    budget = application.program.budget
    budget.refresh_from_db()
    disbursed = budget.disbursed
    clawback = clawback_record(
        actor=officer,
        application=application,
        amount="500.00",
        reason_code=Clawback.Reason.NON_COMPLETION,
        explanation="The provider withdrew the certificate.",
    )
    application.refresh_from_db()
    budget.refresh_from_db()
    assert application.status == S.CLAWED_BACK
    assert application.amount_clawed_back == Decimal("500.00")
    assert budget.disbursed == disbursed - Decimal("500.00")
    entry = LedgerEntry.objects.get(idempotency_key=f"clawback:{clawback.pk}")
    assert entry.kind == "clawback"
    assert entry.amount == Decimal("500.00")
    event = application.events.get(action="clawed_back")
    assert event.visibility == "applicant"
    assert "withdrew" in event.reason
    assert application.applicant.notices.filter(subject__icontains="recovered").exists()
    # A second, partial recovery up to what is left.
    rest = application.amount_paid - Decimal("500.00")
    with pytest.raises(ValidationError):
        clawback_record(
            actor=officer,
            application=application,
            amount=rest + 1,
            reason_code="other",
            explanation="Too much",
        )
    clawback_record(
        actor=officer, application=application, amount=rest, reason_code="other", explanation="The rest"
    )
    application.refresh_from_db()
    assert application.amount_clawed_back == application.amount_paid
    assert ledger_reconcile(Program.objects.filter(pk=application.program_id)) == []


def test_clawback_rules() -> None:
    application, _payment, officer = paid_application()
    with pytest.raises(NotAllowed):
        clawback_record(
            actor=user_with_role(Role.PROGRAM_MANAGER),
            application=application,
            amount="1",
            reason_code="other",
            explanation="x",
        )
    with pytest.raises(ValidationError):
        clawback_record(
            actor=officer, application=application, amount="1", reason_code="whim", explanation="x"
        )
    with pytest.raises(ValidationError):
        clawback_record(
            actor=officer, application=application, amount="1", reason_code="other", explanation=" "
        )
    with pytest.raises(ValidationError):
        clawback_record(
            actor=officer, application=application, amount="-5", reason_code="other", explanation="x"
        )
    assert not Clawback.objects.exists()
    verified, _claim, _manager = verified_application()
    with pytest.raises(Conflict):
        clawback_record(actor=officer, application=verified, amount="1", reason_code="other", explanation="x")


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_race_the_same_payment_recorded_concurrently_is_paid_once() -> None:
    _application, payment, _batch, officer = _sent_payment()
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def record() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            try:
                payment_record_paid(actor=User.objects.get(pk=officer.pk), payment=payment, paid_on=TODAY)
                result = "ok"
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                result = f"error: {error!r}"
            with lock:
                outcomes.append(result)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=record) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["ok"] * 6
    assert _disbursements(payment) == 1
    payment.refresh_from_db()
    assert payment.status == P.PAID
    assert payment.events.filter(action="paid").count() == 1
    assert ledger_reconcile(Program.objects.filter(pk=payment.application.program_id)) == []


def test_every_move_of_a_batch_is_an_event_with_who_and_when() -> None:
    application, payment, batch, officer = _sent_payment()
    content = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    payment_batch_reconcile(actor=officer, batch=batch, content=content)
    batch.refresh_from_db()
    assert batch.exported_by == officer
    assert batch.exported_at is not None
    moves = [(e.action, e.from_status, e.to_status, e.actor) for e in batch.events.order_by("id")]
    assert moves == [
        ("created", "", "draft", officer),
        ("exported", "draft", "exported", officer),
        ("sent", "exported", "sent", officer),
        ("reconciled", "sent", "reconciled", officer),
    ]
    exported = batch.events.get(action="exported")
    assert exported.payload == {"sha256": batch.export_sha256}


def test_a_discarded_batch_keeps_its_reason_as_an_event() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    draft = payment_batch_create(actor=officer, currency=payment.currency).batch
    payment_batch_discard(actor=officer, batch=draft, reason="Wrong selection")
    last = draft.events.order_by("id").last()
    assert last is not None
    assert (last.action, last.from_status, last.to_status, last.reason) == (
        "discarded",
        "draft",
        "discarded",
        "Wrong selection",
    )


def test_exporting_again_or_sending_again_writes_no_second_event() -> None:
    _application, _payment, batch, officer = _sent_payment()
    before = batch.events.count()
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    assert batch.events.count() == before
