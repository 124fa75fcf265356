"""A person's notices (what changed on their applications, awards and pledges), and marking them read."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Notice
from accounts.services import notices_mark_read
from core.pagination import paginate
from core.views import signed_in_user

NOTICES_PER_PAGE = 25


@require_safe
def notices(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = paginate(
        request, Notice.objects.filter(user=user).order_by("-created_at", "-id"), NOTICES_PER_PAGE
    )
    unread = Notice.objects.filter(user=user, read_at__isnull=True).count()
    return render(request, "grants/applicant/notices.html", {"page": page, "unread": unread})


@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    changed = notices_mark_read(user=signed_in_user(request))
    if changed:
        messages.success(request, _("All your notices are marked as read."))
    return redirect("grants:notices")
