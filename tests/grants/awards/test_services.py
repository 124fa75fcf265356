"""Enrolment, completion claims (certificates and Open Badges), verification, cancellation and expiry."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from core import openbadges
from core.exceptions import Conflict, NotAllowed
from grants.awards.services import (
    award_cancel,
    award_enrol,
    awards_expire_due,
    completion_claim,
    completion_reject,
    completion_verify,
)
from grants.models import Application, CompletionClaim, OutcomeFollowUp
from programs.models import BadgeIssuer, LedgerEntry
from programs.services import badge_issuer_register
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    approved_application,
    claimed_application,
    enrolled_application,
    finance_officer,
    pdf_upload,
    verified_application,
    worker_with_profile,
)

pytestmark = pytest.mark.django_db
S = Application.Status
TODAY = timezone.localdate()


def _budget(application: Application):  # type: ignore[no-untyped-def]
    budget = application.program.budget
    budget.refresh_from_db()
    return budget


# ---------------------------------------------------------------- approval sets the training deadline


def test_approval_sets_the_training_deadline_from_the_program_window() -> None:
    application, _manager = approved_application()
    window = application.program.training_window_months
    assert application.training_deadline is not None
    months = (
        (application.training_deadline.year - TODAY.year) * 12
        + application.training_deadline.month
        - TODAY.month
    )
    assert months == window


# ---------------------------------------------------------------- enrolment


def test_applicant_confirms_enrolment_with_an_event() -> None:
    application, _manager = approved_application()
    enrolled = award_enrol(
        actor=application.applicant, application=application, training_start_date=TODAY.isoformat()
    )
    assert enrolled.status == S.ENROLLED
    assert enrolled.training_start_date == TODAY
    event = enrolled.events.get(action="enrolled")
    assert (event.from_status, event.to_status) == (S.APPROVED, S.ENROLLED)


@pytest.mark.parametrize("who", ["other_worker", "manager", "finance"])
def test_only_the_applicant_confirms_enrolment(who: str) -> None:
    application, manager = approved_application()
    actor = {"other_worker": worker_with_profile(), "manager": manager, "finance": finance_officer()}[who]
    with pytest.raises(NotAllowed):
        award_enrol(actor=actor, application=application, training_start_date=TODAY)
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_enrolment_dates_are_checked() -> None:
    application, _manager = approved_application()
    with pytest.raises(ValidationError) as error:
        award_enrol(
            actor=application.applicant,
            application=application,
            training_start_date=application.training_deadline + timedelta(days=1),
        )
    assert "training_start_date" in error.value.message_dict
    with pytest.raises(ValidationError):
        award_enrol(actor=application.applicant, application=application, training_start_date="31/12/2026")
    with pytest.raises(ValidationError):
        award_enrol(
            actor=application.applicant,
            application=application,
            training_start_date=TODAY - timedelta(days=400),
        )
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_enrolment_is_refused_twice() -> None:
    application, _manager = enrolled_application()
    with pytest.raises(Conflict):
        award_enrol(actor=application.applicant, application=application, training_start_date=TODAY)


# ---------------------------------------------------------------- claims


def test_claim_with_a_certificate() -> None:
    application, _manager = enrolled_application()
    claim = completion_claim(
        actor=application.applicant, application=application, completed_on=TODAY, certificate=pdf_upload()
    )
    application.refresh_from_db()
    assert application.status == S.COMPLETION_CLAIMED
    assert claim.status == CompletionClaim.Status.SUBMITTED
    assert claim.certificate is not None
    assert claim.certificate.kind == "certificate"
    assert claim.badge_verified is None


def test_claim_needs_the_evidence_and_changes_nothing_without_it() -> None:
    application, _manager = enrolled_application()
    with pytest.raises(ValidationError) as error:
        completion_claim(actor=application.applicant, application=application, completed_on=TODAY)
    assert "certificate" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == S.ENROLLED
    assert not application.claims.exists()


def test_claim_refuses_a_renamed_executable_as_certificate() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    application, _manager = enrolled_application()
    fake = SimpleUploadedFile(
        "certificate.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=application.applicant, application=application, completed_on=TODAY, certificate=fake
        )
    assert "certificate" in error.value.message_dict
    assert not application.documents.filter(kind="certificate").exists()


def test_claim_dates_are_checked() -> None:
    application, _manager = enrolled_application()
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=application.applicant,
            application=application,
            completed_on=TODAY + timedelta(days=1),
            certificate=pdf_upload(),
        )
    assert "completed_on" in error.value.message_dict


def test_claim_after_the_programs_deadline_is_refused() -> None:
    application, _manager = enrolled_application()
    program = application.program
    program.claim_deadline_weeks = 6
    program.save(update_fields=["claim_deadline_weeks"])
    application.training_start_date = TODAY - timedelta(weeks=20)
    application.save(update_fields=["training_start_date"])
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=application.applicant,
            application=application,
            completed_on=TODAY - timedelta(weeks=7),
            certificate=pdf_upload(),
        )
    assert "due" in " ".join(error.value.message_dict["completed_on"])
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=TODAY - timedelta(weeks=5),
        certificate=pdf_upload(),
    )
    assert claim.pk


def test_wage_floor_and_invoice_rules() -> None:
    application, _manager = enrolled_application()
    program = application.program
    program.wage_floor = Decimal("40000.00")
    program.claim_evidence = ["certificate", "invoice"]
    program.save(update_fields=["wage_floor", "claim_evidence"])
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=application.applicant,
            application=application,
            completed_on=TODAY,
            certificate=pdf_upload(),
            annual_wage="35000",
        )
    assert set(error.value.message_dict) >= {"annual_wage", "invoice", "invoice_amount"}
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=TODAY,
        certificate=pdf_upload(),
        invoice=pdf_upload("invoice.pdf"),
        invoice_amount="1200.00",
        annual_wage="45000",
    )
    assert claim.invoice_amount == Decimal("1200.00")
    assert claim.annual_wage == Decimal("45000.00")


def test_retention_claims_come_from_the_employer() -> None:
    application, _manager = enrolled_application()
    program = application.program
    program.retention_period_months = 6
    program.save(update_fields=["retention_period_months"])
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=application.applicant, application=application, completed_on=TODAY, certificate=pdf_upload()
        )
    assert "employed_through" in error.value.message_dict


def test_only_the_applicant_claims() -> None:
    application, manager = enrolled_application()
    for actor in (manager, worker_with_profile(), finance_officer()):
        with pytest.raises(NotAllowed):
            completion_claim(
                actor=actor, application=application, completed_on=TODAY, certificate=pdf_upload()
            )


def test_claim_is_refused_before_enrolment() -> None:
    application, _manager = approved_application()
    with pytest.raises(Conflict):
        completion_claim(
            actor=application.applicant, application=application, completed_on=TODAY, certificate=pdf_upload()
        )


# ---------------------------------------------------------------- badges


@pytest.fixture
def issuer_keys():  # type: ignore[no-untyped-def]
    private, public = openbadges.generate_ed25519_jwk()
    return private, public, openbadges.did_key_for(public)


def _badge_for(
    application: Application,
    issuer_did: str,
    private: dict,
    *,
    email: str | None = None,
    achievement_id: str | None = None,
    valid_until: datetime | None = None,
    form: str = "jwt",
) -> str:
    import json

    credential = openbadges.build_badge(
        issuer_id=issuer_did,
        issuer_name="Provider",
        recipient_email=email or application.applicant.email,
        salt="pepper",
        achievement_id=achievement_id or application.credential.badge_achievement_id,
        achievement_name=application.credential.title,
        valid_from=datetime.now(UTC) - timedelta(days=1),
        valid_until=valid_until,
        credential_id=f"urn:uuid:badge-{application.pk}",
    )
    method = f"{issuer_did}#{issuer_did.removeprefix('did:key:')}"
    if form == "jwt":
        return openbadges.sign_badge_jwt(credential, private_jwk=private, kid=method)
    signed = openbadges.sign_badge_data_integrity(
        credential, private_jwk=private, verification_method=method, created=datetime.now(UTC)
    )
    return json.dumps(signed)


def _registered(application: Application, issuer_did: str) -> None:
    credential = application.credential
    credential.badge_achievement_id = f"https://provider.example/achievements/{credential.pk}"
    credential.save(update_fields=["badge_achievement_id"])
    catalog_manager = user_with_role(Role.PROGRAM_MANAGER)
    badge_issuer_register(actor=catalog_manager, provider=credential.provider, issuer_id=issuer_did)


@pytest.mark.parametrize("form", ["jwt", "data_integrity"])
def test_claim_with_a_valid_badge_is_verified_and_checks_are_stored(issuer_keys, form: str) -> None:  # type: ignore[no-untyped-def]
    private, _public, did = issuer_keys
    application, manager = enrolled_application()
    _registered(application, did)
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=TODAY,
        badge=_badge_for(application, did, private, form=form),
    )
    assert claim.badge_verified is True
    names = {check["name"] for check in claim.badge_checks["checks"]}
    assert {"signature", "recipient", "achievement", "validity", "issuer"} <= names
    verified = completion_verify(actor=manager, claim=claim)
    assert verified.status == CompletionClaim.Status.VERIFIED
    assert verified.badge_verified is True


@pytest.mark.parametrize(
    ("case", "check"),
    [
        ("tampered", "signature"),
        ("wrong_recipient", "recipient"),
        ("unrelated", "achievement"),
        ("expired", "validity"),
        ("unregistered", "issuer"),
        ("malformed", "format"),
    ],
)
def test_a_bad_badge_is_refused_naming_the_check_and_nothing_is_stored(
    issuer_keys, case: str, check: str
) -> None:  # type: ignore[no-untyped-def]
    private, _public, did = issuer_keys
    application, _manager = enrolled_application()
    if case != "unregistered":
        _registered(application, did)
    else:
        credential = application.credential
        credential.badge_achievement_id = "https://provider.example/a/1"
        credential.save(update_fields=["badge_achievement_id"])
    badge = {
        "tampered": lambda: _tamper(_badge_for(application, did, private)),
        "wrong_recipient": lambda: _badge_for(application, did, private, email="someone@else.test"),
        "unrelated": lambda: _badge_for(
            application, did, private, achievement_id="https://provider.example/other"
        ),
        "expired": lambda: _badge_for(
            application, did, private, valid_until=datetime.now(UTC) - timedelta(hours=1)
        ),
        "unregistered": lambda: _badge_for(application, did, private),
        "malformed": lambda: "{not json",
    }[case]()
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=application.applicant, application=application, completed_on=TODAY, badge=badge
        )
    assert f"“{check}”" in error.value.message_dict["badge"][0]
    application.refresh_from_db()
    assert application.status == S.ENROLLED
    assert not application.claims.exists()


def _tamper(token: str) -> str:
    import base64
    import json

    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["credentialSubject"]["achievement"]["name"] = "Something grander"
    changed = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


def test_a_revoked_issuer_fails_at_verification(issuer_keys) -> None:  # type: ignore[no-untyped-def]
    from programs.services import badge_issuer_revoke

    private, _public, did = issuer_keys
    application, manager = enrolled_application()
    _registered(application, did)
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=TODAY,
        badge=_badge_for(application, did, private),
    )
    issuer = BadgeIssuer.objects.get(issuer_id=did)
    badge_issuer_revoke(actor=user_with_role(Role.PROGRAM_MANAGER), issuer=issuer)
    with pytest.raises(ValidationError) as error:
        completion_verify(actor=manager, claim=claim)
    assert "“issuer”" in error.value.message_dict["badge"][0]
    claim.refresh_from_db()
    assert claim.status == CompletionClaim.Status.SUBMITTED
    application.refresh_from_db()
    assert application.status == S.COMPLETION_CLAIMED


# ---------------------------------------------------------------- verification


def test_manager_verifies_completion_and_follow_ups_are_planned() -> None:
    application, claim, manager = claimed_application()
    completion_verify(actor=manager, claim=claim, note="Certificate checked with the provider.")
    application.refresh_from_db()
    assert application.status == S.COMPLETION_VERIFIED
    assert application.completed_on == TODAY
    follow_ups = list(
        OutcomeFollowUp.objects.filter(application=application).order_by("quarter_after_completion")
    )
    assert [f.quarter_after_completion for f in follow_ups] == [2, 4]
    assert all(f.due_on > TODAY for f in follow_ups)
    assert follow_ups[1].due_on > follow_ups[0].due_on


def test_finance_officer_may_verify_completion() -> None:
    application, claim, _manager = claimed_application()
    completion_verify(actor=finance_officer(), claim=claim)
    application.refresh_from_db()
    assert application.status == S.COMPLETION_VERIFIED


@pytest.mark.parametrize("who", ["applicant", "reviewer", "other_manager", "official"])
def test_others_cannot_verify_completion(who: str) -> None:
    application, claim, _manager = claimed_application()
    actor = {
        "applicant": application.applicant,
        "reviewer": user_with_role(Role.REVIEWER),
        "other_manager": user_with_role(Role.PROGRAM_MANAGER),
        "official": user_with_role(Role.OFFICIAL),
    }[who]
    with pytest.raises(NotAllowed):
        completion_verify(actor=actor, claim=claim)
    claim.refresh_from_db()
    assert claim.status == CompletionClaim.Status.SUBMITTED


def test_claim_is_decided_once() -> None:
    _application, claim, manager = verified_application()
    with pytest.raises(Conflict):
        completion_verify(actor=manager, claim=claim)
    with pytest.raises(Conflict):
        completion_reject(actor=manager, claim=claim, reason="No")


def test_rejected_claim_returns_to_enrolled_and_can_be_claimed_again() -> None:
    application, claim, manager = claimed_application()
    with pytest.raises(ValidationError):
        completion_reject(actor=manager, claim=claim, reason="  ")
    completion_reject(actor=manager, claim=claim, reason="The certificate is for another course.")
    application.refresh_from_db()
    assert application.status == S.ENROLLED
    event = application.events.get(action="completion_rejected")
    assert event.visibility == "applicant"
    again = completion_claim(
        actor=application.applicant, application=application, completed_on=TODAY, certificate=pdf_upload()
    )
    assert again.status == CompletionClaim.Status.SUBMITTED


# ---------------------------------------------------------------- cancellation


def test_applicant_cancels_an_approved_award_and_the_money_is_released() -> None:
    application, _manager = approved_application()
    committed_before = _budget(application).committed
    award_cancel(actor=application.applicant, application=application, reason="I found a job first.")
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    assert _budget(application).committed == committed_before - application.amount_awarded
    release = LedgerEntry.objects.get(idempotency_key=f"application:{application.pk}:release")
    assert release.amount == application.amount_awarded


def test_applicant_cannot_cancel_after_claiming_but_the_manager_can() -> None:
    application, _claim, manager = claimed_application()
    with pytest.raises(NotAllowed):
        award_cancel(actor=application.applicant, application=application, reason="Changed my mind")
    award_cancel(actor=manager, application=application, reason="Provider closed")
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    with pytest.raises(Conflict):
        award_cancel(actor=manager, application=application, reason="Again")
    assert (
        LedgerEntry.objects.filter(
            idempotency_key__startswith=f"application:{application.pk}:release"
        ).count()
        == 1
    )


def test_cancel_needs_a_reason_and_a_party() -> None:
    application, _manager = approved_application()
    with pytest.raises(ValidationError):
        award_cancel(actor=application.applicant, application=application, reason="")
    with pytest.raises(NotAllowed):
        award_cancel(actor=worker_with_profile(), application=application, reason="Not mine")
    application.refresh_from_db()
    assert application.status == S.APPROVED


# ---------------------------------------------------------------- expiry


def test_awards_past_their_training_deadline_expire_and_release_funds() -> None:
    approved, _m1 = approved_application()
    enrolled, _m2 = enrolled_application()
    claimed, _claim, _m3 = claimed_application()
    for application in (approved, enrolled, claimed):
        Application.objects.filter(pk=application.pk).update(training_deadline=TODAY - timedelta(days=1))
    committed = {a.pk: _budget(a).committed for a in (approved, enrolled)}
    assert awards_expire_due(today=TODAY) == 2
    for application in (approved, enrolled):
        application.refresh_from_db()
        assert application.status == S.EXPIRED
        assert _budget(application).committed == committed[application.pk] - application.amount_awarded
        assert application.events.filter(action="expired", actor__isnull=True).exists()
    claimed.refresh_from_db()
    assert claimed.status == S.COMPLETION_CLAIMED
    # Running again changes nothing.
    assert awards_expire_due(today=TODAY) == 0
    assert LedgerEntry.objects.filter(kind="release").count() == 2


def test_an_expired_award_frees_the_credential_for_a_new_application() -> None:
    from grants.applications import services

    application, _manager = approved_application()
    Application.objects.filter(pk=application.pk).update(training_deadline=TODAY - timedelta(days=1))
    awards_expire_due(today=TODAY)
    again, manager = (
        services.application_create(
            actor=application.applicant,
            program=application.program,
            credential=application.credential,
            amount_requested="1000.00",
        ),
        application.program.managers.first(),
    )
    again = services.application_submit(actor=application.applicant, application=again)
    again = services.application_begin_review(actor=manager, application=again)
    approved = services.application_approve(actor=manager, application=again)
    assert approved.status == S.APPROVED


def test_expire_command_reports_what_it_did(capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    application, _manager = approved_application()
    Application.objects.filter(pk=application.pk).update(training_deadline=TODAY - timedelta(days=3))
    call_command("expire_awards")
    application.refresh_from_db()
    assert application.status == S.EXPIRED
    assert "1 award(s) expired" in capsys.readouterr().out
