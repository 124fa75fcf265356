"""Employers acting on matches: inviting a candidate to apply for a role, and recording a hire, which
counts in the pledge's progress (employer-reported, to be verified) and becomes an outcome of the worker's
funded credential."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import NotAllowed
from core.workflow import lock
from employers.models import CandidateInvitation, Hire, JobRole
from employers.services import candidate_invitation_create, hire_record
from grants.awards.outcomes import outcome_from_hire
from grants.matching.selectors import VERIFIED_COMPLETION, can_see_candidates, is_candidate
from grants.models import Application, ApplicationEvent, Outcome


def _require_candidate(actor: User, role: JobRole, worker: User) -> None:
    decision = can_see_candidates(actor, role)
    if not decision:
        raise NotAllowed(decision.reason)
    if not is_candidate(role, worker):
        # Said the same way whether the person exists, opted out or has no matching skills.
        raise ValidationError({"worker": _("This person is not among the role's candidates.")})


@transaction.atomic
def candidate_invite(
    *, actor: User, job_role: JobRole, worker: User, message: str = ""
) -> CandidateInvitation:
    """Invite an opted-in candidate to apply for the role (a notice and mail to the worker)."""
    _require_candidate(actor, job_role, worker)
    return candidate_invitation_create(actor=actor, job_role=job_role, worker=worker, message=message)


def funded_application_for(role: JobRole, worker: User) -> Application | None:
    """The worker's verified award whose credential shares the most skills with the role."""
    return (
        Application.objects.filter(applicant=worker, status__in=VERIFIED_COMPLETION)
        .annotate(
            overlap=Count("credential__skills", filter=Q(credential__skills__job_roles=role), distinct=True)
        )
        .select_related("program", "credential")
        .order_by("-overlap", "-completed_on", "pk")
        .first()
    )


@transaction.atomic
def candidate_hire_record(
    *,
    actor: User,
    job_role: JobRole,
    worker: User,
    hired_on: date,
    has_four_year_degree: bool,
    annual_wage: Any = None,
) -> tuple[Hire, Outcome | None]:
    """Record that the employer hired a candidate into the role.

    Side effects: a Hire counted in the employer's active pledge as employer-reported (employers service),
    an employer-reported Outcome on the worker's best-matching funded credential, and an event on it.
    """
    _require_candidate(actor, job_role, worker)
    hire = hire_record(
        actor=actor,
        job_role=job_role,
        worker=worker,
        hired_on=hired_on,
        has_four_year_degree=has_four_year_degree,
        annual_wage=annual_wage,
    )
    application = funded_application_for(job_role, worker)
    outcome = None
    if application is not None:
        locked = lock(application)
        hire = Hire.objects.select_related("employer", "job_role__occupation").get(pk=hire.pk)
        outcome = outcome_from_hire(actor=actor, application=locked, hire=hire)
        ApplicationEvent.objects.create(
            application=locked,
            actor=actor,
            action="hired",
            payload={"hire": hire.pk, "employer": hire.employer.legal_name, "outcome": outcome.pk},
        )
    return hire, outcome
