"""Job roles: a representative creates or changes a role of their employer (with its skills) and closes
it."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotAllowed, require
from core.money import to_amount
from core.workflow import lock
from employers.models import Employer, JobRole, Pledge
from employers.permissions import is_active_representative
from employers.services.common import _clean_text, _employer_event, _non_negative_int, _reject_unknown
from programs.models import Occupation, Skill

ES = Employer.Status

JOB_ROLE_FIELDS = (
    "title",
    "occupation",
    "pledge",
    "degree_required_before",
    "degree_required_after",
    "assessment_method",
    "wage_min",
    "wage_max",
    "open_positions",
    "is_open",
    "region",
)


# ---------------------------------------------------------------- job roles


def _skills_from(skills: Iterable[Any]) -> list[Skill]:
    ids = []
    for skill in skills:
        ids.append(skill.pk if isinstance(skill, Skill) else skill)
    try:
        found = list(Skill.objects.filter(pk__in=ids))
    except (TypeError, ValueError) as error:
        raise ValidationError({"skills": _("Choose skills from the catalog's list.")}) from error
    if len(found) != len(set(ids)):
        raise ValidationError({"skills": _("Choose skills from the catalog's list.")})
    return found


@transaction.atomic
def job_role_save(
    *,
    actor: User,
    employer: Employer,
    job_role: JobRole | None = None,
    skills: Iterable[Any] | None = None,
    **fields: Any,
) -> JobRole:
    """A representative creates (job_role=None) or changes a job role of their employer.

    `skills` are Skill objects or ids from the catalog; None leaves them unchanged on an edit.
    Side effects: an employer event (job_role_created / job_role_updated).
    """
    _reject_unknown(fields, JOB_ROLE_FIELDS)
    locked_employer = lock(employer)
    require(is_active_representative(actor, locked_employer))
    if locked_employer.status == ES.SUSPENDED:
        raise Conflict(_("A suspended employer cannot list job roles."))
    if job_role is None:
        role = JobRole(employer=locked_employer)
        creating = True
    else:
        role = lock(job_role)
        if role.employer_id != locked_employer.pk:
            raise NotAllowed(_("Only this employer's representatives can change the role."))
        creating = False
    changed = []
    for name, value in fields.items():
        value = _clean_text(value)
        if name in ("wage_min", "wage_max"):
            value = to_amount(value, "USD", field=name)
        elif name == "open_positions":
            value = _non_negative_int(value, name)
        elif name == "pledge" and value is not None:
            if not isinstance(value, Pledge):
                value = Pledge.objects.filter(pk=value).first()
            if value is None or value.employer_id != locked_employer.pk:
                raise ValidationError({"pledge": _("Choose one of this employer's pledges.")})
        elif name == "occupation" and value is not None and not isinstance(value, Occupation):
            value = Occupation.objects.filter(pk=value).first()
            if value is None:
                raise ValidationError({"occupation": _("Choose an occupation from the list.")})
        elif name == "region" and value is None:
            value = ""
        if getattr(role, name) != value:
            setattr(role, name, value)
            changed.append(name)
    role.full_clean(exclude=["employer", "skills"], validate_constraints=False)
    if role.wage_min > role.wage_max:
        raise ValidationError({"wage_max": _("The highest pay must be at least the lowest pay.")})
    if creating:
        role.save()
    elif changed:
        role.save(update_fields=[*changed, "updated_at"])
    skill_ids: list[int] | None = None
    if skills is not None:
        chosen = _skills_from(skills)
        role.skills.set(chosen)
        skill_ids = sorted(skill.pk for skill in chosen)
    if creating or changed or skill_ids is not None:
        _employer_event(
            locked_employer,
            actor=actor,
            action="job_role_created" if creating else "job_role_updated",
            payload={"job_role": role.pk, "fields": changed, "skills": skill_ids},
        )
    return role


@transaction.atomic
def job_role_close(*, actor: User, job_role: JobRole, reason: str = "") -> JobRole:
    """A representative closes a role (no longer shown to candidates). Side effects: an event."""
    employer = lock(job_role.employer)
    role = lock(job_role)
    require(is_active_representative(actor, employer))
    if not role.is_open:
        raise Conflict(_("This role is already closed."))
    role.is_open = False
    role.save(update_fields=["is_open", "updated_at"])
    _employer_event(
        employer,
        actor=actor,
        action="job_role_closed",
        reason=(reason or "").strip(),
        payload={"job_role": role.pk},
    )
    return role
