from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.control_characters import (
    MESSAGE,
    form_fields_with_control_characters,
    has_control_character,
    has_header_control_character,
)


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view is marked `@login_not_required`.

    The API is the exception to the redirect only: DRF refuses anonymous callers itself with 401/403
    (its default permission is IsAuthenticated), which suits API clients better than a redirect.
    """

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/") and getattr(view_func, "cls", None) is not None:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RefuseMalformedRequestsMiddleware:
    """Refuse, before anything reads the database, a request that carries a control character where
    text goes: in its address (a 404: nothing here is named that way), its query string, a header or a
    cookie, or a form field (a 400 naming where). PostgreSQL cannot store NUL, so such text would
    otherwise fail deep in a query with a 500 (core.control_characters). An over-long query string is a
    400 too (MAX_QUERY_STRING_LENGTH).

    API bodies are read by DRF's parsers, which refuse the same characters themselves (core.parsers);
    this reads page forms only, as CSRF protection would read them anyway. It sits before the
    session and authentication middleware: a cookie with a NUL never reaches the session table, and the
    refusal's page does not ask who is signed in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        is_api = request.path_info.startswith("/api/")
        if has_control_character(request.path_info):
            detail = _("No such address: it contains a control character.")
            return _refusal(request, is_api, 404, {"detail": detail})
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING_LENGTH:
            detail = _("The address is too long: its query string may hold at most %(limit)s characters.") % {
                "limit": f"{MAX_QUERY_STRING_LENGTH:,}"
            }
            return _refusal(request, is_api, 400, {"query": [detail]})
        where = _place_of_control_character(request, read_form=not is_api)
        if where is not None:
            return _refusal(request, is_api, 400, {where: [str(MESSAGE)]})
        return self.get_response(request)


# Far above any query a page or the API builds (the longest filters are a few hundred characters).
# gunicorn.conf.py lifts gunicorn's own cap on the request line, whose refusal is an HTML 414 the API's
# clients could not read, so that an over-long address gets this JSON 400 instead.
MAX_QUERY_STRING_LENGTH = 8_000


def _place_of_control_character(request: HttpRequest, *, read_form: bool) -> str | None:
    """Where the request carries a control character: a query parameter's or form field's name, a
    header's name, or None."""
    for key, values in request.GET.lists():
        if has_control_character(key):
            return "query"
        if any(has_control_character(value) for value in values):
            return key
    for key, value in request.META.items():
        is_header = key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
        if is_header and isinstance(value, str) and has_header_control_character(value):
            return key.removeprefix("HTTP_").replace("_", "-").title()
    # The cookie parser decodes \ooo escapes in a quoted value (http.cookies), so `sessionid="a\000b"`
    # is a header without a control character that yields a session id with a NUL: check what is read.
    for key, value in request.COOKIES.items():
        if has_control_character(key) or has_control_character(value):
            return "Cookie"
    if read_form and request.method in ("POST", "PUT", "PATCH") and _is_form(request):
        field = next(form_fields_with_control_characters(request.POST), None)
        if field is not None:
            return field
        # Uploaded files' names need no check: Django drops non-printable characters from them.
    return None


def _is_form(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


def _refusal(request: HttpRequest, is_api: bool, status: int, body: dict[str, Any]) -> HttpResponseBase:
    if is_api:
        return JsonResponse(body, status=status)
    template = "errors/404.html" if status == 404 else "errors/400.html"
    reason = body.get("detail") or next(iter(body.values()))[0]
    return render(request, template, {"reason": reason}, status=status)
