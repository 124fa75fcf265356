"""Hires and candidate invitations: a representative records a hire against the employer's active
pledge, or invites a worker to apply for an open role."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import notice_send
from core.exceptions import Conflict, require
from core.workflow import lock, lock_rows
from employers.models import CandidateInvitation, Hire, JobRole, Pledge
from employers.permissions import is_active_representative
from employers.services.common import _annual_amount, _employer_event, _pledge_event, _url

PS = Pledge.Status


# ---------------------------------------------------------------- hires and candidates


def _active_pledge_for(job_role: JobRole) -> Pledge | None:
    if job_role.pledge_id is not None:
        pledge = lock_rows(Pledge.objects.filter(pk=job_role.pledge_id, status=PS.ACTIVE)).first()
        if pledge is not None:
            return pledge
    return lock_rows(
        Pledge.objects.filter(employer_id=job_role.employer_id, status=PS.ACTIVE),
        order_by=("activated_at", "pk"),
    ).first()


@transaction.atomic
def hire_record(
    *,
    actor: User,
    job_role: JobRole,
    worker: User,
    hired_on: date,
    has_four_year_degree: bool,
    annual_wage: Any = None,
) -> Hire:
    """A representative of a verified employer with an active pledge records a hire into a role.
    It counts toward that pledge as employer-reported until a verified quarterly report covers it.

    The pledge is the role's own when active, else the employer's earliest active pledge.
    Side effects: the hire and a pledge event (no demographics are read or stored).
    """
    employer = lock(job_role.employer)
    require(is_active_representative(actor, employer))
    if not employer.is_verified:
        raise Conflict(_("Only a verified employer can record hires against a pledge."))
    role = JobRole.objects.get(pk=job_role.pk)
    pledge = _active_pledge_for(role)
    if pledge is None:
        raise Conflict(_("Record hires once the employer has an active pledge."))
    if not isinstance(hired_on, date):
        raise ValidationError({"hired_on": _("Enter the date the person started, like 2026-03-02.")})
    if hired_on > timezone.localdate():
        raise ValidationError({"hired_on": _("The hire date cannot be in the future.")})
    if hired_on < pledge.start_date:
        raise ValidationError(
            {"hired_on": _("The hire date is before the pledge started; it does not count.")}
        )
    if not (worker.is_active and worker.has_role(Role.WORKER)):
        raise ValidationError({"worker": _("Choose a worker registered on SkillsFund.")})
    if Hire.objects.filter(job_role=role, worker=worker).exists():
        raise Conflict(_("This hire is already recorded."))
    wage = _annual_amount(annual_wage, "annual_wage")
    hire = Hire.objects.create(
        employer=employer,
        job_role=role,
        pledge=pledge,
        worker=worker,
        hired_on=hired_on,
        annual_wage=wage,
        has_four_year_degree=bool(has_four_year_degree),
        source=Hire.Source.EMPLOYER_REPORTED,
        recorded_by=actor,
    )
    _pledge_event(pledge, actor=actor, action="hire_recorded", payload={"hire": hire.pk, "job_role": role.pk})
    return hire


@transaction.atomic
def candidate_invitation_create(
    *, actor: User, job_role: JobRole, worker: User, message: str = ""
) -> CandidateInvitation:
    """A representative of a verified employer invites a candidate to apply for an open role.
    Whether the worker opted in to contact is checked by the caller (grants owns the worker profile).

    Side effects: the invitation, an employer event, a notice (and mail) to the worker.
    """
    employer = lock(job_role.employer)
    require(is_active_representative(actor, employer))
    if not employer.is_verified:
        raise Conflict(_("Only a verified employer can invite candidates."))
    role = JobRole.objects.get(pk=job_role.pk)
    if not role.is_open:
        raise Conflict(_("This role is closed."))
    if not (worker.is_active and worker.has_role(Role.WORKER)):
        raise ValidationError({"worker": _("Choose a worker registered on SkillsFund.")})
    if CandidateInvitation.objects.filter(job_role=role, worker=worker).exists():
        raise Conflict(_("You have already invited this person to this role."))
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError({"message": _("Keep the message under 2,000 characters.")})
    invitation = CandidateInvitation.objects.create(
        job_role=role, worker=worker, invited_by=actor, message=message
    )
    _employer_event(
        employer,
        actor=actor,
        action="candidate_invited",
        payload={"job_role": role.pk, "invitation": invitation.pk},
    )
    notice_send(
        user=worker,
        subject=_("%(employer)s invites you to apply for %(role)s")
        % {"employer": employer.display_name, "role": role.title},
        body=message,
        url=_url("grants:matches", fallback=""),
    )
    return invitation
