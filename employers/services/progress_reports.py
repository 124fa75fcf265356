"""Progress reports: a representative reports a quarter's figures with a payroll extract; staff verify
them (only verified figures count toward the pledge) or return the report for correction."""

import hashlib
import uuid
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, require
from core.uploads import CONTENT_TYPES, EXTENSIONS, validate_upload
from core.workflow import check_move, lock, lock_rows, transition
from employers.models import Hire, Pledge, ProgressReport
from employers.permissions import can_verify_employers, is_active_representative
from employers.services.common import (
    _lock_pledge,
    _non_negative_int,
    _pledge_event,
    _pledge_url,
    _required_reason,
    _tell_representatives,
)

PS = Pledge.Status
RS = ProgressReport.Status

# Payroll extracts: spreadsheets as CSV or XLSX, or a PDF payroll report.
EVIDENCE_KINDS = ("csv", "xlsx", "pdf")


# ---------------------------------------------------------------- progress reports


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    first = date(year, 3 * (quarter - 1) + 1, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def _figures(values: dict[str, Any], *, prefix: str = "") -> dict[str, int]:
    figures = {name: _non_negative_int(values[name], prefix + name) for name in values}
    total_name = prefix + "hires_total"
    total = figures[total_name]
    errors = {}
    for name in ("hires_credential_holders", "hires_without_degree", "hires_priority_groups"):
        if figures[prefix + name] > total:
            errors[prefix + name] = _("This cannot be more than the hires in total (%(total)d).") % {
                "total": total
            }
    if errors:
        raise ValidationError(errors)
    return figures


def _check_period(pledge: Pledge, year: Any, quarter: Any) -> tuple[int, int]:
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError) as error:
        raise ValidationError({"quarter": _("Choose a year and a quarter.")}) from error
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("The quarter is 1, 2, 3 or 4.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year like 2026.")})
    first, last = quarter_bounds(year, quarter)
    if first > timezone.localdate():
        raise ValidationError({"quarter": _("You cannot report on a quarter that has not started.")})
    if last < pledge.start_date:
        raise ValidationError({"quarter": _("This quarter ends before the pledge started.")})
    return year, quarter


def _store_evidence(evidence: UploadedFile) -> tuple[UploadedFile, str, str]:
    try:
        kind = validate_upload(evidence, allowed=EVIDENCE_KINDS)
    except ValidationError as error:
        raise ValidationError({"evidence": error.messages}) from error
    digest = hashlib.sha256()
    evidence.seek(0)
    for chunk in evidence.chunks():
        digest.update(chunk)
    evidence.seek(0)
    original = (getattr(evidence, "name", "") or "payroll").rsplit("/", 1)[-1][:200]
    evidence.name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    evidence.content_type = CONTENT_TYPES[kind]
    return evidence, original, digest.hexdigest()


@transaction.atomic
def progress_report_submit(
    *,
    actor: User,
    pledge: Pledge,
    year: int,
    quarter: int,
    roles_converted: Any,
    hires_total: Any,
    hires_credential_holders: Any,
    hires_without_degree: Any,
    hires_priority_groups: Any,
    evidence: UploadedFile,
) -> ProgressReport:
    """A representative reports a quarter's figures with a payroll extract (CSV, XLSX or PDF, checked by
    content). A returned report for the same quarter is corrected and resubmitted in place.

    Side effects: the report (status submitted), a pledge event with payload {"report": id}.
    """
    locked = _lock_pledge(pledge)
    require(is_active_representative(actor, locked.employer_id))
    if locked.status != PS.ACTIVE:
        raise Conflict(_("Progress can be reported on an active pledge only."))
    year, quarter = _check_period(locked, year, quarter)
    figures = _figures(
        {
            "roles_converted": roles_converted,
            "hires_total": hires_total,
            "hires_credential_holders": hires_credential_holders,
            "hires_without_degree": hires_without_degree,
            "hires_priority_groups": hires_priority_groups,
        }
    )
    existing = lock_rows(ProgressReport.objects.filter(pledge=locked, year=year, quarter=quarter)).first()
    if existing is not None and existing.status != RS.RETURNED:
        raise ValidationError(
            {"quarter": _("%(period)s has already been reported.") % {"period": existing.period_label}}
        )
    if evidence is None:
        raise ValidationError({"evidence": _("Attach the payroll extract for the quarter.")})
    stored, original, sha256 = _store_evidence(evidence)
    now = timezone.now()
    if existing is None:
        report = ProgressReport.objects.create(
            pledge=locked,
            year=year,
            quarter=quarter,
            evidence=stored,
            evidence_name=original,
            evidence_sha256=sha256,
            submitted_by=actor,
            submitted_at=now,
            **figures,
        )
        action, from_status = "report_submitted", ""
    else:
        report = existing
        check_move(report, RS.SUBMITTED)
        from_status = report.status
        for name, value in figures.items():
            setattr(report, name, value)
        report.evidence = stored
        report.evidence_name = original
        report.evidence_sha256 = sha256
        report.submitted_by = actor
        report.submitted_at = now
        transition(
            report,
            RS.SUBMITTED,
            actor=actor,
            fields=(*figures, "evidence", "evidence_name", "evidence_sha256", "submitted_by", "submitted_at"),
        )
        action = "report_resubmitted"
    _pledge_event(
        locked,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=RS.SUBMITTED,
        payload={"report": report.pk, "period": report.period_label, "figures": figures, "sha256": sha256},
    )
    return report


def _lock_report(report: ProgressReport) -> tuple[Pledge, ProgressReport]:
    """The report's pledge (with its employer), then the report: LOCK_ORDER."""
    return _lock_pledge(report.pledge), lock(report)


@transaction.atomic
def progress_report_verify(
    *,
    actor: User,
    report: ProgressReport,
    verified_roles_converted: Any = None,
    verified_hires_total: Any = None,
    verified_hires_credential_holders: Any = None,
    verified_hires_without_degree: Any = None,
    verified_hires_priority_groups: Any = None,
    note: str = "",
) -> ProgressReport:
    """Staff verify a submitted report against its payroll extract, confirming each figure (None keeps
    the reported one) or correcting it. Only verified figures count toward attainment.

    Side effects: verified_* figures, a pledge event (with any corrections), employer-reported hires
    of that quarter marked verified, a notice to the representatives.
    """
    pledge, locked = _lock_report(report)
    require(can_verify_employers(actor))
    check_move(locked, RS.VERIFIED)
    given = {
        "verified_roles_converted": verified_roles_converted,
        "verified_hires_total": verified_hires_total,
        "verified_hires_credential_holders": verified_hires_credential_holders,
        "verified_hires_without_degree": verified_hires_without_degree,
        "verified_hires_priority_groups": verified_hires_priority_groups,
    }
    values = {
        name: getattr(locked, name.removeprefix("verified_")) if value in (None, "") else value
        for name, value in given.items()
    }
    figures = _figures(values, prefix="verified_")
    corrections = {
        name: {"reported": getattr(locked, name.removeprefix("verified_")), "verified": value}
        for name, value in figures.items()
        if value != getattr(locked, name.removeprefix("verified_"))
    }
    for name, value in figures.items():
        setattr(locked, name, value)
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.staff_note = (note or "").strip()
    transition(
        locked, RS.VERIFIED, actor=actor, fields=(*figures, "verified_by", "verified_at", "staff_note")
    )
    first, last = quarter_bounds(locked.year, locked.quarter)
    # The verified payroll covers the hires the employer recorded in that quarter.
    covered = Hire.objects.filter(
        pledge=pledge, source=Hire.Source.EMPLOYER_REPORTED, hired_on__range=(first, last)
    ).update(source=Hire.Source.VERIFIED)
    _pledge_event(
        pledge,
        actor=actor,
        action="report_verified",
        from_status=RS.SUBMITTED,
        to_status=RS.VERIFIED,
        reason=locked.staff_note,
        payload={
            "report": locked.pk,
            "period": locked.period_label,
            "corrections": corrections,
            "hires_covered": covered,
        },
    )
    _tell_representatives(
        pledge.employer,
        _("Your progress report for %(period)s is verified") % {"period": locked.period_label},
        locked.staff_note,
        _pledge_url(pledge),
    )
    return locked


@transaction.atomic
def progress_report_return(*, actor: User, report: ProgressReport, note: str) -> ProgressReport:
    """Staff return a submitted report for correction. Side effects: staff_note, an event, notices."""
    note = _required_reason(note, _("Say what the employer should correct."), field="note")
    pledge, locked = _lock_report(report)
    require(can_verify_employers(actor))
    check_move(locked, RS.RETURNED)
    locked.staff_note = note
    transition(locked, RS.RETURNED, actor=actor, fields=("staff_note",))
    _pledge_event(
        pledge,
        actor=actor,
        action="report_returned",
        from_status=RS.SUBMITTED,
        to_status=RS.RETURNED,
        reason=note,
        payload={"report": locked.pk, "period": locked.period_label},
    )
    _tell_representatives(
        pledge.employer,
        _("Your progress report for %(period)s needs correcting") % {"period": locked.period_label},
        note,
        _pledge_url(pledge),
    )
    return locked
