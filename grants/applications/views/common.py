"""What the pages about one application share, in every area of grants: finding it for the applicant
side or for staff (a 404 that reveals nothing for anyone else), and going back to its page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import get_visible_or_404
from core.views import signed_in_user
from grants.models import Application
from grants.permissions import applications_visible_to, is_applicant_side

APPLICANT_RELATED = ("program", "credential__provider", "funding_round")
STAFF_RELATED = ("program", "credential", "funding_round")

# What an application's events are called on both its pages (each page adds or words others its own way).
EVENT_LABELS_BOTH_SIDES: dict[str, Promise] = {
    "created": gettext_lazy("Draft started"),
    "document_added": gettext_lazy("Document added"),
    "review_started": gettext_lazy("Review started"),
    "more_info_requested": gettext_lazy("More information requested"),
    "approved": gettext_lazy("Approved"),
    "rejected": gettext_lazy("Not approved"),
    "enrolled": gettext_lazy("Enrolment confirmed"),
    "completion_claimed": gettext_lazy("Completion claimed"),
    "completion_verified": gettext_lazy("Completion verified"),
    "completion_rejected": gettext_lazy("Completion claim not accepted"),
    "cancelled": gettext_lazy("Award cancelled"),
    "expired": gettext_lazy("Award expired"),
    "paid": gettext_lazy("Paid"),
    "clawed_back": gettext_lazy("Money recovered"),
}


def back(application: Application) -> HttpResponse:
    """To the application's page (grants:application_detail shows each side its own)."""
    return redirect("grants:application_detail", pk=application.pk)


def not_now(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    """Back to the application's page, saying why this step is not open now."""
    messages.error(request, message)
    return back(application)


def own_application(
    request: HttpRequest, pk: int, related: tuple[str, ...] = APPLICANT_RELATED
) -> Application:
    """The application, if the caller is its applicant (or filed it); a 404 for everyone else."""
    user = signed_in_user(request)
    return get_visible_or_404(
        applications_visible_to(user).filter(Q(applicant=user) | Q(filed_by=user)).select_related(*related),
        pk=pk,
    )


def staff_application(request: HttpRequest, pk: int, related: tuple[str, ...] = STAFF_RELATED) -> Application:
    """The application, if the caller may see it as staff; 404 for anyone else (it reveals nothing), 403
    for its own applicant side."""
    user = signed_in_user(request)
    application = get_visible_or_404(applications_visible_to(user).select_related(*related), pk=pk)
    if is_applicant_side(user, application):
        raise PermissionDenied(_("This is your own application; staff actions are not yours to take."))
    return application
