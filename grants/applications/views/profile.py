"""The worker's own details: the profile eligibility rules read, and the voluntary demographics."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import has_any_role, require
from accounts.roles import Role
from accounts.services import user_profile_update
from core.views import form_action, posted, signed_in_user
from grants.applications import selectors, services
from grants.applications.forms.applicant import DemographicsForm, WorkerProfileForm, contact_fields
from programs.models import EligibilityRule, Program


def _require_worker(request: HttpRequest) -> None:
    require(has_any_role(request.user, (Role.WORKER,)))


def _open_program_regions() -> list[str]:
    """Regions named by the residency rules of open programs, for the profile's hint."""
    regions: set[str] = set()
    rules = EligibilityRule.objects.filter(
        program__status=Program.Status.OPEN, kind=EligibilityRule.Kind.RESIDENCY_REGION
    ).values_list("parameters", flat=True)
    for parameters in rules:
        if isinstance(parameters, dict):
            regions.update(str(region) for region in parameters.get("regions", []) if region)
    return sorted(regions)


@require_http_methods(["GET", "HEAD", "POST"])
def worker_profile(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    user = signed_in_user(request)
    profile = selectors.worker_profile_for(user)
    initial: dict[str, Any] = {"phone": user.phone}
    if profile is not None:
        initial |= {
            "address": profile.address,
            "region": profile.region,
            "date_of_birth": profile.date_of_birth,
            "employment_status": profile.employment_status,
            "household_income_band": profile.household_income_band,
            "contact_by_employers": profile.contact_by_employers,
            "priority_veteran": profile.priority_veteran,
            "priority_disability": profile.priority_disability,
        }
    form = WorkerProfileForm(posted(request), initial=initial, regions=_open_program_regions())

    @transaction.atomic
    def save() -> None:
        # Contact details and the profile are saved together, or neither is.
        user_profile_update(user=user, **contact_fields(user, form))
        services.worker_profile_save(user=user, **form.profile_fields())

    return form_action(
        request,
        form,
        save,
        success=_("Your profile is saved."),
        then=redirect("grants:worker_profile"),
        otherwise=lambda: render(
            request, "grants/applicant/profile.html", {"form": form, "profile": profile}
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def demographics(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    answers = selectors.demographics_for(request.user)
    initial = (
        {
            "race_ethnicity": answers.race_ethnicity,
            "sex": answers.sex,
            "veteran": answers.veteran,
            "disability": answers.disability,
        }
        if answers is not None
        else {}
    )
    form = DemographicsForm(posted(request), initial=initial)
    return form_action(
        request,
        form,
        lambda: services.demographics_save(user=signed_in_user(request), **form.cleaned_data),
        success=_("Thank you. Your answers are saved."),
        then=redirect("grants:demographics"),
        otherwise=lambda: render(request, "grants/applicant/demographics.html", {"form": form}),
    )
