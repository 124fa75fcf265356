"""Helpers shared by the employers services: links to pages, field checks, the pledge lock, events, and
notices to an employer's representatives."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notice_send
from core.money import to_amount
from core.workflow import lock
from employers.models import Employer, EmployerEvent, Pledge, PledgeEvent

E = TypeVar("E", bound=models.Model)

# ---------------------------------------------------------------- helpers


def _url(name: str, *args: Any, fallback: str = "") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _employer_url(employer: Employer) -> str:
    return _url("employers:employer_detail", employer.pk, fallback=f"/employers/{employer.pk}/")


def _pledge_url(pledge: Pledge) -> str:
    return _url("employers:pledge_detail", pledge.pk, fallback=f"/employers/pledge/{pledge.pk}/")


def _reject_unknown(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(unknown)}")


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _required_reason(reason: str, message: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    return reason


def _lock_pledge(pledge: Pledge) -> Pledge:
    """The pledge locked with its employer (the joined employer row is locked too, as it always was)."""
    return lock(pledge, related=("employer",), of=None)


def _active_representatives(employer: Employer | int) -> list[User]:
    employer_id = employer if isinstance(employer, int) else employer.pk
    return list(
        User.objects.filter(
            representations__employer_id=employer_id,
            representations__removed_at__isnull=True,
            is_active=True,
        ).distinct()
    )


def _tell_representatives(employer: Employer, subject: str, body: str = "", url: str = "") -> None:
    for user in _active_representatives(employer):
        notice_send(user=user, subject=subject, body=body, url=url)


def _event_write(
    event_model: type[E],
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    payload: dict | None = None,
    **subject: models.Model,
) -> E:
    """One row of an append-only event table (`subject`: the employer or pledge it is about), in the
    caller's transaction."""
    return event_model._default_manager.create(
        **subject,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=payload or {},
    )


def _employer_event(employer: Employer, **fields: Any) -> EmployerEvent:
    """An employer event: `fields` as `_event_write` takes them."""
    return _event_write(EmployerEvent, employer=employer, **fields)


def _pledge_event(pledge: Pledge, **fields: Any) -> PledgeEvent:
    """A pledge event: `fields` as `_event_write` takes them."""
    return _event_write(PledgeEvent, pledge=pledge, **fields)


def _non_negative_int(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter a whole number, 0 or more.")})
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError) as error:
        raise ValidationError({field: _("Enter a whole number, 0 or more.")}) from error
    if number < 0:
        raise ValidationError({field: _("Enter a whole number, 0 or more.")})
    if number > 1_000_000:
        raise ValidationError({field: _("Enter a number up to 1,000,000.")})
    return number


def _annual_amount(value: Any, field: str, *, allow_zero: bool = False) -> Decimal | None:
    if value is None or value == "":
        return None
    return to_amount(value, "USD", field=field, allow_zero=allow_zero)
