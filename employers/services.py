"""Every write to employers, representatives, pledges, job roles, progress reports and hires.

One service per transition: each locks the row it changes (select_for_update), checks the transition
table and the caller's permission, saves with update_fields, writes an event row in the same
transaction, and tells the people concerned (notices; mail goes after commit).

Lock order: employer, then pledge, then progress report.
"""

import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleChange, User
from accounts.roles import STAFF_ROLES, Role
from accounts.services import notice_send
from core.dates import add_months, check_within
from core.exceptions import Conflict, NotAllowed, require
from core.mail import send_mail_on_commit
from core.money import to_amount
from core.uploads import CONTENT_TYPES, EXTENSIONS, validate_upload
from core.workflow import check_move, lock, transition
from employers.models import (
    CandidateInvitation,
    Employer,
    EmployerEvent,
    Hire,
    JobRole,
    Pledge,
    PledgeEvent,
    ProgressReport,
    Representative,
    RepresentativeInvitation,
    normalize_registration_number,
)
from employers.permissions import can_register_employer, can_verify_employers, is_active_representative
from employers.selectors import pledge_progress, token_hash
from programs.models import Occupation, Skill

ES = Employer.Status
PS = Pledge.Status
RS = ProgressReport.Status

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
# The window a pledge's dates must fall in, counted in years from the day they are entered (a date kept
# unchanged is not judged again). A pledge is a commitment about hiring to come: it may record a start up
# to a year back (an initiative begun before it was written down here) but no earlier, as hires from
# before the start would then count toward it; and it starts within two years. Skills-first hiring
# commitments run a few years: a target more than ten years away is a typing error, not a plan.
PLEDGE_START_YEARS_BACK = 1
PLEDGE_START_YEARS_AHEAD = 2
PLEDGE_TARGET_YEARS_AHEAD = 10
# Payroll extracts: spreadsheets as CSV or XLSX, or a PDF payroll report.
EVIDENCE_KINDS = ("csv", "xlsx", "pdf")
# URL names of the pages (built in employers/urls.py); links fall back to these paths until they exist.
INVITATION_URL_NAME = "employers:invitation_accept"


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


def _employer_event(
    employer: Employer,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    payload: dict | None = None,
) -> EmployerEvent:
    return EmployerEvent.objects.create(
        employer=employer,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=payload or {},
    )


def _pledge_event(
    pledge: Pledge,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    payload: dict | None = None,
) -> PledgeEvent:
    return PledgeEvent.objects.create(
        pledge=pledge,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=payload or {},
    )


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


def _employer_move(employer: Employer, to_status: str, *, actor: User, action: str, reason: str) -> Employer:
    locked = lock(employer)
    require(can_verify_employers(actor))
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
    locked = _employer_move(employer, ES.VERIFIED, actor=actor, action="verified", reason=reason.strip())
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


# ---------------------------------------------------------------- representatives


def _token_hash(token: str) -> str:
    return token_hash(token)


@transaction.atomic
def representative_invite(*, actor: User, employer: Employer, email: str) -> RepresentativeInvitation:
    """A representative invites a colleague by email. Earlier open invitations to that address lapse.

    Side effects: the invitation (only the token's hash is stored), an event, and a mail with the link
    after commit.
    """
    locked = lock(employer)
    require(is_active_representative(actor, locked))
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        RepresentativeInvitation._meta.get_field("email").run_validators(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter an email address, like name@example.com.")}) from error
    if not email:
        raise ValidationError({"email": _("Enter an email address, like name@example.com.")})
    if Representative.objects.filter(
        employer=locked, user__email__iexact=email, removed_at__isnull=True
    ).exists():
        raise ValidationError({"email": _("This person already represents the employer.")})
    now = timezone.now()
    for earlier in RepresentativeInvitation.objects.select_for_update().filter(
        employer=locked, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
    token = secrets.token_urlsafe(32)
    invitation = RepresentativeInvitation.objects.create(
        employer=locked,
        email=email,
        invited_by=actor,
        token_hash=_token_hash(token),
        expires_at=now + timedelta(days=RepresentativeInvitation.VALID_FOR_DAYS),
    )
    _employer_event(locked, actor=actor, action="representative_invited", payload={"email": email})
    link = settings.SITE_URL + _url(INVITATION_URL_NAME, token, fallback=f"/employers/invitations/{token}/")
    send_mail_on_commit(
        subject=_("%(person)s invites you to represent %(employer)s on SkillsFund")
        % {"person": actor.full_name or actor.email, "employer": locked.display_name},
        body=_(
            "%(person)s invites you to act for %(employer)s on SkillsFund, the agency's skills funding "
            "service.\n\nTo accept, sign in (or sign up as an employer representative) with this email "
            "address and open this link within %(days)d days:\n\n%(link)s\n\nIf you did not expect this, "
            "ignore this message."
        )
        % {
            "person": actor.full_name or actor.email,
            "employer": locked.display_name,
            "days": RepresentativeInvitation.VALID_FOR_DAYS,
            "link": link,
        },
        recipients=[email],
    )
    return invitation


def _grant_representative_role(*, user: User, invitation: RepresentativeInvitation) -> None:
    """Accepting an invitation grants the role: the inviting representative vouched for this person.
    Audited like every role change (a RoleChange row naming who invited them)."""
    group = Group.objects.get(name=Role.EMPLOYER_REPRESENTATIVE)
    if user.groups.filter(pk=group.pk).exists():
        return
    user.groups.add(group)
    RoleChange.objects.create(
        user=user,
        role=Role.EMPLOYER_REPRESENTATIVE,
        action=RoleChange.Action.GRANTED,
        actor=invitation.invited_by,
        reason=f"Accepted invitation {invitation.pk} to represent employer {invitation.employer_id}",
    )
    user.__dict__.pop("role_names", None)


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Representative:
    """The invited person, signed in with the invited address, becomes a representative.

    Side effects: marks the invitation used, grants the employer representative role if the person
    lacks it (audited RoleChange), adds the Representative, an event, a notice to the inviter.
    """
    if not (actor and actor.is_authenticated and actor.is_active):
        raise NotAllowed(_("Sign in first."))
    invalid = _("This invitation link is not valid. Check that you copied all of it.")
    if not token or len(token) > 200:
        raise ValidationError(invalid)
    invitation = (
        RepresentativeInvitation.objects.select_for_update()
        .select_related("employer", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(invalid)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used. Ask for a new one if you need it."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was replaced or withdrawn. Ask for a new one."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask the person who invited you to send a new one.")
        )
    if actor.email.lower() != invitation.email.lower():
        raise NotAllowed(
            _("This invitation was sent to another email address. Sign in with the address it was sent to.")
        )
    if any(actor.has_role(role) for role in STAFF_ROLES):
        raise NotAllowed(_("Agency staff accounts cannot represent an employer."))
    employer = lock(invitation.employer)
    _grant_representative_role(user=actor, invitation=invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    representative = Representative.objects.filter(
        employer=employer, user=actor, removed_at__isnull=True
    ).first()
    if representative is None:
        representative = Representative.objects.create(
            employer=employer, user=actor, added_by=invitation.invited_by
        )
        _employer_event(
            employer,
            actor=actor,
            action="representative_added",
            payload={"user": actor.pk, "invitation": invitation.pk},
        )
        if invitation.invited_by.is_active:
            notice_send(
                user=invitation.invited_by,
                subject=_("%(person)s now represents %(employer)s")
                % {"person": actor.full_name or actor.email, "employer": employer.display_name},
                url=_employer_url(employer),
            )
    return representative


@transaction.atomic
def representative_remove(*, actor: User, representative: Representative, reason: str) -> Representative:
    """A representative (or employer staff) removes a representative; the row stays, marked removed.
    The last active representative cannot be removed, so an employer is never left without one.

    Side effects: sets removed_at/removed_by/removal_reason, an event, a notice to the removed person.
    """
    employer = lock(representative.employer)  # serialises "is this the last one?" checks
    locked = Representative.objects.select_for_update().select_related("user").get(pk=representative.pk)
    if not (is_active_representative(actor, employer) or can_verify_employers(actor)):
        raise NotAllowed(_("Only this employer's representatives can remove a representative."))
    if locked.removed_at is not None:
        raise Conflict(_("This person no longer represents the employer."))
    reason = _required_reason(reason, _("Say why this person no longer represents the employer."))
    if Representative.objects.filter(employer=employer, removed_at__isnull=True).count() <= 1:
        raise ValidationError(
            _(
                "An employer needs at least one representative. Invite someone else and let them accept "
                "before removing this one."
            )
        )
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.removal_reason = reason
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _employer_event(
        employer,
        actor=actor,
        action="representative_removed",
        reason=reason,
        payload={"user": locked.user_id, "representative": locked.pk},
    )
    if locked.user_id != actor.pk:
        notice_send(
            user=locked.user,
            subject=_("You no longer represent %(employer)s") % {"employer": employer.display_name},
            body=reason,
        )
    return locked


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
            locked = (
                Pledge.objects.select_for_update().select_related("employer").filter(pk=pledge_id).first()
            )
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
        role = JobRole.objects.select_for_update().get(pk=job_role.pk)
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
    role = JobRole.objects.select_for_update().get(pk=job_role.pk)
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


# ---------------------------------------------------------------- progress reports


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    first = date(year, 3 * (quarter - 1) + 1, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def _figures(values: dict[str, Any], *, prefix: str = "") -> dict[str, int]:
    figures = {name: _non_negative_int(values[name], prefix + name) for name in values}
    total_name = prefix + "hires_total"
    total = figures[total_name]
    errors = {}
    for name in ("hires_credential_holders", "hires_without_degree", "hires_priority_groups"):
        if figures[prefix + name] > total:
            errors[prefix + name] = _("This cannot be more than the hires in total (%(total)d).") % {
                "total": total
            }
    if errors:
        raise ValidationError(errors)
    return figures


def _check_period(pledge: Pledge, year: Any, quarter: Any) -> tuple[int, int]:
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError) as error:
        raise ValidationError({"quarter": _("Choose a year and a quarter.")}) from error
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("The quarter is 1, 2, 3 or 4.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year like 2026.")})
    first, last = quarter_bounds(year, quarter)
    if first > timezone.localdate():
        raise ValidationError({"quarter": _("You cannot report on a quarter that has not started.")})
    if last < pledge.start_date:
        raise ValidationError({"quarter": _("This quarter ends before the pledge started.")})
    return year, quarter


def _store_evidence(evidence: UploadedFile) -> tuple[UploadedFile, str, str]:
    try:
        kind = validate_upload(evidence, allowed=EVIDENCE_KINDS)
    except ValidationError as error:
        raise ValidationError({"evidence": error.messages}) from error
    digest = hashlib.sha256()
    evidence.seek(0)
    for chunk in evidence.chunks():
        digest.update(chunk)
    evidence.seek(0)
    original = (getattr(evidence, "name", "") or "payroll").rsplit("/", 1)[-1][:200]
    evidence.name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    evidence.content_type = CONTENT_TYPES[kind]
    return evidence, original, digest.hexdigest()


@transaction.atomic
def progress_report_submit(
    *,
    actor: User,
    pledge: Pledge,
    year: int,
    quarter: int,
    roles_converted: Any,
    hires_total: Any,
    hires_credential_holders: Any,
    hires_without_degree: Any,
    hires_priority_groups: Any,
    evidence: UploadedFile,
) -> ProgressReport:
    """A representative reports a quarter's figures with a payroll extract (CSV, XLSX or PDF, checked by
    content). A returned report for the same quarter is corrected and resubmitted in place.

    Side effects: the report (status submitted), a pledge event with payload {"report": id}.
    """
    locked = _lock_pledge(pledge)
    require(is_active_representative(actor, locked.employer_id))
    if locked.status != PS.ACTIVE:
        raise Conflict(_("Progress can be reported on an active pledge only."))
    year, quarter = _check_period(locked, year, quarter)
    figures = _figures(
        {
            "roles_converted": roles_converted,
            "hires_total": hires_total,
            "hires_credential_holders": hires_credential_holders,
            "hires_without_degree": hires_without_degree,
            "hires_priority_groups": hires_priority_groups,
        }
    )
    existing = (
        ProgressReport.objects.select_for_update().filter(pledge=locked, year=year, quarter=quarter).first()
    )
    if existing is not None and existing.status != RS.RETURNED:
        raise ValidationError(
            {"quarter": _("%(period)s has already been reported.") % {"period": existing.period_label}}
        )
    if evidence is None:
        raise ValidationError({"evidence": _("Attach the payroll extract for the quarter.")})
    stored, original, sha256 = _store_evidence(evidence)
    now = timezone.now()
    if existing is None:
        report = ProgressReport.objects.create(
            pledge=locked,
            year=year,
            quarter=quarter,
            evidence=stored,
            evidence_name=original,
            evidence_sha256=sha256,
            submitted_by=actor,
            submitted_at=now,
            **figures,
        )
        action, from_status = "report_submitted", ""
    else:
        report = existing
        check_move(report, RS.SUBMITTED)
        from_status = report.status
        for name, value in figures.items():
            setattr(report, name, value)
        report.evidence = stored
        report.evidence_name = original
        report.evidence_sha256 = sha256
        report.submitted_by = actor
        report.submitted_at = now
        transition(
            report,
            RS.SUBMITTED,
            actor=actor,
            fields=(*figures, "evidence", "evidence_name", "evidence_sha256", "submitted_by", "submitted_at"),
        )
        action = "report_resubmitted"
    _pledge_event(
        locked,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=RS.SUBMITTED,
        payload={"report": report.pk, "period": report.period_label, "figures": figures, "sha256": sha256},
    )
    return report


def _lock_report(report: ProgressReport) -> tuple[Pledge, ProgressReport]:
    """The report's pledge (with its employer), then the report: LOCK_ORDER."""
    return _lock_pledge(report.pledge), lock(report)


@transaction.atomic
def progress_report_verify(
    *,
    actor: User,
    report: ProgressReport,
    verified_roles_converted: Any = None,
    verified_hires_total: Any = None,
    verified_hires_credential_holders: Any = None,
    verified_hires_without_degree: Any = None,
    verified_hires_priority_groups: Any = None,
    note: str = "",
) -> ProgressReport:
    """Staff verify a submitted report against its payroll extract, confirming each figure (None keeps
    the reported one) or correcting it. Only verified figures count toward attainment.

    Side effects: verified_* figures, a pledge event (with any corrections), employer-reported hires
    of that quarter marked verified, a notice to the representatives.
    """
    pledge, locked = _lock_report(report)
    require(can_verify_employers(actor))
    check_move(locked, RS.VERIFIED)
    given = {
        "verified_roles_converted": verified_roles_converted,
        "verified_hires_total": verified_hires_total,
        "verified_hires_credential_holders": verified_hires_credential_holders,
        "verified_hires_without_degree": verified_hires_without_degree,
        "verified_hires_priority_groups": verified_hires_priority_groups,
    }
    values = {
        name: getattr(locked, name.removeprefix("verified_")) if value in (None, "") else value
        for name, value in given.items()
    }
    figures = _figures(values, prefix="verified_")
    corrections = {
        name: {"reported": getattr(locked, name.removeprefix("verified_")), "verified": value}
        for name, value in figures.items()
        if value != getattr(locked, name.removeprefix("verified_"))
    }
    for name, value in figures.items():
        setattr(locked, name, value)
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.staff_note = (note or "").strip()
    transition(
        locked, RS.VERIFIED, actor=actor, fields=(*figures, "verified_by", "verified_at", "staff_note")
    )
    first, last = quarter_bounds(locked.year, locked.quarter)
    # The verified payroll covers the hires the employer recorded in that quarter.
    covered = Hire.objects.filter(
        pledge=pledge, source=Hire.Source.EMPLOYER_REPORTED, hired_on__range=(first, last)
    ).update(source=Hire.Source.VERIFIED)
    _pledge_event(
        pledge,
        actor=actor,
        action="report_verified",
        from_status=RS.SUBMITTED,
        to_status=RS.VERIFIED,
        reason=locked.staff_note,
        payload={
            "report": locked.pk,
            "period": locked.period_label,
            "corrections": corrections,
            "hires_covered": covered,
        },
    )
    _tell_representatives(
        pledge.employer,
        _("Your progress report for %(period)s is verified") % {"period": locked.period_label},
        locked.staff_note,
        _pledge_url(pledge),
    )
    return locked


@transaction.atomic
def progress_report_return(*, actor: User, report: ProgressReport, note: str) -> ProgressReport:
    """Staff return a submitted report for correction. Side effects: staff_note, an event, notices."""
    note = _required_reason(note, _("Say what the employer should correct."), field="note")
    pledge, locked = _lock_report(report)
    require(can_verify_employers(actor))
    check_move(locked, RS.RETURNED)
    locked.staff_note = note
    transition(locked, RS.RETURNED, actor=actor, fields=("staff_note",))
    _pledge_event(
        pledge,
        actor=actor,
        action="report_returned",
        from_status=RS.SUBMITTED,
        to_status=RS.RETURNED,
        reason=note,
        payload={"report": locked.pk, "period": locked.period_label},
    )
    _tell_representatives(
        pledge.employer,
        _("Your progress report for %(period)s needs correcting") % {"period": locked.period_label},
        note,
        _pledge_url(pledge),
    )
    return locked


# ---------------------------------------------------------------- hires and candidates


def _active_pledge_for(job_role: JobRole) -> Pledge | None:
    if job_role.pledge_id is not None:
        pledge = Pledge.objects.select_for_update().filter(pk=job_role.pledge_id, status=PS.ACTIVE).first()
        if pledge is not None:
            return pledge
    return (
        Pledge.objects.select_for_update()
        .filter(employer_id=job_role.employer_id, status=PS.ACTIVE)
        .order_by("activated_at", "pk")
        .first()
    )


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
