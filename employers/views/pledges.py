"""Pledge pages: representatives draft, edit, submit and withdraw; the pledge page; the staff queue and
decisions (activate, return, fulfil); the public list and page of pledges."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import F, Q, QuerySet
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
from employers.forms import PledgeForm, StaffDecisionForm, SubmitPledgeForm, WithdrawForm
from employers.models import Pledge
from employers.permissions import can_verify_employers, pledges_visible_to
from employers.views.common import (
    PLEDGE_TAGS,
    REPORT_TAGS,
    ROWS_PER_PAGE,
    event_rows,
    is_representative_of,
    own_employer,
    own_pledge,
    visible_pledge,
    with_pledge_tags,
)
from programs.presentation import money

PUBLIC_PER_PAGE = 20

PS = Pledge.Status

PLEDGE_GUIDE: dict[str, Promise] = {
    PS.DRAFT: gettext_lazy("Not sent yet. Finish the commitments, then submit the pledge for agency review."),
    PS.SUBMITTED: gettext_lazy("Sent. A program manager will check it and activate it or ask for changes."),
    PS.RETURNED: gettext_lazy("A program manager asked for changes. Read their note, edit and submit again."),
    PS.ACTIVE: gettext_lazy("Active and public. Report progress every quarter with a payroll extract."),
    PS.FULFILLED: gettext_lazy("Fulfilled: verified figures met every commitment."),
    PS.LAPSED: gettext_lazy("Lapsed: the target date passed before the commitments were met."),
    PS.WITHDRAWN: gettext_lazy("Withdrawn. Nothing more happens to it."),
}

COMMITMENT_LABELS: dict[str, Promise] = {
    "roles_converted_target": gettext_lazy("Roles whose degree requirement is removed"),
    "credential_holder_hires_target": gettext_lazy("Hires of credential holders"),
    "non_degree_hires_target": gettext_lazy("Hires of people without a four-year degree"),
    "priority_group_hires_target": gettext_lazy("Hires from priority groups"),
}


# ---------------------------------------------------------------- helpers


def _staff_pledge(request: HttpRequest, pk: int) -> Pledge:
    require(can_verify_employers(request.user))
    return get_visible_or_404(pledges_visible_to(request.user).select_related("employer"), pk=pk)


def _back(pledge: Pledge) -> HttpResponse:
    return redirect("employers:pledge_detail", pk=pledge.pk)


def _not_now(request: HttpRequest, pledge: Pledge, message: str) -> HttpResponse:
    messages.error(request, message)
    return _back(pledge)


def _wage_floor(pledge: Pledge) -> str:
    return money(pledge.wage_floor, "USD") if pledge.wage_floor is not None else ""


def _commitments(pledge: Pledge) -> list[dict[str, Any]]:
    return [
        {"label": COMMITMENT_LABELS[target], "target": getattr(pledge, target)}
        for target, _verified, _reported in Pledge.COMMITMENTS
    ]


# ---------------------------------------------------------------- pledges: representatives


def _pledge_fields(pledge: Pledge) -> dict[str, Any]:
    initial = {name: getattr(pledge, name) for name in PledgeForm.base_fields}
    initial["wage_floor"] = f"{pledge.wage_floor:.2f}" if pledge.wage_floor is not None else ""
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    employer = own_employer(request, pk)
    form = PledgeForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.pledge_create(
            actor=signed_in_user(request), employer=employer, **form.service_fields()
        ),
        success=_("Your draft pledge is saved. Submit it when it is ready."),
        then=lambda pledge: redirect("employers:pledge_detail", pk=pledge.pk),
        otherwise=lambda: render(
            request, "employers/pledge_form.html", {"employer": employer, "form": form, "pledge": None}
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = own_pledge(request, pk)
    if pledge.status not in Pledge.EDITABLE:
        return _not_now(request, pledge, _("Only a draft or a returned pledge can be changed."))
    form = PledgeForm(posted(request), initial=_pledge_fields(pledge))
    return form_action(
        request,
        form,
        lambda: services.pledge_update(actor=signed_in_user(request), pledge=pledge, **form.service_fields()),
        success=_("The pledge is saved."),
        then=_back(pledge),
        otherwise=lambda: render(
            request,
            "employers/pledge_form.html",
            {"employer": pledge.employer, "form": form, "pledge": pledge},
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = own_pledge(request, pk)
    if pledge.status not in Pledge.EDITABLE:
        return _not_now(request, pledge, _("This pledge has already been submitted."))
    form = SubmitPledgeForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.pledge_submit(actor=signed_in_user(request), pledge=pledge),
        success=_("Your pledge is submitted. A program manager will review it."),
        then=_back(pledge),
        otherwise=lambda: render(
            request,
            "employers/pledge_submit.html",
            {
                "pledge": pledge,
                "employer": pledge.employer,
                "form": form,
                "commitments": _commitments(pledge),
                "wage_floor": _wage_floor(pledge),
            },
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = own_pledge(request, pk)
    if PS.WITHDRAWN not in Pledge.TRANSITIONS[pledge.status]:
        return _not_now(request, pledge, _("This pledge is closed; it cannot be withdrawn."))
    form = WithdrawForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.pledge_withdraw(
            actor=signed_in_user(request), pledge=pledge, reason=form.cleaned_data["reason"]
        ),
        success=_("The pledge is withdrawn."),
        then=_back(pledge),
        otherwise=lambda: render(
            request,
            "employers/pledge_withdraw.html",
            {"pledge": pledge, "employer": pledge.employer, "form": form},
        ),
    )


# ---------------------------------------------------------------- pledges: the page


def _progress_context(pledge: Pledge) -> dict[str, Any]:
    return {"progress": selectors.pledge_progress(pledge)}


@require_safe
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = visible_pledge(request, pk)
    return _pledge_page(request, pledge)


def _pledge_page(
    request: HttpRequest, pledge: Pledge, *, forms: dict[str, Any] | None = None
) -> HttpResponse:
    forms = forms or {}
    is_representative = is_representative_of(request, pledge.employer_id)
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
        "wage_floor": _wage_floor(pledge),
        "reports": reports,
        "roles": roles,
        "is_representative": is_representative,
        "is_staff": is_staff,
        "staff_forms": staff_forms,
        "can_edit": is_representative and pledge.status in Pledge.EDITABLE,
        "can_withdraw": is_representative and PS.WITHDRAWN in allowed,
        "can_report": is_representative and pledge.status == PS.ACTIVE,
        "events": event_rows(pledge.events.select_related("actor"), staff=is_staff),
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
    page = paginate(request, rows.order_by("submitted_at", "pk"), ROWS_PER_PAGE)
    with_pledge_tags(page.object_list)
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

    def page_again() -> HttpResponse:
        pledge.refresh_from_db()
        return _pledge_page(request, pledge, forms={name: form})

    return form_action(
        request,
        form,
        lambda: service(actor=signed_in_user(request), pledge=pledge, reason=form.cleaned_data["reason"]),
        success=done_message,
        then=_back(pledge),
        otherwise=page_again,
    )


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


# ---------------------------------------------------------------- public: pledges


@login_not_required
@require_safe
def public_pledge_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.public_pledges()
    page = paginate(request, rows, PUBLIC_PER_PAGE)
    with_pledge_tags(page.object_list)
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
            "wage_floor": _wage_floor(pledge),
            **_progress_context(pledge),
        },
    )
