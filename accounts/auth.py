"""Sign-in helpers shared by the sign-in page and the API token endpoint, and the API's token
authentication."""

import logging
from typing import Any

from django.contrib.auth import authenticate
from django.db.models import Aggregate, CharField, OuterRef, Subquery, Value
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

security_log = logging.getLogger("skillsfund.security")


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The sign-in name axes counts failures against, from the form, the API body or the credentials."""
    if credentials:
        for key in ("username", "email"):
            if credentials.get(key):
                return str(credentials[key]).strip().lower()
    for key in ("username", "email"):
        value = request.POST.get(key) if request.method == "POST" else None
        if value:
            return value.strip().lower()
    return ""


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def sign_in_check(request: HttpRequest, *, email: str, password: str) -> Any:
    """Authenticate through every backend (axes counts failures and locks out); log the outcome."""
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            security_log.warning(
                "sign-in-locked-out email=%s ip=%s", email.strip().lower(), client_ip(request)
            )
        else:
            security_log.info("sign-in-failed email=%s ip=%s", email.strip().lower(), client_ip(request))
        return None
    return user


# ---------------------------------------------------------------- API tokens

ROLE_SEPARATOR = "\x1f"  # the unit separator: never part of a group name typed by a person


class _JoinedNames(Aggregate):
    """Text values joined with a separator, in one column: STRING_AGG on PostgreSQL, GROUP_CONCAT on
    SQLite."""

    function = "STRING_AGG"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's token authentication, reading the user's roles in the same query as the token and the user
    (a subquery), instead of a second query on the first role check. Same refusals, same header."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from django.contrib.auth.models import Group
        from rest_framework.authtoken.models import Token

        roles = (
            Group.objects.filter(user=OuterRef("user_id"))
            .order_by()
            .values("user")
            .annotate(names=_JoinedNames("name", Value(ROLE_SEPARATOR)))
            .values("names")
        )
        try:
            token = Token.objects.select_related("user").annotate(role_list=Subquery(roles)).get(key=key)
        except Token.DoesNotExist as error:
            raise AuthenticationFailed(_("Invalid token.")) from error
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        # What User.role_names would read on first use (a cached_property), already read.
        token.user.__dict__["role_names"] = frozenset(
            name for name in (token.role_list or "").split(ROLE_SEPARATOR) if name
        )
        return token.user, token
