"""HTML pages for employers: registration, representatives, pledges, job roles, quarterly progress
reports, the staff pages that verify them, and the public page of pledges.

Thin, like programs/views.py: each view finds the object among those the caller may see (404
otherwise, so another employer's representative learns nothing), checks the caller may act (403
otherwise), writes through a service and shows its ValidationError or Conflict beside the form.
Nothing here reads a worker's demographics: employer-facing pages never show them.
"""

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from accounts.permissions import Decision, get_visible_or_404, has_any_role, predicate_view_check, require
from accounts.roles import Role
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from core.uploads import CONTENT_TYPES, EXTENSIONS
from employers import selectors, services
from employers.forms import (
    EmployerForm,
    InviteForm,
    JobRoleForm,
    PledgeForm,
    ProgressReportForm,
    RemoveRepresentativeForm,
    ReturnReportForm,
    StaffDecisionForm,
    SubmitPledgeForm,
    VerifyReportForm,
    WithdrawForm,
)
from employers.models import (
    Employer,
    JobRole,
    Pledge,
    ProgressReport,
    RepresentativeInvitation,
)
from employers.permissions import (
    can_register_employer,
    can_verify_employers,
    employers_visible_to,
    is_active_representative,
    job_roles_visible_to,
    pledges_visible_to,
    reports_visible_to,
)
from programs.presentation import money

ROWS_PER_PAGE = 25
# The payroll extract's type by the extension the service stored it under (after checking its content).
EVIDENCE_TYPES = {extension: CONTENT_TYPES[kind] for kind, extension in EXTENSIONS.items()}
PUBLIC_PER_PAGE = 20

ES = Employer.Status
PS = Pledge.Status
RS = ProgressReport.Status

EMPLOYER_TAGS: dict[str, str] = {
    ES.PENDING: "tag--amber",
    ES.VERIFIED: "tag--green",
    ES.SUSPENDED: "tag--red",
}
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
PLEDGE_GUIDE: dict[str, Promise] = {
    PS.DRAFT: gettext_lazy("Not sent yet. Finish the commitments, then submit the pledge for agency review."),
    PS.SUBMITTED: gettext_lazy("Sent. A program manager will check it and activate it or ask for changes."),
    PS.RETURNED: gettext_lazy("A program manager asked for changes. Read their note, edit and submit again."),
    PS.ACTIVE: gettext_lazy("Active and public. Report progress every quarter with a payroll extract."),
    PS.FULFILLED: gettext_lazy("Fulfilled: verified figures met every commitment."),
    PS.LAPSED: gettext_lazy("Lapsed: the target date passed before the commitments were met."),
    PS.WITHDRAWN: gettext_lazy("Withdrawn. Nothing more happens to it."),
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
COMMITMENT_LABELS: dict[str, Promise] = {
    "roles_converted_target": gettext_lazy("Roles whose degree requirement is removed"),
    "credential_holder_hires_target": gettext_lazy("Hires of credential holders"),
    "non_degree_hires_target": gettext_lazy("Hires of people without a four-year degree"),
    "priority_group_hires_target": gettext_lazy("Hires from priority groups"),
}


# ---------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    """The signed-in caller: every non-public page sits behind the sign-in middleware."""
    return cast(User, request.user)


def _attempt(
    form: Any, service: Callable[..., Any], /, *, field_names: dict[str, str] | None = None, **kwargs: Any
) -> tuple[bool, Any]:
    """Call a service. Its ValidationError or Conflict goes on the form; NotAllowed becomes a 403."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error, field_names)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        form.add_error(None, error.message)
    return False, None


def _paginate(request: HttpRequest, rows: Any, per_page: int) -> Page:
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _may_use_employer_pages(user: Any) -> Decision:
    return has_any_role(user, (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR))


def _is_representative_of(request: HttpRequest, employer_id: int) -> bool:
    return bool(is_active_representative(request.user, employer_id))


def _employer(request: HttpRequest, pk: int) -> Employer:
    require(_may_use_employer_pages(request.user))
    return get_visible_or_404(employers_visible_to(request.user), pk=pk)


def _own_employer(request: HttpRequest, pk: int) -> Employer:
    """The employer, if the caller is one of its active representatives (404 if they cannot see it)."""
    employer = _employer(request, pk)
    require(is_active_representative(request.user, employer))
    return employer


def _staff_employer(request: HttpRequest, pk: int) -> Employer:
    require(can_verify_employers(request.user))
    return get_visible_or_404(employers_visible_to(request.user), pk=pk)


def _pledge(request: HttpRequest, pk: int) -> Pledge:
    require(_may_use_employer_pages(request.user))
    return get_visible_or_404(pledges_visible_to(request.user).select_related("employer"), pk=pk)


def _own_pledge(request: HttpRequest, pk: int) -> Pledge:
    pledge = _pledge(request, pk)
    require(is_active_representative(request.user, pledge.employer_id))
    return pledge


def _staff_pledge(request: HttpRequest, pk: int) -> Pledge:
    require(can_verify_employers(request.user))
    return get_visible_or_404(pledges_visible_to(request.user).select_related("employer"), pk=pk)


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    require(_may_use_employer_pages(request.user))
    return get_visible_or_404(
        reports_visible_to(request.user).select_related("pledge__employer", "verified_by", "submitted_by"),
        pk=pk,
    )


def _event_rows(events: Any, *, staff: bool) -> list[dict[str, Any]]:
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


def _commitments(pledge: Pledge) -> list[dict[str, Any]]:
    return [
        {"label": COMMITMENT_LABELS[target], "target": getattr(pledge, target)}
        for target, _verified, _reported in Pledge.COMMITMENTS
    ]


def _with_pledge_tags(pledges: Any) -> None:
    for pledge in pledges:
        pledge.status_tag = PLEDGE_TAGS.get(pledge.status, "tag--grey")


def _invitation(token: str) -> RepresentativeInvitation | None:
    """The invitation a mailed token belongs to (only the token's SHA-256 is stored), if any."""
    if not token or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return RepresentativeInvitation.objects.select_related("employer").filter(token_hash=digest).first()


def _download(handle: Any, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- representatives: their employers


@predicate_view_check(_may_use_employer_pages)
@require_safe
def my_employers(request: HttpRequest) -> HttpResponse:
    """ "My employer": straight to it if there is one; a list if several; how to start if none."""
    employers = list(selectors.employers_for_user(_user(request)))
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
    form = EmployerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, employer = _attempt(
            form, services.employer_register, actor=_user(request), **form.service_fields()
        )
        if done:
            messages.success(
                request,
                _("%(name)s is registered. Agency staff will verify it; we will tell you when they have.")
                % {"name": employer.display_name},
            )
            return redirect("employers:employer_detail", pk=employer.pk)
    return render(request, "employers/employer_register.html", {"form": form})


def _employer_fields(employer: Employer) -> dict[str, Any]:
    return {name: getattr(employer, name) for name in EmployerForm.base_fields}


@require_safe
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer(request, pk)
    if _is_representative_of(request, employer.pk):
        return _representative_employer_page(request, employer)
    require(can_verify_employers(request.user))
    return _staff_employer_page(request, employer)


def _last_reason(employer: Employer, action: str) -> str:
    event = employer.events.filter(action=action).order_by("-created_at", "-id").first()
    return event.reason if event is not None else ""


def _representative_employer_page(request: HttpRequest, employer: Employer) -> HttpResponse:
    pledges = list(employer.pledges.order_by("-created_at", "-id"))
    _with_pledge_tags(pledges)
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
    _with_pledge_tags(pledges)
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
            "events": _event_rows(employer.events.select_related("actor"), staff=True),
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _own_employer(request, pk)
    if employer.status == ES.SUSPENDED:
        messages.error(request, _("A suspended employer's details cannot be changed. Contact the agency."))
        return redirect("employers:employer_detail", pk=employer.pk)
    lock = employer.status == ES.VERIFIED
    form = EmployerForm(_posted(request), initial=_employer_fields(employer), lock_registration_number=lock)
    if request.method == "POST" and form.is_valid():
        done, _employer_saved = _attempt(
            form, services.employer_update, actor=_user(request), employer=employer, **form.service_fields()
        )
        if done:
            messages.success(request, _("Your employer's details are saved."))
            return redirect("employers:employer_detail", pk=employer.pk)
    return render(
        request, "employers/employer_edit.html", {"employer": employer, "form": form, "locked": lock}
    )


def _staff_decision(
    request: HttpRequest, pk: int, name: str, service: Callable[..., Any], done_message: str
) -> HttpResponse:
    employer = _staff_employer(request, pk)
    form = StaffDecisionForm(request.POST, prefix=name, reason_required=name in ("suspend", "reinstate"))
    if form.is_valid():
        done, _changed = _attempt(
            form, service, actor=_user(request), employer=employer, reason=form.cleaned_data["reason"]
        )
        if done:
            messages.success(request, done_message)
            return redirect("employers:employer_detail", pk=employer.pk)
    employer.refresh_from_db()
    return _staff_employer_page(request, employer, forms={name: form})


@require_POST
def employer_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_decision(request, pk, "verify", services.employer_verify, _("The employer is verified."))


@require_POST
def employer_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_decision(request, pk, "suspend", services.employer_suspend, _("The employer is suspended."))


@require_POST
def employer_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_decision(
        request, pk, "reinstate", services.employer_verify, _("The employer is reinstated and verified.")
    )


# ---------------------------------------------------------------- representatives and invitations


@require_http_methods(["GET", "HEAD", "POST"])
def representatives(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _own_employer(request, pk)
    form = InviteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, invitation = _attempt(
            form,
            services.representative_invite,
            actor=_user(request),
            employer=employer,
            email=form.cleaned_data["email"],
        )
        if done:
            messages.success(
                request,
                _("We have sent an invitation to %(email)s. The link works for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("employers:representatives", pk=employer.pk)
    active = list(
        employer.representatives.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("added_at", "pk")
    )
    removed = list(
        employer.representatives.filter(removed_at__isnull=False)
        .select_related("user", "removed_by")
        .order_by("-removed_at", "-pk")
    )
    invitations = list(
        employer.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
            "-created_at", "-pk"
        )
    )
    return render(
        request,
        "employers/representatives.html",
        {
            "employer": employer,
            "form": form,
            "active": active,
            "removed": removed,
            "invitations": invitations,
            "can_remove": len(active) > 1,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def representative_remove(request: HttpRequest, pk: int, rep_pk: int) -> HttpResponse:
    employer = _own_employer(request, pk)
    representative = get_visible_or_404(
        employer.representatives.filter(removed_at__isnull=True).select_related("user"), pk=rep_pk
    )
    form = RemoveRepresentativeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, _removed = _attempt(
            form,
            services.representative_remove,
            actor=_user(request),
            representative=representative,
            reason=form.cleaned_data["reason"],
        )
        if done:
            name = representative.user.full_name or representative.user.email
            messages.success(request, _("%(name)s no longer acts for this employer.") % {"name": name})
            if representative.user_id == request.user.pk:
                return redirect("employers:my_employers")
            return redirect("employers:representatives", pk=employer.pk)
    return render(
        request,
        "employers/representative_remove.html",
        {"employer": employer, "representative": representative, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation mail. The caller must be signed in with the invited address."""
    invitation = _invitation(token)
    if invitation is not None and invitation.email.lower() != _user(request).email.lower():
        invitation = None  # say nothing about an invitation meant for someone else
    error = ""
    if request.method == "POST":
        try:
            representative = services.invitation_accept(actor=_user(request), token=token)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        except ApplicationError as refusal:  # NotAllowed too: the page says why, the caller can act on it
            error = refusal.message
        else:
            messages.success(
                request,
                _("You now act for %(name)s.") % {"name": representative.employer.display_name},
            )
            return redirect("employers:employer_detail", pk=representative.employer_id)
    return render(
        request,
        "employers/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- pledges: representatives


def _pledge_fields(pledge: Pledge) -> dict[str, Any]:
    initial = {name: getattr(pledge, name) for name in PledgeForm.base_fields}
    initial["wage_floor"] = f"{pledge.wage_floor:.2f}" if pledge.wage_floor is not None else ""
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _own_employer(request, pk)
    form = PledgeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, pledge = _attempt(
            form, services.pledge_create, actor=_user(request), employer=employer, **form.service_fields()
        )
        if done:
            messages.success(request, _("Your draft pledge is saved. Submit it when it is ready."))
            return redirect("employers:pledge_detail", pk=pledge.pk)
    return render(request, "employers/pledge_form.html", {"employer": employer, "form": form, "pledge": None})


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _own_pledge(request, pk)
    if pledge.status not in Pledge.EDITABLE:
        messages.error(request, _("Only a draft or a returned pledge can be changed."))
        return redirect("employers:pledge_detail", pk=pledge.pk)
    form = PledgeForm(_posted(request), initial=_pledge_fields(pledge))
    if request.method == "POST" and form.is_valid():
        done, _saved = _attempt(
            form, services.pledge_update, actor=_user(request), pledge=pledge, **form.service_fields()
        )
        if done:
            messages.success(request, _("The pledge is saved."))
            return redirect("employers:pledge_detail", pk=pledge.pk)
    return render(
        request, "employers/pledge_form.html", {"employer": pledge.employer, "form": form, "pledge": pledge}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _own_pledge(request, pk)
    if pledge.status not in Pledge.EDITABLE:
        messages.error(request, _("This pledge has already been submitted."))
        return redirect("employers:pledge_detail", pk=pledge.pk)
    form = SubmitPledgeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, _submitted = _attempt(form, services.pledge_submit, actor=_user(request), pledge=pledge)
        if done:
            messages.success(request, _("Your pledge is submitted. A program manager will review it."))
            return redirect("employers:pledge_detail", pk=pledge.pk)
    return render(
        request,
        "employers/pledge_submit.html",
        {
            "pledge": pledge,
            "employer": pledge.employer,
            "form": form,
            "commitments": _commitments(pledge),
            "wage_floor": money(pledge.wage_floor, "USD") if pledge.wage_floor is not None else "",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _own_pledge(request, pk)
    if PS.WITHDRAWN not in Pledge.TRANSITIONS[pledge.status]:
        messages.error(request, _("This pledge is closed; it cannot be withdrawn."))
        return redirect("employers:pledge_detail", pk=pledge.pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, _withdrawn = _attempt(
            form,
            services.pledge_withdraw,
            actor=_user(request),
            pledge=pledge,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("The pledge is withdrawn."))
            return redirect("employers:pledge_detail", pk=pledge.pk)
    return render(
        request,
        "employers/pledge_withdraw.html",
        {"pledge": pledge, "employer": pledge.employer, "form": form},
    )


# ---------------------------------------------------------------- pledges: the page


def _progress_context(pledge: Pledge) -> dict[str, Any]:
    return {"progress": selectors.pledge_progress(pledge)}


@require_safe
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _pledge(request, pk)
    return _pledge_page(request, pledge)


def _pledge_page(
    request: HttpRequest, pledge: Pledge, *, forms: dict[str, Any] | None = None
) -> HttpResponse:
    forms = forms or {}
    is_representative = _is_representative_of(request, pledge.employer_id)
    is_staff = bool(can_verify_employers(request.user)) and not is_representative
    reports = list(pledge.reports.order_by("-year", "-quarter"))
    for report in reports:
        report.status_tag = REPORT_TAGS.get(report.status, "tag--grey")  # type: ignore[attr-defined]
    roles = list(pledge.job_roles.select_related("occupation").order_by("title", "pk"))
    allowed = Pledge.TRANSITIONS[pledge.status]
    staff_forms: dict[str, Any] = {}
    if is_staff:
        if PS.ACTIVE in allowed:
            staff_forms["activate"] = forms.get("activate") or StaffDecisionForm(
                prefix="activate", reason_label=_("Note (optional, kept in the history)")
            )
        if PS.RETURNED in allowed:
            staff_forms["return"] = forms.get("return") or StaffDecisionForm(
                prefix="return",
                reason_required=True,
                reason_label=_("What should the employer change? They read this note."),
            )
        if PS.FULFILLED in allowed:
            staff_forms["fulfil"] = forms.get("fulfil") or StaffDecisionForm(
                prefix="fulfil", reason_label=_("Note (optional, kept in the history)")
            )
    context = {
        "pledge": pledge,
        "employer": pledge.employer,
        "status_tag": PLEDGE_TAGS.get(pledge.status, "tag--grey"),
        "status_meaning": PLEDGE_GUIDE[pledge.status],
        "commitments": _commitments(pledge),
        "wage_floor": money(pledge.wage_floor, "USD") if pledge.wage_floor is not None else "",
        "reports": reports,
        "roles": roles,
        "is_representative": is_representative,
        "is_staff": is_staff,
        "staff_forms": staff_forms,
        "can_edit": is_representative and pledge.status in Pledge.EDITABLE,
        "can_withdraw": is_representative and PS.WITHDRAWN in allowed,
        "can_report": is_representative and pledge.status == PS.ACTIVE,
        "events": _event_rows(pledge.events.select_related("actor"), staff=is_staff),
        **_progress_context(pledge),
    }
    return render(
        request,
        "employers/pledge_detail.html",
        context,
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


# ---------------------------------------------------------------- pledges: staff


@predicate_view_check(can_verify_employers)
@require_safe
def pledge_queue(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("show", "submitted")
    if view not in ("submitted", "flagged", "active", "all"):
        view = "submitted"
    pledges = pledges_visible_to(request.user)
    if view == "submitted":
        pledges = pledges.filter(status=PS.SUBMITTED)
    elif view in ("flagged", "active"):
        pledges = pledges.filter(status=PS.ACTIVE)
    rows = selectors.pledges_with_progress(pledges)
    if view == "flagged":
        rows = _in_name_only(rows)
    page = _paginate(request, rows.order_by("submitted_at", "pk"), ROWS_PER_PAGE)
    _with_pledge_tags(page.object_list)
    for pledge in page.object_list:
        pledge.progress = selectors.pledge_progress(pledge)
    return render(request, "employers/pledge_queue.html", {"page": page, "show": view})


def _in_name_only(rows: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """selectors.in_name_only as a database filter over pledges_with_progress' annotations, so that the
    flagged list pages in the database: roles converted ≥ 1, enough verified reports, and no verified
    hires or too few of them without a degree. Shares are compared in whole ten-thousandths."""
    share = int(Decimal(str(settings.EMPLOYER_IN_NAME_ONLY_SHARE)) * 10000)
    return (
        rows.alias(
            without_degree_scaled=F("sum_verified_hires_without_degree") * 10000,
            total_scaled=F("sum_verified_hires_total") * share,
        )
        .filter(  # type: ignore[misc]  # the annotations come from pledges_with_progress
            sum_verified_roles_converted__gte=1,
            verified_report_count__gte=selectors.MINIMUM_VERIFIED_REPORTS_FOR_FLAG,
        )
        .filter(Q(sum_verified_hires_total=0) | Q(without_degree_scaled__lt=F("total_scaled")))
    )


def _staff_pledge_decision(
    request: HttpRequest, pk: int, name: str, service: Callable[..., Any], done_message: str
) -> HttpResponse:
    pledge = _staff_pledge(request, pk)
    form = StaffDecisionForm(request.POST, prefix=name, reason_required=name == "return")
    if form.is_valid():
        done, _changed = _attempt(
            form, service, actor=_user(request), pledge=pledge, reason=form.cleaned_data["reason"]
        )
        if done:
            messages.success(request, done_message)
            return redirect("employers:pledge_detail", pk=pledge.pk)
    pledge.refresh_from_db()
    return _pledge_page(request, pledge, forms={name: form})


@require_POST
def pledge_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_pledge_decision(
        request, pk, "activate", services.pledge_activate, _("The pledge is active and public.")
    )


@require_POST
def pledge_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_pledge_decision(
        request,
        pk,
        "return",
        services.pledge_return,
        _("The pledge is returned to the employer with your note."),
    )


@require_POST
def pledge_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_pledge_decision(
        request, pk, "fulfil", services.pledge_fulfil, _("The pledge is fulfilled.")
    )


# ---------------------------------------------------------------- job roles


@require_safe
def job_role_list(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer(request, pk)
    is_representative = _is_representative_of(request, employer.pk)
    roles = (
        job_roles_visible_to(request.user)
        .filter(employer=employer)
        .select_related("occupation", "pledge")
        .prefetch_related("skills")
        .order_by("-is_open", "title", "pk")
    )
    page = _paginate(request, roles, ROWS_PER_PAGE)
    for role in page.object_list:
        role.wage_display = f"{money(role.wage_min, 'USD')} – {money(role.wage_max, 'USD')}"
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
    return _job_role_form(request, _own_employer(request, pk), None)


@require_http_methods(["GET", "HEAD", "POST"])
def job_role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(_may_use_employer_pages(request.user))
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
        _posted(request),
        initial=_job_role_fields(role) if role is not None else {"region": employer.region},
        pledges=pledges,
    )
    if request.method == "POST" and form.is_valid():
        done, saved = _attempt(
            form,
            services.job_role_save,
            field_names={"occupation": "occupation_code"},
            actor=_user(request),
            employer=employer,
            job_role=role,
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Job role “%(title)s” saved.") % {"title": saved.title})
            return redirect("employers:job_role_list", pk=employer.pk)
    return render(request, "employers/job_role_form.html", {"employer": employer, "role": role, "form": form})


@require_POST
def job_role_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(_may_use_employer_pages(request.user))
    role = get_visible_or_404(job_roles_visible_to(request.user).select_related("employer"), pk=pk)
    require(is_active_representative(request.user, role.employer))
    try:
        services.job_role_close(actor=_user(request), job_role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("“%(title)s” is closed: it no longer appears in matching.") % {"title": role.title}
        )
    return redirect("employers:job_role_list", pk=role.employer_id)


# ---------------------------------------------------------------- progress reports


@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _own_pledge(request, pk)
    initial: dict[str, Any] = {}
    for name in ("year", "quarter"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    form = ProgressReportForm(
        _posted(request), request.FILES if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        done, report = _attempt(
            form, services.progress_report_submit, actor=_user(request), pledge=pledge, **form.cleaned_data
        )
        if done:
            messages.success(
                request,
                _("Your report for %(period)s is sent. Staff will check it against the payroll extract.")
                % {"period": report.period_label},
            )
            return redirect("employers:report_detail", pk=report.pk)
    return render(
        request,
        "employers/report_form.html",
        {"pledge": pledge, "employer": pledge.employer, "form": form},
        status=400 if form.errors else 200,
    )


def _figure_rows(report: ProgressReport) -> list[dict[str, Any]]:
    labels = {
        "roles_converted": _("Roles whose degree requirement was removed"),
        "hires_total": _("Hires in total"),
        "hires_credential_holders": _("Hires holding a skills credential"),
        "hires_without_degree": _("Hires without a four-year degree"),
        "hires_priority_groups": _("Hires from priority groups"),
    }
    return [
        {
            "label": labels[name],
            "reported": getattr(report, name),
            "verified": getattr(report, f"verified_{name}"),
            "corrected": report.status == RS.VERIFIED
            and getattr(report, f"verified_{name}") != getattr(report, name),
        }
        for name in ProgressReport.FIGURES
    ]


def _report_page(
    request: HttpRequest, report: ProgressReport, *, forms: dict[str, Any] | None = None
) -> HttpResponse:
    forms = forms or {}
    is_representative = _is_representative_of(request, report.pledge.employer_id)
    is_staff = bool(can_verify_employers(request.user)) and not is_representative
    verify_form = return_form = None
    if is_staff and report.status == RS.SUBMITTED:
        verify_form = forms.get("verify") or VerifyReportForm(
            initial={f"verified_{name}": getattr(report, name) for name in ProgressReport.FIGURES}
        )
        return_form = forms.get("return") or ReturnReportForm()
    return render(
        request,
        "employers/report_detail.html",
        {
            "report": report,
            "pledge": report.pledge,
            "employer": report.pledge.employer,
            "status_tag": REPORT_TAGS.get(report.status, "tag--grey"),
            "figures": _figure_rows(report),
            "is_representative": is_representative,
            "is_staff": is_staff,
            "verify_form": verify_form,
            "return_form": return_form,
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, _report(request, pk))


@require_POST
def report_verify(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_verify_employers(request.user))
    report = _report(request, pk)
    form = VerifyReportForm(request.POST)
    if form.is_valid():
        done, _verified = _attempt(
            form,
            services.progress_report_verify,
            actor=_user(request),
            report=report,
            **form.cleaned_data,
        )
        if done:
            messages.success(request, _("The report is verified; its figures now count toward the pledge."))
            return redirect("employers:report_detail", pk=report.pk)
    report.refresh_from_db()
    return _report_page(request, report, forms={"verify": form})


@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_verify_employers(request.user))
    report = _report(request, pk)
    form = ReturnReportForm(request.POST)
    if form.is_valid():
        done, _returned = _attempt(
            form,
            services.progress_report_return,
            actor=_user(request),
            report=report,
            note=form.cleaned_data["note"],
        )
        if done:
            messages.success(request, _("The report is returned to the employer with your note."))
            return redirect("employers:report_detail", pk=report.pk)
    report.refresh_from_db()
    return _report_page(request, report, forms={"return": form})


@require_safe
def report_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The payroll extract, to the employer's representatives and employer staff only (never a public URL)."""
    report = _report(request, pk)
    if not report.evidence:
        raise Http404
    try:
        handle = report.evidence.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    stored_name = report.evidence.name or ""
    extension = stored_name.rsplit(".", 1)[-1].lower() if "." in stored_name else "bin"
    content_type = EVIDENCE_TYPES.get(extension, "application/octet-stream")
    filename = f"payroll-extract-{report.pledge_id}-{report.year}-q{report.quarter}.{extension}"
    return _download(handle, filename=filename, content_type=content_type)


# ---------------------------------------------------------------- staff: employers


@predicate_view_check(can_verify_employers)
@require_safe
def employer_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.employer_list(queryset=employers_visible_to(request.user))
    filterset = selectors.EmployerFilter(request.GET, queryset=visible)
    rows = filterset.qs if filterset.is_valid() else Employer.objects.none()
    page = _paginate(request, rows, ROWS_PER_PAGE)
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


# ---------------------------------------------------------------- public: pledges


@login_not_required
@require_safe
def public_pledge_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.public_pledges()
    page = _paginate(request, rows, PUBLIC_PER_PAGE)
    _with_pledge_tags(page.object_list)
    for pledge in page.object_list:
        pledge.progress = selectors.pledge_progress(pledge)  # from the annotations: no query
    return render(request, "employers/public_pledge_list.html", {"page": page})


@login_not_required
@require_safe
def public_pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_visible_or_404(selectors.public_pledges().select_related("employer"), pk=pk)
    return render(
        request,
        "employers/public_pledge_detail.html",
        {
            "pledge": pledge,
            "employer": pledge.employer,
            "status_tag": PLEDGE_TAGS.get(pledge.status, "tag--grey"),
            "wage_floor": money(pledge.wage_floor, "USD") if pledge.wage_floor is not None else "",
            **_progress_context(pledge),
        },
    )
