"""Role-aware navigation: each item says which roles see it. Later issues add their pages here."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[Role, ...] = ()  # empty: every signed-in user


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home"),
    NavItem(_("Programs"), "programs:program_list"),
    NavItem(_("Catalog"), "programs:catalog"),
    NavItem(_("Dashboard"), "reporting:dashboard", (Role.OFFICIAL, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)),
    NavItem(
        _("Exports"),
        "reports:export_list",
        (Role.PROGRAM_MANAGER, Role.FINANCE_OFFICER, Role.OFFICIAL, Role.ADMINISTRATOR),
    ),
    NavItem(_("Manage programs"), "programs:manage", (Role.PROGRAM_MANAGER,)),
    NavItem(_("Review queue"), "grants:queue", (Role.PROGRAM_MANAGER, Role.REVIEWER)),
    NavItem(_("Finance"), "grants:finance_home", (Role.FINANCE_OFFICER,)),
    NavItem(
        _("Credential requests"),
        "programs:request_list",
        (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER),
    ),
    NavItem(_("My employer"), "employers:my_employers", (Role.EMPLOYER_REPRESENTATIVE,)),
    NavItem(_("Employers"), "employers:employer_list", (Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)),
    NavItem(_("Pledges"), "employers:pledge_queue", (Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)),
    NavItem(_("My applications"), "grants:my_applications", (Role.WORKER,)),
    NavItem(_("Job matches"), "grants:matches", (Role.WORKER,)),
    NavItem(_("Employee applications"), "grants:my_applications", (Role.EMPLOYER_REPRESENTATIVE,)),
    NavItem(_("My profile"), "grants:worker_profile", (Role.WORKER,)),
    NavItem(_("Notices"), "grants:notices"),
    NavItem(_("Users"), "accounts:user_list", (Role.ADMINISTRATOR,)),
    NavItem(_("Administration"), "admin:index", (Role.ADMINISTRATOR,)),
    NavItem(_("My account"), "accounts:profile"),
)


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    # No user when a request is refused before authentication runs (a bad Host header: the 400 page).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        if item.roles and not any(user.has_role(role) for role in item.roles):
            continue
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "current": request.path == url})
    return items
