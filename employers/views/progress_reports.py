"""Progress report pages: a representative reports a quarter; the report page; staff verify or return
it; the payroll extract's download."""

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from accounts.permissions import get_visible_or_404, require
from core.uploads import CONTENT_TYPES, EXTENSIONS
from core.views import form_action, posted, posted_files, private_download, signed_in_user
from employers import services
from employers.forms import ProgressReportForm, ReturnReportForm, VerifyReportForm
from employers.models import ProgressReport
from employers.permissions import can_verify_employers, reports_visible_to
from employers.views.common import REPORT_TAGS, RS, is_representative_of, may_use_employer_pages, own_pledge

# The payroll extract's type by the extension the service stored it under (after checking its content).
EVIDENCE_TYPES = {extension: CONTENT_TYPES[kind] for kind, extension in EXTENSIONS.items()}


# ---------------------------------------------------------------- helpers


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    require(may_use_employer_pages(request.user))
    return get_visible_or_404(
        reports_visible_to(request.user).select_related("pledge__employer", "verified_by", "submitted_by"),
        pk=pk,
    )


def _back(report: ProgressReport) -> HttpResponse:
    return redirect("employers:report_detail", pk=report.pk)


# ---------------------------------------------------------------- progress reports


@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = own_pledge(request, pk)
    initial: dict[str, Any] = {}
    for name in ("year", "quarter"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    form = ProgressReportForm(posted(request), posted_files(request), initial=initial)
    return form_action(
        request,
        form,
        lambda: services.progress_report_submit(
            actor=signed_in_user(request), pledge=pledge, **form.cleaned_data
        ),
        success=lambda report: (
            _("Your report for %(period)s is sent. Staff will check it against the payroll extract.")
            % {"period": report.period_label}
        ),
        then=_back,
        otherwise=lambda: render(
            request,
            "employers/report_form.html",
            {"pledge": pledge, "employer": pledge.employer, "form": form},
            status=400 if form.errors else 200,
        ),
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
    is_representative = is_representative_of(request, report.pledge.employer_id)
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


def _staff_decision(
    request: HttpRequest,
    pk: int,
    name: str,
    form: Any,
    decide: Callable[[User, ProgressReport], Any],
    success: str,
) -> HttpResponse:
    """Verify or return a report: `decide(actor, report)` calls the service with the form's fields."""
    require(can_verify_employers(request.user))
    report = _report(request, pk)

    def page_again() -> HttpResponse:
        report.refresh_from_db()
        return _report_page(request, report, forms={name: form})

    return form_action(
        request,
        form,
        lambda: decide(signed_in_user(request), report),
        success=success,
        then=_back(report),
        otherwise=page_again,
    )


@require_POST
def report_verify(request: HttpRequest, pk: int) -> HttpResponse:
    form = VerifyReportForm(request.POST)
    return _staff_decision(
        request,
        pk,
        "verify",
        form,
        lambda actor, report: services.progress_report_verify(
            actor=actor, report=report, **form.cleaned_data
        ),
        _("The report is verified; its figures now count toward the pledge."),
    )


@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnReportForm(request.POST)
    return _staff_decision(
        request,
        pk,
        "return",
        form,
        lambda actor, report: services.progress_report_return(
            actor=actor, report=report, note=form.cleaned_data["note"]
        ),
        _("The report is returned to the employer with your note."),
    )


@require_safe
def report_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The payroll extract, to the employer's representatives and employer staff only (never a public URL)."""
    report = _report(request, pk)
    if not report.evidence:
        raise Http404
    stored_name = report.evidence.name or ""
    extension = stored_name.rsplit(".", 1)[-1].lower() if "." in stored_name else "bin"
    content_type = EVIDENCE_TYPES.get(extension, "application/octet-stream")
    filename = f"payroll-extract-{report.pledge_id}-{report.year}-q{report.quarter}.{extension}"
    return private_download(report.evidence, filename=filename, content_type=content_type)
