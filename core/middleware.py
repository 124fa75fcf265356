from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase


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
