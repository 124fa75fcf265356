"""Error pages in the site's layout. Refusals say as little as possible about what exists."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


# A write whose commit reached the disk just as the database connection died answers 500 although it was
# saved (seen when PostgreSQL restarted under load: docs/quality.md), so the message must not promise
# that nothing was saved.
SERVER_ERROR_DETAIL = (
    "Sorry, something went wrong on our side. If the request was a write, it may or may not have been "
    "saved: read the record before sending it again."
)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):  # API clients read JSON, as for every other error
        return JsonResponse({"detail": SERVER_ERROR_DETAIL}, status=500)
    # No context processors: the failure may be in them.
    return HttpResponse(render_to_string("errors/500.html"), status=500)


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages (like the admin) that do not link ours."""
    return redirect(static("img/favicon.svg"), permanent=True)
