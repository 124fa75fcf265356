"""The requests of the load profile (benchmarks/locustfile.py), as a client with a token makes them: how
many queries each sends, so that a change cannot quietly make the hot paths dearer, and that every write
answers from what its service returned, without reading the application again after the commit.

Each request authenticates with a DRF token: one query reads the token, its user and the user's roles
(accounts.auth.TokenAuthentication); the rest is the request's own work. The numbers are what the code
needs today: lower is welcome (change the number), higher needs a reason.
"""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from grants.applications import selectors, services
from grants.models import Application, ApplicationDocument, ApplicationEvent, ReviewAssignment
from programs.models import LedgerEntry
from tests.accounts.factories import user_with_role
from tests.grants.factories import PDF_BYTES, funded_setup, worker_with_profile

BASE = "/api/v1/applications/"


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def token_client(user: User) -> APIClient:
    """A client that authenticates as the load test's do: a token on every request, so each request loads
    the user (and its roles) afresh."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def counted(call: Any) -> tuple[Any, int]:
    """The response and the queries it sent, leaving out transaction control (BEGIN, SAVEPOINT...), which
    backends and the test's own transaction log differently."""
    with CaptureQueriesContext(connection) as queries:
        response = call()
    statements = [q["sql"] for q in queries.captured_queries]
    return response, sum(1 for sql in statements if not sql.upper().startswith(TRANSACTION_CONTROL))


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("evidence.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def setting() -> dict[str, Any]:
    program, manager, credential = funded_setup()
    reviewer = user_with_role(Role.REVIEWER)
    return {"program": program, "manager": manager, "credential": credential, "reviewer": reviewer}


def _create(setting: dict[str, Any], client: APIClient) -> Any:
    return client.post(
        BASE,
        {
            "program": setting["program"].code,
            "credential": setting["credential"].pk,
            "amount_requested": "500.00",
            "statement": "Hot path.",
        },
        format="json",
    )


# Queries per request, transaction control left out. Work scheduled after the commit (the mail and letter
# tasks: one insert each) does not run inside a test's transaction. On PostgreSQL each service that locks
# an application also holds its program, credential and round in key-share mode, in one more statement
# (grants.applications.workflow._share_rules); SQLite locks the whole database for a write and needs none.
def key_share() -> int:
    return 1 if connection.vendor == "postgresql" else 0


CREATE = 7  # token, user and roles, program, credential, open round, the program lists it, insert, event
UPLOAD = 5  # token, user and roles, the visible application, the locked one, the document, its event
SUBMIT = 11  # token, user and roles, visible, locked (with applicant), double funding, profile, rules,
# listing, cap rules, update, event, notice (no cap per person here, so no sum of the person's awards)
ASSIGN = 13  # token, user and roles, visible, manages, the reviewer, their roles, locked, manages again (the
# service checks for itself), assignment, status, two events, notice, reviewers for the answer
APPROVE = 19  # token, user and roles, visible, manages, locked, manages, the budget locked before anything
# is counted, double funding, assessment (profile, rules, listing, cap rules: no cap per person here, so
# no sum of the person's awards), the budget lock
# again in the ledger (a no-op), idempotency key, budget update, ledger entry, status, event, notice,
# reviewers for the answer. (The ledger subject's content type is cached for the process's life: the test
# warms that cache first, as any earlier request does in production.)


@pytest.mark.django_db(transaction=False)
def test_the_worker_requests_send_a_fixed_number_of_queries(setting: dict[str, Any]) -> None:
    worker = worker_with_profile()
    client = token_client(worker)
    response, create = counted(lambda: _create(setting, client))
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    response, upload = counted(
        lambda: client.post(
            f"{BASE}{application_id}/documents/", {"file": _upload(), "kind": "evidence"}, format="multipart"
        )
    )
    assert response.status_code == 201, response.content
    response, submit = counted(lambda: client.post(f"{BASE}{application_id}/submit/"))
    assert response.status_code == 200, response.content
    assert (create, upload, submit) == (CREATE, UPLOAD + key_share(), SUBMIT + key_share())


@pytest.mark.django_db(transaction=False)
def test_the_manager_requests_send_a_fixed_number_of_queries(setting: dict[str, Any]) -> None:
    worker = worker_with_profile()
    application_id = _create(setting, token_client(worker)).json()["id"]
    assert token_client(worker).post(f"{BASE}{application_id}/submit/").status_code == 200
    manager = token_client(setting["manager"])
    ContentType.objects.get_for_model(Application)  # cached per process, as after the first approval
    response, assign = counted(
        lambda: manager.post(
            f"{BASE}{application_id}/assign/", {"reviewer": setting["reviewer"].pk}, format="json"
        )
    )
    assert response.status_code == 200, response.content
    response, approve = counted(
        lambda: manager.post(f"{BASE}{application_id}/approve/", {"reason": "Fine."}, format="json")
    )
    assert response.status_code == 200, response.content
    assert (assign, approve) == (ASSIGN + key_share(), APPROVE + key_share())
    # What the writes did is all there: the rules were not weakened to save queries.
    application = Application.objects.get(pk=application_id)
    assert application.status == Application.Status.APPROVED
    assert list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["created", "submitted", "review_started", "reviewer_assigned", "approved"]
    assert LedgerEntry.objects.filter(idempotency_key=f"application:{application_id}:commit").count() == 1
    assert ReviewAssignment.objects.filter(application=application).count() == 1


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("caller", ["worker", "manager"])
def test_list_queries_do_not_grow_with_the_rows(setting: dict[str, Any], caller: str) -> None:
    worker = worker_with_profile()
    counts = []
    for added in (2, 5):
        for _index in range(added):
            credential = setting["credential"]
            application = services.application_create(
                actor=user_with_role(Role.WORKER) if caller == "manager" else worker,
                program=setting["program"],
                credential=credential,
                amount_requested="500.00",
            )
            services.application_submit(actor=application.applicant, application=application)
        user = setting["manager"] if caller == "manager" else worker
        params = {"status": "submitted", "program": setting["program"].code} if caller == "manager" else {}
        client = token_client(user)
        response, queries = counted(lambda client=client, params=params: client.get(BASE, params))
        assert response.status_code == 200
        assert len(response.json()["results"]) == (2 if added == 2 else 7)
        counts.append(queries)
    assert counts[0] == counts[1]
    # token, user and roles; the count, the page, the caller's own assignments on the page (the manager's
    # queue reads nothing more: its filters are columns and subqueries of the one query).
    assert counts[0] == 4


@pytest.mark.django_db(transaction=False)
def test_each_write_answers_what_a_fresh_read_shows(setting: dict[str, Any]) -> None:
    """The answers are built from the service's object; they must equal the application as read again."""
    worker = worker_with_profile()
    created = _create(setting, token_client(worker)).json()
    application_id = created["id"]
    assert created == token_client(worker).get(f"{BASE}{application_id}/").json()
    submitted = token_client(worker).post(f"{BASE}{application_id}/submit/").json()
    assert submitted["status"] == "submitted"
    assert submitted == token_client(worker).get(f"{BASE}{application_id}/").json()
    manager = token_client(setting["manager"])
    assigned = manager.post(
        f"{BASE}{application_id}/assign/", {"reviewer": setting["reviewer"].pk}, format="json"
    ).json()
    assert assigned["status"] == "in_review"
    assert assigned["reviewers"] == [
        {"id": setting["reviewer"].pk, "name": setting["reviewer"].full_name, "conflict": "undeclared"}
    ]
    assert assigned == manager.get(f"{BASE}{application_id}/").json()
    approved = manager.post(f"{BASE}{application_id}/approve/", {}, format="json").json()
    assert approved["status"] == "approved"
    assert approved["amount_awarded"] == "500.00"
    assert approved == manager.get(f"{BASE}{application_id}/").json()


@pytest.mark.django_db(transaction=False)
def test_a_committed_write_is_never_answered_with_an_error_by_a_second_read(
    setting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """During a database restart a submit once committed and then answered 500, because the answer read
    the application again (docs/quality.md). The writes of the load profile no longer read it again: with
    that read broken, they still succeed and say so."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("the connection was lost")

    monkeypatch.setattr(selectors, "application_detail", broken)
    worker = worker_with_profile()
    response = _create(setting, token_client(worker))
    assert response.status_code == 201
    application_id = response.json()["id"]
    documents = token_client(worker).post(
        f"{BASE}{application_id}/documents/", {"file": _upload(), "kind": "evidence"}, format="multipart"
    )
    assert documents.status_code == 201
    assert token_client(worker).post(f"{BASE}{application_id}/submit/").status_code == 200
    manager = token_client(setting["manager"])
    assign = manager.post(
        f"{BASE}{application_id}/assign/", {"reviewer": setting["reviewer"].pk}, format="json"
    )
    assert assign.status_code == 200
    assert manager.post(f"{BASE}{application_id}/approve/", {}, format="json").status_code == 200
    assert Application.objects.get(pk=application_id).status == Application.Status.APPROVED
    assert ApplicationDocument.objects.filter(application_id=application_id).count() == 1
