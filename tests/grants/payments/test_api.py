"""The payments API end to end through APIClient: payments (maker-checker, idempotent approval, retry),
batches (export, send, reconcile twice), clawbacks. Each endpoint for its callers, refusals that change
nothing, bad input as 400s, and list query counts at two sizes."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from grants.awards.services import completion_verify
from grants.models import (
    Application,
    Payment,
    PaymentBatch,
)
from grants.payments.services import (
    payment_approve,
    payment_batch_create,
    payment_batch_export,
    payment_batch_mark_sent,
    payment_record_failed,
)
from programs.models import LedgerEntry
from tests.grants.api_support import client_for, other_manager, other_worker, snapshot
from tests.grants.factories import (
    claimed_application,
    finance_officer,
    paid_application,
    verified_application,
)

pytestmark = pytest.mark.django_db
S = Application.Status
TODAY = timezone.localdate()
APPS = "/api/v1/applications/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_payments_are_for_finance_officers_only() -> None:
    application, _claim, manager = verified_application()
    payment, _done = payment_approve(actor=finance_officer(), application=application)
    before = snapshot()
    for path in ("/api/v1/payments/", f"/api/v1/payments/{payment.pk}/"):
        assert client_for(None).get(path).status_code == 401
        assert client_for(application.applicant).get(path).status_code == 403
        assert client_for(manager).get(path).status_code == 403
    assert (
        client_for(manager)
        .post("/api/v1/payments/", {"application": application.pk}, format="json")
        .status_code
        == 403
    )
    assert (
        client_for(manager).post(f"/api/v1/payments/{payment.pk}/retry/", {}, format="json").status_code
        == 403
    )
    assert snapshot() == before
    officer = finance_officer()
    detail = client_for(officer).get(f"/api/v1/payments/{payment.pk}/").json()
    assert detail["reference"] == payment.reference
    assert detail["status"] == "approved"
    assert [event["action"] for event in detail["events"]] == ["approved"]
    assert client_for(officer).get("/api/v1/payments/999999999/").status_code == 404


def test_approve_payment_is_idempotent() -> None:
    application, _claim, _manager = verified_application()
    client = client_for(finance_officer())
    first = client.post("/api/v1/payments/", {"application": application.pk}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "1500.00"
    assert first.json()["payee_type"] == "provider"
    again = client.post("/api/v1/payments/", {"application": application.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Payment.objects.count() == 1
    application.refresh_from_db()
    assert application.status == S.PAYMENT_SCHEDULED


def test_maker_checker_refuses_the_verifier_with_a_403() -> None:
    application, claim, _manager = claimed_application()
    officer = finance_officer()
    completion_verify(actor=officer, claim=claim)
    before = snapshot()
    response = client_for(officer).post("/api/v1/payments/", {"application": application.pk}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You verified this claim, so another finance officer must approve its payment."
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"application": "1"},
        {"application": 999999999},
        {"application": 2**70},
        {"application": 1, "amount": "5"},
    ],
)
def test_approve_payment_refuses_bad_input(body: dict) -> None:
    verified_application()
    before = snapshot()
    response = client_for(finance_officer()).post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400
    assert snapshot() == before


def test_approve_payment_before_verification_is_a_conflict() -> None:
    application, _claim, _manager = claimed_application()
    before = snapshot()
    response = client_for(finance_officer()).post(
        "/api/v1/payments/", {"application": application.pk}, format="json"
    )
    assert response.status_code == 409
    assert snapshot() == before


def _sent_batch() -> tuple[Payment, PaymentBatch, User]:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency, payments=[payment]).batch
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    payment.refresh_from_db()
    return payment, batch, officer


def test_retry_a_failed_payment() -> None:
    payment, _batch, officer = _sent_batch()
    url = f"/api/v1/payments/{payment.pk}/retry/"
    client = client_for(officer)
    assert client.post(url, {}, format="json").json()["status"] == "sent"  # not failed: unchanged
    payment_record_failed(actor=officer, payment=payment, reason="Account closed")
    assert client.post(url, {"reason": 7}, format="json").status_code == 400
    response = client.post(url, {"reason": "New account details"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"], response.json()["batch"]) == (
        "approved",
        2,
        None,
    )
    again = client.post(url, {}, format="json")
    assert (again.json()["status"], again.json()["attempts"]) == ("approved", 2)


def test_payments_list_filters_and_query_count(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    officer = finance_officer()
    client = client_for(officer)
    application, _claim, _manager = verified_application()
    payment_approve(actor=officer, application=application)
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/payments/").json()["count"] == 1
    for _ in range(3):
        payment_approve(actor=officer, application=verified_application()[0])
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/payments/").json()["count"] == 4
    assert client.get("/api/v1/payments/?status=approved&currency=USD").json()["count"] == 4
    assert client.get("/api/v1/payments/?status=paid").json()["count"] == 0
    assert client.get(f"/api/v1/payments/?program={application.program.code}").json()["count"] == 1
    assert client.get("/api/v1/payments/?status=bogus").status_code == 400
    assert client.get("/api/v1/payments/?status=").status_code == 400


def test_batches_are_for_finance_officers_only() -> None:
    payment, batch, _officer = _sent_batch()
    manager = payment.application.program.managers.first()
    before = snapshot()
    for path in (
        "/api/v1/payment-batches/",
        f"/api/v1/payment-batches/{batch.pk}/",
        f"/api/v1/payment-batches/{batch.pk}/export/",
    ):
        assert client_for(None).get(path).status_code == 401
        assert client_for(payment.application.applicant).get(path).status_code == 403
        assert client_for(manager).get(path).status_code == 403
    export = f"/api/v1/payment-batches/{batch.pk}/export/"
    assert client_for(None).post(export).status_code == 401
    assert client_for(payment.application.applicant).post(export).status_code == 403
    assert client_for(manager).post(export).status_code == 403
    content = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    refused = client_for(manager).post(
        f"/api/v1/payment-batches/{batch.pk}/reconcile/",
        {"file": SimpleUploadedFile("r.csv", content, content_type="text/csv")},
        format="multipart",
    )
    assert refused.status_code == 403
    assert (
        client_for(manager).post("/api/v1/payment-batches/", {"currency": "USD"}, format="json").status_code
        == 403
    )
    assert snapshot() == before


def test_batch_create_export_send_and_reconcile_twice_pays_once() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    client = client_for(officer)
    created = client.post(
        "/api/v1/payment-batches/", {"currency": "USD", "payments": [payment.pk, 999999]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["succeeded"], body["failed"]) == (1, 1)
    assert {(item["reference"], item["ok"]) for item in body["results"]} == {
        (payment.reference, True),
        ("999999", False),
    }
    batch_id = body["batch"]["id"]
    assert body["batch"]["payment_count"] == 1
    assert body["batch"]["total"] == "1500.00"
    assert [row["reference"] for row in body["batch"]["payments"]] == [payment.reference]

    send_early = client.post(f"/api/v1/payment-batches/{batch_id}/send/", format="json")
    assert send_early.status_code == 409
    export = f"/api/v1/payment-batches/{batch_id}/export/"
    early = client.get(export)  # a GET downloads an exported batch again; it never exports one
    assert early.status_code == 409
    assert early.json()["detail"] == (
        "This batch has not been exported yet. Export it first; exporting closes it to changes."
    )
    assert PaymentBatch.objects.get(pk=batch_id).status == PaymentBatch.Status.DRAFT
    exported = client.post(export)
    assert exported.status_code == 200
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported["Content-Disposition"] == f'attachment; filename="{body["batch"]["reference"]}.csv"'
    assert PaymentBatch.objects.get(pk=batch_id).status == PaymentBatch.Status.EXPORTED
    lines = exported.content.decode().splitlines()
    assert lines[0].startswith("payment_reference,application_reference,")
    assert lines[1].startswith(f"{payment.reference},{application.reference},provider,")
    assert "Idempotent-Replayed" not in exported
    assert client.get(export).content == exported.content
    again = client.post(export)
    assert again.content == exported.content  # exporting again changes nothing, and says so
    assert again["Idempotent-Replayed"] == "true"
    discard = client.post(f"/api/v1/payment-batches/{batch_id}/discard/", {}, format="json")
    assert discard.status_code == 409
    sent = client.post(f"/api/v1/payment-batches/{batch_id}/send/", format="json")
    assert sent.json()["status"] == "sent"
    assert "Idempotent-Replayed" not in sent
    sent_again = client.post(f"/api/v1/payment-batches/{batch_id}/send/", format="json")
    assert (sent_again.status_code, sent_again.json()["status"]) == (200, "sent")
    assert sent_again["Idempotent-Replayed"] == "true"

    content = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    url = f"/api/v1/payment-batches/{batch_id}/reconcile/"
    for expected, changed in (("Recorded as paid.", True), ("Already recorded as paid.", False)):
        response = client.post(url, {"file": SimpleUploadedFile("r.csv", content)}, format="multipart")
        assert response.status_code == 200, response.content
        assert response.json()["results"] == [
            {"reference": payment.reference, "ok": True, "message": expected, "changed": changed}
        ]
        assert response.json()["batch"]["status"] == "reconciled"
    disbursements = LedgerEntry.objects.filter(idempotency_key=f"payment:{payment.pk}:disburse")
    assert disbursements.count() == 1
    application.refresh_from_db()
    assert (application.status, application.amount_paid) == (S.PAID, Decimal("1500.00"))


def test_reconcile_reports_failed_and_unknown_rows() -> None:
    payment, batch, officer = _sent_batch()
    rows = f"payment_reference,result,reason\n{payment.reference},failed,Account closed\nPAY-NOPE,paid,\n"
    content = rows.encode()
    response = client_for(officer).post(
        f"/api/v1/payment-batches/{batch.pk}/reconcile/",
        {"file": SimpleUploadedFile("r.csv", content)},
        format="multipart",
    )
    assert response.status_code == 200
    assert [(item["ok"], item["message"]) for item in response.json()["results"]] == [
        (True, "Recorded as failed."),
        (False, "Row 3: no such payment in this batch."),
    ]
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == ("failed", "Account closed")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\x01garbage", "This is not a CSV text file."),
        (b"\xc3\x28 invalid utf-8", "The file is not UTF-8 text."),
        (b"name,amount\nx,1\n", None),
        (b"payment_reference,result\n", "The file has no rows."),
    ],
)
def test_reconcile_refuses_bad_files_changing_nothing(content: bytes, message: str | None) -> None:
    _payment, batch, officer = _sent_batch()
    before = snapshot()
    response = client_for(officer).post(
        f"/api/v1/payment-batches/{batch.pk}/reconcile/",
        {"file": SimpleUploadedFile("r.csv", content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()
    if message:
        assert response.json()["file"] == [message]
    assert (
        client_for(officer)
        .post(f"/api/v1/payment-batches/{batch.pk}/reconcile/", {}, format="multipart")
        .status_code
        == 400
    )
    assert snapshot() == before


def test_reconcile_a_draft_batch_is_a_conflict_and_discard_works() -> None:
    application, _claim, _manager = verified_application()
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency="USD", payments=[payment]).batch
    client = client_for(officer)
    content = f"payment_reference,result,paid_on\n{payment.reference},paid,{TODAY}\n".encode()
    response = client.post(
        f"/api/v1/payment-batches/{batch.pk}/reconcile/",
        {"file": SimpleUploadedFile("r.csv", content)},
        format="multipart",
    )
    assert response.status_code == 409
    discarded = client.post(
        f"/api/v1/payment-batches/{batch.pk}/discard/", {"reason": "Wrong day"}, format="json"
    )
    assert discarded.status_code == 200
    assert discarded.json()["status"] == "discarded"
    payment.refresh_from_db()
    assert (payment.status, payment.batch_id) == ("approved", None)
    assert client.get(f"/api/v1/payment-batches/{batch.pk}/export/").status_code == 409
    assert client.post(f"/api/v1/payment-batches/{batch.pk}/export/").status_code == 409
    assert PaymentBatch.objects.get(pk=batch.pk).status == PaymentBatch.Status.DISCARDED


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"currency": "XXX"},
        {"currency": "USD", "payments": []},
        {"currency": "USD", "payments": ["1"]},
        {"currency": "USD", "payments": [2**70]},
        {"currency": "USD", "payments": "1,2"},
        {"currency": "USD", "status": "sent"},
        {"currency": "USD"},  # nothing approved to batch
    ],
)
def test_batch_create_refuses_bad_input(body: dict) -> None:
    officer = finance_officer()
    verified_application()
    before = snapshot()
    response = client_for(officer).post("/api/v1/payment-batches/", body, format="json")
    assert response.status_code == 400, response.content
    assert snapshot() == before


def test_batches_list_query_count(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    officer = finance_officer()
    client = client_for(officer)

    def one_batch() -> None:
        payment, _done = payment_approve(actor=officer, application=verified_application()[0])
        payment_batch_create(actor=officer, currency="USD", payments=[payment])

    one_batch()
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/payment-batches/").json()["count"] == 1
    one_batch()
    one_batch()
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/payment-batches/").json()["count"] == 3
    assert client.get("/api/v1/payment-batches/?status=draft").json()["count"] == 3
    assert client.get("/api/v1/payment-batches/?status=nope").status_code == 400


def test_clawbacks_recorded_by_finance_and_read_by_the_worker() -> None:
    application, payment, officer = paid_application()
    body = {
        "application": application.pk,
        "amount": "500.00",
        "reason_code": "non_completion",
        "explanation": "Did not attend.",
    }
    before = snapshot()
    assert client_for(None).post("/api/v1/clawbacks/", body, format="json").status_code == 401
    assert (
        client_for(application.applicant).post("/api/v1/clawbacks/", body, format="json").status_code == 403
    )
    manager = application.program.managers.first()
    assert client_for(manager).post("/api/v1/clawbacks/", body, format="json").status_code == 403
    assert snapshot() == before
    response = client_for(officer).post("/api/v1/clawbacks/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["payment_reference"]) == ("500.00", payment.reference)
    url = f"/api/v1/clawbacks/{response.json()['id']}/"
    assert client_for(application.applicant).get(url).json()["explanation"] == "Did not attend."
    assert client_for(application.applicant).get("/api/v1/clawbacks/").json()["count"] == 1
    assert client_for(manager).get("/api/v1/clawbacks/").json()["count"] == 1
    stranger = other_worker()
    assert client_for(stranger).get("/api/v1/clawbacks/").json()["count"] == 0
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(other_manager()).get(url).status_code == 404
    application.refresh_from_db()
    assert (application.status, application.amount_clawed_back) == (S.CLAWED_BACK, Decimal("500.00"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": 5}, "amount"),
        ({"amount": "1e999"}, "amount"),
        ({"amount": "99999999999999999999"}, "amount"),
        ({"amount": "1600.00"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"reason_code": "because"}, "reason_code"),
        ({"explanation": ""}, "explanation"),
        ({"explanation": "x" * 5001}, "explanation"),
        ({"application": 999999999}, "application"),
        ({"recorded_by": 1}, "recorded_by"),
    ],
)
def test_clawback_refuses_bad_input_changing_nothing(change: dict, field: str) -> None:
    application, _payment, officer = paid_application()
    body = {
        "application": application.pk,
        "amount": "100.00",
        "reason_code": "other",
        "explanation": "x",
        **change,
    }
    before = snapshot()
    response = client_for(officer).post("/api/v1/clawbacks/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_clawback_on_an_unpaid_award_is_a_conflict() -> None:
    application, _claim, _manager = verified_application()
    body = {"application": application.pk, "amount": "100.00", "reason_code": "other", "explanation": "x"}
    before = snapshot()
    assert client_for(finance_officer()).post("/api/v1/clawbacks/", body, format="json").status_code == 409
    assert snapshot() == before


def test_clawbacks_list_query_count(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from grants.payments.services import clawback_record

    officer = finance_officer()
    client = client_for(officer)

    def one() -> None:
        application, _payment, _officer = paid_application()
        clawback_record(
            actor=officer, application=application, amount="10.00", reason_code="other", explanation="x"
        )

    one()
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/clawbacks/").json()["count"] == 1
    one()
    one()
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/clawbacks/").json()["count"] == 3
