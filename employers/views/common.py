"""Shared by the employers pages: page sizes, status tags and event labels, and finding the employer or
pledge the caller may see (404) and act on (403). The caller, forms and paging: core.views."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Decision, get_visible_or_404, has_any_role, require
from accounts.roles import Role
from employers.models import Employer, JobRole, Pledge, ProgressReport
from employers.permissions import employers_visible_to, is_active_representative, pledges_visible_to
from programs.presentation import money

ROWS_PER_PAGE = 25

PS = Pledge.Status
RS = ProgressReport.Status

PLEDGE_TAGS: dict[str, str] = {
    PS.DRAFT: "tag--grey",
    PS.SUBMITTED: "tag--blue",
    PS.RETURNED: "tag--amber",
    PS.ACTIVE: "tag--green",
    PS.FULFILLED: "tag--green",
    PS.LAPSED: "tag--red",
    PS.WITHDRAWN: "tag--grey",
}

REPORT_TAGS: dict[str, str] = {
    RS.SUBMITTED: "tag--blue",
    RS.VERIFIED: "tag--green",
    RS.RETURNED: "tag--amber",
}

EVENT_LABELS: dict[str, Promise] = {
    "registered": gettext_lazy("Registered"),
    "updated": gettext_lazy("Details changed"),
    "verified": gettext_lazy("Verified"),
    "suspended": gettext_lazy("Suspended"),
    "reinstated": gettext_lazy("Reinstated"),
    "representative_added": gettext_lazy("Representative added"),
    "representative_invited": gettext_lazy("Representative invited"),
    "representative_removed": gettext_lazy("Representative removed"),
    "job_role_created": gettext_lazy("Job role added"),
    "job_role_updated": gettext_lazy("Job role changed"),
    "job_role_closed": gettext_lazy("Job role closed"),
    "created": gettext_lazy("Draft started"),
    "submitted": gettext_lazy("Submitted"),
    "returned": gettext_lazy("Returned for changes"),
    "activated": gettext_lazy("Activated"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "fulfilled": gettext_lazy("Fulfilled"),
    "lapsed": gettext_lazy("Lapsed"),
    "lapsed_on_target_date": gettext_lazy("Lapsed on the target date"),
    "fulfilled_on_target_date": gettext_lazy("Fulfilled on the target date"),
    "report_submitted": gettext_lazy("Progress report submitted"),
    "report_resubmitted": gettext_lazy("Corrected progress report submitted"),
    "report_verified": gettext_lazy("Progress report verified"),
    "report_returned": gettext_lazy("Progress report returned"),
}


# ---------------------------------------------------------------- finding what the caller may see


def may_use_employer_pages(user: Any) -> Decision:
    return has_any_role(user, (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR))


def is_representative_of(request: HttpRequest, employer_id: int) -> bool:
    return bool(is_active_representative(request.user, employer_id))


def visible_employer(request: HttpRequest, pk: int) -> Employer:
    require(may_use_employer_pages(request.user))
    return get_visible_or_404(employers_visible_to(request.user), pk=pk)


def own_employer(request: HttpRequest, pk: int) -> Employer:
    """The employer, if the caller is one of its active representatives (404 if they cannot see it)."""
    employer = visible_employer(request, pk)
    require(is_active_representative(request.user, employer))
    return employer


def visible_pledge(request: HttpRequest, pk: int) -> Pledge:
    require(may_use_employer_pages(request.user))
    return get_visible_or_404(pledges_visible_to(request.user).select_related("employer"), pk=pk)


def own_pledge(request: HttpRequest, pk: int) -> Pledge:
    pledge = visible_pledge(request, pk)
    require(is_active_representative(request.user, pledge.employer_id))
    return pledge


def event_rows(events: Any, *, staff: bool) -> list[dict[str, Any]]:
    """History rows. Employers see "Agency staff" for staff actions; staff see who acted."""
    rows = []
    for event in events:
        if staff or event.actor is None:
            by = (event.actor.full_name or event.actor.email) if event.actor else _("SkillsFund")
        else:
            by = event.actor.full_name or event.actor.email
            if event.actor.has_role(Role.PROGRAM_MANAGER) or event.actor.has_role(Role.ADMINISTRATOR):
                by = _("Agency staff")
        rows.append(
            {
                "when": event.created_at,
                "label": EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize()),
                "by": by,
                "reason": event.reason,
            }
        )
    return rows


def with_pledge_tags(pledges: Any) -> None:
    for pledge in pledges:
        pledge.status_tag = PLEDGE_TAGS.get(pledge.status, "tag--grey")


def wage_range(role: JobRole) -> str:
    """A job role's yearly wage range, in dollars (employers' pages and matching show it alike)."""
    return f"{money(role.wage_min, 'USD')} – {money(role.wage_max, 'USD')}"
