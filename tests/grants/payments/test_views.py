"""The finance officer's pages: the work list, payment approval (maker-checker), payments, batches, the CSV
export, reconciliation uploads, retries and clawbacks, and who may do what."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from grants.models import Application, Clawback, Payment, PaymentBatch, PaymentEvent
from grants.payments.services import (
    payment_approve,
    payment_batch_create,
    payment_batch_export,
    payment_batch_mark_sent,
    payment_record_failed,
)
from tests.accounts.factories import user_with_role
from tests.grants.factories import finance_officer, paid_application, verified_application

pytestmark = pytest.mark.django_db
S = Application.Status
P = Payment.Status
B = PaymentBatch.Status
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _approved_payment(officer=None):  # type: ignore[no-untyped-def]
    application, _claim, _manager = verified_application()
    officer = officer or finance_officer()
    return payment_approve(actor=officer, application=application)[0], officer


def _batch(officer, *payments: Payment) -> PaymentBatch:  # type: ignore[no-untyped-def]
    return payment_batch_create(actor=officer, currency=payments[0].currency, payments=list(payments)).batch


def _sent_batch(count: int = 1):  # type: ignore[no-untyped-def]
    officer = finance_officer()
    payments = [_approved_payment(officer)[0] for _ in range(count)]
    batch = _batch(officer, *payments)
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    for payment in payments:
        payment.refresh_from_db()
    return batch, payments, officer


def _csv_file(text: str, name: str = "results.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _state(*objects) -> list[tuple]:  # type: ignore[no-untyped-def]
    """What a refused request must leave unchanged."""
    rows = []
    for obj in objects:
        obj.refresh_from_db()
        rows.append((obj.pk, getattr(obj, "status", None)))
    return [*rows, (PaymentEvent.objects.count(), Payment.objects.count(), PaymentBatch.objects.count())]


# ---------------------------------------------------------------- who may open the pages


def _urls(application: Application, payment: Payment, batch: PaymentBatch) -> list[tuple[str, str]]:
    return [
        ("get", reverse("grants:finance_home")),
        ("get", reverse("grants:payment_list")),
        ("get", reverse("grants:payment_detail", args=[payment.pk])),
        ("get", reverse("grants:payment_approve", args=[application.pk])),
        ("post", reverse("grants:payment_approve", args=[application.pk])),
        ("post", reverse("grants:payment_retry", args=[payment.pk])),
        ("get", reverse("grants:batch_list")),
        ("get", reverse("grants:batch_create")),
        ("post", reverse("grants:batch_create")),
        ("get", reverse("grants:batch_detail", args=[batch.pk])),
        ("get", reverse("grants:batch_export", args=[batch.pk])),
        ("post", reverse("grants:batch_export", args=[batch.pk])),
        ("post", reverse("grants:batch_send", args=[batch.pk])),
        ("get", reverse("grants:batch_discard", args=[batch.pk])),
        ("post", reverse("grants:batch_discard", args=[batch.pk])),
        ("get", reverse("grants:batch_reconcile", args=[batch.pk])),
        ("post", reverse("grants:batch_reconcile", args=[batch.pk])),
        ("get", reverse("grants:clawback_create", args=[application.pk])),
        ("post", reverse("grants:clawback_create", args=[application.pk])),
    ]


def _fixture_objects():  # type: ignore[no-untyped-def]
    verified, _claim, manager = verified_application()
    payment, officer = _approved_payment()
    batch = _batch(officer, payment)
    return verified, payment, batch, manager


def test_anonymous_callers_are_sent_to_sign_in_and_nothing_changes(client) -> None:
    application, payment, batch, _manager = _fixture_objects()
    before = _state(application, payment, batch)
    for method, url in _urls(application, payment, batch):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"], url
    assert _state(application, payment, batch) == before


@pytest.mark.parametrize("role", [Role.WORKER, Role.REVIEWER, Role.PROGRAM_MANAGER, Role.OFFICIAL])
def test_other_roles_are_refused_and_nothing_changes(client, role) -> None:  # type: ignore[no-untyped-def]
    application, payment, batch, manager = _fixture_objects()
    # The program's own manager too: verifying a claim is theirs, paying it is not.
    user = manager if role == Role.PROGRAM_MANAGER else user_with_role(role)
    client.force_login(user)
    before = _state(application, payment, batch)
    for method, url in _urls(application, payment, batch):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (url, response.status_code)
    assert _state(application, payment, batch) == before


def test_a_finance_officer_opens_every_page(client) -> None:
    application, payment, batch, _manager = _fixture_objects()
    client.force_login(finance_officer())
    draft_download = reverse("grants:batch_export", args=[batch.pk])  # a draft: back to its page
    for method, url in _urls(application, payment, batch):
        if method == "get":
            assert client.get(url).status_code == (302 if url == draft_download else 200), url


def test_objects_that_do_not_exist_or_are_not_awards_are_404(client) -> None:
    from tests.grants.factories import submitted_application

    submitted = submitted_application()
    client.force_login(finance_officer())
    assert client.get(reverse("grants:payment_approve", args=[submitted.pk])).status_code == 404
    assert client.post(reverse("grants:payment_approve", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("grants:clawback_create", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("grants:payment_detail", args=[999999])).status_code == 404
    assert client.get(reverse("grants:batch_detail", args=[999999])).status_code == 404
    assert not Payment.objects.exists()


def test_navigation_shows_finance_to_finance_officers_only(client) -> None:
    client.force_login(finance_officer())
    assert reverse("grants:finance_home") in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(user_with_role(Role.WORKER))
    assert reverse("grants:finance_home") not in client.get(reverse("accounts:profile")).content.decode()


# ---------------------------------------------------------------- the work list and approval


def test_work_list_shows_verified_claims_and_marks_those_the_caller_verified(client) -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    client.force_login(officer)
    body = client.get(reverse("grants:finance_home")).content.decode()
    assert application.reference in body
    assert reverse("grants:payment_approve", args=[application.pk]) in body
    assert "another finance officer must approve" not in body


def test_approve_page_shows_amount_payee_and_evidence_and_approving_schedules_payment(client) -> None:
    application, claim, _manager = verified_application()
    officer = finance_officer()
    client.force_login(officer)
    url = reverse("grants:payment_approve", args=[application.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "$1,500.00" in body
    assert application.applicant.full_name in body or application.applicant.email in body
    assert claim.certificate.original_name in body
    assert "Approve the payment" in body

    response = client.post(url)
    payment = Payment.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:payment_detail", args=[payment.pk])
    application.refresh_from_db()
    assert application.status == S.PAYMENT_SCHEDULED
    assert payment.approved_by == officer
    detail = client.get(response["Location"]).content.decode()
    assert payment.reference in detail
    assert "Payment approved" in detail


def test_maker_checker_refusal_is_shown_as_a_message_and_changes_nothing(client) -> None:
    from grants.awards.services import completion_verify
    from tests.grants.factories import claimed_application

    application, claim, _manager = claimed_application()
    officer = finance_officer()
    completion_verify(actor=officer, claim=claim)  # finance officers may verify completion too
    application.refresh_from_db()
    client.force_login(officer)

    listing = client.get(reverse("grants:finance_home")).content.decode()
    assert "another finance officer must approve" in listing
    page = client.get(reverse("grants:payment_approve", args=[application.pk])).content.decode()
    assert "You verified this claim" in page
    assert "Approve the payment" not in page

    response = client.post(reverse("grants:payment_approve", args=[application.pk]), follow=True)
    assert response.status_code == 200
    assert "another finance officer must approve its payment" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.COMPLETION_VERIFIED
    assert not Payment.objects.filter(application=application).exists()


def test_approving_an_award_that_is_not_verified_is_refused_with_a_message(client) -> None:
    application, _payment, _officer = paid_application()
    client.force_login(finance_officer())
    page = client.get(reverse("grants:payment_approve", args=[application.pk]))
    assert page.status_code == 200
    assert "was already approved" in page.content.decode()


def _home_queries(client, **params: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("grants:finance_home"), params)
    assert response.status_code == 200
    return len(captured)


def _list_queries(client, name: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(captured)


QUEUES = ("to_approve", "to_batch", "to_reconcile", "failed")


def test_list_pages_query_counts_do_not_grow_with_rows(client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    def one_of_each() -> None:
        verified_application()
        officer = finance_officer()
        _approved_payment(officer)
        batch, payments, officer = _sent_batch(1)
        _approved_payment(officer)
        failed_batch, failed, _o = _sent_batch(1)
        payment_record_failed(actor=officer, payment=failed[0], reason="Account closed")

    one_of_each()
    client.force_login(finance_officer())
    small = {queue: _home_queries(client, status=queue) for queue in QUEUES}
    small_lists = {
        name: _list_queries(client, name)
        for name in ("grants:payment_list", "grants:batch_list", "grants:batch_create")
    }
    one_of_each()
    one_of_each()
    for queue in QUEUES:
        with django_assert_num_queries(small[queue]):
            client.get(reverse("grants:finance_home"), {"status": queue})
    for name, count in small_lists.items():
        with django_assert_num_queries(count):
            client.get(reverse(name))
    batch = PaymentBatch.objects.filter(status=B.SENT).first()
    assert batch is not None
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("grants:batch_detail", args=[batch.pk]))
    assert len(captured) < 20


def test_work_list_filters_and_bad_filter_is_400(client) -> None:
    application, _claim, _manager = verified_application()
    client.force_login(finance_officer())
    other = client.get(reverse("grants:finance_home"), {"currency": "EUR"})
    assert other.status_code == 400  # no program pays in EUR: not a choice
    assert application.reference not in other.content.decode()
    good = client.get(reverse("grants:finance_home"), {"program": application.program_id, "currency": "USD"})
    assert good.status_code == 200
    assert application.reference in good.content.decode()


# ---------------------------------------------------------------- batches


def test_batch_create_shows_added_and_refused_items(client) -> None:
    officer = finance_officer()
    first, _o = _approved_payment(officer)
    second, _o = _approved_payment(officer)
    _batch(officer, second)  # already in another batch: refused with its reason
    client.force_login(officer)
    page = client.get(reverse("grants:batch_create")).content.decode()
    assert first.reference in page
    assert second.reference not in page
    response = client.post(
        reverse("grants:batch_create"),
        {"batch-currency": "USD", "batch-payments": [first.pk, second.pk]},
        follow=True,
    )
    body = response.content.decode()
    first.refresh_from_db()
    assert first.status == P.BATCHED
    assert "Payments put in this batch" in body
    assert "Added." in body
    assert second.reference in body
    assert "Not waiting for a batch" in body


def test_batch_create_with_only_refused_items_shows_the_reasons_on_the_form(client) -> None:
    officer = finance_officer()
    payment, _o = _approved_payment(officer)
    _batch(officer, payment)
    client.force_login(officer)
    before = PaymentBatch.objects.count()
    response = client.post(
        reverse("grants:batch_create"), {"batch-currency": "USD", "batch-payments": [payment.pk]}
    )
    assert response.status_code == 200
    assert "Not waiting for a batch" in response.content.decode()
    assert PaymentBatch.objects.count() == before
    empty = client.post(reverse("grants:batch_create"), {"batch-currency": "USD"})
    assert "Choose at least one payment" in empty.content.decode()


def test_export_downloads_the_csv_named_by_the_batch_and_closes_the_batch(client) -> None:
    officer = finance_officer()
    payment, _o = _approved_payment(officer)
    batch = _batch(officer, payment)
    client.force_login(officer)
    response = client.post(reverse("grants:batch_export", args=[batch.pk]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{batch.reference}.csv"'
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:2] == ["payment_reference", "application_reference"]
    assert rows[1][0] == payment.reference
    assert rows[1][1] == payment.application.reference
    assert rows[1][5] == "1500.00"
    assert rows[1][6] == "USD"
    batch.refresh_from_db()
    assert batch.status == B.EXPORTED
    again = client.get(reverse("grants:batch_export", args=[batch.pk]))  # downloads it again
    assert b"".join(again.streaming_content).decode() == content
    page = client.get(reverse("grants:batch_detail", args=[batch.pk])).content.decode()
    assert f'href="{reverse("grants:batch_export", args=[batch.pk])}" download' in page
    assert "Export the CSV file" not in page


def test_a_get_never_exports_a_draft_batch(client) -> None:
    officer = finance_officer()
    payment, _o = _approved_payment(officer)
    batch = _batch(officer, payment)
    client.force_login(officer)
    page = client.get(reverse("grants:batch_detail", args=[batch.pk])).content.decode()
    assert f'<form method="post" action="{reverse("grants:batch_export", args=[batch.pk])}"' in page
    response = client.get(reverse("grants:batch_export", args=[batch.pk]), follow=True)
    assert response.redirect_chain == [(reverse("grants:batch_detail", args=[batch.pk]), 302)]
    assert (
        "This batch has not been exported yet. Export it first; exporting closes it to changes."
        in response.content.decode()
    )
    batch.refresh_from_db()
    assert (batch.status, batch.exported_at, batch.export_sha256) == (B.DRAFT, None, "")


def test_discarding_a_draft_returns_its_payments_and_a_started_batch_is_refused(client) -> None:
    officer = finance_officer()
    payment, _o = _approved_payment(officer)
    draft = _batch(officer, payment)
    client.force_login(officer)
    assert (
        "Discard the batch" in client.get(reverse("grants:batch_discard", args=[draft.pk])).content.decode()
    )
    response = client.post(reverse("grants:batch_discard", args=[draft.pk]), {"discard-reason": "Wrong day"})
    assert response.status_code == 302
    draft.refresh_from_db()
    payment.refresh_from_db()
    assert draft.status == B.DISCARDED
    assert payment.status == P.APPROVED
    assert payment.batch is None

    started = _batch(officer, payment)
    payment_batch_export(actor=officer, batch=started)
    before = _state(started, payment)
    page = client.get(reverse("grants:batch_discard", args=[started.pk])).content.decode()
    assert "cannot be discarded" in page
    response = client.post(reverse("grants:batch_discard", args=[started.pk]), {}, follow=True)
    assert "This batch has been exported, so it cannot be discarded." in response.content.decode()
    assert _state(started, payment) == before


def test_mark_sent_through_the_page(client) -> None:
    officer = finance_officer()
    payment, _o = _approved_payment(officer)
    batch = _batch(officer, payment)
    client.force_login(officer)
    refused = client.post(reverse("grants:batch_send", args=[batch.pk]), follow=True)
    assert "Export the batch before marking it sent." in refused.content.decode()
    payment_batch_export(actor=officer, batch=batch)
    client.post(reverse("grants:batch_send", args=[batch.pk]))
    batch.refresh_from_db()
    payment.refresh_from_db()
    assert batch.status == B.SENT
    assert payment.status == P.SENT


# ---------------------------------------------------------------- reconciliation


def test_reconcile_page_explains_the_format(client) -> None:
    batch, _payments, officer = _sent_batch()
    client.force_login(officer)
    body = client.get(reverse("grants:batch_reconcile", args=[batch.pk])).content.decode()
    assert "payment_reference,result,paid_on,reason,amount" in body
    assert 'enctype="multipart/form-data"' in body


def test_reconciliation_of_a_good_file_pays_and_fails_and_reconciles_the_batch(client) -> None:
    batch, (paid, failed), officer = _sent_batch(2)
    client.force_login(officer)
    text = (
        "payment_reference,result,paid_on,reason\n"
        f"{paid.reference},paid,{TODAY.isoformat()},\n"
        f"{failed.reference},failed,,Account closed\n"
    )
    response = client.post(
        reverse("grants:batch_reconcile", args=[batch.pk]), {"file": _csv_file(text)}, follow=True
    )
    body = response.content.decode()
    assert "Results of the reconciliation file" in body
    assert "Recorded as paid." in body
    assert "Recorded as failed." in body
    paid.refresh_from_db()
    failed.refresh_from_db()
    batch.refresh_from_db()
    assert paid.status == P.PAID
    assert paid.paid_on == TODAY
    assert failed.status == P.FAILED
    assert failed.failure_reason == "Account closed"
    assert batch.status == B.RECONCILED

    # The failed one is retried from its page.
    page = client.get(reverse("grants:payment_detail", args=[failed.pk])).content.decode()
    assert "Account closed" in page
    assert "Retry the payment" in page
    client.post(reverse("grants:payment_retry", args=[failed.pk]), {"retry-reason": "New account details"})
    failed.refresh_from_db()
    assert failed.status == P.APPROVED
    assert failed.attempts == 2


def test_reconciliation_with_bad_rows_applies_the_good_rows_and_reports_the_rest(client) -> None:
    batch, (good, other), officer = _sent_batch(2)
    client.force_login(officer)
    text = (
        "payment_reference,result,paid_on,reason,amount\n"
        f"{good.reference},paid,{TODAY.isoformat()},,1500.00\n"
        f"{other.reference},paid,yesterday,,\n"
        "PAY-NOPE,paid,2026-01-01,,\n"
        f"{other.reference},maybe,,,\n"
    )
    response = client.post(
        reverse("grants:batch_reconcile", args=[batch.pk]), {"file": _csv_file(text)}, follow=True
    )
    body = response.content.decode()
    assert "Row 3: give paid_on as YYYY-MM-DD." in body
    assert "Row 4: no such payment in this batch." in body
    assert "Row 5: result must be" in body
    good.refresh_from_db()
    other.refresh_from_db()
    batch.refresh_from_db()
    assert good.status == P.PAID
    assert other.status == P.SENT
    assert batch.status == B.SENT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "must be a CSV file"),
        (
            b"payment_reference,result\n" + b"x" * (5 * 1024 * 1024 + 10),
            "the largest file you can upload is 5 MB",
        ),
    ],
)
def test_binary_or_oversized_files_are_refused_and_change_nothing(client, content, message) -> None:  # type: ignore[no-untyped-def]
    batch, (payment,), officer = _sent_batch(1)
    client.force_login(officer)
    before = _state(batch, payment)
    upload = SimpleUploadedFile("results.csv", content, content_type="text/csv")
    response = client.post(reverse("grants:batch_reconcile", args=[batch.pk]), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert _state(batch, payment) == before


def test_reconciling_a_batch_not_sent_is_refused_on_the_form(client) -> None:
    officer = finance_officer()
    payment, _o = _approved_payment(officer)
    batch = _batch(officer, payment)
    client.force_login(officer)
    text = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY.isoformat()}\n"
    response = client.post(reverse("grants:batch_reconcile", args=[batch.pk]), {"file": _csv_file(text)})
    assert "Only a batch that was sent can be reconciled." in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == P.BATCHED


# ---------------------------------------------------------------- clawbacks


def test_clawback_form_shows_recoverable_amount_and_records_the_recovery(client) -> None:
    application, payment, officer = paid_application()
    client.force_login(officer)
    url = reverse("grants:clawback_create", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Can still be recovered" in page
    assert "$1,500.00" in page

    too_much = client.post(
        url, {"amount": "2000.00", "reason_code": "overpayment", "explanation": "Paid twice"}
    )
    assert "At most 1,500.00 can be recovered" in too_much.content.decode()
    missing = client.post(url, {"amount": "100.00", "reason_code": "", "explanation": ""})
    assert "Choose a reason." in missing.content.decode()
    assert not Clawback.objects.exists()

    response = client.post(
        url, {"amount": "500.00", "reason_code": "non_completion", "explanation": "Left after week two."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:payment_detail", args=[payment.pk])
    clawback = Clawback.objects.get()
    assert clawback.amount == Decimal("500.00")
    application.refresh_from_db()
    assert application.status == S.CLAWED_BACK
    assert "$1,000.00" in client.get(url).content.decode()  # what is left to recover


def test_clawback_of_an_unpaid_award_shows_no_form(client) -> None:
    application, _claim, _manager = verified_application()
    client.force_login(finance_officer())
    url = reverse("grants:clawback_create", args=[application.pk])
    assert "Only a paid award can be clawed back" in client.get(url).content.decode()
    response = client.post(url, {"amount": "1.00", "reason_code": "other", "explanation": "x"})
    assert "Only a paid award can be clawed back" in response.content.decode()
    assert not Clawback.objects.exists()


def test_payment_list_filters_by_status(client) -> None:
    paid_app, paid, officer = paid_application()
    approved, _o = _approved_payment(officer)
    client.force_login(officer)
    body = client.get(reverse("grants:payment_list"), {"status": "paid"}).content.decode()
    assert paid.reference in body
    assert approved.reference not in body
    assert client.get(reverse("grants:payment_list"), {"status": "nope"}).status_code == 400
