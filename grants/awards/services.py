"""An award's life after approval: enrolment, completion claims and their verification, cancellation and
expiry. Same rules as grants/applications/services.py: lock the application row, check the transition table
and the caller's permission, write an ApplicationEvent, tell the applicant after commit.

Lock order: application, then program budget (the ledger services take it).

What a completion claim must carry, and the checks on it, are in grants.awards.evidence.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import check_within, parse_date, quarter_after, quarter_start
from core.exceptions import Conflict, NotAllowed, require
from core.openbadges import Verdict
from core.workflow import lock, transition
from grants.applications.workflow import S, lock_application, move_application, store_document, tell_applicant
from grants.awards.evidence import (
    DEFAULT_EVIDENCE,
    MAX_BADGE_LENGTH,
    amount_or_refuse,
    badge_error,
    check_badge,
    check_badge_or_refuse,
    check_claim_deadline,
    check_completion_date,
    check_evidence,
    check_retention,
    check_wage_floor,
    required_evidence,
    trusted_issuers_for,
)
from grants.date_windows import training_start_latest
from grants.models import Application, ApplicationDocument, CompletionClaim, OutcomeFollowUp
from grants.permissions import can_cancel_award, can_verify_completion, is_applicant_side
from programs.services import budget_release

# Follow-ups are asked in the middle of the 2nd and 4th calendar quarter after the quarter of completion.
FOLLOW_UP_QUARTERS = (2, 4)
FOLLOW_UP_OFFSET = timedelta(days=45)


# ---------------------------------------------------------------- enrolment


@transaction.atomic
def award_enrol(*, actor: User, application: Application, training_start_date: Any) -> Application:
    """The applicant confirms enrolment with the provider and the start date.

    Side effects: status enrolled, an event, a notice.
    """
    locked = lock_application(application)
    if not is_applicant_side(actor, locked):
        raise NotAllowed(_("Only the applicant can confirm enrolment."))
    start = parse_date(training_start_date, field="training_start_date")
    if locked.status != S.APPROVED:
        raise Conflict(
            _("Enrolment can be confirmed on an approved award (this one is “%(status)s”).")
            % {"status": locked.get_status_display()}
        )
    earliest = (locked.submitted_at or locked.created_at).date()
    if start < earliest:
        raise ValidationError(
            {"training_start_date": _("The training cannot start before the application was submitted.")}
        )
    if locked.training_deadline and start > locked.training_deadline:
        raise ValidationError(
            {
                "training_start_date": _(
                    "The training must be completed by %(day)s; it cannot start after it."
                )
                % {"day": locked.training_deadline.isoformat()}
            }
        )
    check_within(
        start,
        field="training_start_date",
        earliest=earliest,
        latest=training_start_latest(timezone.localdate()),
    )
    locked.training_start_date, locked.enrolled_at = start, timezone.now()
    move_application(
        locked,
        S.ENROLLED,
        actor=actor,
        action="enrolled",
        payload={"training_start_date": start.isoformat()},
        extra_fields=("training_start_date", "enrolled_at"),
    )
    tell_applicant(
        locked,
        _("Enrolment confirmed for %(ref)s") % {"ref": locked.reference},
        _("When you complete the training, claim completion on the application page by %(day)s.")
        % {"day": locked.training_deadline.isoformat() if locked.training_deadline else "-"},
    )
    return locked


# ---------------------------------------------------------------- completion claims


@transaction.atomic
def completion_claim(
    *,
    actor: User,
    application: Application,
    completed_on: Any,
    certificate: UploadedFile | None = None,
    badge: str = "",
    invoice: UploadedFile | None = None,
    proof_of_payment: UploadedFile | None = None,
    invoice_amount: Any = None,
    annual_wage: Any = None,
    employed_through: Any = None,
) -> CompletionClaim:
    """Claim completion with the evidence the program asks for. A badge is verified now; one that fails
    a check is refused, naming the check, and nothing is stored.

    Side effects: documents stored, a CompletionClaim, status completion_claimed, an event, a notice.
    """
    locked = lock_application(application)
    check_may_claim(actor, locked)
    program, today = locked.program, timezone.localdate()
    completed = parse_date(completed_on, field="completed_on")
    badge = (badge or "").strip()
    errors: dict[str, list[str]] = {}
    check_completion_date(locked, completed, today, errors)
    check_evidence(
        program,
        errors,
        certificate=certificate,
        badge=badge,
        invoice=invoice,
        invoice_amount=invoice_amount,
        proof_of_payment=proof_of_payment,
    )
    invoice_value = amount_or_refuse(invoice_amount, program, "invoice_amount", errors)
    wage_value = amount_or_refuse(annual_wage, program, "annual_wage", errors)
    check_wage_floor(program, wage_value, errors)
    employed_day, reference_day = check_retention(actor, locked, completed, employed_through, today, errors)
    check_claim_deadline(program, reference_day, today, errors)
    if errors:
        raise ValidationError(errors)
    verdict = check_badge_or_refuse(locked, badge)
    documents = claim_documents_store(
        locked, actor=actor, certificate=certificate, invoice=invoice, proof_of_payment=proof_of_payment
    )
    claim = claim_write(
        locked,
        actor=actor,
        completed=completed,
        documents=documents,
        invoice_amount=invoice_value,
        badge=badge,
        verdict=verdict,
        annual_wage=wage_value,
        employed_through=employed_day,
    )
    claim_announce(locked)
    return claim


def check_may_claim(actor: User, application: Application) -> None:
    """Refuse unless the actor is on the applicant's side and the award is enrolled."""
    if not is_applicant_side(actor, application):
        raise NotAllowed(_("Only the applicant can claim completion."))
    if application.status == S.COMPLETION_CLAIMED:
        raise Conflict(
            _("Completion was already claimed for this award; the claim is waiting for a decision.")
        )
    if application.status != S.ENROLLED:
        raise Conflict(
            _("Completion can be claimed once enrolment is confirmed (this award is “%(status)s”).")
            % {"status": application.get_status_display()}
        )


def claim_documents_store(
    application: Application,
    *,
    actor: User,
    certificate: UploadedFile | None,
    invoice: UploadedFile | None,
    proof_of_payment: UploadedFile | None,
) -> dict[str, ApplicationDocument | None]:
    """Keep the claim's files (each checked by content and size), by what they are."""
    documents: dict[str, ApplicationDocument | None] = {"certificate": None, "invoice": None, "proof": None}
    if certificate is not None:
        documents["certificate"] = store_document(
            application=application, actor=actor, file=certificate, kind="certificate", field="certificate"
        )
    if invoice is not None:
        documents["invoice"] = store_document(
            application=application, actor=actor, file=invoice, kind="invoice", field="invoice"
        )
    if proof_of_payment is not None:
        documents["proof"] = store_document(
            application=application,
            actor=actor,
            file=proof_of_payment,
            kind="proof_of_payment",
            field="proof_of_payment",
        )
    return documents


def claim_write(
    application: Application,
    *,
    actor: User,
    completed: date,
    documents: dict[str, ApplicationDocument | None],
    invoice_amount: Decimal | None,
    badge: str,
    verdict: Verdict | None,
    annual_wage: Decimal | None,
    employed_through: date | None,
) -> CompletionClaim:
    """The claim, and the award moved to completion_claimed with its event."""
    claim = CompletionClaim.objects.create(
        application=application,
        claimed_by=actor,
        completed_on=completed,
        certificate=documents["certificate"],
        invoice=documents["invoice"],
        proof_of_payment=documents["proof"],
        invoice_amount=invoice_amount,
        badge=badge,
        badge_verified=None if verdict is None else verdict.verified,
        badge_checks={} if verdict is None else verdict.as_dict(),
        annual_wage=annual_wage,
        employed_through=employed_through,
        retention_confirmed_by=actor if employed_through else None,
    )
    move_application(
        application,
        S.COMPLETION_CLAIMED,
        actor=actor,
        action="completion_claimed",
        payload={"claim": claim.pk, "badge_verified": claim.badge_verified},
    )
    return claim


def claim_announce(application: Application) -> None:
    """Tell the applicant the claim was received."""
    tell_applicant(
        application,
        _("We received your completion claim for %(ref)s") % {"ref": application.reference},
        _("Staff will check the evidence; you will hear from us when it is verified."),
    )


def _lock_claim(claim: CompletionClaim) -> tuple[Application, CompletionClaim]:
    application = lock_application(claim.application)  # application first: core.workflow.LOCK_ORDER
    return application, lock(claim)


@transaction.atomic
def completion_verify(*, actor: User, claim: CompletionClaim, note: str = "") -> CompletionClaim:
    """Staff accept the evidence. A badge is verified again now (a key may have been revoked since).

    Side effects: claim verified, status completion_verified, the completion date on the award, two outcome
    follow-ups (2nd and 4th quarter after completion), an event, a notice.
    """
    application, locked = _lock_claim(claim)
    require(can_verify_completion(actor, application))
    if locked.status != CompletionClaim.Status.SUBMITTED or application.status != S.COMPLETION_CLAIMED:
        raise Conflict(_("This claim has already been decided."))
    if locked.badge:
        verdict = check_badge(application, locked.badge)
        locked.badge_verified, locked.badge_checks = verdict.verified, verdict.as_dict()
        if not verdict.verified:
            locked.save(update_fields=["badge_verified", "badge_checks"])
            raise badge_error(verdict)
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.decision_note = note.strip()
    try:
        with transaction.atomic():
            transition(
                locked,
                CompletionClaim.Status.VERIFIED,
                actor=actor,
                fields=("decided_by", "decided_at", "decision_note", "badge_verified", "badge_checks"),
            )
    except IntegrityError as error:
        raise Conflict(_("This award already has a verified claim.")) from error
    application.completed_on = locked.completed_on
    move_application(
        application,
        S.COMPLETION_VERIFIED,
        actor=actor,
        action="completion_verified",
        reason=locked.decision_note,
        payload={"claim": locked.pk},
        extra_fields=("completed_on",),
    )
    for quarters in FOLLOW_UP_QUARTERS:
        year, quarter = quarter_after(locked.completed_on, quarters)
        OutcomeFollowUp.objects.get_or_create(
            application=application,
            quarter_after_completion=quarters,
            defaults={"due_on": quarter_start(year, quarter) + FOLLOW_UP_OFFSET},
        )
    tell_applicant(
        application,
        _("Completion verified for %(ref)s") % {"ref": application.reference},
        _("Congratulations on completing the training. Payment is the next step."),
    )
    locked.application = application  # the locked one, with its program and people: the API answers from it
    return locked


@transaction.atomic
def completion_reject(*, actor: User, claim: CompletionClaim, reason: str) -> CompletionClaim:
    """Staff do not accept the evidence; the award returns to enrolled so a better claim can be made."""
    application, locked = _lock_claim(claim)
    require(can_verify_completion(actor, application))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why; the applicant will read it.")})
    if locked.status != CompletionClaim.Status.SUBMITTED or application.status != S.COMPLETION_CLAIMED:
        raise Conflict(_("This claim has already been decided."))
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.decision_note = reason.strip()
    transition(
        locked,
        CompletionClaim.Status.REJECTED,
        actor=actor,
        fields=("decided_by", "decided_at", "decision_note"),
    )
    move_application(
        application,
        S.ENROLLED,
        actor=actor,
        action="completion_rejected",
        reason=locked.decision_note,
        payload={"claim": locked.pk},
    )
    tell_applicant(
        application,
        _("Your completion claim for %(ref)s was not accepted") % {"ref": application.reference},
        locked.decision_note,
    )
    locked.application = application  # the locked one, with its program and people: the API answers from it
    return locked


# ---------------------------------------------------------------- cancellation and expiry


def _release_award(application: Application, *, actor: User | None, why: str) -> None:
    if application.amount_awarded:
        budget_release(
            program=application.program,
            amount=application.amount_awarded,
            idempotency_key=f"application:{application.pk}:release",
            reason=why,
            actor=actor,
            funding_round=application.funding_round,
            subject=application,
        )


@transaction.atomic
def award_cancel(*, actor: User, application: Application, reason: str) -> Application:
    """Cancel an award before payment and return its money to the budget.

    Side effects: status cancelled, a ledger release (key application:<id>:release), an event, a notice.
    """
    locked = lock_application(application)
    require(can_cancel_award(actor, locked))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the award is cancelled.")})
    if S.CANCELLED not in Application.TRANSITIONS[locked.status]:
        raise Conflict(
            _("An award that is “%(status)s” cannot be cancelled.") % {"status": locked.get_status_display()}
        )
    _release_award(locked, actor=actor, why=_("Award %(ref)s cancelled") % {"ref": locked.reference})
    locked.closed_at = timezone.now()
    move_application(
        locked,
        S.CANCELLED,
        actor=actor,
        action="cancelled",
        reason=reason.strip(),
        extra_fields=("closed_at",),
    )
    tell_applicant(
        locked,
        _("Award %(ref)s cancelled") % {"ref": locked.reference},
        reason.strip(),
    )
    return locked


def awards_due_to_expire(today: date) -> Any:
    return Application.objects.filter(
        status__in=[S.APPROVED, S.ENROLLED], training_deadline__lt=today
    ).order_by("pk")


def awards_expire_due(*, today: date | None = None, progress: Any = None) -> int:
    """Expire awards not enrolled or not completed by their training deadline, each in its own
    transaction, releasing their money. Safe to run again: an award already expired is skipped.

    Returns how many were expired.
    """
    day = today or timezone.localdate()
    expired = 0
    for pk in list(awards_due_to_expire(day).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = lock_application(Application(pk=pk))
            if locked.status not in (S.APPROVED, S.ENROLLED) or not locked.training_deadline:
                continue
            if locked.training_deadline >= day:
                continue
            _release_award(
                locked, actor=None, why=_("Award %(ref)s expired unused") % {"ref": locked.reference}
            )
            locked.closed_at = timezone.now()
            move_application(
                locked,
                S.EXPIRED,
                actor=None,
                action="expired",
                reason=_("The training was not completed by %(day)s.") % {"day": locked.training_deadline},
                extra_fields=("closed_at",),
            )
            tell_applicant(
                locked,
                _("Award %(ref)s has expired") % {"ref": locked.reference},
                _(
                    "The training was not completed within the program's training window, so the funds were "
                    "released. You may apply again in a later round."
                ),
            )
            expired += 1
        if progress is not None:
            progress.update(1)
    return expired


__all__ = [
    "DEFAULT_EVIDENCE",
    "FOLLOW_UP_OFFSET",
    "FOLLOW_UP_QUARTERS",
    "MAX_BADGE_LENGTH",
    "award_cancel",
    "award_enrol",
    "awards_expire_due",
    "check_badge",
    "completion_claim",
    "completion_reject",
    "completion_verify",
    "required_evidence",
    "trusted_issuers_for",
]
