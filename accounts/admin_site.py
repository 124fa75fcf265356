from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode

from accounts.permissions import can_manage_users


class SkillsFundAdminSite(admin.AdminSite):
    """Django admin, for administrators only; sign-in goes through the app's own sign-in page."""

    site_header = "SkillsFund administration"
    site_title = "SkillsFund administration"
    index_title = "Configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(can_manage_users(request.user))

    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        next_url = request.GET.get("next", reverse("admin:index"))
        return HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": next_url}))
