"""Downloads: PDF reports, staff exports (streamed CSV now, or CSV/XLSX as background jobs) and the public
360Giving open data.

Who may download what:
- program report: managers of that program, officials and administrators (404 for a manager of another
  program, 403 for other roles);
- quarterly report: officials and administrators (every program, or ?program=ID); program managers for the
  programs they manage (by default all of them; another program's id is a 404);
- pledge summary: the employer's active representatives, program managers and administrators (404 for
  another employer's representative);
- exports: see reporting/exports.py; a person sees and downloads only their own export jobs (404 otherwise);
- open data: public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from accounts.permissions import get_visible_or_404, has_any_role, require
from accounts.roles import Role
from core.exceptions import ApplicationError
from core.forms import add_service_errors
from core.views import keep_private, private_download, signed_in_user
from employers.permissions import employers_visible_to
from programs.models import Program
from reporting import opendata
from reporting.exports import (
    EXPORT_ROLES,
    can_export,
    csv_chunks,
    export_job_create,
    export_job_retry,
    export_jobs_sweep,
    export_query,
    export_status,
    exports_visible_to,
    parse_filters,
    personal_allowed,
)
from reporting.figures import ReportFilter
from reporting.models import ExportJob
from reporting.pdf import QUARTERS, pledge_summary_pdf, program_report_pdf, quarterly_report_pdf

REPORT_ROLES = (Role.PROGRAM_MANAGER, Role.OFFICIAL, Role.ADMINISTRATOR)
EVERY_PROGRAM_ROLES = (Role.OFFICIAL, Role.ADMINISTRATOR)
PLEDGE_SUMMARY_ROLES = (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)
EXPORT_STAFF = tuple({role for roles in EXPORT_ROLES.values() for role in roles})


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return keep_private(response)


def report_programs(user: Any) -> Any:
    """The programs whose reports the user may download."""
    if has_any_role(user, EVERY_PROGRAM_ROLES):
        return Program.objects.exclude(status=Program.Status.DRAFT)
    if has_any_role(user, (Role.PROGRAM_MANAGER,)):
        return Program.objects.filter(managers=user)
    return Program.objects.none()


@require_safe
def program_report(request: HttpRequest, pk: int) -> HttpResponse:
    require(has_any_role(request.user, REPORT_ROLES))
    program = get_visible_or_404(report_programs(request.user), pk=pk)
    return _pdf(program_report_pdf(program), f"program-report-{program.code}.pdf")


@require_safe
def quarterly_report(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    require(has_any_role(request.user, REPORT_ROLES))
    if quarter not in QUARTERS or not 2000 <= year <= 2100:
        raise Http404
    visible = report_programs(request.user)
    chosen = request.GET.get("program", "")
    if chosen:
        if not chosen.isdigit() or len(chosen) > 18:
            raise Http404
        programs: tuple[int, ...] = (get_visible_or_404(visible, pk=int(chosen)).pk,)
    elif has_any_role(request.user, EVERY_PROGRAM_ROLES):
        programs = ()
    else:
        programs = tuple(visible.values_list("pk", flat=True))
        if not programs:
            raise Http404
    return _pdf(
        quarterly_report_pdf(year, quarter, programs=programs), f"quarterly-report-{year}-q{quarter}.pdf"
    )


@require_safe
def pledge_summary(request: HttpRequest, pk: int) -> HttpResponse:
    require(has_any_role(request.user, PLEDGE_SUMMARY_ROLES))
    employer = get_visible_or_404(employers_visible_to(request.user), pk=pk)
    return _pdf(pledge_summary_pdf(employer), f"pledge-summary-{employer.pk}.pdf")


# ---------------------------------------------------------------- exports


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to export"), choices=ExportJob.Kind.choices, widget=forms.RadioSelect
    )
    format = forms.ChoiceField(
        label=gettext_lazy("File format"),
        choices=ExportJob.Format.choices,
        widget=forms.RadioSelect,
        initial=ExportJob.Format.CSV,
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every program you may export"),
    )
    date_from = forms.DateField(label=gettext_lazy("Submitted from (YYYY-MM-DD)"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Submitted until (YYYY-MM-DD)"), required=False)
    region = forms.CharField(label=gettext_lazy("Region"), required=False, max_length=60)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        allowed = [(value, label) for value, label in ExportJob.Kind.choices if can_export(user, value)]
        self.fields["kind"].choices = allowed  # type: ignore[attr-defined]
        self.fields["program"].queryset = report_programs(user).order_by("code")  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        if data.get("program"):
            result["programs"] = [data["program"].pk]
        for name in ("date_from", "date_to"):
            if data.get(name):
                result[name] = data[name].isoformat()
        if data.get("region"):
            result["region"] = data["region"].strip()
        return result


def _recent_quarters(today: dt.date, count: int = 4) -> list[tuple[int, int]]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _i in range(count):
        quarters.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return quarters


def _job_rows(user: User) -> list[dict[str, Any]]:
    export_jobs_sweep(owner=user)  # stale jobs show as failed, with a retry, and are failed
    jobs = list(exports_visible_to(user).order_by("-created_at", "-id")[:50])
    return [{"job": job, "status": export_status(job)} for job in jobs]


@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    """The person's own exports with their progress, a form to start one, and the PDF reports."""
    require(has_any_role(request.user, EXPORT_STAFF))
    user = signed_in_user(request)
    form = ExportForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            export_job_create(
                actor=user,
                kind=form.cleaned_data["kind"],
                format=form.cleaned_data["format"],
                filters=form.filters(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("reports:export_list")
    rows = _job_rows(user)
    context = {
        "form": form,
        "jobs": rows,
        "polling": any(row["status"] in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING) for row in rows),
        "report_programs": report_programs(user).order_by("code") if has_any_role(user, REPORT_ROLES) else [],
        "quarters": _recent_quarters(timezone.localdate()) if has_any_role(user, REPORT_ROLES) else [],
        "kind_notes": [
            (label, personal_allowed(user, kind))
            for kind, label in ExportJob.Kind.choices
            if can_export(user, kind)
        ],
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "jobs":
        return render(request, "reporting/exports_jobs.html", context)
    return render(request, "reporting/exports.html", context)


@require_safe
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_visible_or_404(exports_visible_to(request.user), pk=pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    content_type = {
        ExportJob.Format.CSV: "text/csv; charset=utf-8",
        ExportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[ExportJob.Format(job.format)]
    filename = f"{job.kind}-{timezone.localtime(job.created_at):%Y%m%d}-{job.pk}.{job.format}"
    return private_download(job.file, filename=filename, content_type=content_type)


@require_POST
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_visible_or_404(exports_visible_to(request.user), pk=pk)
    user = signed_in_user(request)
    try:
        export_job_retry(actor=user, job=job)
    except ApplicationError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return redirect("reports:export_list")


@require_safe
def export_stream(request: HttpRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
    """Stream a CSV now, in constant memory (filters from the query string, as on the dashboard); on
    PostgreSQL through COPY (reporting.exports.csv_chunks)."""
    if kind not in ExportJob.Kind.values:
        raise Http404
    require(can_export(request.user, kind))
    user = signed_in_user(request)
    data: dict[str, Any] = {key: value for key, value in request.GET.items() if key != "programs"}
    if request.GET.getlist("programs"):
        data["programs"] = request.GET.getlist("programs")
    try:
        filters: ReportFilter = parse_filters(data)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    headers, query = export_query(user, kind, filters, personal=personal_allowed(user, kind))
    response = StreamingHttpResponse(csv_chunks(headers, query), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{timezone.localdate():%Y%m%d}.csv"'
    return keep_private(response)


# ---------------------------------------------------------------- open data (public)


@login_not_required
@require_safe
def open_data_json(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(opendata.package_chunks(), content_type="application/json")
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_safe
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(opendata.csv_chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="360giving.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
