"""Job role pages: an employer's roles, adding and editing one, and closing it."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import get_visible_or_404, require
from core.pagination import paginate
from core.views import button_action, form_action, posted, signed_in_user
from employers import services
from employers.forms import JobRoleForm
from employers.models import Employer, JobRole
from employers.permissions import is_active_representative, job_roles_visible_to
from employers.views.common import (
    PS,
    ROWS_PER_PAGE,
    is_representative_of,
    may_use_employer_pages,
    own_employer,
    visible_employer,
    wage_range,
)

# ---------------------------------------------------------------- job roles


@require_safe
def job_role_list(request: HttpRequest, pk: int) -> HttpResponse:
    employer = visible_employer(request, pk)
    is_representative = is_representative_of(request, employer.pk)
    roles = (
        job_roles_visible_to(request.user)
        .filter(employer=employer)
        .select_related("occupation", "pledge")
        .prefetch_related("skills")
        .order_by("-is_open", "title", "pk")
    )
    page = paginate(request, roles, ROWS_PER_PAGE)
    for role in page.object_list:
        role.wage_display = wage_range(role)
    return render(
        request,
        "employers/job_role_list.html",
        {
            "employer": employer,
            "page": page,
            "is_representative": is_representative,
            "staff_crumbs": not is_representative,
        },
    )


def _job_role_fields(role: JobRole) -> dict[str, Any]:
    return {
        "title": role.title,
        "occupation_code": role.occupation.code if role.occupation else "",
        "skills": list(role.skills.all()),
        "degree_required_before": role.degree_required_before,
        "degree_required_after": role.degree_required_after,
        "assessment_method": role.assessment_method,
        "wage_min": f"{role.wage_min:.2f}",
        "wage_max": f"{role.wage_max:.2f}",
        "open_positions": role.open_positions,
        "region": role.region,
        "pledge": role.pledge_id,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def job_role_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_role_form(request, own_employer(request, pk), None)


@require_http_methods(["GET", "HEAD", "POST"])
def job_role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_use_employer_pages(request.user))
    role = get_visible_or_404(
        job_roles_visible_to(request.user).select_related("employer", "occupation"), pk=pk
    )
    require(is_active_representative(request.user, role.employer))
    return _job_role_form(request, role.employer, role)


def _job_role_form(request: HttpRequest, employer: Employer, role: JobRole | None) -> HttpResponse:
    pledges = employer.pledges.exclude(status__in=[PS.WITHDRAWN, PS.LAPSED, PS.FULFILLED]).order_by(
        "-created_at"
    )
    form = JobRoleForm(
        posted(request),
        initial=_job_role_fields(role) if role is not None else {"region": employer.region},
        pledges=pledges,
    )
    return form_action(
        request,
        form,
        lambda: services.job_role_save(
            actor=signed_in_user(request), employer=employer, job_role=role, **form.service_fields()
        ),
        field_names={"occupation": "occupation_code"},
        success=lambda saved: _("Job role “%(title)s” saved.") % {"title": saved.title},
        then=redirect("employers:job_role_list", pk=employer.pk),
        otherwise=lambda: render(
            request, "employers/job_role_form.html", {"employer": employer, "role": role, "form": form}
        ),
    )


@require_POST
def job_role_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(may_use_employer_pages(request.user))
    role = get_visible_or_404(job_roles_visible_to(request.user).select_related("employer"), pk=pk)
    require(is_active_representative(request.user, role.employer))
    return button_action(
        request,
        services.job_role_close,
        actor=signed_in_user(request),
        job_role=role,
        success=_("“%(title)s” is closed: it no longer appears in matching.") % {"title": role.title},
        then=redirect("employers:job_role_list", pk=role.employer_id),
    )
