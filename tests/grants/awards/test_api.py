"""The award API end to end through APIClient: enrolment and completion actions on applications, claims,
cancellation, outcomes and follow-ups (payments, batches and clawbacks: tests/grants/payments/test_api.py).
Each endpoint for the four callers, refusals that change nothing, bad input as 400s, and list query counts
at two sizes."""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from core import openbadges
from grants.models import (
    Application,
    OutcomeFollowUp,
)
from programs.services import badge_issuer_register
from tests.accounts.factories import user_with_role
from tests.grants.api_support import client_for, other_manager, other_worker, pdf, snapshot
from tests.grants.factories import (
    approved_application,
    claimed_application,
    enrolled_application,
    finance_officer,
    paid_application,
    verified_application,
    worker_with_profile,
)

pytestmark = pytest.mark.django_db
S = Application.Status
TODAY = timezone.localdate()
APPS = "/api/v1/applications/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


# ---------------------------------------------------------------- enrol


def test_enrol_for_each_caller() -> None:
    application, manager = approved_application()
    url = f"{APPS}{application.pk}/enrol/"
    body = {"training_start_date": TODAY.isoformat()}
    before = snapshot()
    assert client_for(None).post(url, body, format="json").status_code == 401
    assert client_for(other_worker()).post(url, body, format="json").status_code == 404
    assert client_for(other_manager()).post(url, body, format="json").status_code == 404
    refused = client_for(manager).post(url, body, format="json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only the applicant can do this."}
    assert snapshot() == before
    response = client_for(application.applicant).post(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "enrolled"
    assert response.json()["training_start_date"] == TODAY.isoformat()
    assert response.json()["amount_paid"] == "0.00"
    again = client_for(application.applicant).post(url, body, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "training_start_date"),
        ({"training_start_date": "2026-02-30"}, "training_start_date"),
        ({"training_start_date": "99999-01-01"}, "training_start_date"),
        ({"training_start_date": 20260101}, "training_start_date"),
        ({"training_start_date": (TODAY - timedelta(days=400)).isoformat()}, "training_start_date"),
        ({"training_start_date": (TODAY + timedelta(days=3000)).isoformat()}, "training_start_date"),
        ({"training_start_date": TODAY.isoformat(), "status": "paid"}, "status"),
    ],
)
def test_enrol_refuses_bad_input_changing_nothing(body: dict, field: str) -> None:
    application, _manager = approved_application()
    before = snapshot()
    response = client_for(application.applicant).post(f"{APPS}{application.pk}/enrol/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


# ---------------------------------------------------------------- claim completion


def test_claim_completion_for_each_caller() -> None:
    application, manager = enrolled_application()
    url = f"{APPS}{application.pk}/claim-completion/"

    def body() -> dict[str, Any]:
        return {"completed_on": TODAY.isoformat(), "certificate": pdf()}

    before = snapshot()
    assert client_for(None).post(url, body(), format="multipart").status_code == 401
    assert client_for(other_worker()).post(url, body(), format="multipart").status_code == 404
    assert client_for(manager).post(url, body(), format="multipart").status_code == 403
    assert client_for(finance_officer()).post(url, body(), format="multipart").status_code == 403
    assert snapshot() == before
    response = client_for(application.applicant).post(url, body(), format="multipart")
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["status"] == "submitted"
    assert claim["certificate"]["original_name"] == "certificate.pdf"
    assert claim["badge_checks"] is None
    assert claim["has_badge"] is False
    application.refresh_from_db()
    assert application.status == S.COMPLETION_CLAIMED
    again = client_for(application.applicant).post(url, body(), format="multipart")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"completed_on": "not a date"}, "completed_on"),
        ({"completed_on": (TODAY + timedelta(days=2)).isoformat()}, "completed_on"),
        ({"invoice_amount": "-5.00"}, "invoice_amount"),
        ({"invoice_amount": "1e400"}, "invoice_amount"),
        ({"invoice_amount": "99999999999999999999.00"}, "invoice_amount"),
        ({"annual_wage": "-1"}, "annual_wage"),
        ({"employed_through": "2026-13-01"}, "employed_through"),
        ({"badge": "x" * 300_000}, "badge"),
        ({"badge": "not a credential"}, "badge"),
        (
            {
                "badge_file": SimpleUploadedFile(
                    "badge.json", b"\xff\xfe\xfa", content_type="application/json"
                )
            },
            "badge_file",
        ),
        (
            {"badge_file": SimpleUploadedFile("b.json", b"x" * 300_000, content_type="application/json")},
            "badge_file",
        ),
        ({"badge": "abc", "badge_file": SimpleUploadedFile("b.json", b"abc")}, "badge_file"),
        ({"certificate": SimpleUploadedFile("c.pdf", b"MZ\x90\x00 not a pdf")}, "certificate"),
        ({"status": "paid"}, "status"),
    ],
)
def test_claim_completion_refuses_bad_input_changing_nothing(extra: dict, field: str) -> None:
    application, _manager = enrolled_application()
    body = {"completed_on": TODAY.isoformat(), "certificate": pdf(), **extra}
    before = snapshot()
    response = client_for(application.applicant).post(
        f"{APPS}{application.pk}/claim-completion/", body, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_claim_completion_needs_the_programs_evidence() -> None:
    application, _manager = enrolled_application()
    response = client_for(application.applicant).post(
        f"{APPS}{application.pk}/claim-completion/", {"completed_on": TODAY.isoformat()}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"certificate": ["Upload the certificate or paste the Open Badges credential."]}


def _signed_badge(application: Application) -> str:
    """A real Open Badges 3.0 credential (JWT) from an issuer registered for the credential's provider."""
    private, public = openbadges.generate_ed25519_jwk()
    did = openbadges.did_key_for(public)
    credential = application.credential
    credential.badge_achievement_id = f"https://provider.example/achievements/{credential.pk}"
    credential.save(update_fields=["badge_achievement_id"])
    badge_issuer_register(
        actor=user_with_role(Role.PROGRAM_MANAGER), provider=credential.provider, issuer_id=did
    )
    badge = openbadges.build_badge(
        issuer_id=did,
        issuer_name="Provider",
        recipient_email=application.applicant.email,
        salt="pepper",
        achievement_id=credential.badge_achievement_id,
        achievement_name=credential.title,
        valid_from=datetime.now(UTC) - timedelta(days=1),
        valid_until=None,
        credential_id=f"urn:uuid:badge-{application.pk}",
    )
    return openbadges.sign_badge_jwt(badge, private_jwk=private, kid=f"{did}#{did.removeprefix('did:key:')}")


@pytest.mark.parametrize("as_file", [False, True])
def test_claim_with_a_badge_shows_checks_to_staff_only(as_file: bool) -> None:
    application, manager = enrolled_application()
    badge = _signed_badge(application)
    body: dict[str, Any] = {"completed_on": TODAY.isoformat()}
    if as_file:
        body["badge_file"] = SimpleUploadedFile("badge.jwt", badge.encode(), content_type="text/plain")
    else:
        body["badge"] = badge
    response = client_for(application.applicant).post(
        f"{APPS}{application.pk}/claim-completion/", body, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["badge_verified"] is True
    assert response.json()["badge_checks"] is None
    claim_url = f"/api/v1/claims/{response.json()['id']}/"
    staff_view = client_for(manager).get(claim_url).json()
    assert staff_view["badge_checks"]["verified"] is True
    assert staff_view["badge_checks"]["failing_check"] == ""
    assert {check["name"] for check in staff_view["badge_checks"]["checks"]} >= {"signature", "recipient"}
    assert client_for(application.applicant).get(claim_url).json()["badge_checks"] is None


def test_a_tampered_badge_is_refused_naming_the_check() -> None:
    application, _manager = enrolled_application()
    header, payload, signature = _signed_badge(application).split(".")
    # Re-encode the payload with the recipient changed: well-formed, but no longer what was signed.
    padded = payload + "=" * (-len(payload) % 4)
    claims = json.loads(base64.urlsafe_b64decode(padded))
    text = json.dumps(claims).replace(application.applicant.email, "someone@else.test")
    tampered_payload = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    before = snapshot()
    response = client_for(application.applicant).post(
        f"{APPS}{application.pk}/claim-completion/",
        {"completed_on": TODAY.isoformat(), "badge": f"{header}.{tampered_payload}.{signature}"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["badge"][0].startswith("The badge did not pass the “")
    assert snapshot() == before


# ---------------------------------------------------------------- verify, reject, cancel


def test_verify_completion_for_each_caller() -> None:
    application, claim, manager = claimed_application()
    url = f"{APPS}{application.pk}/verify-completion/"
    before = snapshot()
    assert client_for(None).post(url, {}, format="json").status_code == 401
    assert client_for(other_worker()).post(url, {}, format="json").status_code == 404
    assert client_for(other_manager()).post(url, {}, format="json").status_code == 404
    refused = client_for(application.applicant).post(url, {}, format="json")
    assert refused.status_code == 403
    assert client_for(manager).post(url, {"note": 5}, format="json").status_code == 400
    assert client_for(manager).post(url, {"note": "x" * 2001}, format="json").status_code == 400
    assert snapshot() == before
    response = client_for(manager).post(url, {"note": "Certificate checked."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "completion_verified"
    assert response.json()["completed_on"] == TODAY.isoformat()
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == ("verified", "Certificate checked.")
    assert client_for(manager).post(url, {}, format="json").status_code == 409


def test_a_finance_officer_may_verify_completion() -> None:
    application, _claim, _manager = claimed_application()
    response = client_for(finance_officer()).post(
        f"{APPS}{application.pk}/verify-completion/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "completion_verified"


def test_reject_completion_returns_the_award_to_enrolled() -> None:
    application, claim, manager = claimed_application()
    url = f"{APPS}{application.pk}/reject-completion/"
    before = snapshot()
    assert client_for(application.applicant).post(url, {"reason": "x"}, format="json").status_code == 403
    assert client_for(manager).post(url, {}, format="json").status_code == 400
    assert client_for(manager).post(url, {"reason": "   "}, format="json").status_code == 400
    assert snapshot() == before
    response = client_for(manager).post(url, {"reason": "The certificate is illegible."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "enrolled"
    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert client_for(manager).post(url, {"reason": "again"}, format="json").status_code == 409


def test_verify_without_an_open_claim_is_a_conflict() -> None:
    application, manager = enrolled_application()
    response = client_for(manager).post(f"{APPS}{application.pk}/verify-completion/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "No completion claim is waiting for a decision on this award."}


def test_cancel_for_each_caller() -> None:
    application, manager = approved_application()
    url = f"{APPS}{application.pk}/cancel/"
    body = {"reason": "I found a job without the training."}
    before = snapshot()
    assert client_for(None).post(url, body, format="json").status_code == 401
    assert client_for(other_worker()).post(url, body, format="json").status_code == 404
    assert client_for(finance_officer()).post(url, body, format="json").status_code == 403
    assert client_for(application.applicant).post(url, {}, format="json").status_code == 400
    assert snapshot() == before
    response = client_for(application.applicant).post(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert client_for(application.applicant).post(url, body, format="json").status_code == 403
    assert client_for(manager).post(url, body, format="json").status_code == 409


def test_the_applicant_cannot_cancel_once_completion_is_claimed() -> None:
    application, _claim, _manager = claimed_application()
    before = snapshot()
    response = client_for(application.applicant).post(
        f"{APPS}{application.pk}/cancel/", {"reason": "changed my mind"}, format="json"
    )
    assert response.status_code == 403
    assert snapshot() == before


# ---------------------------------------------------------------- claims


def test_claims_are_visible_to_the_applicant_and_staff_who_verify() -> None:
    application, claim, manager = claimed_application()
    url = f"/api/v1/claims/{claim.pk}/"
    assert client_for(None).get("/api/v1/claims/").status_code == 401
    assert client_for(None).get(url).status_code == 401
    stranger = other_worker()
    assert client_for(stranger).get("/api/v1/claims/").json()["count"] == 0
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(other_manager()).get(url).status_code == 404
    reviewer = user_with_role(Role.REVIEWER)
    assert client_for(reviewer).get(url).status_code == 404
    for user in (application.applicant, manager, finance_officer()):
        listed = client_for(user).get("/api/v1/claims/").json()
        assert [row["id"] for row in listed["results"]] == [claim.pk]
        assert client_for(user).get(url).json()["application_reference"] == application.reference
    assert client_for(manager).get("/api/v1/claims/?status=verified").json()["count"] == 0
    assert client_for(manager).get("/api/v1/claims/?status=bogus").status_code == 400
    assert client_for(manager).post("/api/v1/claims/", {}, format="json").status_code == 405


def test_claims_list_query_count_does_not_grow(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    officer = finance_officer()
    client = client_for(officer)
    claimed_application()
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/claims/").json()["count"] == 1
    for _ in range(3):
        claimed_application()
    client = client_for(officer)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/claims/").json()["count"] == 4


# ---------------------------------------------------------------- payments


# ---------------------------------------------------------------- payment batches


# ---------------------------------------------------------------- clawbacks


# ---------------------------------------------------------------- outcomes and follow-ups


def test_worker_reports_an_outcome_answering_a_follow_up() -> None:
    application, _claim, manager = verified_application()
    follow_up = application.follow_ups.order_by("quarter_after_completion").first()
    assert follow_up is not None
    OutcomeFollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY)  # fixture: the question is due now
    worker = application.applicant
    listed = client_for(worker).get("/api/v1/outcome-follow-ups/").json()
    assert [row["id"] for row in listed["results"]] == [follow_up.pk]
    assert client_for(worker).get(f"/api/v1/outcome-follow-ups/{follow_up.pk}/").status_code == 200
    assert client_for(other_worker()).get(f"/api/v1/outcome-follow-ups/{follow_up.pk}/").status_code == 404
    assert client_for(manager).get("/api/v1/outcome-follow-ups/").status_code == 403
    assert client_for(None).get("/api/v1/outcome-follow-ups/").status_code == 401
    body = {
        "application": application.pk,
        "follow_up": follow_up.pk,
        "employment_status": "employed",
        "employer_name": "Acme Welding",
        "occupation_code": "51-4121.00",
        "annual_wage": "52000.00",
        "observed_on": TODAY.isoformat(),
    }
    before = snapshot()
    assert client_for(None).post("/api/v1/outcomes/", body, format="json").status_code == 401
    assert client_for(manager).post("/api/v1/outcomes/", body, format="json").status_code == 403
    stranger_response = client_for(other_worker()).post("/api/v1/outcomes/", body, format="json")
    assert stranger_response.status_code == 400
    assert set(stranger_response.json()) == {"application", "follow_up"}
    assert snapshot() == before
    response = client_for(worker).post("/api/v1/outcomes/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["source"], response.json()["quarter_after_completion"]) == ("self_reported", 2)
    assert client_for(worker).get("/api/v1/outcome-follow-ups/").json()["count"] == 0
    assert client_for(worker).post("/api/v1/outcomes/", body, format="json").status_code == 409
    outcome_url = f"/api/v1/outcomes/{response.json()['id']}/"
    assert client_for(manager).get(outcome_url).status_code == 200
    assert client_for(other_manager()).get(outcome_url).status_code == 404
    assert client_for(other_worker()).get(outcome_url).status_code == 404
    assert client_for(finance_officer()).get(outcome_url).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"employment_status": "astronaut"}, "employment_status"),
        ({"annual_wage": "-1.00"}, "annual_wage"),
        ({"annual_wage": "1e400"}, "annual_wage"),
        ({"observed_on": "2026-02-31"}, "observed_on"),
        ({"observed_on": (TODAY + timedelta(days=5)).isoformat()}, "observed_on"),
        ({"occupation_code": "nope"}, "occupation_code"),
        ({"employer_name": "x" * 201}, "employer_name"),
        ({"source": "verified"}, "source"),
        ({"follow_up": "1"}, "follow_up"),
    ],
)
def test_outcome_refuses_bad_input_changing_nothing(change: dict, field: str) -> None:
    application, _claim, _manager = verified_application()
    body = {"application": application.pk, "employment_status": "employed", "employer_name": "Acme", **change}
    before = snapshot()
    response = client_for(application.applicant).post("/api/v1/outcomes/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_outcome_before_verified_completion_is_a_conflict() -> None:
    application, _manager = enrolled_application()
    body = {"application": application.pk, "employment_status": "unemployed"}
    assert client_for(application.applicant).post("/api/v1/outcomes/", body, format="json").status_code == 409


def test_managers_record_verified_outcomes() -> None:
    application, _claim, manager = verified_application()
    body = {
        "application": application.pk,
        "employment_status": "employed",
        "employer_name": "Acme",
        "quarter_after_completion": 4,
    }
    url = "/api/v1/outcomes/verified/"
    before = snapshot()
    assert client_for(None).post(url, body, format="json").status_code == 401
    assert client_for(application.applicant).post(url, body, format="json").status_code == 403
    assert (
        client_for(other_manager()).post(url, body, format="json").status_code == 400
    )  # not visible to them
    assert (
        client_for(manager).post(url, {**body, "quarter_after_completion": 3}, format="json").status_code
        == 400
    )
    assert snapshot() == before
    response = client_for(manager).post(url, body, format="json")
    assert response.status_code == 201
    assert (response.json()["source"], response.json()["quarter_after_completion"]) == ("verified", 4)
    assert client_for(application.applicant).get("/api/v1/outcomes/").json()["count"] == 1


def test_outcomes_list_query_count(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from grants.awards.outcomes import outcome_verify

    admin = user_with_role(Role.ADMINISTRATOR)
    client = client_for(admin)

    def one() -> None:
        application, _claim, manager = verified_application()
        outcome_verify(actor=manager, application=application, employment_status="unemployed")

    one()
    client = client_for(admin)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/outcomes/").json()["count"] == 1
    one()
    one()
    client = client_for(admin)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/outcomes/").json()["count"] == 3
    assert client.get("/api/v1/outcomes/?source=verified").json()["count"] == 3
    assert client.get("/api/v1/outcomes/?source=").status_code == 400


def test_follow_ups_list_query_count(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    worker = worker_with_profile()
    client = client_for(worker)

    def one() -> None:
        from tests.grants.factories import funded_setup

        program, _manager, credential = funded_setup()
        application, _claim, _m = verified_application(worker=worker, program=program, credential=credential)
        OutcomeFollowUp.objects.filter(application=application).update(due_on=TODAY)  # fixture: due now

    one()
    client = client_for(worker)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/outcome-follow-ups/").json()["count"] == 2
    one()
    client = client_for(worker)  # a fresh user: no roles cached from an earlier request
    with django_assert_num_queries(3):
        assert client.get("/api/v1/outcome-follow-ups/").json()["count"] == 4


# ---------------------------------------------------------------- the application shows the award's fields


def test_application_shows_the_award_fields_read_only() -> None:
    application, _payment, _officer = paid_application()
    client = client_for(application.applicant)
    data = client.get(f"{APPS}{application.pk}/").json()
    assert data["amount_paid"] == "1500.00"
    assert data["amount_clawed_back"] == "0.00"
    assert data["completed_on"] == TODAY.isoformat()
    assert data["training_deadline"] is not None
    assert data["closed_at"] is not None
    assert client.get("/api/v1/").json()["payments"].endswith("/api/v1/payments/")


# ---------------------------------------------------------------- answers without a second read


@pytest.mark.parametrize("broken_read", [False, True])
def test_award_actions_answer_from_the_service_what_a_fresh_read_shows(
    broken_read: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enrol, claim, verify, reject and cancel answer from the service's objects, equal to a fresh read;
    with the read after the commit broken (a connection lost just then), they still answer their success
    (the application API's writes do the same: tests/grants/test_hot_paths.py)."""
    from grants.applications import selectors

    application, manager = approved_application()
    worker = application.applicant
    finance = user_with_role(Role.FINANCE_OFFICER)
    url = f"{APPS}{application.pk}/"

    def fresh(user: Any) -> dict[str, Any]:
        return client_for(user).get(url).json()

    def act(user: Any, action: str, body: dict, fmt: str = "json") -> dict[str, Any]:
        if broken_read:
            monkeypatch.setattr(selectors, "application_detail", _broken)
        try:
            response = client_for(user).post(f"{url}{action}/", body, format=fmt)
        finally:
            monkeypatch.undo()
        assert response.status_code in (200, 201), response.content
        return response.json()

    enrolled = act(worker, "enrol", {"training_start_date": TODAY.isoformat()})
    assert enrolled["status"] == "enrolled"
    assert enrolled == fresh(worker)
    act(worker, "claim-completion", {"completed_on": TODAY.isoformat(), "certificate": pdf()}, "multipart")
    rejected = act(manager, "reject-completion", {"reason": "The certificate is not legible."})
    assert rejected["status"] == "enrolled"
    assert rejected == fresh(manager)
    act(worker, "claim-completion", {"completed_on": TODAY.isoformat(), "certificate": pdf()}, "multipart")
    verified = act(finance, "verify-completion", {"note": "Checked with the college."})
    assert verified["status"] == "completion_verified"
    assert verified == fresh(finance)

    other, other_manager_ = approved_application()
    cancelled = client_for(other_manager_).post(
        f"{APPS}{other.pk}/cancel/", {"reason": "The course was withdrawn."}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json() == client_for(other_manager_).get(f"{APPS}{other.pk}/").json()


def _broken(*args: Any, **kwargs: Any) -> Any:
    from django.db import OperationalError

    raise OperationalError("the connection was lost")
