"""Matching pages: a worker's job roles that match their verified skills, an employer representative's
candidates for a role (with inviting and recording a hire), and the representative's recorded hires.

Thin, like grants/applications/views/applicant.py: grants/matching/selectors.py ranks and decides who may
see candidates, grants/matching/services.py writes. Another employer's role is a 404 (it reveals nothing);
an employer that may not see candidates yet (not verified, no active pledge) gets a page saying why, with a
403 status and nobody listed. Employer-facing pages show a candidate's name, region and verified
credentials with their skills only: never demographics, contact details, date of birth or applications."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.permissions import get_visible_or_404, has_any_role, require
from accounts.roles import Role
from core.pagination import paginate
from core.views import attempt, signed_in_user
from employers.models import CandidateInvitation, Hire, JobRole, Representative
from employers.permissions import hires_visible_to, job_roles_visible_to
from employers.views.common import wage_range
from grants.matching.forms import NO_SUCH_CANDIDATE, HireForm, InviteForm
from grants.matching.selectors import (
    VERIFIED_COMPLETION,
    can_see_candidates,
    candidates_for_role,
    has_opted_in,
    roles_for_worker,
)
from grants.matching.services import candidate_hire_record, candidate_invite
from grants.models import Application
from programs.presentation import money

ROLES_PER_PAGE = 20
CANDIDATES_PER_PAGE = 20
HIRES_PER_PAGE = 25
HIRE_LIST_ROLES = (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)


# ---------------------------------------------------------------- workers


@require_safe
def my_matches(request: HttpRequest) -> HttpResponse:
    require(has_any_role(request.user, (Role.WORKER,)))
    worker = signed_in_user(request)
    opted_in = has_opted_in(worker)
    has_verified = Application.objects.filter(applicant=worker, status__in=VERIFIED_COMPLETION).exists()
    page = None
    if opted_in and has_verified:
        page = paginate(request, roles_for_worker(worker), ROLES_PER_PAGE)
        for role in page.object_list:
            role.wage_display = wage_range(role)
    return render(
        request,
        "grants/matching/my_matches.html",
        {"opted_in": opted_in, "has_verified": has_verified, "page": page},
    )


# ---------------------------------------------------------------- employers


def _own_role(request: HttpRequest, pk: int) -> JobRole:
    """A role of an employer the caller represents now; a 404 for anyone else's."""
    require(has_any_role(request.user, (Role.EMPLOYER_REPRESENTATIVE,)))
    employers = Representative.objects.filter(user=signed_in_user(request), removed_at__isnull=True).values(
        "employer_id"
    )
    return get_visible_or_404(
        job_roles_visible_to(request.user).filter(employer_id__in=employers).select_related("employer"),
        pk=pk,
    )


def _candidates_page(
    request: HttpRequest, role: JobRole, *, failed: InviteForm | HireForm | None = None
) -> HttpResponse:
    decision = can_see_candidates(request.user, role)
    if not decision:
        return render(
            request,
            "grants/matching/candidates_unavailable.html",
            {"role": role, "reason": decision.reason},
            status=403,
        )
    page = paginate(request, candidates_for_role(role), CANDIDATES_PER_PAGE)
    worker_ids = [worker.pk for worker in page.object_list]
    invited = dict(
        CandidateInvitation.objects.filter(job_role=role, worker_id__in=worker_ids).values_list(
            "worker_id", "created_at"
        )
    )
    hired = dict(
        Hire.objects.filter(job_role=role, worker_id__in=worker_ids).values_list("worker_id", "hired_on")
    )
    failed_worker = str(failed.data.get("worker", "")) if failed is not None else ""
    for worker in page.object_list:
        worker.invited_at = invited.get(worker.pk)
        worker.hired_on = hired.get(worker.pk)
        worker.invite_form = InviteForm(worker_id=worker.pk)
        worker.hire_form = HireForm(worker_id=worker.pk)
        if failed is not None and failed_worker == str(worker.pk):
            if isinstance(failed, InviteForm):
                worker.invite_form = failed
            else:
                worker.hire_form = failed
    return render(
        request,
        "grants/matching/candidates.html",
        {
            "role": role,
            "page": page,
            "failed": failed,
            "failed_shown": failed is not None and failed_worker in {str(pk) for pk in worker_ids},
            "action_query": f"?page={page.number}" if page.number > 1 else "",
        },
        status=400 if failed is not None else 200,
    )


@require_safe
def role_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidates_page(request, _own_role(request, pk))


def _candidate(form: InviteForm | HireForm) -> User | None:
    """The posted worker, or None with the same error whether they exist or not."""
    worker = User.objects.filter(pk=form.cleaned_data["worker"]).first()
    if worker is None:
        form.add_error("worker", NO_SUCH_CANDIDATE)
    return worker


def _back_to_candidates(request: HttpRequest, role: JobRole) -> HttpResponse:
    url = reverse("grants:role_candidates", kwargs={"pk": role.pk})
    page = request.GET.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


def _candidate_action(
    request: HttpRequest,
    pk: int,
    form_class: type[InviteForm] | type[HireForm],
    service: Callable[..., Any],
    fields: Callable[[Any], dict[str, Any]],
    success: Callable[[User, JobRole, Any], str],
) -> HttpResponse:
    """Act on one candidate of the employer's role (invite, hire) through its form: `fields(form)` are
    the service's arguments besides the actor, role and worker; `success(worker, role, result)` is the
    message when it is done. A refusal shows the candidates again, with the form."""
    role = _own_role(request, pk)
    if not can_see_candidates(request.user, role):
        return _candidates_page(request, role)
    form = form_class(request.POST)
    if form.is_valid() and (worker := _candidate(form)) is not None:
        done, result = attempt(
            form, service, actor=signed_in_user(request), job_role=role, worker=worker, **fields(form)
        )
        if done:
            messages.success(request, success(worker, role, result))
            return _back_to_candidates(request, role)
    return _candidates_page(request, role, failed=form)


@require_POST
def candidate_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_action(
        request,
        pk,
        InviteForm,
        candidate_invite,
        lambda form: {"message": form.cleaned_data["message"]},
        lambda worker, role, _invitation: (
            _("%(name)s is invited to apply for %(role)s. We have sent them a notice.")
            % {"name": worker.full_name, "role": role.title}
        ),
    )


def _hired(worker: User, role: JobRole, result: tuple[Hire, Any]) -> str:
    _hire, outcome = result
    text = _(
        "The hire of %(name)s as %(role)s is recorded. It counts in your pledge as "
        "employer-reported until staff verify a quarterly report that covers it."
    ) % {"name": worker.full_name, "role": role.title}
    if outcome is not None:
        text += " " + _("It is also recorded as an outcome of their funded training.")
    return text


@require_POST
def candidate_hire_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_action(
        request, pk, HireForm, candidate_hire_record, lambda form: form.service_fields(), _hired
    )


def _hires(request: HttpRequest) -> QuerySet[Hire]:
    return (
        hires_visible_to(request.user)
        .select_related("worker", "job_role", "employer")
        .only(
            "hired_on",
            "annual_wage",
            "has_four_year_degree",
            "source",
            "worker__full_name",
            "job_role__title",
            "employer__legal_name",
            "employer__trading_name",
        )
        .order_by("-hired_on", "-pk")
    )


@require_safe
def hire_list(request: HttpRequest) -> HttpResponse:
    require(has_any_role(request.user, HIRE_LIST_ROLES))
    page = paginate(request, _hires(request), HIRES_PER_PAGE)
    for hire in page.object_list:
        hire.wage_display = money(hire.annual_wage, "USD")
    return render(request, "grants/matching/hires.html", {"page": page})
