"""Retried and concurrent writes answer from what they did under their lock (the "answers that say what did
not happen" issue). Each PostgreSQL test sends the same request from several connections at the same moment
and asserts both the effect (done once: one row, one ledger entry, one event, one notice) and every answer:
exactly one that did it (201, or 200 without `Idempotent-Replayed`, or a row with `changed`) and all the
others saying it was already done (200 with `Idempotent-Replayed: true` and the same body; or, without an
Idempotency-Key where a duplicate is refused, a 409 saying so). No 5xx and no other status.

The tests not marked `postgres` run on SQLite too: per keyed create, a replay, a key reused for another
request, and a refused first request that leaves its key free."""

import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Notice, User
from core.api import REPLAYED_HEADER
from core.models import IdempotencyRecord
from employers.models import CandidateInvitation, EmployerEvent, Hire, JobRole, Pledge, PledgeEvent
from grants.applications import services
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Clawback,
    CompletionClaim,
    Outcome,
    Payment,
    PaymentBatch,
    PaymentEvent,
)
from grants.payments.services import (
    payment_approve,
    payment_batch_create,
)
from programs.models import LedgerEntry, ProgramBudget
from tests.employers.factories import EmployerFactory, JobRoleFactory, PledgeFactory, representative_of
from tests.grants.factories import (
    PDF_BYTES,
    enrolled_application,
    finance_officer,
    paid_application,
    verified_application,
)
from tests.programs.factories import SkillFactory

THREADS = 8
S = Application.Status
PAYMENTS = "/api/v1/payments/"
BATCHES = "/api/v1/payment-batches/"
CLAWBACKS = "/api/v1/clawbacks/"
APPS = "/api/v1/applications/"
PLEDGES = "/api/v1/pledges/"
INVITE = "/api/v1/matches/invite/"
HIRES = "/api/v1/hires/"
KEY_REUSED = {"detail": "This Idempotency-Key was already used with a different request."}
REPLAYED = (200, "true")
DID_IT_JSON = (201, None)

race_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


# ---------------------------------------------------------------- racing


@dataclass(frozen=True)
class Answer:
    status: int
    replayed: str | None  # the Idempotent-Replayed header, or None without one
    body: Any  # parsed JSON; the bytes for a CSV; repr() of an exception raised in the request

    @property
    def id(self) -> Any:
        """The id the answer names (a batch result's batch); a refusal's message."""
        if not isinstance(self.body, dict):
            return None
        if "batch" in self.body and isinstance(self.body["batch"], dict):
            return self.body["batch"]["id"]
        return self.body.get("id", self.body.get("detail"))


def client_for(user: User, key: str | None = None) -> APIClient:
    """A client signed in by token, as a real API client is (each thread builds its own)."""
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    client.credentials(**headers)
    return client


def answer_of(response: HttpResponse) -> Answer:
    is_json = response.get("Content-Type", "").startswith("application/json")
    return Answer(
        response.status_code, response.get(REPLAYED_HEADER), response.json() if is_json else response.content
    )


def race(user: User, send: Callable[[APIClient], HttpResponse], *, key: str | None = None) -> list[Answer]:
    """THREADS connections send the same request (built by `send`, per thread) at the same moment."""
    Token.objects.get_or_create(user=user)  # before the race, so that the threads only read it
    barrier = threading.Barrier(THREADS)
    answers: list[Answer] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            client = client_for(user, key)
            barrier.wait(timeout=30)
            answer = answer_of(send(client))
        except BaseException as error:  # noqa: BLE001 - a 500 raised in the view: reported by the assertions
            answer = Answer(0, None, repr(error))
        finally:
            connection.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == THREADS, "a request did not finish"
    return answers


def tally(answers: list[Answer]) -> Counter[tuple[int, str | None, Any]]:
    return Counter((answer.status, answer.replayed, answer.id) for answer in answers)


def assert_one_did_it_the_rest_replayed(answers: list[Answer], *, did_it: tuple[int, None]) -> Answer:
    """One answer made the change (`did_it`), every other one was answered with the same body, marked
    replayed. Returns the one that did it."""
    first = next((answer for answer in answers if (answer.status, answer.replayed) == did_it), None)
    assert first is not None, answers
    assert tally(answers) == Counter({(*did_it, first.id): 1, (*REPLAYED, first.id): THREADS - 1}), answers
    assert [answer.body for answer in answers] == [first.body] * THREADS
    return first


def only(model: type, **filters: Any) -> Any:
    """The one row the race may have written (a count first, so that a duplicate fails as an assertion)."""
    rows = model.objects.filter(**filters)
    assert rows.count() == 1, list(rows.values())
    return rows.get()


def actions(model: type, **filters: Any) -> list[str]:
    return sorted(model.objects.filter(**filters).values_list("action", flat=True))


def stored_uploads() -> list[Path]:
    """The applicants' files on disk (decision letters live apart, under letters/)."""
    return [path for path in (Path(django_settings.MEDIA_ROOT) / "applications").rglob("*") if path.is_file()]


# ---------------------------------------------------------------- setups


def approved_payments(count: int) -> tuple[list[Payment], User]:
    """Approved payments of `count` verified awards (each its own program), and the officer who approved
    them (not the verifier, a manager: maker-checker)."""
    officer = finance_officer()
    payments = []
    for _number in range(count):
        application, _claim, _manager = verified_application()
        payments.append(payment_approve(actor=officer, application=application)[0])
    return payments, officer


@dataclass
class Matching:
    role: JobRole
    candidates: list[User]
    representative: User


def matching(candidates: int = 1) -> Matching:
    """A verified employer with an active pledge, an open role, opted-in holders of funded credentials
    teaching its skills, and a representative."""
    skill = SkillFactory()
    employer = EmployerFactory()
    PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    role = JobRoleFactory(employer=employer, title="Field technician", skills=[skill])
    holders = []
    for _number in range(candidates):
        application, _claim, _manager = verified_application()
        application.credential.skills.set([skill])
        services.worker_profile_save(user=application.applicant, contact_by_employers=True)
        holders.append(application.applicant)
    return Matching(role, holders, representative_of(employer))


def hire_body(role: JobRole, worker: User, **change: Any) -> dict[str, Any]:
    return {
        "job_role": role.pk,
        "worker": worker.pk,
        "hired_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "annual_wage": "52000.00",
        "has_four_year_degree": False,
        **change,
    }


def pledge_body(employer_id: int, **change: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "employer": employer_id,
        "framework_name": "Skills-First Pledge",
        "start_date": str(today),
        "target_date": str(today + timedelta(days=365)),
        "roles_converted_target": 2,
        "non_degree_hires_target": 5,
        "wage_floor": "42000.00",
        **change,
    }


def claim_body(**change: Any) -> dict[str, Any]:
    """A fresh multipart body (a file object cannot be shared between requests), the same bytes each time."""
    certificate = SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf")
    return {"completed_on": timezone.localdate().isoformat(), "certificate": certificate, **change}


def clawback_body(application: Application, **change: Any) -> dict[str, Any]:
    return {
        "application": application.pk,
        "amount": "500.00",
        "reason_code": "non_completion",
        "explanation": "Did not attend.",
        **change,
    }


# ---------------------------------------------------------------- payments and batches
#
# Steps of one flow share a test (each transactional test costs a flush of every table): a failure names
# its step by the helper's name in the traceback.


def race_approval(application: Application, officer: User) -> Payment:
    """No key: one 201 that created the payment, the rest 200 replayed with it."""
    answers = race(
        officer, lambda client: client.post(PAYMENTS, {"application": application.pk}, format="json")
    )

    payment = only(Payment, application=application)
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert created.id == payment.pk
    assert [event["action"] for event in created.body["events"]] == ["approved"]
    assert actions(PaymentEvent, payment__application=application) == ["approved"]
    assert actions(ApplicationEvent, application=application, action="payment_scheduled") == [
        "payment_scheduled"
    ]
    assert (
        Notice.objects.filter(user=application.applicant, subject__startswith="Payment approved").count() == 1
    )
    application.refresh_from_db()
    assert application.status == S.PAYMENT_SCHEDULED
    assert not IdempotencyRecord.objects.exists()
    return payment


def race_batch_create(payments: list[Payment], officer: User) -> PaymentBatch:
    """One Idempotency-Key: one 201 that made the batch, the rest 200 replaying its answer."""
    body = {"currency": "USD", "payments": [payment.pk for payment in payments]}

    answers = race(officer, lambda client: client.post(BATCHES, body, format="json"), key="batch-7f3c")

    batch = only(PaymentBatch)
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert created.id == batch.pk
    assert (created.body["succeeded"], created.body["failed"]) == (2, 0)
    assert sorted(Payment.objects.filter(batch=batch).values_list("pk", flat=True)) == sorted(
        body["payments"]
    )
    assert actions(PaymentEvent, action="batched") == ["batched", "batched"]
    assert IdempotencyRecord.objects.get(user=officer, key="batch-7f3c").status_code == 201
    return batch


def race_export(batch: PaymentBatch, payments: list[Payment], officer: User) -> None:
    """No key: every answer is the same file; one exported it, the rest say it was exported already."""
    url = f"{BATCHES}{batch.pk}/export/"

    answers = race(officer, lambda client: client.post(url))

    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.EXPORTED
    assert tally(answers) == Counter({(200, None, None): 1, (*REPLAYED, None): THREADS - 1}), answers
    assert [answer.body for answer in answers] == [batch.export_content.encode()] * THREADS
    assert hashlib.sha256(answers[0].body).hexdigest() == batch.export_sha256
    rows = answers[0].body.decode().splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == sorted(payment.reference for payment in payments)


def race_send(batch: PaymentBatch, payments: list[Payment], officer: User) -> None:
    """No key: one 200 that marked it sent, the rest 200 replayed, all with the same batch."""
    url = f"{BATCHES}{batch.pk}/send/"

    answers = race(officer, lambda client: client.post(url, format="json"))

    marked = assert_one_did_it_the_rest_replayed(answers, did_it=(200, None))
    assert (marked.id, marked.body["status"]) == (batch.pk, "sent")
    assert [row["status"] for row in marked.body["payments"]] == ["sent", "sent"]
    assert sorted(PaymentEvent.objects.filter(action="sent").values_list("payment_id", flat=True)) == sorted(
        payment.pk for payment in payments
    )
    batch.refresh_from_db()
    assert (batch.status, batch.sent_by) == (PaymentBatch.Status.SENT, officer)


def race_reconcile(batch: PaymentBatch, payments: list[Payment], officer: User) -> None:
    """No key, the same results file: each payment is recorded paid once, with one disbursement, and
    each row says "Recorded as paid." (changed) in exactly one answer."""
    today = timezone.localdate()
    content = "payment_reference,result,paid_on\n" + "".join(
        f"{payment.reference},paid,{today}\n" for payment in payments
    )
    url = f"{BATCHES}{batch.pk}/reconcile/"

    def send(client: APIClient) -> HttpResponse:
        upload = SimpleUploadedFile("results.csv", content.encode(), content_type="text/csv")
        return client.post(url, {"file": upload}, format="multipart")

    answers = race(officer, send)

    assert tally(answers) == Counter({(200, None, batch.pk): THREADS}), answers
    assert {answer.body["batch"]["status"] for answer in answers} == {"reconciled"}
    assert {(answer.body["succeeded"], answer.body["failed"]) for answer in answers} == {(2, 0)}
    for row, payment in enumerate(payments):
        recorded = {
            "reference": payment.reference,
            "ok": True,
            "message": "Recorded as paid.",
            "changed": True,
        }
        already = {**recorded, "message": "Already recorded as paid.", "changed": False}
        row_answers = [answer.body["results"][row] for answer in answers]
        assert sorted(row_answers, key=lambda item: not item["changed"]) == [recorded] + [already] * (
            THREADS - 1
        ), row_answers
    for payment in payments:
        payment.refresh_from_db()
        application = Application.objects.get(pk=payment.application_id)
        assert payment.status == Payment.Status.PAID
        assert (application.status, application.amount_paid) == (S.PAID, payment.amount)
        assert LedgerEntry.objects.filter(idempotency_key=f"payment:{payment.pk}:disburse").count() == 1
        disbursements = LedgerEntry.objects.filter(
            budget__program=application.program, kind=LedgerEntry.Kind.DISBURSEMENT
        )
        assert disbursements.count() == 1
        assert ProgramBudget.objects.get(program=application.program).disbursed == payment.amount
        assert actions(PaymentEvent, payment=payment) == ["approved", "batched", "paid", "sent"]
        assert actions(ApplicationEvent, application=application, action="paid") == ["paid"]
        assert (
            Notice.objects.filter(user=application.applicant, subject__startswith="Payment made").count() == 1
        )


@pytest.mark.postgres
@race_test
def test_concurrent_approvals_then_batch_creates_make_one_payment_and_one_batch() -> None:
    (first, _claim, _manager), (second, _claim2, _manager2) = verified_application(), verified_application()
    officer = finance_officer()  # not the verifier (a manager): maker-checker
    raced = race_approval(first, officer)
    other, _created = payment_approve(actor=officer, application=second)
    race_batch_create([raced, other], officer)


@pytest.mark.postgres
@race_test
def test_concurrent_exports_sends_and_reconciliations_each_happen_once() -> None:
    payments, officer = approved_payments(2)
    batch = payment_batch_create(actor=officer, currency="USD", payments=payments).batch
    race_export(batch, payments, officer)
    race_send(batch, payments, officer)
    race_reconcile(batch, payments, officer)


@pytest.mark.postgres
@race_test
def test_concurrent_clawbacks_with_one_key_recover_once() -> None:
    application, payment, officer = paid_application()

    answers = race(
        officer,
        lambda client: client.post(CLAWBACKS, clawback_body(application), format="json"),
        key="claw-1",
    )

    clawback = only(Clawback, application=application)
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert (created.id, created.body["amount"], created.body["payment_reference"]) == (
        clawback.pk,
        "500.00",
        payment.reference,
    )
    clawbacks = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.CLAWBACK, budget__program=application.program
    )
    assert list(clawbacks.values_list("idempotency_key", "amount")) == [
        (f"clawback:{clawback.pk}", clawback.amount)
    ]
    assert actions(ApplicationEvent, application=application, action="clawed_back") == ["clawed_back"]
    application.refresh_from_db()
    assert (application.status, str(application.amount_clawed_back)) == (S.CLAWED_BACK, "500.00")
    assert (
        Notice.objects.filter(user=application.applicant, subject__startswith="Money recovered").count() == 1
    )


# ---------------------------------------------------------------- claims, hires, pledges, invitations


def claim_effects(application: Application) -> tuple[Any, ...]:
    return (
        list(CompletionClaim.objects.filter(application=application).values_list("status", flat=True)),
        list(ApplicationDocument.objects.filter(application=application).values_list("kind", flat=True)),
        actions(
            ApplicationEvent, application=application, action__in=["completion_claimed", "document_added"]
        ),
        Notice.objects.filter(user=application.applicant, subject__startswith="We received").count(),
        Application.objects.get(pk=application.pk).status,
    )


CLAIMED_ONCE = (
    ["submitted"],
    ["certificate"],
    ["completion_claimed", "document_added"],
    1,
    S.COMPLETION_CLAIMED,
)


@pytest.mark.postgres
@race_test
def test_concurrent_claims_make_one_claim_with_a_key_or_without() -> None:
    """With one key: one 201, the rest replay it. Without: one 201, the rest a 409 (the award is no longer
    enrolled). Either way one claim, one stored file, one event."""
    (keyed, _manager), (unkeyed, _manager2) = enrolled_application(), enrolled_application()

    def claim(application: Application) -> Callable[[APIClient], HttpResponse]:
        url = f"{APPS}{application.pk}/claim-completion/"
        return lambda client: client.post(url, claim_body(), format="multipart")

    answers = race(keyed.applicant, claim(keyed), key="claim-1")
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert (created.id, created.body["status"]) == (
        only(CompletionClaim, application=keyed).pk,
        "submitted",
    )
    assert claim_effects(keyed) == CLAIMED_ONCE

    answers = race(unkeyed.applicant, claim(unkeyed))
    refused = "Completion was already claimed for this award; the claim is waiting for a decision."
    the_claim = only(CompletionClaim, application=unkeyed).pk
    assert tally(answers) == Counter({(201, None, the_claim): 1, (409, None, refused): THREADS - 1}), answers
    assert claim_effects(unkeyed) == CLAIMED_ONCE
    assert len(stored_uploads()) == 2  # one file per claim: refused and replayed requests stored none


def hire_effects(world: Matching, worker: User) -> tuple[Any, ...]:
    """The worker's hires into the role, and for each its outcome and pledge event; the award's events."""
    hires = list(Hire.objects.filter(job_role=world.role, worker=worker).values_list("pk", flat=True))
    return (
        len(hires),
        Outcome.objects.filter(hire__in=hires).count(),
        sorted(PledgeEvent.objects.filter(action="hire_recorded").values_list("payload__hire", flat=True)),
        actions(ApplicationEvent, application__applicant=worker, action="hired"),
    )


@pytest.mark.postgres
@race_test
def test_concurrent_hires_record_one_hire_with_a_key_or_without() -> None:
    """With one key: one 201, the rest replay it. Without: one 201, the rest a 409 saying it is recorded."""
    world = matching(candidates=2)
    keyed, unkeyed = world.candidates

    answers = race(
        world.representative,
        lambda client: client.post(HIRES, hire_body(world.role, keyed), format="json"),
        key="hire-1",
    )
    hire = only(Hire, job_role=world.role, worker=keyed)
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert (created.id, created.body["outcome"]) == (hire.pk, Outcome.objects.get(hire=hire).pk)
    assert hire_effects(world, keyed) == (1, 1, [hire.pk], ["hired"])

    answers = race(
        world.representative, lambda client: client.post(HIRES, hire_body(world.role, unkeyed), format="json")
    )
    hire = only(Hire, job_role=world.role, worker=unkeyed)
    assert tally(answers) == Counter(
        {(201, None, hire.pk): 1, (409, None, "This hire is already recorded."): THREADS - 1}
    ), answers
    assert hire_effects(world, unkeyed) == (1, 1, sorted([created.id, hire.pk]), ["hired"])


@pytest.mark.postgres
@race_test
def test_concurrent_pledges_with_one_key_make_one_pledge() -> None:
    employer = EmployerFactory()
    representative = representative_of(employer)

    answers = race(
        representative,
        lambda client: client.post(PLEDGES, pledge_body(employer.pk), format="json"),
        key="pledge-1",
    )

    pledge = only(Pledge, employer=employer)
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert (created.id, created.body["status"]) == (pledge.pk, "draft")
    assert actions(PledgeEvent, pledge__employer=employer) == ["created"]


@pytest.mark.postgres
@race_test
def test_concurrent_invitations_with_one_key_invite_once() -> None:
    world = matching()
    worker = world.candidates[0]
    body = {"job_role": world.role.pk, "worker": worker.pk, "message": "Come and see us"}

    answers = race(
        world.representative, lambda client: client.post(INVITE, body, format="json"), key="invite-1"
    )

    invitation = only(CandidateInvitation, job_role=world.role, worker=worker)
    created = assert_one_did_it_the_rest_replayed(answers, did_it=DID_IT_JSON)
    assert (created.id, created.body["message"]) == (invitation.pk, "Come and see us")
    assert actions(EmployerEvent, action="candidate_invited") == ["candidate_invited"]
    assert Notice.objects.filter(user=worker, subject__contains="invites you").count() == 1
    assert [message.to for message in mail.outbox if "invites you" in message.subject] == [[worker.email]]


# ---------------------------------------------------------------- one key, in turn (SQLite and PostgreSQL)


@dataclass
class Keyed:
    """A keyed create: who sends it, where, a valid body, one refused with a 400, another valid one, and
    a snapshot of everything the create writes."""

    user: User
    url: str
    good: Callable[[], dict[str, Any]]
    bad: Callable[[], dict[str, Any]]
    bad_field: str
    other: Callable[[], dict[str, Any]]
    effects: Callable[[], Any]
    format: str = "json"


def _claims() -> Keyed:
    application, _manager = enrolled_application()
    return Keyed(
        user=application.applicant,
        url=f"{APPS}{application.pk}/claim-completion/",
        good=claim_body,
        bad=lambda: claim_body(completed_on="not a date"),
        bad_field="completed_on",
        other=lambda: claim_body(invoice_amount="1400.00"),
        effects=lambda: (
            list(CompletionClaim.objects.values_list("pk", "status")),
            ApplicationDocument.objects.count(),
            len(stored_uploads()),
            actions(ApplicationEvent, application=application),
        ),
        format="multipart",
    )


def _hires() -> Keyed:
    world = matching(candidates=2)
    first, second = world.candidates
    return Keyed(
        user=world.representative,
        url=HIRES,
        good=lambda: hire_body(world.role, first),
        bad=lambda: hire_body(world.role, first, hired_on="yesterday"),
        bad_field="hired_on",
        other=lambda: hire_body(world.role, second),
        effects=lambda: (
            list(Hire.objects.values_list("pk", "worker")),
            Outcome.objects.count(),
            actions(PledgeEvent),
        ),
    )


def _pledges() -> Keyed:
    employer = EmployerFactory()
    return Keyed(
        user=representative_of(employer),
        url=PLEDGES,
        good=lambda: pledge_body(employer.pk),
        bad=lambda: pledge_body(employer.pk, roles_converted_target=-1),
        bad_field="roles_converted_target",
        other=lambda: pledge_body(employer.pk, framework_name="Another pledge"),
        effects=lambda: (list(Pledge.objects.values_list("pk", "framework_name")), actions(PledgeEvent)),
    )


def _batches() -> Keyed:
    (first, second), officer = approved_payments(2)
    return Keyed(
        user=officer,
        url=BATCHES,
        good=lambda: {"currency": "USD", "payments": [first.pk]},
        bad=lambda: {"currency": "XXX", "payments": [first.pk]},
        bad_field="currency",
        other=lambda: {"currency": "USD", "payments": [second.pk]},
        effects=lambda: (
            list(PaymentBatch.objects.values_list("pk", "status")),
            sorted(Payment.objects.values_list("pk", "status", "batch")),
            actions(PaymentEvent),
        ),
    )


def _invitations() -> Keyed:
    world = matching(candidates=2)
    first, second = world.candidates
    return Keyed(
        user=world.representative,
        url=INVITE,
        good=lambda: {"job_role": world.role.pk, "worker": first.pk, "message": "Come and see us"},
        bad=lambda: {"job_role": world.role.pk, "worker": first.pk, "message": "x" * 2001},
        bad_field="message",
        other=lambda: {"job_role": world.role.pk, "worker": second.pk, "message": "Come and see us"},
        effects=lambda: (
            list(CandidateInvitation.objects.values_list("pk", "worker")),
            actions(EmployerEvent),
            Notice.objects.filter(subject__contains="invites you").count(),
        ),
    )


def _clawbacks() -> Keyed:
    application, _payment, officer = paid_application()
    return Keyed(
        user=officer,
        url=CLAWBACKS,
        good=lambda: clawback_body(application),
        bad=lambda: clawback_body(application, amount="-5.00"),
        bad_field="amount",
        other=lambda: clawback_body(application, amount="100.00"),
        effects=lambda: (
            list(Clawback.objects.values_list("pk", "amount")),
            list(LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CLAWBACK).values_list("idempotency_key")),
            actions(ApplicationEvent, application=application),
            str(Application.objects.get(pk=application.pk).amount_clawed_back),
        ),
    )


@pytest.fixture(
    params=[_claims, _hires, _pledges, _batches, _invitations, _clawbacks], ids=lambda f: f.__name__[1:]
)
def keyed(request: pytest.FixtureRequest, db: None) -> Keyed:
    return request.param()


def test_one_key_replays_its_first_answer_refuses_another_request_and_survives_a_400(keyed: Keyed) -> None:
    def post(body: dict[str, Any]) -> Answer:
        return answer_of(client_for(keyed.user, "retry-1").post(keyed.url, body, format=keyed.format))

    nothing = keyed.effects()
    refused = post(keyed.bad())
    assert (refused.status, refused.replayed, list(refused.body)) == (400, None, [keyed.bad_field])
    assert keyed.effects() == nothing
    assert not IdempotencyRecord.objects.exists()  # a refused request does not spend its key

    created = post(keyed.good())
    assert (created.status, created.replayed) == DID_IT_JSON, created
    done = keyed.effects()
    assert done != nothing

    again = post(keyed.good())
    assert again == Answer(*REPLAYED, created.body)
    assert keyed.effects() == done

    other = post(keyed.other())
    assert other == Answer(409, None, KEY_REUSED)
    assert keyed.effects() == done
    assert list(IdempotencyRecord.objects.values_list("user", "key", "status_code")) == [
        (keyed.user.pk, "retry-1", 201)
    ]
