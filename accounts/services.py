"""Every write to accounts: sign-up, email verification, staff accounts, roles, profile."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import RoleChange, User
from accounts.permissions import can_manage_users
from accounts.roles import SELF_SERVICE_ROLES, Role
from core.exceptions import NotAllowed
from core.mail import send_templated_mail_on_commit
from core.workflow import lock, lock_rows

security_log = logging.getLogger("skillsfund.security")

_VERIFY_SALT = "accounts.email-verification"


def _email_in_use(email: str, *, excluding: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if excluding is not None:
        users = users.exclude(pk=excluding.pk)
    return users.exists()


def email_verification_token(*, user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_VERIFY_SALT)


def _send_verification(user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:verify_email", args=[email_verification_token(user=user)])
    send_templated_mail_on_commit(
        template="accounts/email/verify_email",
        context={"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_MAX_AGE.days},
        recipients=[user.email],
        subject=_("Confirm your email address for SkillsFund"),
    )


@transaction.atomic
def user_sign_up(
    *, email: str, full_name: str, password: str, role: Role, phone: str = "", preferred_language: str = "en"
) -> User:
    """Create a self-service account (worker or employer representative) awaiting email verification.

    Side effects: creates the user, grants the role (audited, no actor), mails a verification link
    after commit.
    """
    if role not in SELF_SERVICE_ROLES:
        raise ValidationError({"role": _("Choose whether you are applying as a worker or for an employer.")})
    email = User.objects.normalize_email(email).strip().lower()
    if _email_in_use(email):
        raise ValidationError(
            {"email": _("An account with this email address already exists. Sign in or reset your password.")}
        )
    user = User(
        email=email, full_name=full_name.strip(), phone=phone.strip(), preferred_language=preferred_language
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean()
    user.save()
    _grant(user=user, role=role, actor=None, reason="Self-service sign-up")
    _send_verification(user)
    security_log.info("sign-up user=%s role=%s", user.pk, role)
    return user


def user_resend_verification(*, email: str) -> None:
    """Send a new verification link if an unverified account has this email; say nothing otherwise."""
    user = User.objects.filter(
        email__iexact=email.strip(), email_verified_at__isnull=True, is_active=True
    ).first()
    if user is not None:
        with transaction.atomic():
            _send_verification(user)


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Mark the email of the account named in a signed, unexpired token as verified."""
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Ask for a new one below.")) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid. Check that you copied all of it.")) from error
    user = lock_rows(User.objects.filter(pk=data.get("user"), email=data.get("email"))).first()
    if user is None:
        raise ValidationError(_("This link is not valid. Check that you copied all of it."))
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        security_log.info("email-verified user=%s", user.pk)
    return user


@transaction.atomic
def staff_user_create(
    *, actor: User, email: str, full_name: str, roles: Iterable[Role], phone: str = ""
) -> User:
    """An administrator creates an account (usually agency staff) with roles.

    Side effects: creates a verified user with no usable password, grants each role (audited), and
    mails a link to set a password after commit.
    """
    decision = can_manage_users(actor)
    if not decision:
        raise NotAllowed(decision.reason)
    roles = list(dict.fromkeys(Role(role) for role in roles))
    if not roles:
        raise ValidationError({"roles": _("Give the account at least one role.")})
    email = User.objects.normalize_email(email).strip().lower()
    if _email_in_use(email):
        raise ValidationError({"email": _("An account with this email address already exists.")})
    user = User(
        email=email, full_name=full_name.strip(), phone=phone.strip(), email_verified_at=timezone.now()
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    for role in roles:
        _grant(user=user, role=role, actor=actor, reason="Account created by an administrator")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse(
        "accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
    )
    send_templated_mail_on_commit(
        template="accounts/email/account_created",
        context={"user": user, "link": link, "roles": [Role(r).label for r in roles]},
        recipients=[user.email],
        subject=_("Your SkillsFund account"),
    )
    security_log.info("staff-account-created user=%s by=%s roles=%s", user.pk, actor.pk, ",".join(roles))
    return user


def _grant(*, user: User, role: Role, actor: User | None, reason: str) -> bool:
    group = Group.objects.get(name=role)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    RoleChange.objects.create(
        user=user, role=role, action=RoleChange.Action.GRANTED, actor=actor, reason=reason
    )
    user.__dict__.pop("role_names", None)
    return True


@transaction.atomic
def role_grant(*, actor: User, user: User, role: Role | str, reason: str = "") -> bool:
    """Give `user` the role; returns False (and writes nothing) if they already hold it.

    Side effects: adds the group membership and a RoleChange row in one transaction.
    """
    decision = can_manage_users(actor)
    if not decision:
        raise NotAllowed(decision.reason)
    role = _parse_role(role)
    locked = lock(user)
    granted = _grant(user=locked, role=role, actor=actor, reason=reason)
    if granted:
        user.__dict__.pop("role_names", None)
        security_log.info("role-granted user=%s role=%s by=%s", user.pk, role, actor.pk)
    return granted


@transaction.atomic
def role_revoke(*, actor: User, user: User, role: Role | str, reason: str = "") -> bool:
    """Take the role away; returns False if they did not hold it. Administrators cannot drop their own
    administrator role, so the agency is never left without one by accident.

    Side effects: removes the group membership and writes a RoleChange row in one transaction.
    """
    decision = can_manage_users(actor)
    if not decision:
        raise NotAllowed(decision.reason)
    role = _parse_role(role)
    if role == Role.ADMINISTRATOR and actor.pk == user.pk:
        raise ValidationError(
            {"role": _("You cannot remove your own administrator role; ask another administrator.")}
        )
    locked = lock(user)
    group = Group.objects.get(name=role)
    if not locked.groups.filter(pk=group.pk).exists():
        return False
    locked.groups.remove(group)
    RoleChange.objects.create(
        user=locked, role=role, action=RoleChange.Action.REVOKED, actor=actor, reason=reason
    )
    user.__dict__.pop("role_names", None)
    security_log.info("role-revoked user=%s role=%s by=%s", user.pk, role, actor.pk)
    return True


@transaction.atomic
def user_roles_set(*, actor: User, user: User, roles: Iterable[Role | str], reason: str = "") -> None:
    """Make the user's roles exactly `roles`, granting and revoking through the audited services."""
    wanted = {_parse_role(role) for role in roles}
    current = {Role(name) for name in user.groups.values_list("name", flat=True)}
    for role in sorted(wanted - current):
        role_grant(actor=actor, user=user, role=role, reason=reason)
    for role in sorted(current - wanted):
        role_revoke(actor=actor, user=user, role=role, reason=reason)


def _parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as error:
        raise ValidationError({"role": _("“%(role)s” is not a SkillsFund role.") % {"role": role}}) from error


@transaction.atomic
def user_profile_update(*, user: User, full_name: str, phone: str, preferred_language: str) -> User:
    """Change a person's own contact details. The email (their sign-in name) is not changed here."""
    locked = lock(user)
    locked.full_name = full_name.strip()
    locked.phone = phone.strip()
    locked.preferred_language = preferred_language
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["full_name", "phone", "preferred_language"])
    return locked


def notice_send(*, user: User, subject: str, body: str = "", url: str = "", mail: bool = True) -> None:
    """Tell a person something: an in-app notice now, and the same by mail after commit.

    Side effects: a Notice row; when `mail`, one mail task enqueued after commit.
    """
    from accounts.models import Notice

    Notice.objects.create(user=user, subject=subject[:200], body=body, url=url)
    if mail and user.is_active:
        link = settings.SITE_URL + url if url else settings.SITE_URL
        # The mail's own wording follows the person's language where a translation exists.
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            send_templated_mail_on_commit(
                template="accounts/email/notice",
                context={"user": user, "subject": subject, "body": body, "link": link},
                recipients=[user.email],
                subject=subject,
            )


@transaction.atomic
def notices_mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all of them when no ids are given); returns how many changed."""
    from accounts.models import Notice

    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    return notices.update(read_at=timezone.now())


@transaction.atomic
def invited_user_create(*, email: str, full_name: str, role: Role, invited_by: User, reason: str) -> User:
    """An account someone else opened for a person (an employee named by their employer): inactive, with no
    usable password, until the person follows their invitation and chooses one.

    Side effects: the user and an audited role grant (actor: the inviter).
    """
    email = User.objects.normalize_email(str(email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account already exists for this address.")})
    user = User(email=email, full_name=str(full_name or "").strip()[:200], is_active=False)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _grant(user=user, role=role, actor=invited_by, reason=reason)
    security_log.info("invited-account user=%s by=%s", user.pk, invited_by.pk)
    return user


@transaction.atomic
def invited_user_activate(*, user: User, password: str) -> User:
    """The invited person chose a password: the account becomes active and its address verified (the
    invitation reached it)."""
    locked = lock(user)
    if locked.is_active:
        raise ValidationError(_("This account is already active; sign in instead."))
    validate_password(password, locked)
    locked.set_password(password)
    locked.is_active = True
    locked.email_verified_at = timezone.now()
    locked.save(update_fields=["password", "is_active", "email_verified_at"])
    security_log.info("invited-account-activated user=%s", locked.pk)
    return locked
