"""Sign-in helpers shared by the sign-in page and the API token endpoint."""

import logging
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest

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
