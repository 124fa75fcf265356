"""Employers: registration, changes to their details, and staff verification and suspension."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, require
from core.workflow import lock, transition
from employers.models import Employer, Representative, normalize_registration_number
from employers.permissions import can_register_employer, can_verify_employers, is_active_representative
from employers.services.common import (
    _clean_text,
    _employer_event,
    _employer_url,
    _reject_unknown,
    _required_reason,
    _tell_representatives,
)

ES = Employer.Status

DUPLICATE_REGISTRATION_MESSAGE = (
    "An employer with this registration number is already registered. Ask its representative to invite "
    "you (they can do that from their employer page)."
)
EMPLOYER_FIELDS = (
    "legal_name",
    "trading_name",
    "registration_number",
    "naics_code",
    "size_class",
    "region",
    "address",
    "website",
)


# ---------------------------------------------------------------- employers


def _check_registration_number_free(number: str, *, excluding: Employer | None = None) -> None:
    others = Employer.objects.filter(registration_number=number)
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    if others.exists():
        raise ValidationError({"registration_number": _(DUPLICATE_REGISTRATION_MESSAGE)})


def _apply_employer_fields(employer: Employer, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        value = _clean_text(value)
        if name == "registration_number":
            value = normalize_registration_number(value or "")
        if name in ("trading_name", "website") and value is None:
            value = ""
        if getattr(employer, name) != value:
            setattr(employer, name, value)
            changed.append(name)
    return changed


def _save_employer_or_duplicate(employer: Employer, **save_kwargs: Any) -> None:
    try:
        with transaction.atomic():
            employer.save(**save_kwargs)
    except IntegrityError as error:
        # Two people registered the same number at the same moment: the database kept one.
        raise ValidationError({"registration_number": _(DUPLICATE_REGISTRATION_MESSAGE)}) from error


@transaction.atomic
def employer_register(*, actor: User, **fields: Any) -> Employer:
    """An employer representative registers their employer, which awaits staff verification.

    Side effects: the employer (pending), the actor as its first representative, an event.
    """
    require(can_register_employer(actor))
    _reject_unknown(fields, EMPLOYER_FIELDS)
    employer = Employer(created_by=actor, status=ES.PENDING)
    _apply_employer_fields(employer, fields)
    employer.full_clean(validate_unique=False)
    _check_registration_number_free(employer.registration_number)
    _save_employer_or_duplicate(employer)
    Representative.objects.create(employer=employer, user=actor, added_by=actor)
    _employer_event(employer, actor=actor, action="registered", to_status=ES.PENDING)
    return employer


@transaction.atomic
def employer_update(*, actor: User, employer: Employer, **fields: Any) -> Employer:
    """A representative corrects the employer's details; the registration number is fixed once verified.

    Side effects: an event listing the changed fields.
    """
    _reject_unknown(fields, EMPLOYER_FIELDS)
    locked = lock(employer)
    require(is_active_representative(actor, locked))
    new_number = normalize_registration_number(fields.get("registration_number") or "")
    # Once verified (even if suspended later) the number is what staff checked; it stays.
    if (
        "registration_number" in fields
        and locked.verified_at is not None
        and new_number != locked.registration_number
    ):
        raise ValidationError(
            {
                "registration_number": _(
                    "The registration number cannot be changed after verification. Ask agency staff "
                    "if it is wrong."
                )
            }
        )
    changed = _apply_employer_fields(locked, fields)
    if not changed:
        return locked
    locked.full_clean(validate_unique=False)
    if "registration_number" in changed:
        _check_registration_number_free(locked.registration_number, excluding=locked)
    _save_employer_or_duplicate(locked, update_fields=[*changed, "updated_at"])
    _employer_event(locked, actor=actor, action="updated", payload={"fields": sorted(changed)})
    return locked


def _employer_move(
    employer: Employer, to_status: str, *, actor: User, action: str, reason: str, only_from: str = ""
) -> Employer:
    locked = lock(employer)
    require(can_verify_employers(actor))
    if only_from and locked.status != only_from:
        raise Conflict(_("Only a suspended employer can be reinstated."))
    fields: tuple[str, ...] = ()
    if to_status == ES.VERIFIED:
        locked.verified_at = timezone.now()
        fields = ("verified_at",)
    transition(locked, to_status, actor=actor, action=action, reason=reason, fields=fields)
    return locked


@transaction.atomic
def employer_verify(*, actor: User, employer: Employer, reason: str = "") -> Employer:
    """Staff confirm the employer is who it says (pending or suspended → verified).

    Side effects: an event; a notice to each active representative.
    """
    return _verified(employer, actor=actor, reason=reason)


@transaction.atomic
def employer_reinstate(*, actor: User, employer: Employer, reason: str = "") -> Employer:
    """Staff lift a suspension (suspended → verified; refused, as judged under the row lock, for an
    employer that is not suspended). Side effects: as employer_verify."""
    return _verified(employer, actor=actor, reason=reason, only_from=ES.SUSPENDED)


def _verified(employer: Employer, *, actor: User, reason: str, only_from: str = "") -> Employer:
    locked = _employer_move(
        employer, ES.VERIFIED, actor=actor, action="verified", reason=reason.strip(), only_from=only_from
    )
    _tell_representatives(
        locked,
        _("%(name)s is verified on SkillsFund") % {"name": locked.display_name},
        _("Your employer can now make active pledges and apply to employer programs."),
        _employer_url(locked),
    )
    return locked


@transaction.atomic
def employer_suspend(*, actor: User, employer: Employer, reason: str) -> Employer:
    """Staff suspend an employer, with a reason its representatives can read.

    Side effects: an event; a notice to each active representative.
    """
    reason = _required_reason(reason, _("Say why the employer is suspended; its representatives see it."))
    locked = _employer_move(employer, ES.SUSPENDED, actor=actor, action="suspended", reason=reason)
    _tell_representatives(
        locked,
        _("%(name)s is suspended on SkillsFund") % {"name": locked.display_name},
        reason,
        _employer_url(locked),
    )
    return locked
