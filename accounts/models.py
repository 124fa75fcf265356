from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.models import AppendOnlyModel

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{7,20}$",
    _("Enter a phone number of 7 to 20 digits; it may start with + and contain spaces, dashes or brackets."),
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields["is_superuser"] = True
        extra_fields.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. Roles are Django groups (see accounts.roles)."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's roles, read once per request (one query)."""
        return frozenset(self.groups.values_list("name", flat=True))

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("role_names", None)

    def has_role(self, role: Role | str) -> bool:
        return self.is_active and str(role) in self.role_names

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Administrators hold every model permission, like superusers; their changes are audited.
        if self.is_active and Role.ADMINISTRATOR in self.role_names:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and Role.ADMINISTRATOR in self.role_names:
            return True
        return super().has_module_perms(app_label)

    @property
    def is_staff(self) -> bool:
        """Django admin access: administrators (and superusers) only."""
        return self.is_active and (self.is_superuser or Role.ADMINISTRATOR in self.role_names)


class RoleChange(AppendOnlyModel):
    """Who granted or revoked which role to whom, when and why. Never edited or deleted."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_changes")
    role = models.CharField(max_length=40, choices=Role.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="role_changes_made"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.role} {self.action} for user {self.user_id}"


class Notice(models.Model):
    """An in-app notice for one person (mail carries the same news). Read state is the only change."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notices")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text=_("Where the notice leads, in this site."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject
