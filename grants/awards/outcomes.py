"""Outcomes after training: the worker's answers to the 2nd- and 4th-quarter follow-ups, hires that
employers record, and figures staff verify. Each outcome keeps its source; a correction is a new outcome."""

from datetime import date
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notice_send
from core.dates import check_within, parse_date
from core.exceptions import Conflict, NotAllowed
from core.money import to_amount
from core.workflow import lock
from grants.date_windows import outcome_earliest
from grants.models import Application, ApplicationEvent, Outcome, OutcomeFollowUp
from grants.permissions import manages
from programs.models import onet_soc_validator

# Outcomes are asked of awards whose completion was verified (paid or not, clawed back or not).
COMPLETED = (
    Application.Status.COMPLETION_VERIFIED,
    Application.Status.PAYMENT_SCHEDULED,
    Application.Status.PAID,
    Application.Status.CLAWED_BACK,
)


class OutcomeFields(TypedDict, total=False):
    """What an outcome says, as a worker or a manager gives it (checked by the service)."""

    employment_status: Required[str]
    employer_name: str
    occupation_code: str
    annual_wage: Any
    observed_on: Any


def _clean_outcome_fields(
    application: Application,
    *,
    employment_status: str,
    employer_name: str = "",
    occupation_code: str = "",
    annual_wage: Any = None,
    observed_on: Any = None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if employment_status not in Outcome.EmploymentStatus.values:
        errors["employment_status"] = [_("Choose what best describes your situation.")]
    employer_name = (employer_name or "").strip()
    if len(employer_name) > 200:
        errors["employer_name"] = [_("Keep the employer's name under 200 characters.")]
    occupation_code = (occupation_code or "").strip()
    if occupation_code:
        try:
            onet_soc_validator(occupation_code)
        except ValidationError:
            errors["occupation_code"] = [_("Use an O*NET-SOC code such as 15-1212.00, or leave it empty.")]
    wage = None
    if annual_wage not in (None, ""):
        try:
            wage = to_amount(annual_wage, application.program.currency, field="annual_wage", allow_zero=True)
        except ValidationError as error:
            errors["annual_wage"] = error.messages
    employed = employment_status in Outcome.EMPLOYED
    if employed and not employer_name and employment_status == Outcome.EmploymentStatus.EMPLOYED:
        errors.setdefault("employer_name", []).append(_("Name your employer."))
    if not employed and wage:
        errors.setdefault("annual_wage", []).append(_("Give pay only when you are working."))
    observed = timezone.localdate()
    if observed_on not in (None, ""):
        try:
            observed = parse_date(observed_on)
        except ValidationError as error:
            errors["observed_on"] = error.messages
    if observed > timezone.localdate():
        errors.setdefault("observed_on", []).append(_("This date cannot be in the future."))
    elif "observed_on" not in errors:
        try:
            check_within(
                observed,
                field="observed_on",
                earliest=outcome_earliest(application),
                latest=timezone.localdate(),
            )
        except ValidationError as error:
            errors["observed_on"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {
        "employment_status": employment_status,
        "employer_name": employer_name,
        "occupation_code": occupation_code,
        "annual_wage": wage,
        "observed_on": observed,
    }


@transaction.atomic
def outcome_report(
    *,
    actor: User,
    application: Application,
    follow_up: OutcomeFollowUp | None = None,
    **given: Unpack[OutcomeFields],
) -> Outcome:
    """The worker says how things went after the training, answering a follow-up or on their own.

    Side effects: an Outcome (self-reported); the follow-up marked answered; an event.
    """
    locked = lock(application, related=("program",), of=None)
    if actor.pk != locked.applicant_id:
        raise NotAllowed(_("Only the worker who was trained can report their outcome."))
    if locked.status not in COMPLETED:
        raise Conflict(_("Outcomes are asked once completion of the training is verified."))
    fields = _clean_outcome_fields(locked, **given)
    locked_follow_up = None
    if follow_up is not None:
        locked_follow_up = lock(follow_up)
        if locked_follow_up.application_id != locked.pk:
            raise ValidationError({"follow_up": _("This question is about another award.")})
        if locked_follow_up.answered_at is not None:
            raise Conflict(_("You have already answered this question; thank you."))
    outcome = Outcome.objects.create(
        application=locked,
        worker=locked.applicant,
        source=Outcome.Source.SELF_REPORTED,
        quarter_after_completion=locked_follow_up.quarter_after_completion if locked_follow_up else None,
        recorded_by=actor,
        **fields,
    )
    if locked_follow_up is not None:
        locked_follow_up.answered_at, locked_follow_up.outcome = timezone.now(), outcome
        locked_follow_up.save(update_fields=["answered_at", "outcome"])
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="outcome_reported",
        payload={"outcome": outcome.pk, "source": outcome.source, "status": outcome.employment_status},
    )
    return outcome


@transaction.atomic
def outcome_verify(
    *,
    actor: User,
    application: Application,
    quarter_after_completion: int | None = None,
    **given: Unpack[OutcomeFields],
) -> Outcome:
    """A program manager records an outcome checked against a record (wage records, the employer):
    a new outcome with the source "verified"; earlier answers stay as they were."""
    locked = lock(application, related=("program",), of=None)
    if not manages(actor, locked):
        raise NotAllowed(_("Only a manager of this program can record a verified outcome."))
    if locked.status not in COMPLETED:
        raise Conflict(_("Outcomes are recorded once completion of the training is verified."))
    if quarter_after_completion not in (None, 2, 4):
        raise ValidationError(
            {"quarter_after_completion": _("Choose the 2nd or the 4th quarter, or neither.")}
        )
    fields = _clean_outcome_fields(locked, **given)
    outcome = Outcome.objects.create(
        application=locked,
        worker=locked.applicant,
        source=Outcome.Source.VERIFIED,
        quarter_after_completion=quarter_after_completion,
        recorded_by=actor,
        **fields,
    )
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="outcome_verified",
        visibility=ApplicationEvent.Visibility.STAFF,
        payload={"outcome": outcome.pk},
    )
    return outcome


def outcome_from_hire(*, actor: User, application: Application, hire: Any) -> Outcome:
    """An employer recorded a hire of this worker: it counts as an employer-reported outcome of the
    funded credential. The caller (the matching service) holds the transaction."""
    return Outcome.objects.create(
        application=application,
        worker=application.applicant,
        source=Outcome.Source.EMPLOYER_REPORTED,
        employment_status=Outcome.EmploymentStatus.EMPLOYED,
        employer_name=hire.employer.legal_name[:200],
        occupation_code=(hire.job_role.occupation.code if hire.job_role and hire.job_role.occupation else ""),
        annual_wage=hire.annual_wage,
        observed_on=hire.hired_on,
        hire=hire,
        recorded_by=actor,
    )


def follow_ups_due(today: date) -> QuerySet[OutcomeFollowUp]:
    return OutcomeFollowUp.objects.filter(
        due_on__lte=today, sent_at__isnull=True, answered_at__isnull=True, application__status__in=COMPLETED
    ).order_by("due_on", "pk")


def outcome_follow_ups_send(*, today: date | None = None, progress: Any = None) -> int:
    """Ask the workers whose follow-up is due, once each (by notice and mail). Returns how many were asked."""
    day = today or timezone.localdate()
    sent = 0
    for pk in list(follow_ups_due(day).values_list("pk", flat=True)):
        with transaction.atomic():
            follow_up = lock(
                OutcomeFollowUp(pk=pk), related=("application__applicant", "application__credential"), of=None
            )
            if follow_up.sent_at is not None or follow_up.answered_at is not None:
                continue
            application = follow_up.application
            notice_send(
                user=application.applicant,
                subject=_("How are things since your training? (%(ref)s)") % {"ref": application.reference},
                body=_(
                    "It is the %(n)s quarter since you completed %(credential)s. "
                    "Tell us whether you are working, "
                    "where, and your pay: it helps the program fund training that leads to jobs."
                )
                % {
                    "n": _("2nd") if follow_up.quarter_after_completion == 2 else _("4th"),
                    "credential": application.credential.title,
                },
                url=reverse("grants:application_detail", args=[application.pk]),
            )
            follow_up.sent_at = timezone.now()
            follow_up.save(update_fields=["sent_at"])
            sent += 1
        if progress is not None:
            progress.update(1)
    return sent
