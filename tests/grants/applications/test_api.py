"""The applications API, end to end through APIClient: every action for the four callers, read-only
fields, bad input, uploads, letters, timelines, query counts, and (on PostgreSQL) concurrent approvals."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from grants.applications import services
from grants.applications.letters import letter_generate
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    DecisionLetter,
    Demographics,
    InformationRequest,
    Review,
    ReviewAssignment,
    WorkerProfile,
)
from programs.models import LedgerEntry, Program, ProgramBudget, ScoringCriterion
from programs.selectors import ledger_reconcile
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup, worker_with_profile
from tests.programs.factories import CredentialFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/applications/"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
CHECKLIST = dict.fromkeys(Review.CHECKLIST, True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploads and letters go to a temporary folder, not the checkout's var/uploads."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def snapshot() -> dict[str, Any]:
    """Everything a refused or invalid request must leave as it was."""
    counts: dict[str, Any] = {
        model.__name__: model.objects.count()
        for model in (
            Application,
            ApplicationEvent,
            ApplicationDocument,
            ReviewAssignment,
            Review,
            InformationRequest,
            LedgerEntry,
            DecisionLetter,
            WorkerProfile,
            Demographics,
        )
    }
    counts["applications"] = sorted(
        Application.objects.values_list(
            "pk", "status", "amount_requested", "amount_awarded", "statement", "credential_id", "updated_at"
        )
    )
    counts["assignments"] = sorted(ReviewAssignment.objects.values_list("pk", "conflict"))
    counts["budgets"] = sorted(ProgramBudget.objects.values_list("pk", "committed"))
    return counts


def upload(name: str = "quote.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    program: Program
    credential: Any
    manager: User
    applicant: User
    other_worker: User
    other_manager: User
    reviewer: User  # assigned, declared no conflict
    undeclared_reviewer: User  # assigned, not yet declared
    conflicted_reviewer: User  # assigned, declared a conflict
    unassigned_reviewer: User

    def application(self, state: str) -> Application:
        """An application of the applicant in `state`, with the three reviewers assigned once submitted."""
        application = services.application_create(
            actor=self.applicant, program=self.program, credential=self.credential, amount_requested="1500.00"
        )
        if state == "draft":
            return application
        services.application_submit(actor=self.applicant, application=application)
        if state == "submitted":
            return application
        for reviewer in (self.reviewer, self.undeclared_reviewer, self.conflicted_reviewer):
            services.application_assign(actor=self.manager, application=application, reviewer=reviewer)
        services.conflict_declare(actor=self.reviewer, application=application, has_conflict=False)
        services.conflict_declare(
            actor=self.conflicted_reviewer, application=application, has_conflict=True, note="My cousin."
        )
        if state == "more_info":
            services.application_request_info(actor=self.manager, application=application, question="Quote?")
        if state == "approved":
            services.application_approve(actor=self.manager, application=application)
            letter_generate(application_id=application.pk)
        return Application.objects.get(pk=application.pk)


@pytest.fixture
def world() -> World:
    program, manager, credential = funded_setup()
    _other_program, other_manager, _other_credential = funded_setup()
    return World(
        program=program,
        credential=credential,
        manager=manager,
        applicant=worker_with_profile(),
        other_worker=worker_with_profile(),
        other_manager=other_manager,
        reviewer=user_with_role(Role.REVIEWER),
        undeclared_reviewer=user_with_role(Role.REVIEWER),
        conflicted_reviewer=user_with_role(Role.REVIEWER),
        unassigned_reviewer=user_with_role(Role.REVIEWER),
    )


@dataclass
class Case:
    """One endpoint: the state its application must be in, how to call it, and who is who."""

    name: str
    method: str
    suffix: str
    state: str
    right: str
    wrong_role: str
    other_party: str
    body: Callable[[World], Any] = lambda world: {}
    ok: int = 200
    multipart: bool = False


CASES = [
    Case("retrieve", "get", "", "in_review", "applicant", "", "other_worker"),
    Case(
        "update",
        "patch",
        "",
        "draft",
        "applicant",
        "manager",
        "other_worker",
        lambda w: {"statement": "New."},
    ),
    Case("assessment", "get", "assessment/", "draft", "applicant", "manager", "other_worker"),
    Case("submit", "post", "submit/", "draft", "applicant", "manager", "other_worker"),
    Case(
        "withdraw",
        "post",
        "withdraw/",
        "submitted",
        "applicant",
        "manager",
        "other_worker",
        lambda w: {"reason": "Moved."},
    ),
    Case(
        "assign",
        "post",
        "assign/",
        "submitted",
        "manager",
        "applicant",
        "other_manager",
        lambda w: {"reviewer": w.reviewer.pk},
    ),
    Case(
        "declare-conflict",
        "post",
        "declare-conflict/",
        "in_review",
        "undeclared_reviewer",
        "manager",
        "unassigned_reviewer",
        lambda w: {"has_conflict": False, "note": ""},
    ),
    Case(
        "review",
        "post",
        "reviews/",
        "in_review",
        "reviewer",
        "applicant",
        "conflicted_reviewer",
        lambda w: {"checklist": CHECKLIST, "recommendation": "approve", "comments": "Fine."},
        ok=201,
    ),
    Case("reviews-list", "get", "reviews/", "in_review", "manager", "applicant", "other_manager"),
    Case(
        "request-info",
        "post",
        "request-info/",
        "in_review",
        "manager",
        "applicant",
        "unassigned_reviewer",
        lambda w: {"question": "Quote?"},
    ),
    Case(
        "respond",
        "post",
        "respond/",
        "more_info",
        "applicant",
        "manager",
        "other_worker",
        lambda w: {"answer": "Attached."},
    ),
    Case(
        "approve",
        "post",
        "approve/",
        "in_review",
        "manager",
        "reviewer",
        "other_manager",
        lambda w: {"amount": "1200.00"},
    ),
    Case(
        "reject",
        "post",
        "reject/",
        "in_review",
        "manager",
        "reviewer",
        "other_manager",
        lambda w: {"reason_code": "incomplete", "explanation": "No quote."},
    ),
    Case("events", "get", "events/", "in_review", "applicant", "undeclared_reviewer", "other_worker"),
    Case(
        "documents-list", "get", "documents/", "in_review", "applicant", "undeclared_reviewer", "other_worker"
    ),
    Case(
        "documents-upload",
        "post",
        "documents/",
        "draft",
        "applicant",
        "manager",
        "other_worker",
        lambda w: {"file": upload(), "kind": "quote"},
        ok=201,
        multipart=True,
    ),
    Case("letter", "get", "letter/", "approved", "applicant", "undeclared_reviewer", "other_worker"),
]


def call(case: Case, world: World, application: Application, caller: str | None) -> Any:
    client = client_for(getattr(world, caller) if caller else None)
    url = f"{BASE}{application.pk}/{case.suffix}"
    if case.method == "get":
        return client.get(url)
    return getattr(client, case.method)(
        url, case.body(world), format="multipart" if case.multipart else "json"
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_right_party_succeeds(case: Case, world: World) -> None:
    application = world.application(case.state)
    response = call(case, world, application, case.right)
    assert response.status_code == case.ok, response.content


# Reads that everyone who may see an application may make have no "wrong role" caller.
REFUSALS = [
    pytest.param(case, caller, expected, id=f"{case.name}-{caller}")
    for case in CASES
    for caller, expected in [(None, 401), ("wrong_role", 403), ("other_party", 404)]
    if not (caller == "wrong_role" and not case.wrong_role)
]


@pytest.mark.parametrize(("case", "caller", "expected"), REFUSALS)
def test_refused_callers_change_nothing(case: Case, world: World, caller: str | None, expected: int) -> None:
    application = world.application(case.state)
    before = snapshot()
    who = getattr(case, caller) if caller else None
    response = call(case, world, application, who)
    assert response.status_code == expected, response.content
    assert snapshot() == before
    if expected == 404:  # reveals nothing: the same answer as for an id that does not exist
        assert response.json() == {"detail": "Not found."}


# ---------------------------------------------------------------- happy paths, in detail


def test_create_update_submit_and_withdraw(world: World) -> None:
    client = client_for(world.applicant)
    created = client.post(
        BASE,
        {"program": world.program.code, "credential": world.credential.pk, "amount_requested": "1400.00"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["amount_requested"], body["amount_awarded"]) == ("draft", "1400.00", None)
    assert body["program"] == world.program.code
    assert body["applicant"]["id"] == world.applicant.pk
    pk = body["id"]
    updated = client.patch(
        f"{BASE}{pk}/", {"amount_requested": "1450.50", "statement": " Welding. "}, format="json"
    )
    assert updated.status_code == 200
    assert (updated.json()["amount_requested"], updated.json()["statement"]) == ("1450.50", "Welding.")
    assessment = client.get(f"{BASE}{pk}/assessment/").json()
    assert assessment["eligible"] is True
    assert assessment["maximum_award"] == {
        "amount": "1500.00",
        "currency": world.program.currency,
        "binding": assessment["maximum_award"]["binding"],
        "explanation": assessment["maximum_award"]["explanation"],
    }
    assert assessment["within_maximum"] is True
    submitted = client.post(f"{BASE}{pk}/submit/")
    assert submitted.json()["status"] == "submitted"
    assert client.patch(f"{BASE}{pk}/", {"statement": "Late."}, format="json").status_code == 409
    assert client.post(f"{BASE}{pk}/submit/").status_code == 409
    withdrawn = client.post(f"{BASE}{pk}/withdraw/", {"reason": "Found a job."}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    assert (
        Application.objects.get(pk=pk).events.filter(action="withdrawn", reason="Found a job.").count() == 1
    )


def test_review_journey_through_the_api(world: World) -> None:
    application = world.application("submitted")
    manager = client_for(world.manager)
    newcomer = user_with_role(Role.REVIEWER)
    assigned = manager.post(f"{BASE}{application.pk}/assign/", {"reviewer": newcomer.pk}, format="json")
    assert assigned.status_code == 200
    assert assigned.json()["status"] == "in_review"
    assert {"id": newcomer.pk, "name": newcomer.full_name, "conflict": "undeclared"} in assigned.json()[
        "reviewers"
    ]

    reviewer = client_for(newcomer)
    minimal = reviewer.get(f"{BASE}{application.pk}/").json()
    assert minimal["detail_level"] == "minimal"
    assert set(minimal) == {
        "id",
        "reference",
        "applicant_name",
        "program",
        "program_name",
        "credential",
        "credential_title",
        "conflict",
        "detail_level",
    }
    assert minimal["conflict"] == "undeclared"
    assert reviewer.get(f"{BASE}{application.pk}/events/").status_code == 403
    declared = reviewer.post(
        f"{BASE}{application.pk}/declare-conflict/", {"has_conflict": False}, format="json"
    )
    assert declared.status_code == 200
    assert (declared.json()["detail_level"], declared.json()["conflict"]) == ("full", "none")

    reviewed = reviewer.post(
        f"{BASE}{application.pk}/reviews/",
        {"checklist": CHECKLIST, "recommendation": "more_info", "comments": "Need the quote."},
        format="json",
    )
    assert reviewed.status_code == 201
    assert reviewed.json()["recommendation"] == "more_info"
    listed = manager.get(f"{BASE}{application.pk}/reviews/").json()
    assert [review["reviewer"]["id"] for review in listed] == [newcomer.pk]

    asked = manager.post(
        f"{BASE}{application.pk}/request-info/", {"question": "Send the quote."}, format="json"
    )
    assert asked.json()["status"] == "more_info_requested"
    applicant = client_for(world.applicant)
    uploaded = applicant.post(
        f"{BASE}{application.pk}/documents/", {"file": upload(), "kind": "more_info"}, format="multipart"
    )
    assert uploaded.status_code == 201
    assert uploaded.json()["content_type"] == "application/pdf"
    answered = applicant.post(f"{BASE}{application.pk}/respond/", {"answer": "Attached."}, format="json")
    assert answered.json()["status"] == "in_review"
    assert InformationRequest.objects.get(application=application).answer == "Attached."

    rejected = manager.post(
        f"{BASE}{application.pk}/reject/",
        {"reason_code": "incomplete", "explanation": "The quote is for another course."},
        format="json",
    )
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["rejection_reason"]) == ("rejected", "incomplete")
    assert manager.post(f"{BASE}{application.pk}/approve/", {}, format="json").status_code == 409


def test_declaring_a_conflict_recuses_the_reviewer(world: World) -> None:
    application = world.application("submitted")
    services.application_assign(
        actor=world.manager, application=application, reviewer=world.unassigned_reviewer
    )
    reviewer = client_for(world.unassigned_reviewer)
    declared = reviewer.post(
        f"{BASE}{application.pk}/declare-conflict/",
        {"has_conflict": True, "note": "Neighbour."},
        format="json",
    )
    assert declared.status_code == 200
    assert declared.json()["conflict"] == "declared"
    assert declared.json()["detail_level"] == "minimal"
    assert reviewer.get(f"{BASE}{application.pk}/").status_code == 404
    assignment = ReviewAssignment.objects.get(application=application, reviewer=world.unassigned_reviewer)
    assert (assignment.conflict, assignment.conflict_note) == ("declared", "Neighbour.")


def test_approval_commits_the_award_and_the_letter_follows(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    application = world.application("in_review")
    manager = client_for(world.manager)
    assert manager.get(f"{BASE}{application.pk}/letter/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        approved = manager.post(
            f"{BASE}{application.pk}/approve/", {"amount": "1200.00", "reason": "Good plan."}, format="json"
        )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["amount_awarded"]) == ("approved", "1200.00")
    assert ProgramBudget.objects.get(program=world.program).committed == Decimal("1200.00")
    assert ledger_reconcile() == []
    letter = client_for(world.applicant).get(f"{BASE}{application.pk}/letter/")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_documents_are_listed_and_downloaded_only_by_allowed_users(world: World) -> None:
    application = world.application("draft")
    applicant = client_for(world.applicant)
    uploaded = applicant.post(
        f"{BASE}{application.pk}/documents/",
        {"file": upload("my quote.pdf"), "kind": "quote"},
        format="multipart",
    ).json()
    assert (uploaded["original_name"], uploaded["kind"], uploaded["size"]) == (
        "my quote.pdf",
        "quote",
        len(PDF),
    )
    listed = applicant.get(f"{BASE}{application.pk}/documents/").json()
    assert [document["id"] for document in listed] == [uploaded["id"]]
    url = uploaded["download_url"]
    assert url.endswith(f"{BASE}{application.pk}/documents/{uploaded['id']}/")
    download = applicant.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert client_for(world.other_worker).get(url).status_code == 404
    assert client_for(world.manager).get(url).status_code == 200
    assert APIClient().get(url).status_code == 401
    # Another application's document is not reachable through this one.
    other = services.application_create(
        actor=world.other_worker,
        program=world.program,
        credential=world.credential,
        amount_requested="100.00",
    )
    assert applicant.get(f"{BASE}{other.pk}/documents/{uploaded['id']}/").status_code == 404
    assert (
        client_for(world.other_worker).get(f"{BASE}{other.pk}/documents/{uploaded['id']}/").status_code == 404
    )


def test_events_hide_staff_only_events_from_the_applicant(world: World) -> None:
    application = world.application("in_review")
    applicant_events = client_for(world.applicant).get(f"{BASE}{application.pk}/events/").json()
    staff_events = client_for(world.manager).get(f"{BASE}{application.pk}/events/").json()
    assert [event["action"] for event in applicant_events] == ["created", "submitted", "review_started"]
    assert {event["visibility"] for event in applicant_events} == {"applicant"}
    assert all("actor" not in event and "payload" not in event for event in applicant_events)
    staff_actions = [event["action"] for event in staff_events]
    assert "reviewer_assigned" in staff_actions
    assert "conflict_declared" in staff_actions
    assert len(staff_events) == ApplicationEvent.objects.filter(application=application).count()


def test_demographics_never_appear_in_applications(world: World) -> None:
    services.demographics_save(
        user=world.applicant, race_ethnicity=[], sex="female", veteran="yes", disability="no"
    )
    application = world.application("in_review")
    for user in (world.manager, world.reviewer, world.applicant):
        client = client_for(user)
        texts = [
            client.get(f"{BASE}{application.pk}/").content,
            client.get(BASE).content,
            client.get(f"{BASE}{application.pk}/events/").content,
        ]
        for text in texts:
            assert b"veteran" not in text
            assert b"disability" not in text
            assert b"race_ethnicity" not in text


def test_list_is_the_queue_for_staff_and_own_applications_for_workers(world: World) -> None:
    mine = world.application("submitted")
    draft = world.application("draft")
    services.application_create(
        actor=world.other_worker, program=world.program, credential=world.credential, amount_requested="10.00"
    )
    own = client_for(world.applicant).get(BASE).json()
    assert {row["id"] for row in own["results"]} == {mine.pk, draft.pk}
    queue = client_for(world.manager).get(BASE, {"status": "submitted", "program": world.program.code}).json()
    assert [row["id"] for row in queue["results"]] == [mine.pk]
    assert client_for(world.other_manager).get(BASE).json()["count"] == 0
    assert client_for(world.manager).get(BASE, {"sort": "nonsense"}).status_code == 400
    assert client_for(world.manager).get(BASE, {"funding_round": ""}).status_code == 400
    undeclared = client_for(world.undeclared_reviewer).get(BASE, {"assigned_to_me": "true"}).json()["results"]
    assert undeclared == []  # submitted only: nobody assigned yet
    in_review = world.application("in_review")
    rows = client_for(world.undeclared_reviewer).get(BASE, {"assigned_to_me": "true"}).json()["results"]
    assert [(row["id"], row["detail_level"], row["amount_requested"]) for row in rows] == [
        (in_review.pk, "minimal", None)
    ]


@pytest.mark.parametrize(
    "name", ["funding_round", "priority_group", "submitted_from", "submitted_to", "sort"]
)
def test_the_queue_refuses_an_empty_typed_filter_naming_it(world: World, name: str) -> None:
    response = client_for(world.manager).get(BASE, {name: "", "program": world.program.code})
    assert response.status_code == 400
    assert response.json()[name] == ["Give a value, or leave the parameter out."]


@pytest.mark.parametrize("role", ["manager", "reviewer", "undeclared_reviewer", "applicant"])
def test_list_query_count_does_not_grow(world: World, role: str, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for added in (2, 3):
        for _index in range(added):
            world.application("in_review")
        client = client_for(getattr(world, role))  # a fresh user each time, as each request loads one
        with CaptureQueriesContext(connection) as queries:
            response = client.get(BASE, {"page_size": 50})
        assert response.status_code == 200
        assert response.json()["count"] == Application.objects.count()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    client = client_for(getattr(world, role))
    # The user's roles, the count, the page, the caller's own assignments on the page.
    with django_assert_num_queries(4):
        client.get(BASE, {"page_size": 50})


@pytest.mark.parametrize("role", ["manager", "applicant"])
def test_detail_and_timeline_query_counts_do_not_grow(world: World, role: str) -> None:
    application = world.application("in_review")
    counts: list[tuple[int, int]] = []
    for _round in range(2):
        extra = user_with_role(Role.REVIEWER)
        services.application_assign(actor=world.manager, application=application, reviewer=extra)
        client = client_for(getattr(world, role))
        with CaptureQueriesContext(connection) as detail:
            assert client.get(f"{BASE}{application.pk}/").status_code == 200
        client = client_for(getattr(world, role))
        with CaptureQueriesContext(connection) as events:
            assert client.get(f"{BASE}{application.pk}/events/").status_code == 200
        counts.append((len(detail), len(events)))
    assert counts[0] == counts[1]


def test_the_api_root_links_the_new_resources(world: World) -> None:
    links = client_for(world.applicant).get("/api/v1/").json()
    assert links["applications"].endswith("/api/v1/applications/")
    assert links["worker_profile"].endswith("/api/v1/me/worker-profile/")
    assert links["demographics"].endswith("/api/v1/me/demographics/")


def test_a_file_missing_from_storage_is_a_404(world: World) -> None:
    application = world.application("draft")
    document = services.application_document_add(
        actor=world.applicant, application=application, file=upload()
    )
    document.file.storage.delete(document.file.name)
    response = client_for(world.applicant).get(f"{BASE}{application.pk}/documents/{document.pk}/")
    assert response.status_code == 404


# ---------------------------------------------------------------- fields a caller may not set


@pytest.mark.parametrize(
    "field", ["status", "amount_awarded", "reviewer", "score", "reference", "decided_by", "decided_at"]
)
def test_read_only_fields_are_refused_on_create(world: World, field: str) -> None:
    before = snapshot()
    response = client_for(world.applicant).post(
        BASE,
        {
            "program": world.program.code,
            "credential": world.credential.pk,
            "amount_requested": "100.00",
            field: "approved" if field == "status" else "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {field: ["This field cannot be set here."]}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "approved"),
        ("amount_awarded", "1500.00"),
        ("reviewer", 1),
        ("score", "5.000"),
        ("reference", "X"),
    ],
)
def test_read_only_fields_are_refused_on_update(world: World, field: str, value: Any) -> None:
    application = world.application("draft")
    before = snapshot()
    response = client_for(world.applicant).patch(
        f"{BASE}{application.pk}/", {"statement": "Changed.", field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_a_manager_cannot_set_status_through_approve(world: World) -> None:
    application = world.application("in_review")
    before = snapshot()
    response = client_for(world.manager).post(
        f"{BASE}{application.pk}/approve/", {"status": "rejected", "amount_awarded": "1.00"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"status", "amount_awarded"}
    assert snapshot() == before


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_requested": "-5.00"}, "amount_requested"),
        ({"amount_requested": "0.00"}, "amount_requested"),
        ({"amount_requested": "10.123"}, "amount_requested"),
        ({"amount_requested": 10.5}, "amount_requested"),
        ({"credential": 999999}, "credential"),
        ({"credential": "1"}, "credential"),
        ({"program": "NOPE-1"}, "program"),
        ({"statement": 5}, "statement"),
    ],
)
def test_bad_create_input_is_a_400_naming_the_field(world: World, change: dict[str, Any], field: str) -> None:
    before = snapshot()
    body = {
        "program": world.program.code,
        "credential": world.credential.pk,
        "amount_requested": "100.00",
        **change,
    }
    response = client_for(world.applicant).post(BASE, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_a_credential_the_program_does_not_fund_is_refused(world: World) -> None:
    unfunded = CredentialFactory()
    before = snapshot()
    for client_call in (
        lambda client: client.post(
            BASE,
            {"program": world.program.code, "credential": unfunded.pk, "amount_requested": "100.00"},
            format="json",
        ),
    ):
        response = client_call(client_for(world.applicant))
        assert response.status_code == 400
        assert "does not fund" in response.json()["credential"][0]
    assert snapshot() == before
    application = world.application("draft")
    before = snapshot()
    response = client_for(world.applicant).patch(
        f"{BASE}{application.pk}/", {"credential": unfunded.pk}, format="json"
    )
    assert response.status_code == 400
    assert "credential" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("suffix", "state", "caller", "body", "field"),
    [
        ("reject/", "in_review", "manager", {"reason_code": "because", "explanation": "No."}, "reason_code"),
        ("reject/", "in_review", "manager", {"reason_code": "other", "explanation": "  "}, "explanation"),
        ("approve/", "in_review", "manager", {"amount": "-1.00"}, "amount"),
        ("approve/", "in_review", "manager", {"amount": "1.001"}, "amount"),
        ("approve/", "in_review", "manager", {"amount": "9000.00"}, "amount"),
        ("assign/", "submitted", "manager", {"reviewer": 999999}, "reviewer"),
        ("withdraw/", "submitted", "applicant", {"reason": ["x"]}, "reason"),
        ("request-info/", "in_review", "manager", {"question": " "}, "question"),
        ("respond/", "more_info", "applicant", {"answer": ""}, "answer"),
        ("declare-conflict/", "in_review", "undeclared_reviewer", {"has_conflict": True, "note": ""}, "note"),
        ("declare-conflict/", "in_review", "undeclared_reviewer", {"has_conflict": "yes"}, "has_conflict"),
        (
            "reviews/",
            "in_review",
            "reviewer",
            {"checklist": {"identity": True}, "recommendation": "approve"},
            "checklist",
        ),
        (
            "reviews/",
            "in_review",
            "reviewer",
            {"checklist": CHECKLIST, "recommendation": "maybe"},
            "recommendation",
        ),
    ],
)
def test_bad_action_input_is_a_400_naming_the_field(
    world: World, suffix: str, state: str, caller: str, body: dict[str, Any], field: str
) -> None:
    application = world.application(state)
    before = snapshot()
    response = client_for(getattr(world, caller)).post(
        f"{BASE}{application.pk}/{suffix}", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_scores_out_of_range_are_refused() -> None:
    program, manager, credential = funded_setup(selection_method=Program.SelectionMethod.SCORED)
    criterion = ScoringCriterion.objects.create(program=program, name="Fit", weight=Decimal("1.00"))
    applicant = worker_with_profile()
    application = services.application_create(
        actor=applicant, program=program, credential=credential, amount_requested="100.00"
    )
    services.application_submit(actor=applicant, application=application)
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    services.conflict_declare(actor=reviewer, application=application, has_conflict=False)
    client = client_for(reviewer)
    for scores in ({str(criterion.pk): 6}, {str(criterion.pk): -1}, {}, {str(criterion.pk): 3, "999": 2}):
        before = snapshot()
        response = client.post(
            f"{BASE}{application.pk}/reviews/",
            {"checklist": CHECKLIST, "scores": scores, "recommendation": "approve"},
            format="json",
        )
        assert response.status_code == 400, scores
        assert "scores" in response.json()
        assert snapshot() == before
    response = client.post(
        f"{BASE}{application.pk}/reviews/",
        {"checklist": CHECKLIST, "scores": {str(criterion.pk): 4}, "recommendation": "approve"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["scores"], response.json()["weighted_score"]) == ({str(criterion.pk): 4}, "4.000")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50, "whatever its name says"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", PDF + b"0" * 200, "largest file"),
    ],
    ids=["renamed-executable", "empty", "oversized"],
)
def test_bad_uploads_are_refused(world: World, settings, name: str, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_BYTES = len(PDF) + 100
    application = world.application("draft")
    before = snapshot()
    response = client_for(world.applicant).post(
        f"{BASE}{application.pk}/documents/", {"file": upload(name, content)}, format="multipart"
    )
    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert snapshot() == before


def test_upload_refuses_json_and_an_unknown_kind(world: World) -> None:
    application = world.application("draft")
    client = client_for(world.applicant)
    before = snapshot()
    assert (
        client.post(f"{BASE}{application.pk}/documents/", {"kind": "quote"}, format="json").status_code == 415
    )
    response = client.post(
        f"{BASE}{application.pk}/documents/", {"file": upload(), "kind": "selfie"}, format="multipart"
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    assert snapshot() == before


def test_uploading_to_a_submitted_application_is_a_conflict(world: World) -> None:
    application = world.application("submitted")
    before = snapshot()
    response = client_for(world.applicant).post(
        f"{BASE}{application.pk}/documents/", {"file": upload()}, format="multipart"
    )
    assert response.status_code == 409
    assert snapshot() == before


# ---------------------------------------------------------------- the worker's own records


def test_worker_profile_get_and_put() -> None:
    worker = user_with_role(Role.WORKER)
    client = client_for(worker)
    assert client.get("/api/v1/me/worker-profile/").json()["region"] == ""
    body = {
        "region": "North",
        "address": "1 Main St",
        "date_of_birth": "1990-02-03",
        "employment_status": "unemployed",
        "household_income_band": "under_25k",
        "contact_by_employers": True,
    }
    response = client.put("/api/v1/me/worker-profile/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["region"] == "North"
    assert response.json()["contact_consent_changed_at"]
    assert WorkerProfile.objects.get(user=worker).household_income_band == "under_25k"
    before = snapshot()
    for bad in (
        {**body, "date_of_birth": "2999-01-01"},
        {**body, "employment_status": "astronaut"},
        {"region": "X"},
    ):
        assert client.put("/api/v1/me/worker-profile/", bad, format="json").status_code == 400
    assert client.put("/api/v1/me/worker-profile/", {**body, "user": 1}, format="json").json() == {
        "user": ["This field cannot be set here."]
    }
    assert snapshot() == before


def test_demographics_only_for_the_worker_themself() -> None:
    worker = user_with_role(Role.WORKER)
    client = client_for(worker)
    body = {"race_ethnicity": [], "sex": "prefer_not_to_say", "veteran": "no", "disability": ""}
    response = client.put("/api/v1/me/demographics/", body, format="json")
    assert response.status_code == 200, response.content
    assert Demographics.objects.get(user=worker).sex == "prefer_not_to_say"
    assert client.get("/api/v1/me/demographics/").json()["veteran"] == "no"
    before = snapshot()
    response = client.put("/api/v1/me/demographics/", {**body, "sex": "robot"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["sex"])
    response = client.put("/api/v1/me/demographics/", {**body, "race_ethnicity": ["martian"]}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["race_ethnicity"])
    manager = client_for(user_with_role(Role.PROGRAM_MANAGER))
    assert manager.get("/api/v1/me/demographics/").status_code == 403
    assert manager.put("/api/v1/me/demographics/", body, format="json").status_code == 403
    assert manager.get("/api/v1/me/worker-profile/").status_code == 403
    assert APIClient().get("/api/v1/me/demographics/").status_code == 401
    assert APIClient().put("/api/v1/me/worker-profile/", {}, format="json").status_code == 401
    assert snapshot() == before


def test_create_refuses_anonymous_and_staff() -> None:
    program, manager, credential = funded_setup()
    body = {"program": program.code, "credential": credential.pk, "amount_requested": "100.00"}
    before = snapshot()
    assert APIClient().post(BASE, body, format="json").status_code == 401
    assert client_for(manager).post(BASE, body, format="json").status_code == 403
    assert APIClient().get(BASE).status_code == 401
    assert snapshot() == before


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_race_concurrent_approvals_never_overcommit_the_budget() -> None:
    program, manager, credential = funded_setup(budget=Decimal("6000.00"), cost=Decimal("1000.00"))
    applications = []
    for _index in range(10):
        worker = worker_with_profile()
        application = services.application_create(
            actor=worker, program=program, credential=credential, amount_requested="1000.00"
        )
        services.application_submit(actor=worker, application=application)
        applications.append(services.application_begin_review(actor=manager, application=application))
    managers = [manager]
    for _index in range(9):
        colleague = user_with_role(Role.PROGRAM_MANAGER)
        program.managers.add(colleague)
        managers.append(colleague)

    barrier = threading.Barrier(10)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def approve(actor: User, application: Application) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            try:
                services.application_approve(actor=User.objects.get(pk=actor.pk), application=application)
                result = ("approved", "")
            except ValidationError as error:
                result = ("refused", " ".join(error.messages))
            with lock:
                outcomes.append(result)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=approve, args=(actor, application))
        for actor, application in zip(managers, applications, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 10
    assert [kind for kind, _message in outcomes].count("approved") == 6
    refusals = [message for kind, message in outcomes if kind == "refused"]
    assert len(refusals) == 4
    assert all("budget" in message.lower() for message in refusals), refusals
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 6
    assert Application.objects.filter(status=Application.Status.IN_REVIEW).count() == 4
    budget = ProgramBudget.objects.get(program=program)
    awarded = sum(Application.objects.filter(status="approved").values_list("amount_awarded", flat=True))
    assert budget.committed == awarded == Decimal("6000.00")
    assert ledger_reconcile() == []
