"""An award's pages after approval: enrolment, completion claims, cancellation and outcome questions for the
applicant; verification, rejection, cancellation and verified outcomes for staff; the award sections of
both application pages, the worker's home page and the queue's round filter."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core import openbadges
from grants.applications import services
from grants.awards.outcomes import outcome_report, outcome_verify
from grants.awards.services import completion_claim, completion_reject, completion_verify
from grants.models import Application, ApplicationEvent, CompletionClaim, Outcome, OutcomeFollowUp
from programs.services import badge_issuer_register
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    approved_application,
    claimed_application,
    enrolled_application,
    finance_officer,
    paid_application,
    pdf_upload,
    verified_application,
)

pytestmark = pytest.mark.django_db

S = Application.Status
SIGN_IN = "/accounts/sign-in/"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def field_error(html: str, field_id: str) -> str:
    """The inline error text shown beside one field ("" when there is none)."""
    match = re.search(rf'id="{field_id}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def detail(application: Application) -> str:
    return reverse("grants:application_detail", args=[application.pk])


def state(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.events.count(),
        application.claims.count(),
        application.outcomes.count(),
        application.documents.count(),
        OutcomeFollowUp.objects.filter(application=application, answered_at__isnull=False).count(),
    )


# ---------------------------------------------------------------- badges


def _issuer_keys() -> tuple[dict, str]:
    private, public = openbadges.generate_ed25519_jwk()
    return private, openbadges.did_key_for(public)


def _badge(application: Application, did: str, private: dict, *, form: str = "jwt") -> str:
    credential = openbadges.build_badge(
        issuer_id=did,
        issuer_name="Provider",
        recipient_email=application.applicant.email,
        salt="pepper",
        achievement_id=application.credential.badge_achievement_id,
        achievement_name=application.credential.title,
        valid_from=datetime.now(UTC) - timedelta(days=1),
        valid_until=None,
        credential_id=f"urn:uuid:badge-{application.pk}",
    )
    method = f"{did}#{did.removeprefix('did:key:')}"
    if form == "jwt":
        return openbadges.sign_badge_jwt(credential, private_jwk=private, kid=method)
    signed = openbadges.sign_badge_data_integrity(
        credential, private_jwk=private, verification_method=method, created=datetime.now(UTC)
    )
    return json.dumps(signed)


def _register(application: Application, did: str) -> None:
    credential = application.credential
    credential.badge_achievement_id = f"https://provider.example/achievements/{credential.pk}"
    credential.save(update_fields=["badge_achievement_id"])
    badge_issuer_register(
        actor=user_with_role(Role.PROGRAM_MANAGER), provider=credential.provider, issuer_id=did
    )


def _tamper(token: str) -> str:
    import base64

    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["credentialSubject"]["achievement"]["name"] = "Something grander"
    changed = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


# ---------------------------------------------------------------- anonymous callers


def test_every_award_page_sends_anonymous_callers_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    application, claim, _manager = claimed_application()
    follow_up = OutcomeFollowUp.objects.create(
        application=application, quarter_after_completion=2, due_on=TODAY
    )
    before = state(application)
    urls = [
        reverse("grants:award_enrol", args=[application.pk]),
        reverse("grants:award_claim", args=[application.pk]),
        reverse("grants:award_cancel", args=[application.pk]),
        reverse("grants:outcome_report", args=[application.pk]),
        reverse("grants:outcome_answer", args=[application.pk, follow_up.pk]),
        reverse("grants:staff_claim_verify", args=[application.pk, claim.pk]),
        reverse("grants:staff_claim_reject", args=[application.pk, claim.pk]),
        reverse("grants:staff_award_cancel", args=[application.pk]),
        reverse("grants:staff_outcome_verify", args=[application.pk]),
    ]
    for url in urls:
        for response in (client.get(url), client.post(url, {"reason": "x", "confirm": "on"})):
            assert response.status_code == 302
            assert response["Location"].startswith(SIGN_IN)
    assert state(application) == before


# ---------------------------------------------------------------- enrolment


def test_applicant_confirms_enrolment(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = approved_application()
    client.force_login(application.applicant)
    body = page(client.get(detail(application)))
    assert "Your award" in body
    assert reverse("grants:award_enrol", args=[application.pk]) in body
    assert "Confirm your enrolment" in page(client.get(reverse("grants:award_enrol", args=[application.pk])))
    response = client.post(
        reverse("grants:award_enrol", args=[application.pk]), {"training_start_date": TODAY.isoformat()}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.training_start_date) == (S.ENROLLED, TODAY)
    body = page(client.get(detail(application)))
    assert "You have confirmed your enrolment on the course." in body
    assert reverse("grants:award_claim", args=[application.pk]) in body


@pytest.mark.parametrize("value", ["2026-13-45", "not a date", ""])
def test_a_bad_start_date_is_shown_inline_and_changes_nothing(client, value: str) -> None:  # type: ignore[no-untyped-def]
    application, _manager = approved_application()
    before = state(application)
    client.force_login(application.applicant)
    response = client.post(
        reverse("grants:award_enrol", args=[application.pk]), {"training_start_date": value}
    )
    assert response.status_code == 200
    assert field_error(page(response), "id_training_start_date")
    assert "There is a problem" in page(response)
    assert state(application) == before


def test_a_start_after_the_deadline_is_refused_by_the_service_inline(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = approved_application()
    before = state(application)
    client.force_login(application.applicant)
    late = application.training_deadline + timedelta(days=1)
    response = client.post(
        reverse("grants:award_enrol", args=[application.pk]), {"training_start_date": late.isoformat()}
    )
    assert "cannot start after it" in field_error(page(response), "id_training_start_date")
    assert state(application) == before


def test_other_parties_cannot_enrol(client) -> None:  # type: ignore[no-untyped-def]
    application, manager = approved_application()
    before = state(application)
    url = reverse("grants:award_enrol", args=[application.pk])
    for caller in (user_with_role(Role.WORKER), manager, finance_officer()):
        client.force_login(caller)
        assert client.get(url).status_code == 404
        assert client.post(url, {"training_start_date": TODAY.isoformat()}).status_code == 404
    assert state(application) == before


# ---------------------------------------------------------------- completion claims


def test_applicant_claims_completion_with_a_certificate(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    client.force_login(application.applicant)
    url = reverse("grants:award_claim", args=[application.pk])
    form_page = page(client.get(url))
    assert 'name="certificate"' in form_page
    assert 'name="badge"' in form_page  # certificate or badge by default
    assert 'name="invoice"' not in form_page
    assert 'name="annual_wage"' not in form_page
    assert 'name="employed_through"' not in form_page
    response = client.post(url, {"completed_on": TODAY.isoformat(), "certificate": pdf_upload()})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.COMPLETION_CLAIMED
    body = page(client.get(detail(application)))
    assert "Waiting for verification" in body


def test_the_claim_form_asks_only_for_what_the_program_needs(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    program = application.program
    program.claim_evidence = ["certificate", "invoice", "proof_of_payment"]
    program.wage_floor = "30000.00"
    program.save(update_fields=["claim_evidence", "wage_floor"])
    client.force_login(application.applicant)
    body = page(client.get(reverse("grants:award_claim", args=[application.pk])))
    for name in ("certificate", "invoice", "invoice_amount", "proof_of_payment", "annual_wage"):
        assert f'name="{name}"' in body
    assert 'name="badge"' not in body
    assert "The provider&#x27;s invoice and the amount on it." in body or "invoice and the amount" in body
    assert "30,000.00" in body


def test_missing_evidence_is_shown_inline_and_changes_nothing(client, media_root) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    before = state(application)
    client.force_login(application.applicant)
    response = client.post(
        reverse("grants:award_claim", args=[application.pk]), {"completed_on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert "Upload the certificate or paste the Open Badges credential." in field_error(
        page(response), "id_certificate"
    )
    assert state(application) == before
    assert not list(media_root.rglob("*.pdf"))


def test_a_future_completion_date_is_refused_inline(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    before = state(application)
    client.force_login(application.applicant)
    response = client.post(
        reverse("grants:award_claim", args=[application.pk]),
        {"completed_on": (TODAY + timedelta(days=3)).isoformat(), "certificate": pdf_upload()},
    )
    assert "cannot be in the future" in field_error(page(response), "id_completed_on")
    assert state(application) == before


def test_a_tampered_badge_names_the_failing_check_on_the_badge_field(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    private, did = _issuer_keys()
    _register(application, did)
    before = state(application)
    client.force_login(application.applicant)
    response = client.post(
        reverse("grants:award_claim", args=[application.pk]),
        {"completed_on": TODAY.isoformat(), "badge": _tamper(_badge(application, did, private))},
    )
    assert response.status_code == 200
    assert "“signature”" in field_error(page(response), "id_badge")
    assert state(application) == before


def test_a_badge_uploaded_as_a_file_is_verified_and_staff_see_every_check(client) -> None:  # type: ignore[no-untyped-def]
    application, manager = enrolled_application()
    private, did = _issuer_keys()
    _register(application, did)
    client.force_login(application.applicant)
    upload = SimpleUploadedFile(
        "badge.json", _badge(application, did, private, form="data_integrity").encode(), "application/json"
    )
    response = client.post(
        reverse("grants:award_claim", args=[application.pk]),
        {"completed_on": TODAY.isoformat(), "badge_file": upload},
    )
    assert response.status_code == 302
    claim = application.claims.get()
    assert claim.badge_verified is True
    client.force_login(manager)
    body = page(client.get(detail(application)))
    assert "Checks of the badge" in body
    for check in claim.badge_checks["checks"]:
        row = re.search(rf'<tr data-check="{check["name"]}">(.*?)</tr>', body, re.S)
        assert row is not None
        assert ("Passed" if check["passed"] else "Failed") in row.group(1)
    assert "Embedded proof (Data Integrity)" in body
    assert did in body
    assert "Overall verdict:" in body


def test_pasting_and_uploading_a_badge_together_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    before = state(application)
    client.force_login(application.applicant)
    response = client.post(
        reverse("grants:award_claim", args=[application.pk]),
        {
            "completed_on": TODAY.isoformat(),
            "badge": "eyJ.x.y",
            "badge_file": SimpleUploadedFile("badge.jwt", b"eyJ.x.y"),
        },
    )
    assert "not both" in field_error(page(response), "id_badge")
    response = client.post(
        reverse("grants:award_claim", args=[application.pk]),
        {"completed_on": TODAY.isoformat(), "badge_file": SimpleUploadedFile("badge.exe", b"MZ")},
    )
    assert ".json or .jwt" in field_error(page(response), "id_badge_file")
    assert state(application) == before


def test_other_parties_cannot_claim(client) -> None:  # type: ignore[no-untyped-def]
    application, manager = enrolled_application()
    before = state(application)
    url = reverse("grants:award_claim", args=[application.pk])
    for caller in (user_with_role(Role.WORKER), manager):
        client.force_login(caller)
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"completed_on": TODAY.isoformat(), "certificate": pdf_upload()}).status_code
            == 404
        )
    assert state(application) == before


# ---------------------------------------------------------------- cancellation by the applicant


def test_applicant_cancels_an_award_before_claiming(client) -> None:  # type: ignore[no-untyped-def]
    application, _manager = enrolled_application()
    client.force_login(application.applicant)
    url = reverse("grants:award_cancel", args=[application.pk])
    before = state(application)
    response = client.post(url, {"cancel-reason": "Moved away"})  # not confirmed
    assert response.status_code == 200
    assert "Confirm that you want to cancel" in field_error(page(response), "id_cancel-confirm")
    assert state(application) == before
    response = client.post(url, {"cancel-reason": "Moved away", "cancel-confirm": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    assert "This award is cancelled." in page(client.get(detail(application)))


def test_cancelling_after_the_claim_is_not_offered_and_changes_nothing(client) -> None:  # type: ignore[no-untyped-def]
    application, _claim, manager = claimed_application()
    before = state(application)
    client.force_login(application.applicant)
    assert reverse("grants:award_cancel", args=[application.pk]) not in page(client.get(detail(application)))
    response = client.post(
        reverse("grants:award_cancel", args=[application.pk]), {"cancel-reason": "x", "cancel-confirm": "on"}
    )
    assert response.status_code == 302
    assert state(application) == before
    client.force_login(manager)
    assert client.get(reverse("grants:award_cancel", args=[application.pk])).status_code == 404


# ---------------------------------------------------------------- outcome questions


def test_worker_answers_an_open_outcome_question(client) -> None:  # type: ignore[no-untyped-def]
    application, _claim, _manager = verified_application()
    follow_up = application.follow_ups.order_by("quarter_after_completion").first()
    OutcomeFollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY)  # fixture: the question is due
    client.force_login(application.applicant)
    body = page(client.get(detail(application)))
    url = reverse("grants:outcome_answer", args=[application.pk, follow_up.pk])
    assert url in body
    home = page(client.get(reverse("home")))
    assert url in home
    assert "Credentials you have earned" in home
    assert application.credential.title in home
    response = client.post(
        url,
        {
            "outcome-employment_status": "employed",
            "outcome-employer_name": "Acme Works",
            "outcome-annual_wage": "41000.00",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(application=application)
    assert (outcome.source, outcome.employer_name, outcome.quarter_after_completion) == (
        Outcome.Source.SELF_REPORTED,
        "Acme Works",
        follow_up.quarter_after_completion,
    )
    assert url not in page(client.get(reverse("home")))
    assert client.get(url).status_code == 302  # answered: nothing more to ask


def test_worker_reports_an_outcome_unprompted_and_errors_show_inline(client) -> None:  # type: ignore[no-untyped-def]
    application, _payment, _officer = paid_application()
    client.force_login(application.applicant)
    url = reverse("grants:outcome_report", args=[application.pk])
    before = state(application)
    response = client.post(url, {"outcome-employment_status": "employed", "outcome-occupation_code": "bad"})
    assert response.status_code == 200
    html = page(response)
    assert "Name your employer." in field_error(html, "id_outcome-employer_name")
    assert "O*NET-SOC" in field_error(html, "id_outcome-occupation_code")
    assert state(application) == before
    response = client.post(url, {"outcome-employment_status": "unemployed"})
    assert response.status_code == 302
    assert application.outcomes.get().employment_status == "unemployed"


def test_outcome_questions_are_the_workers_alone(client) -> None:  # type: ignore[no-untyped-def]
    application, _claim, manager = verified_application()
    follow_up = application.follow_ups.first()
    before = state(application)
    urls = [
        reverse("grants:outcome_report", args=[application.pk]),
        reverse("grants:outcome_answer", args=[application.pk, follow_up.pk]),
    ]
    data = {"outcome-employment_status": "unemployed"}
    for caller, code in ((user_with_role(Role.WORKER), 404), (manager, 404)):
        client.force_login(caller)
        for url in urls:
            assert client.get(url).status_code == code
            assert client.post(url, data).status_code == code
    other, _claim2, _manager2 = verified_application()
    client.force_login(application.applicant)
    foreign = other.follow_ups.first()
    assert (
        client.post(reverse("grants:outcome_answer", args=[application.pk, foreign.pk]), data).status_code
        == 404
    )
    assert state(application) == before
    assert state(other)[3] == 0


def test_an_employer_who_filed_may_not_answer_for_the_worker(client) -> None:  # type: ignore[no-untyped-def]
    application, _claim, _manager = verified_application()
    employer = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    Application.objects.filter(pk=application.pk).update(filed_by=employer)  # fixture: filed by an employer
    before = state(application)
    client.force_login(employer)
    url = reverse("grants:outcome_report", args=[application.pk])
    assert client.post(url, {"outcome-employment_status": "unemployed"}).status_code == 403
    assert state(application) == before


# ---------------------------------------------------------------- staff: verify, reject, cancel, outcomes


def test_manager_verifies_a_claim(client) -> None:  # type: ignore[no-untyped-def]
    application, claim, manager = claimed_application()
    client.force_login(manager)
    body = page(client.get(detail(application)))
    assert "Verify completion" in body
    assert reverse("grants:document_download", args=[application.pk, claim.certificate_id]) in body
    response = client.post(
        reverse("grants:staff_claim_verify", args=[application.pk, claim.pk]),
        {"verify-note": "Certificate checked"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.COMPLETION_VERIFIED
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == (CompletionClaim.Status.VERIFIED, "Certificate checked")


def test_finance_officer_may_verify_and_sees_finance_links(client) -> None:  # type: ignore[no-untyped-def]
    application, claim, _manager = claimed_application()
    officer = finance_officer()
    client.force_login(officer)
    body = page(client.get(detail(application)))
    assert "Verify completion" in body
    assert reverse("grants:payment_list") in body
    response = client.post(reverse("grants:staff_claim_verify", args=[application.pk, claim.pk]), {})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.COMPLETION_VERIFIED


def test_manager_rejects_a_claim_with_a_reason_the_applicant_reads(client) -> None:  # type: ignore[no-untyped-def]
    application, claim, manager = claimed_application()
    client.force_login(manager)
    url = reverse("grants:staff_claim_reject", args=[application.pk, claim.pk])
    before = state(application)
    response = client.post(url, {"reject_claim-reason": ""})
    assert response.status_code == 200
    assert "Say why" in field_error(page(response), "id_reject_claim-reason")
    assert state(application) == before
    assert client.post(url, {"reject_claim-reason": "The certificate is unreadable."}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.ENROLLED
    client.force_login(application.applicant)
    body = page(client.get(detail(application)))
    assert "The certificate is unreadable." in body
    assert "Not accepted" in body


def test_staff_actions_refuse_the_wrong_people_and_change_nothing(client) -> None:  # type: ignore[no-untyped-def]
    application, claim, _manager = claimed_application()
    other_manager = user_with_role(Role.PROGRAM_MANAGER)
    reviewer = user_with_role(Role.REVIEWER)
    before = state(application)
    verify = reverse("grants:staff_claim_verify", args=[application.pk, claim.pk])
    reject = reverse("grants:staff_claim_reject", args=[application.pk, claim.pk])
    cancel = reverse("grants:staff_award_cancel", args=[application.pk])
    outcome = reverse("grants:staff_outcome_verify", args=[application.pk])
    posts = [
        (verify, {}),
        (reject, {"reject_claim-reason": "no"}),
        (cancel, {"cancel-reason": "no"}),
        (outcome, {"outcome-employment_status": "unemployed"}),
    ]
    for caller in (other_manager, reviewer, user_with_role(Role.WORKER)):
        client.force_login(caller)
        for url, data in posts:
            assert client.post(url, data).status_code == 404
    client.force_login(application.applicant)  # the applicant is not staff: refused
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    client.force_login(finance_officer())  # finance may verify but not cancel or record outcomes
    assert client.post(cancel, {"cancel-reason": "no"}).status_code == 403
    assert client.post(outcome, {"outcome-employment_status": "unemployed"}).status_code == 403
    assert client.get(verify).status_code == 405
    assert state(application) == before
    # A claim of another award is not found through this one.
    other, other_claim, other_manager2 = claimed_application()
    client.force_login(other_manager2)
    assert client.post(reverse("grants:staff_claim_verify", args=[other.pk, claim.pk]), {}).status_code == 404
    assert state(application) == before


def test_manager_cancels_an_award_with_a_reason(client) -> None:  # type: ignore[no-untyped-def]
    application, _claim, manager = claimed_application()
    client.force_login(manager)
    url = reverse("grants:staff_award_cancel", args=[application.pk])
    before = state(application)
    response = client.post(url, {"cancel-reason": " "})
    assert response.status_code == 200
    assert field_error(page(response), "id_cancel-reason")
    assert state(application) == before
    assert client.post(url, {"cancel-reason": "Provider closed"}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.CANCELLED


def test_manager_records_a_verified_outcome_the_applicant_does_not_see(client) -> None:  # type: ignore[no-untyped-def]
    application, _claim, manager = verified_application()
    services.staff_comment_add(actor=manager, application=application, body="Internal remark about the file")
    client.force_login(manager)
    url = reverse("grants:staff_outcome_verify", args=[application.pk])
    response = client.post(
        url,
        {
            "outcome-employment_status": "employed",
            "outcome-employer_name": "Checked Employer Ltd",
            "outcome-annual_wage": "52000.00",
            "outcome-quarter_after_completion": "2",
        },
    )
    assert response.status_code == 302
    outcome = application.outcomes.get()
    assert (outcome.source, outcome.quarter_after_completion) == (Outcome.Source.VERIFIED, 2)
    staff_body = page(client.get(detail(application)))
    assert "Checked Employer Ltd" in staff_body
    assert "Verified by staff" in staff_body
    client.force_login(application.applicant)
    body = page(client.get(detail(application)))
    assert "Checked Employer Ltd" not in body
    assert "Internal remark" not in body
    assert "Verified outcome recorded" not in body
    assert ApplicationEvent.objects.filter(application=application, action="outcome_verified").exists()


def test_applicant_sees_payment_and_clawback_with_reason(client) -> None:  # type: ignore[no-untyped-def]
    from grants.payments.services import clawback_record

    application, payment, officer = paid_application()
    clawback_record(
        actor=officer,
        application=application,
        amount="100.00",
        reason_code="overpayment",
        explanation="The provider refunded part of the fee.",
    )
    client.force_login(application.applicant)
    body = page(client.get(detail(application)))
    assert payment.reference in body
    assert "Money recovered" in body
    assert "Paid more than was due" in body
    assert "The provider refunded part of the fee." in body
    client.force_login(officer)
    staff_body = page(client.get(detail(application)))
    assert reverse("grants:payment_detail", args=[payment.pk]) in staff_body
    assert "The provider refunded part of the fee." in staff_body


# ---------------------------------------------------------------- query counts


def _award_with(size: int) -> Application:
    """A paid-looking award with `size` claims, outcomes and (through them) events."""
    application, _manager = enrolled_application()
    manager = application.program.managers.first()
    for _round in range(size - 1):
        claim = completion_claim(
            actor=application.applicant, application=application, completed_on=TODAY, certificate=pdf_upload()
        )
        completion_reject(actor=manager, claim=claim, reason="Blurred scan")
    claim = completion_claim(
        actor=application.applicant, application=application, completed_on=TODAY, certificate=pdf_upload()
    )
    completion_verify(actor=manager, claim=claim)
    for _index in range(size):
        outcome_report(actor=application.applicant, application=application, employment_status="unemployed")
        outcome_verify(
            actor=manager, application=application, employment_status="employed", employer_name="Acme"
        )
    application.refresh_from_db()
    return application


def _queries(client, user, application: Application) -> int:  # type: ignore[no-untyped-def]
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(application))
    assert response.status_code == 200
    return len(queries)


def test_application_pages_query_count_does_not_grow(client) -> None:  # type: ignore[no-untyped-def]
    small, large = _award_with(1), _award_with(5)
    assert large.claims.count() == 5
    assert large.outcomes.count() == 10
    assert _queries(client, small.applicant, small) == _queries(client, large.applicant, large)
    small_manager = small.program.managers.first()
    large_manager = large.program.managers.first()
    assert _queries(client, small_manager, small) == _queries(client, large_manager, large)


def test_worker_home_query_count_does_not_grow(client) -> None:  # type: ignore[no-untyped-def]
    def home_queries(size: int) -> int:
        worker = user_with_role(Role.WORKER)
        for _index in range(size):
            application, _claim, _manager = verified_application(worker=worker)
            OutcomeFollowUp.objects.filter(application=application).update(due_on=TODAY)  # fixture: due now
        client.force_login(worker)
        with CaptureQueriesContext(connection) as queries:
            body = page(client.get(reverse("home")))
        assert "Credentials you have earned" in body
        assert "Outcome questions for you" in body
        return len(queries)

    assert home_queries(1) == home_queries(3)


# ---------------------------------------------------------------- the queue


def test_queue_round_filter_is_a_select_of_visible_rounds(client) -> None:  # type: ignore[no-untyped-def]
    application, manager = approved_application()
    other, _other_manager = approved_application()
    client.force_login(manager)
    body = page(client.get(reverse("grants:queue")))
    assert '<select name="funding_round"' in body
    assert f"{application.program.code}: {application.funding_round.name}" in body
    assert f"{other.program.code}: {other.funding_round.name}" not in body
    response = client.get(reverse("grants:queue"), {"funding_round": application.funding_round_id})
    assert response.status_code == 200
    assert application.reference in page(response)
    assert client.get(reverse("grants:queue"), {"funding_round": other.funding_round_id}).status_code == 400
    assert client.get(reverse("grants:queue"), {"funding_round": "x"}).status_code == 400
    response = client.get(reverse("grants:queue"), {"status": ["enrolled", "approved"]})
    assert "Enrolled in training" in page(response)
