"""Credential request pages: asking for a credential that is not listed, the requests one may see, and
program managers' approval or decline."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import get_visible_or_404, predicate_view_check
from core.pagination import paginate
from core.views import form_action, private_download, signed_in_user
from programs import services
from programs.forms import CredentialRequestApproveForm, CredentialRequestDeclineForm, CredentialRequestForm
from programs.models import CredentialRequest
from programs.permissions import (
    can_manage_catalog,
    can_request_credential,
    can_see_credential_requests,
    credential_requests_visible_to,
    programs_visible_to,
)
from programs.presentation import money
from programs.views.common import ROWS_PER_PAGE

REQUEST_STATUS_TAGS: dict[str, str] = {
    CredentialRequest.Status.PENDING: "tag--amber",
    CredentialRequest.Status.APPROVED: "tag--green",
    CredentialRequest.Status.DECLINED: "tag--red",
}

# ---------------------------------------------------------------- credential requests


@predicate_view_check(can_see_credential_requests)
@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    requests = credential_requests_visible_to(request.user).select_related(
        "requested_by", "program", "credential"
    )
    status = request.GET.get("status", "")
    if status in CredentialRequest.Status.values:
        requests = requests.filter(status=status)
    page = paginate(request, requests.order_by("-created_at", "-pk"), ROWS_PER_PAGE)
    for item in page.object_list:
        item.status_tag = REQUEST_STATUS_TAGS.get(item.status, "tag--grey")
    return render(
        request,
        "programs/request_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CredentialRequest.Status.choices,
            "is_manager": bool(can_manage_catalog(request.user)),
            "can_request": bool(can_request_credential(request.user)),
        },
    )


@predicate_view_check(can_request_credential)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    form = CredentialRequestForm(
        request.POST or None, request.FILES or None, programs=programs_visible_to(request.user)
    )
    return form_action(
        request,
        form,
        lambda: services.credential_request_submit(actor=signed_in_user(request), **form.service_fields()),
        success=_("Request sent. A program manager will review it."),
        then=lambda created: redirect("programs:request_detail", pk=created.pk),
        otherwise=lambda: render(request, "programs/request_form.html", {"form": form}),
    )


def _request_detail_page(
    request: HttpRequest,
    credential_request: CredentialRequest,
    *,
    approve_form: Any = None,
    decline_form: Any = None,
) -> HttpResponse:
    is_manager = bool(can_manage_catalog(request.user))
    pending = credential_request.status == CredentialRequest.Status.PENDING
    if is_manager and pending:
        approve_form = approve_form or CredentialRequestApproveForm(
            prefix="approve", initial={"credential": request.GET.get("credential", "")}
        )
        decline_form = decline_form or CredentialRequestDeclineForm(prefix="decline")
    else:
        approve_form = decline_form = None
    labels = dict(CredentialRequest.Status.choices)
    events = list(credential_request.events.select_related("actor"))
    for event in events:
        event.status_label = labels.get(event.to_status, event.to_status)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/request_detail.html",
        {
            "credential_request": credential_request,
            "status_tag": REQUEST_STATUS_TAGS.get(credential_request.status, "tag--grey"),
            "cost_display": money(credential_request.cost, "USD"),
            "events": events,
            "is_manager": is_manager,
            "approve_form": approve_form,
            "decline_form": decline_form,
        },
    )


def _visible_request(request: HttpRequest, pk: int) -> CredentialRequest:
    return get_visible_or_404(
        credential_requests_visible_to(request.user).select_related(
            "requested_by", "program", "credential", "decided_by"
        ),
        pk=pk,
    )


@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_detail_page(request, _visible_request(request, pk))


def _decision_refused(
    request: HttpRequest, credential_request: CredentialRequest, **forms: Any
) -> HttpResponse:
    """Show a refused decision: beside the form, or as a message if the request was decided meanwhile."""
    credential_request.refresh_from_db(fields=["status"])
    if credential_request.status == CredentialRequest.Status.PENDING:
        return _request_detail_page(request, credential_request, **forms)
    for form in forms.values():
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect("programs:request_detail", pk=credential_request.pk)


@predicate_view_check(can_manage_catalog)
@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    credential_request = _visible_request(request, pk)
    form = CredentialRequestApproveForm(request.POST, prefix="approve")
    return form_action(
        request,
        form,
        lambda: services.credential_request_approve(
            actor=signed_in_user(request),
            request=credential_request,
            credential=form.cleaned_data["credential"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("Request approved: the credential is in the catalog."),
        then=redirect("programs:request_detail", pk=credential_request.pk),
        otherwise=lambda: _decision_refused(request, credential_request, approve_form=form),
    )


@predicate_view_check(can_manage_catalog)
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    credential_request = _visible_request(request, pk)
    form = CredentialRequestDeclineForm(request.POST, prefix="decline")
    return form_action(
        request,
        form,
        lambda: services.credential_request_decline(
            actor=signed_in_user(request), request=credential_request, reason=form.cleaned_data["reason"]
        ),
        success=_("Request declined. The requester can read your reason."),
        then=redirect("programs:request_detail", pk=credential_request.pk),
        otherwise=lambda: _decision_refused(request, credential_request, decline_form=form),
    )


@require_safe
def request_syllabus(request: HttpRequest, pk: int) -> FileResponse:
    """The syllabus, to the requester and program managers only, as a download (never a public URL)."""
    credential_request = get_visible_or_404(credential_requests_visible_to(request.user), pk=pk)
    if not credential_request.syllabus:
        raise Http404
    return private_download(
        credential_request.syllabus,
        filename=f"syllabus-request-{credential_request.pk}.pdf",
        content_type="application/pdf",
    )
