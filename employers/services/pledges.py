"""Pledges: drafting and changing one (its dates within their windows), submitting it, the staff
decisions on it (activate, return, fulfil), withdrawal, and closing active pledges on their target date."""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import add_months, check_within
from core.exceptions import Conflict, require
from core.workflow import check_move, lock, lock_rows, transition
from employers.models import Employer, Pledge, PledgeEvent
from employers.permissions import can_verify_employers, is_active_representative
from employers.selectors import pledge_progress
from employers.services.common import (
    _annual_amount,
    _clean_text,
    _lock_pledge,
    _non_negative_int,
    _pledge_event,
    _pledge_url,
    _reject_unknown,
    _required_reason,
    _tell_representatives,
)

ES = Employer.Status
PS = Pledge.Status

PLEDGE_FIELDS = (
    "framework_name",
    "start_date",
    "target_date",
    "roles_converted_target",
    "credential_holder_hires_target",
    "non_degree_hires_target",
    "priority_group_hires_target",
    "wage_floor",
)

# The window a pledge's dates must fall in, counted in years from the day they are entered (a date kept
# unchanged is not judged again). A pledge is a commitment about hiring to come: it may record a start up
# to a year back (an initiative begun before it was written down here) but no earlier, as hires from
# before the start would then count toward it; and it starts within two years. Skills-first hiring
# commitments run a few years: a target more than ten years away is a typing error, not a plan.
PLEDGE_START_YEARS_BACK = 1
PLEDGE_START_YEARS_AHEAD = 2
PLEDGE_TARGET_YEARS_AHEAD = 10


# ---------------------------------------------------------------- pledges


def _apply_pledge_fields(pledge: Pledge, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        value = _clean_text(value)
        if name.endswith("_target"):
            value = _non_negative_int(0 if value in (None, "") else value, name)
        elif name == "wage_floor":
            value = _annual_amount(value, "wage_floor")
        if getattr(pledge, name) != value:
            setattr(pledge, name, value)
            changed.append(name)
    return changed


def _validate_pledge(pledge: Pledge, *, entered: Iterable[str] = ("start_date", "target_date")) -> None:
    """The pledge's fields, the order of its dates, and the dates `entered` against their windows (a
    target not after the start is told so, rather than its window)."""
    pledge.full_clean(exclude=["employer", "created_by"], validate_constraints=False)
    today = timezone.localdate()
    windows = {
        "start_date": (
            add_months(today, -12 * PLEDGE_START_YEARS_BACK),
            add_months(today, 12 * PLEDGE_START_YEARS_AHEAD),
        ),
        # Submitting needs a target still ahead (pledge_submit), so a draft's target is too.
        "target_date": (today + timedelta(days=1), add_months(today, 12 * PLEDGE_TARGET_YEARS_AHEAD)),
    }
    errors: dict[str, list[str]] = {}
    if pledge.target_date <= pledge.start_date:
        errors["target_date"] = [_("The target date must be after the start date.")]
    for name, (earliest, latest) in windows.items():
        if name in entered and name not in errors:
            try:
                check_within(getattr(pledge, name), field=name, earliest=earliest, latest=latest)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pledge_create(*, actor: User, employer: Employer, **fields: Any) -> Pledge:
    """A representative drafts a pledge (any employer status; only verified employers' pledges activate).

    Side effects: the draft pledge and an event.
    """
    _reject_unknown(fields, PLEDGE_FIELDS)
    locked = lock(employer)
    require(is_active_representative(actor, locked))
    if locked.status == ES.SUSPENDED:
        raise Conflict(_("A suspended employer cannot make pledges."))
    pledge = Pledge(employer=locked, created_by=actor, status=PS.DRAFT)
    _apply_pledge_fields(pledge, fields)
    _validate_pledge(pledge)
    pledge.save()
    _pledge_event(pledge, actor=actor, action="created", to_status=PS.DRAFT)
    return pledge


@transaction.atomic
def pledge_update(*, actor: User, pledge: Pledge, **fields: Any) -> Pledge:
    """A representative changes a draft or returned pledge. Side effects: an event listing the fields."""
    _reject_unknown(fields, PLEDGE_FIELDS)
    locked = _lock_pledge(pledge)
    require(is_active_representative(actor, locked.employer_id))
    if locked.status not in Pledge.EDITABLE:
        raise Conflict(_("Only a draft or returned pledge can be changed."))
    changed = _apply_pledge_fields(locked, fields)
    if not changed:
        return locked
    _validate_pledge(locked, entered=changed)
    locked.save(update_fields=[*changed, "updated_at"])
    _pledge_event(locked, actor=actor, action="updated", payload={"fields": sorted(changed)})
    return locked


def _pledge_move(
    pledge: Pledge,
    to_status: str,
    *,
    actor: User | None,
    action: str,
    reason: str = "",
    payload: dict | None = None,
    extra_fields: tuple[str, ...] = (),
) -> PledgeEvent:
    """Check the table, change the status, write the event. The caller holds the row lock."""
    event = transition(
        pledge, to_status, actor=actor, action=action, reason=reason, payload=payload, fields=extra_fields
    )
    return cast(PledgeEvent, event)


@transaction.atomic
def pledge_submit(*, actor: User, pledge: Pledge, reason: str = "") -> Pledge:
    """A representative sends a draft or returned pledge to staff. Side effects: an event."""
    locked = _lock_pledge(pledge)
    require(is_active_representative(actor, locked.employer_id))
    check_move(locked, PS.SUBMITTED)
    if not locked.has_commitment:
        raise ValidationError(_("Set at least one commitment above zero before submitting the pledge."))
    if locked.target_date <= timezone.localdate():
        raise ValidationError({"target_date": _("The target date has passed; choose a later one.")})
    if locked.employer.status == ES.SUSPENDED:
        raise Conflict(_("A suspended employer cannot submit pledges."))
    locked.submitted_at = timezone.now()
    _pledge_move(
        locked,
        PS.SUBMITTED,
        actor=actor,
        action="submitted",
        reason=reason.strip(),
        extra_fields=("submitted_at",),
    )
    return locked


@transaction.atomic
def pledge_activate(*, actor: User, pledge: Pledge, reason: str = "") -> Pledge:
    """Staff accept a submitted pledge of a verified employer. Side effects: an event, notices."""
    locked = _lock_pledge(pledge)
    require(can_verify_employers(actor))
    check_move(locked, PS.ACTIVE)
    if not locked.employer.is_verified:
        raise Conflict(_("Verify the employer before making its pledge active."))
    if locked.target_date <= timezone.localdate():
        raise ValidationError(
            {
                "target_date": _(
                    "The pledge's target date has passed; return it so the employer can change it."
                )
            }
        )
    locked.activated_at = timezone.now()
    _pledge_move(
        locked,
        PS.ACTIVE,
        actor=actor,
        action="activated",
        reason=reason.strip(),
        extra_fields=("activated_at",),
    )
    _tell_representatives(
        locked.employer,
        _("Your pledge “%(name)s” is active") % {"name": locked.framework_name},
        _("Report progress each quarter, with a payroll extract, so staff can verify it."),
        _pledge_url(locked),
    )
    return locked


@transaction.atomic
def pledge_return(*, actor: User, pledge: Pledge, reason: str) -> Pledge:
    """Staff ask for changes to a submitted pledge. Side effects: staff_note, an event, notices."""
    reason = _required_reason(reason, _("Say what the employer should change."))
    locked = _lock_pledge(pledge)
    require(can_verify_employers(actor))
    locked.staff_note = reason
    _pledge_move(
        locked, PS.RETURNED, actor=actor, action="returned", reason=reason, extra_fields=("staff_note",)
    )
    _tell_representatives(
        locked.employer,
        _("Your pledge “%(name)s” needs changes") % {"name": locked.framework_name},
        reason,
        _pledge_url(locked),
    )
    return locked


@transaction.atomic
def pledge_withdraw(*, actor: User, pledge: Pledge, reason: str = "") -> Pledge:
    """A representative withdraws a pledge (a reason is required once it has left draft).

    Side effects: closed_at, an event, notices to the other representatives.
    """
    locked = _lock_pledge(pledge)
    require(is_active_representative(actor, locked.employer_id))
    check_move(locked, PS.WITHDRAWN)
    reason = (reason or "").strip()
    if locked.status != PS.DRAFT:
        reason = _required_reason(reason, _("Say why the pledge is withdrawn; it is kept on the record."))
    locked.closed_at = timezone.now()
    _pledge_move(
        locked, PS.WITHDRAWN, actor=actor, action="withdrawn", reason=reason, extra_fields=("closed_at",)
    )
    return locked


def _unmet_commitments(pledge: Pledge) -> list[str]:
    progress = pledge_progress(pledge)
    return [c.label for c in progress.commitments if c.target > 0 and not c.met]


@transaction.atomic
def pledge_fulfil(*, actor: User, pledge: Pledge, reason: str = "") -> Pledge:
    """Staff mark an active pledge fulfilled when verified figures meet every commitment set.

    Side effects: closed_at, an event, notices.
    """
    locked = _lock_pledge(pledge)
    require(can_verify_employers(actor))
    check_move(locked, PS.FULFILLED)
    unmet = _unmet_commitments(locked)
    if unmet:
        raise ValidationError(
            _("Verified figures do not yet meet these commitments: %(list)s.") % {"list": "; ".join(unmet)}
        )
    _close(locked, PS.FULFILLED, actor=actor, action="fulfilled", reason=reason.strip())
    return locked


def _close(pledge: Pledge, to_status: str, *, actor: User | None, action: str, reason: str) -> None:
    pledge.closed_at = timezone.now()
    _pledge_move(pledge, to_status, actor=actor, action=action, reason=reason, extra_fields=("closed_at",))
    if to_status == PS.FULFILLED:
        subject = _("Your pledge “%(name)s” is fulfilled") % {"name": pledge.framework_name}
    else:
        subject = _("Your pledge “%(name)s” has lapsed") % {"name": pledge.framework_name}
    _tell_representatives(pledge.employer, subject, reason, _pledge_url(pledge))


def pledges_lapse_due(*, today: date, progress: Callable[[], None] | None = None) -> dict[str, int]:
    """Close every active pledge whose target date is before `today`: fulfilled when verified figures
    meet all commitments, lapsed otherwise. Each pledge closes in its own transaction, under its lock,
    so a re-run (or a second worker) skips pledges already closed.

    Side effects per pledge: status, closed_at, an event (actor: none), notices to its representatives.
    Returns {"fulfilled": n, "lapsed": m}.
    """
    counts = {"fulfilled": 0, "lapsed": 0}
    due = list(
        Pledge.objects.filter(status=PS.ACTIVE, target_date__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pledge_id in due:
        with transaction.atomic():
            locked = lock_rows(Pledge.objects.select_related("employer").filter(pk=pledge_id)).first()
            if locked is not None and locked.status == PS.ACTIVE and locked.target_date < today:
                unmet = _unmet_commitments(locked)
                if unmet:
                    reason = _("The target date passed with these commitments unmet: %(list)s.") % {
                        "list": "; ".join(unmet)
                    }
                    _close(locked, PS.LAPSED, actor=None, action="lapsed_on_target_date", reason=reason)
                    counts["lapsed"] += 1
                else:
                    reason = _("Verified figures met every commitment by the target date.")
                    _close(locked, PS.FULFILLED, actor=None, action="fulfilled_on_target_date", reason=reason)
                    counts["fulfilled"] += 1
        if progress is not None:
            progress()
    return counts


def pledges_due_count(*, today: date) -> int:
    return Pledge.objects.filter(status=PS.ACTIVE, target_date__lt=today).count()
