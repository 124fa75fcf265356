"""Decisions: asking the applicant for more information and their answer, approval (the money
committed through the budget ledger, under its lock), rejection, and approving a round best first."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notice_send
from core.dates import add_months
from core.exceptions import ApplicationError, Conflict, NotAllowed, require
from core.money import to_amount
from grants.applications import tasks
from grants.applications.filing import assess
from grants.applications.selectors import double_funding_exists, ranked_applications
from grants.applications.workflow import S, lock_application, move_application, tell_applicant
from grants.models import Application, InformationRequest
from grants.permissions import can_decide, is_applicant_side
from programs.models import FundingRound
from programs.permissions import can_manage_program
from programs.rules import CapResult
from programs.services import BUDGET_EXHAUSTED, budget_commit, budget_lock


@transaction.atomic
def application_request_info(*, actor: User, application: Application, question: str) -> InformationRequest:
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if not question.strip():
        raise ValidationError({"question": _("Say what information you need.")})
    move_application(
        locked, S.MORE_INFO_REQUESTED, actor=actor, action="more_info_requested", reason=question.strip()
    )
    request = InformationRequest.objects.create(
        application=locked, requested_by=actor, question=question.strip()
    )
    tell_applicant(
        locked,
        _("We need more information about application %(ref)s") % {"ref": locked.reference},
        question.strip(),
    )
    return request


@transaction.atomic
def application_respond(*, actor: User, application: Application, answer: str) -> Application:
    """The applicant answers the open request (documents come first); the application returns to review."""
    locked = lock_application(application)
    if not is_applicant_side(actor, locked):
        raise NotAllowed(_("Only the applicant can answer."))
    if locked.status != S.MORE_INFO_REQUESTED:
        raise Conflict(_("There is no open request for information on this application."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    request = locked.information_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
    if request is not None:
        request.answer, request.answered_at = answer.strip(), timezone.now()
        request.save(update_fields=["answer", "answered_at"])
    move_application(locked, S.IN_REVIEW, actor=actor, action="more_info_provided", reason=answer.strip())
    for manager in locked.program.managers.all():
        notice_send(
            user=manager,
            subject=_("The applicant answered on %(ref)s") % {"ref": locked.reference},
            url=reverse("grants:application_detail", args=[locked.pk]),
            mail=False,
        )
    return locked


@transaction.atomic
def application_approve(
    *, actor: User, application: Application, amount: Any | None = None, reason: str = ""
) -> Application:
    """Approve and commit the money through the budget ledger, under its lock.

    Refused, changing nothing, if the budget (or the round's share), a cap or the no-double-funding rule no
    longer allows it. Side effects: status approved, a ledger commitment (key application:<id>:commit),
    an event, a notice and mail, and the decision letter generated after commit.
    """
    locked = lock_application(application)
    check_may_approve(actor, locked)
    value = award_amount(locked, amount)
    # The budget first: from here until the commit no other award of this program is being made, so the
    # caps below count every award that can compete with this one (budget_commit takes it again: a no-op).
    budget_lock(locked.program)
    caps = check_award_fits(locked, value)
    award_commit(locked, value, actor=actor)
    approval_record(locked, value, caps, actor=actor, reason=reason)
    approval_announce(locked, value)
    return locked


def check_may_approve(actor: User, application: Application) -> None:
    """Refuse unless the actor decides on this program and the application may be approved now."""
    require(can_decide(actor, application))
    if S.APPROVED not in Application.TRANSITIONS[application.status]:
        raise Conflict(
            _("Only an application in review can be approved (this one is “%(status)s”).")
            % {"status": application.get_status_display()}
        )


def award_amount(application: Application, amount: Any | None) -> Decimal:
    """The amount to award: the amount requested, or a smaller one the decider gives."""
    value = (
        application.amount_requested
        if amount in (None, "")
        else to_amount(amount, application.program.currency, field="amount")
    )
    if value > application.amount_requested:
        raise ValidationError({"amount": _("The award cannot be more than the amount requested.")})
    return value


def _funded_twice() -> ValidationError:
    return ValidationError(
        _("This person already holds an award for this credential; it cannot be funded twice.")
    )


def check_award_fits(application: Application, value: Decimal) -> CapResult:
    """Refuse an award of a credential the person already holds an award for, or one over the caps;
    answers the caps. The caller holds the program's budget lock, so the awards counted are final."""
    if double_funding_exists(
        applicant=application.applicant, credential_id=application.credential_id, excluding=application
    ):
        raise _funded_twice()
    caps = assess(application)["caps"]
    if value > caps.maximum:
        raise ValidationError({"amount": caps.explanation})
    return caps


def award_commit(application: Application, value: Decimal, *, actor: User) -> None:
    """Commit the award's money in the budget ledger (refused when the budget or the round's share
    cannot hold it)."""
    budget_commit(
        program=application.program,
        amount=value,
        idempotency_key=f"application:{application.pk}:commit",
        reason=_("Award for application %(ref)s") % {"ref": application.reference},
        actor=actor,
        funding_round=application.funding_round,
        subject=application,
    )


def approval_record(
    application: Application, value: Decimal, caps: CapResult, *, actor: User, reason: str
) -> None:
    """Write the decision on the application (the amount, who and when, the training deadline, the caps
    then) and move it to approved with its event."""
    application.amount_awarded, application.decided_by, application.decided_at = value, actor, timezone.now()
    application.training_deadline = add_months(
        timezone.localdate(), application.program.training_window_months
    )
    application.decision_explanation = reason.strip()
    application.cap_snapshot = {
        **application.cap_snapshot,
        "at_decision": {"maximum": str(caps.maximum), "binding": caps.binding},
    }
    try:
        with transaction.atomic():
            move_application(
                application,
                S.APPROVED,
                actor=actor,
                action="approved",
                reason=reason.strip(),
                payload={"amount": str(value)},
                extra_fields=(
                    "amount_awarded",
                    "decided_by",
                    "decided_at",
                    "decision_explanation",
                    "cap_snapshot",
                    "training_deadline",
                ),
            )
    except IntegrityError as error:  # the unique constraint: another approval for this person and credential
        raise _funded_twice() from error


def approval_announce(application: Application, value: Decimal) -> None:
    """After commit, the decision letter; now, the notice (and mail) to the applicant."""
    decision_letter_schedule(application)
    tell_applicant(
        application,
        _("Your application %(ref)s is approved") % {"ref": application.reference},
        _("You have been awarded %(amount)s %(currency)s. Your decision letter is on the application page.")
        % {"amount": f"{value:,.2f}", "currency": application.program.currency},
    )


def decision_letter_schedule(application: Application) -> None:
    """Generate the decision letter once the transaction commits."""
    transaction.on_commit(lambda: tasks.generate_decision_letter.enqueue(application_id=application.pk))


@transaction.atomic
def application_reject(
    *, actor: User, application: Application, reason_code: str, explanation: str
) -> Application:
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if reason_code not in Application.RejectionReason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    if not explanation.strip():
        raise ValidationError({"explanation": _("Explain the decision; the applicant will read it.")})
    locked.rejection_reason, locked.decision_explanation = reason_code, explanation.strip()
    locked.decided_by, locked.decided_at = actor, timezone.now()
    move_application(
        locked,
        S.REJECTED,
        actor=actor,
        action="rejected",
        reason=explanation.strip(),
        payload={"reason_code": reason_code},
        extra_fields=("rejection_reason", "decision_explanation", "decided_by", "decided_at"),
    )
    decision_letter_schedule(locked)
    tell_applicant(
        locked,
        _("A decision on your application %(ref)s") % {"ref": locked.reference},
        _("Your application was not approved. The reason and how to appeal are in your decision letter."),
    )
    return locked


def approve_top_ranked(*, actor: User, funding_round: FundingRound) -> dict[str, list[str]]:
    """Approve a round's applications best first while the budget allows, and stop at the first refusal
    for lack of money. Each approval is its own transaction, so a refusal undoes none before it; an
    application refused for another reason (a cap, a withdrawal meanwhile) is skipped and reported."""
    require(can_manage_program(actor, funding_round.program))
    approved: list[str] = []
    skipped: list[str] = []
    for application in list(ranked_applications(funding_round)):
        try:
            application_approve(actor=actor, application=application)
        except ValidationError as error:
            skipped.append(application.reference)
            codes = {e.code for errors in getattr(error, "error_dict", {}).values() for e in errors}
            if BUDGET_EXHAUSTED in codes:
                break
            continue
        except ApplicationError:
            skipped.append(application.reference)
            continue
        approved.append(application.reference)
    return {"approved": approved, "stopped_or_skipped": skipped}
