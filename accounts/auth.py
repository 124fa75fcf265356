"""Sign-in helpers shared by the sign-in page and the API token endpoint, and the API's token
authentication."""

import logging
from typing import Any, ClassVar

from django.contrib.auth import authenticate
from django.db import connection
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


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's token authentication in one hand-written query: the token's user and the names of the user's
    roles (a subquery), instead of DRF's ORM query and a second query on the first role check. Same
    refusals, same header. Every API request passes here, so the ORM's cost of building the query (~1.1 ms
    of CPU, most of what a request spends before its view; docs/quality.md) is worth saving: the SQL
    is built once per database vendor from the models' own table and column names."""

    _sql: ClassVar[dict[str, str]] = {}

    @classmethod
    def _query(cls) -> str:
        sql = cls._sql.get(connection.vendor)
        if sql is None:
            from django.contrib.auth.models import Group
            from rest_framework.authtoken.models import Token

            from accounts.models import User

            qn = connection.ops.quote_name
            groups = User.groups.through._meta
            columns = ", ".join(f"u.{qn(str(field.column))}" for field in User._meta.concrete_fields)
            joined = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
            sql = (
                f"SELECT {columns}, (SELECT {joined}(g.{qn('name')}, %s) FROM {qn(Group._meta.db_table)} g"  # noqa: S608 - model names
                f" JOIN {qn(groups.db_table)} ug ON g.{qn('id')} = ug.{qn('group_id')}"
                f" WHERE ug.{qn('user_id')} = t.{qn('user_id')}) AS role_list"
                f" FROM {qn(Token._meta.db_table)} t JOIN {qn(User._meta.db_table)} u"
                f" ON u.{qn('id')} = t.{qn('user_id')} WHERE t.{qn('key')} = %s"
            )
            cls._sql[connection.vendor] = sql
        return sql

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from rest_framework.authtoken.models import Token

        from accounts.models import User

        # raw() converts the user's columns as the ORM would (dates on SQLite, for one).
        found = list(User.objects.raw(self._query(), [ROLE_SEPARATOR, key]))
        if not found:
            raise AuthenticationFailed(_("Invalid token."))
        user = found[0]
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        # What User.role_names would read on first use (a cached_property), already read.
        role_list = user.__dict__.pop("role_list", None) or ""
        user.__dict__["role_names"] = frozenset(name for name in role_list.split(ROLE_SEPARATOR) if name)
        # The token as a saved row (its creation time left unread): request.auth, as DRF gives it.
        token = Token.from_db(connection.alias, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token
