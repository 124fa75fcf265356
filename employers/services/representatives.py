"""Representatives and their invitations: a representative invites a colleague by email, the colleague
accepts (which grants the employer representative role), and a representative is removed."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleChange, User
from accounts.roles import STAFF_ROLES, Role
from accounts.services import notice_send
from core.exceptions import Conflict, NotAllowed, require
from core.mail import send_mail_on_commit
from core.workflow import lock, lock_rows
from employers.models import Employer, Representative, RepresentativeInvitation
from employers.permissions import can_verify_employers, is_active_representative
from employers.selectors import token_hash
from employers.services.common import _employer_event, _employer_url, _required_reason, _url

# URL names of the pages (built in employers/urls.py); links fall back to these paths until they exist.
INVITATION_URL_NAME = "employers:invitation_accept"


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
    for earlier in lock_rows(
        RepresentativeInvitation.objects.filter(
            employer=locked, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        )
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
    invitation = lock_rows(
        RepresentativeInvitation.objects.select_related("employer", "invited_by").filter(
            token_hash=_token_hash(token)
        )
    ).first()
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
    locked = lock(representative, related=("user",), of=None)
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
