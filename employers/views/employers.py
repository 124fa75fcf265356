"""Employer pages: a representative's employers, registration, the employer page (the representatives'
and the staff's), editing its details, staff verify / suspend / reinstate, and the staff list."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import get_visible_or_404, predicate_view_check, require
from core.pagination import paginate
from core.views import form_action, posted, signed_in_user
from employers import selectors, services
from employers.forms import EmployerForm, StaffDecisionForm
from employers.models import Employer
from employers.permissions import can_register_employer, can_verify_employers, employers_visible_to
from employers.views.common import (
    ROWS_PER_PAGE,
    event_rows,
    is_representative_of,
    may_use_employer_pages,
    own_employer,
    visible_employer,
    with_pledge_tags,
)

ES = Employer.Status

EMPLOYER_TAGS: dict[str, str] = {
    ES.PENDING: "tag--amber",
    ES.VERIFIED: "tag--green",
    ES.SUSPENDED: "tag--red",
}

# What an employer's status means to its representatives, in plain words.
EMPLOYER_GUIDE: dict[str, Promise] = {
    ES.PENDING: gettext_lazy(
        "Agency staff are checking your registration. Meanwhile you can prepare pledges and job roles; "
        "a pledge can become active only once your employer is verified."
    ),
    ES.VERIFIED: gettext_lazy(
        "Agency staff have checked your registration. Your pledges can become active, and you can apply "
        "to programs for employers."
    ),
    ES.SUSPENDED: gettext_lazy(
        "Agency staff have suspended your employer: no pledge can become active and you cannot apply to "
        "programs until they reinstate it. The reason is below; contact the agency to resolve it."
    ),
}


# ---------------------------------------------------------------- helpers


def _staff_employer(request: HttpRequest, pk: int) -> Employer:
    require(can_verify_employers(request.user))
    return get_visible_or_404(employers_visible_to(request.user), pk=pk)


# ---------------------------------------------------------------- representatives: their employers


@predicate_view_check(may_use_employer_pages)
@require_safe
def my_employers(request: HttpRequest) -> HttpResponse:
    """ "My employer": straight to it if there is one; a list if several; how to start if none."""
    employers = list(selectors.employers_for_user(signed_in_user(request)))
    if len(employers) == 1:
        return redirect("employers:employer_detail", pk=employers[0].pk)
    for employer in employers:
        employer.status_tag = EMPLOYER_TAGS.get(employer.status, "tag--grey")  # type: ignore[attr-defined]
    return render(
        request,
        "employers/my_employers.html",
        {"employers": employers, "can_register": bool(can_register_employer(request.user))},
    )


@predicate_view_check(can_register_employer)
@require_http_methods(["GET", "HEAD", "POST"])
def employer_register(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.employer_register(actor=signed_in_user(request), **form.service_fields()),
        success=lambda employer: (
            _("%(name)s is registered. Agency staff will verify it; we will tell you when they have.")
            % {"name": employer.display_name}
        ),
        then=lambda employer: redirect("employers:employer_detail", pk=employer.pk),
        otherwise=lambda: render(request, "employers/employer_register.html", {"form": form}),
    )


def _employer_fields(employer: Employer) -> dict[str, Any]:
    return {name: getattr(employer, name) for name in EmployerForm.base_fields}


@require_safe
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = visible_employer(request, pk)
    if is_representative_of(request, employer.pk):
        return _representative_employer_page(request, employer)
    require(can_verify_employers(request.user))
    return _staff_employer_page(request, employer)


def _last_reason(employer: Employer, action: str) -> str:
    event = employer.events.filter(action=action).order_by("-created_at", "-id").first()
    return event.reason if event is not None else ""


def _representative_employer_page(request: HttpRequest, employer: Employer) -> HttpResponse:
    pledges = list(employer.pledges.order_by("-created_at", "-id"))
    with_pledge_tags(pledges)
    open_roles = employer.job_roles.filter(is_open=True).count()
    return render(
        request,
        "employers/employer_detail.html",
        {
            "employer": employer,
            "status_tag": EMPLOYER_TAGS.get(employer.status, "tag--grey"),
            "status_meaning": EMPLOYER_GUIDE[employer.status],
            "suspension_reason": _last_reason(employer, "suspended")
            if employer.status == ES.SUSPENDED
            else "",
            "pledges": pledges,
            "open_roles": open_roles,
            "representative_count": employer.representatives.filter(removed_at__isnull=True).count(),
            "can_edit": employer.status != ES.SUSPENDED,
        },
    )


def _staff_employer_page(
    request: HttpRequest, employer: Employer, *, forms: dict[str, Any] | None = None
) -> HttpResponse:
    forms = forms or {}
    allowed = Employer.TRANSITIONS[employer.status]
    decision_forms: dict[str, Any] = {}
    if ES.VERIFIED in allowed:
        name = "reinstate" if employer.status == ES.SUSPENDED else "verify"
        decision_forms[name] = forms.get(name) or StaffDecisionForm(
            prefix=name, reason_required=name == "reinstate", reason_label=_("Reason (kept in the history)")
        )
    if ES.SUSPENDED in allowed:
        decision_forms["suspend"] = forms.get("suspend") or StaffDecisionForm(
            prefix="suspend",
            reason_required=True,
            reason_label=_("Why suspend this employer? Its representatives read it."),
        )
    pledges = list(employer.pledges.order_by("-created_at", "-id"))
    with_pledge_tags(pledges)
    representatives = list(
        employer.representatives.filter(removed_at__isnull=True).select_related("user").order_by("added_at")
    )
    return render(
        request,
        "employers/staff_employer_detail.html",
        {
            "employer": employer,
            "status_tag": EMPLOYER_TAGS.get(employer.status, "tag--grey"),
            "decision_forms": decision_forms,
            "pledges": pledges,
            "representatives": representatives,
            "events": event_rows(employer.events.select_related("actor"), staff=True),
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = own_employer(request, pk)
    if employer.status == ES.SUSPENDED:
        messages.error(request, _("A suspended employer's details cannot be changed. Contact the agency."))
        return redirect("employers:employer_detail", pk=employer.pk)
    lock = employer.status == ES.VERIFIED
    form = EmployerForm(posted(request), initial=_employer_fields(employer), lock_registration_number=lock)
    return form_action(
        request,
        form,
        lambda: services.employer_update(
            actor=signed_in_user(request), employer=employer, **form.service_fields()
        ),
        success=_("Your employer's details are saved."),
        then=redirect("employers:employer_detail", pk=employer.pk),
        otherwise=lambda: render(
            request, "employers/employer_edit.html", {"employer": employer, "form": form, "locked": lock}
        ),
    )


def _staff_decision(
    request: HttpRequest, pk: int, name: str, service: Callable[..., Any], done_message: str
) -> HttpResponse:
    employer = _staff_employer(request, pk)
    form = StaffDecisionForm(request.POST, prefix=name, reason_required=name in ("suspend", "reinstate"))

    def page_again() -> HttpResponse:
        employer.refresh_from_db()
        return _staff_employer_page(request, employer, forms={name: form})

    return form_action(
        request,
        form,
        lambda: service(actor=signed_in_user(request), employer=employer, reason=form.cleaned_data["reason"]),
        success=done_message,
        then=redirect("employers:employer_detail", pk=employer.pk),
        otherwise=page_again,
    )


@require_POST
def employer_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_decision(request, pk, "verify", services.employer_verify, _("The employer is verified."))


@require_POST
def employer_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_decision(request, pk, "suspend", services.employer_suspend, _("The employer is suspended."))


@require_POST
def employer_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_decision(
        request, pk, "reinstate", services.employer_reinstate, _("The employer is reinstated and verified.")
    )


# ---------------------------------------------------------------- staff: employers


@predicate_view_check(can_verify_employers)
@require_safe
def employer_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.employer_list(queryset=employers_visible_to(request.user))
    filterset = selectors.EmployerFilter(request.GET, queryset=visible)
    rows = filterset.qs if filterset.is_valid() else Employer.objects.none()
    page = paginate(request, rows, ROWS_PER_PAGE)
    for employer in page.object_list:
        employer.status_tag = EMPLOYER_TAGS.get(employer.status, "tag--grey")
    searched = any(value for key, value in request.GET.items() if key != "page")
    return render(
        request,
        "employers/employer_list.html",
        {"filter_form": filterset.form, "page": page, "searched": searched},
        # A filter that cannot be read is the caller's mistake: say so, show no rows.
        status=400 if filterset.form.errors else 200,
    )
