"""The shape of access control that every app follows.

- Predicates answer "may this user do this?" with a Decision that carries a reason a person can read.
- Access selectors return only what a user may see, and `get_visible_or_404` turns "not yours" into a
  404 so that a refused request reveals nothing about other parties' records.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role

M = TypeVar("M", bound=Model)
AnyUser = Any  # a User or an AnonymousUser


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(cls) -> "Decision":
        return cls(True)

    @classmethod
    def deny(cls, reason: object) -> "Decision":
        return cls(False, str(reason))


def require(decision: Decision) -> None:
    """Raise PermissionDenied with the decision's reason unless it allows."""
    if not decision:
        raise PermissionDenied(decision.reason)


def is_signed_in(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_role(user: AnyUser, role: Role) -> Decision:
    if not is_signed_in(user):
        return Decision.deny(_("Sign in first."))
    if user.has_role(role):
        return Decision.allow()
    return Decision.deny(_("This needs the %(role)s role.") % {"role": role.label})


def has_any_role(user: AnyUser, roles: tuple[Role, ...]) -> Decision:
    if not is_signed_in(user):
        return Decision.deny(_("Sign in first."))
    if any(user.has_role(role) for role in roles):
        return Decision.allow()
    names = ", ".join(str(role.label) for role in roles)
    return Decision.deny(_("This needs one of these roles: %(roles)s.") % {"roles": names})


def is_agency_staff(user: AnyUser) -> Decision:
    return has_any_role(user, STAFF_ROLES)


def can_manage_users(user: AnyUser) -> Decision:
    return has_role(user, Role.ADMINISTRATOR)


def get_visible_or_404(visible: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from a queryset already limited to what the user may see; 404 otherwise."""
    try:
        return visible.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def users_visible_to(user: AnyUser) -> QuerySet[User]:
    """Administrators see every account; everyone else sees only their own."""
    if can_manage_users(user):
        return User.objects.all()
    if is_signed_in(user):
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def role_required(*roles: Role) -> type[BasePermission]:
    """A DRF permission class that allows users holding any of `roles`."""

    class HasRole(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            decision = has_any_role(request.user, roles)
            self.message = decision.reason
            return bool(decision)

    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole


def predicate_view_check(predicate: Callable[[AnyUser], Decision]) -> Callable:
    """Decorator for function views: refuse with 403 and the predicate's reason unless it allows."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            require(predicate(request.user))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


__all__ = [
    "Decision",
    "can_manage_users",
    "get_visible_or_404",
    "has_any_role",
    "has_role",
    "is_agency_staff",
    "predicate_view_check",
    "require",
    "role_required",
    "users_visible_to",
]
