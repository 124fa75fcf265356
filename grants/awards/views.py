"""An award's pages after approval: the applicant confirms enrolment, claims completion, cancels, and the
worker answers outcome questions; staff verify or reject claims, cancel awards and record verified
outcomes. The award section of both application pages is built here too (applicant_award_context,
staff_award_context), registered as sections of those pages when the app starts (grants/apps.py,
grants.applications.views.sections).

Thin, like grants/applications/views/applicant.py and grants/applications/views/staff.py: find what the
caller may see (404 otherwise), check they may act (403 otherwise), write through the services in
grants/awards/services.py and grants/awards/outcomes.py and show their ValidationError or Conflict
beside the form.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import get_visible_or_404, require
from accounts.roles import Role
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from grants.applications import selectors
from grants.applications.views.staff import staff_detail
from grants.awards.forms import (
    AwardCancelForm,
    ClaimForm,
    ClaimRejectForm,
    ClaimVerifyForm,
    EnrolForm,
    OutcomeForm,
)
from grants.awards.outcomes import COMPLETED, outcome_report, outcome_verify
from grants.awards.services import award_cancel, award_enrol, completion_claim, required_evidence
from grants.awards.services import completion_reject as completion_reject_service
from grants.awards.services import completion_verify as completion_verify_service
from grants.models import Application, CompletionClaim, Outcome, Payment
from grants.permissions import (
    applications_visible_to,
    can_cancel_award,
    can_verify_completion,
    is_applicant_side,
    is_finance_viewer,
    manages,
)
from programs.presentation import money

S = Application.Status

CLAIM_TAGS: dict[str, str] = {
    CompletionClaim.Status.SUBMITTED: "tag--blue",
    CompletionClaim.Status.VERIFIED: "tag--green",
    CompletionClaim.Status.REJECTED: "tag--red",
}
PAYMENT_TAGS: dict[str, str] = {
    Payment.Status.APPROVED: "tag--blue",
    Payment.Status.BATCHED: "tag--blue",
    Payment.Status.SENT: "tag--amber",
    Payment.Status.PAID: "tag--green",
    Payment.Status.FAILED: "tag--red",
}
# What the program asks for, in words the applicant can act on.
EVIDENCE_WORDS: dict[str, Any] = {
    CompletionClaim.Evidence.CERTIFICATE: gettext_lazy("The certificate of completion (a PDF or a photo)."),
    CompletionClaim.Evidence.BADGE: gettext_lazy(
        "The Open Badges credential (digital badge) the provider issued to you."
    ),
    CompletionClaim.Evidence.CERTIFICATE_OR_BADGE: gettext_lazy(
        "The certificate of completion, or the Open Badges credential (digital badge) the provider issued."
    ),
    CompletionClaim.Evidence.INVOICE: gettext_lazy("The provider's invoice and the amount on it."),
    CompletionClaim.Evidence.PROOF_OF_PAYMENT: gettext_lazy("Proof that the invoice was paid."),
    CompletionClaim.Evidence.RETENTION: gettext_lazy(
        "The employer's confirmation that the employee is still employed after the retention period."
    ),
}
CHECK_LABELS: dict[str, Any] = {
    "format": gettext_lazy("Format"),
    "structure": gettext_lazy("Structure and types"),
    "issuer": gettext_lazy("Issuer registered for the provider"),
    "signature": gettext_lazy("Signature"),
    "validity": gettext_lazy("Validity dates"),
    "recipient": gettext_lazy("Recipient is the applicant"),
    "achievement": gettext_lazy("Achievement is the funded credential"),
}
PROOF_FORMATS: dict[str, Any] = {
    "jwt": gettext_lazy("Compact JWT (VC-JWT)"),
    "data_integrity": gettext_lazy("Embedded proof (Data Integrity)"),
    "unknown": gettext_lazy("Not recognised"),
}


def _user(request: HttpRequest) -> User:
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


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _back(application: Application) -> HttpResponse:
    return redirect("grants:application_detail", pk=application.pk)


def _not_now(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    messages.error(request, message)
    return _back(application)


def _own_application(request: HttpRequest, pk: int) -> Application:
    """The award, if the caller is its applicant (or filed it); a 404 for everyone else."""
    user = _user(request)
    return get_visible_or_404(
        applications_visible_to(user)
        .filter(Q(applicant=user) | Q(filed_by=user))
        .select_related("program", "credential__provider", "funding_round", "applicant"),
        pk=pk,
    )


def _staff_application(request: HttpRequest, pk: int) -> Application:
    """The award, if the caller may see it as staff; 404 for anyone else."""
    application = get_visible_or_404(
        applications_visible_to(_user(request)).select_related(
            "program", "credential__provider", "funding_round", "applicant"
        ),
        pk=pk,
    )
    if is_applicant_side(_user(request), application):
        raise PermissionDenied(_("This is your own application; staff actions are not yours to take."))
    return application


def _is_employer_side(user: User, application: Application) -> bool:
    return application.filed_by_id == user.pk and user.has_role(Role.EMPLOYER_REPRESENTATIVE)


def _confirms_retention(application: Application, evidence: list[str]) -> bool:
    return "retention" in evidence or bool(application.program.retention_period_months)


def _may_cancel(user: User, application: Application) -> bool:
    return (
        bool(can_cancel_award(user, application))
        and S.CANCELLED in Application.TRANSITIONS[application.status]
    )


def _amounts(application: Application) -> dict[str, Any]:
    currency = application.program.currency
    return {
        "awarded": money(application.amount_awarded, currency) if application.amount_awarded else "",
        "paid": money(application.amount_paid, currency),
        "recovered": money(application.amount_clawed_back, currency),
        "has_paid": bool(application.amount_paid),
        "has_recovered": bool(application.amount_clawed_back),
    }


def _dress_records(records: dict[str, list[Any]], currency: str, *, staff: bool) -> None:
    for claim in records["claims"]:
        claim.status_tag = CLAIM_TAGS.get(claim.status, "tag--grey")
        claim.invoice_display = (
            money(claim.invoice_amount, currency) if claim.invoice_amount is not None else ""
        )
        claim.wage_display = money(claim.annual_wage, currency) if claim.annual_wage is not None else ""
        if staff:
            claim.badge_summary = _badge_summary(claim)
    for payment in records["payments"]:
        payment.status_tag = PAYMENT_TAGS.get(payment.status, "tag--grey")
        payment.amount_display = money(payment.amount, payment.currency)
    for clawback in records["clawbacks"]:
        clawback.amount_display = money(clawback.amount, currency)
    for outcome in records["outcomes"]:
        outcome.wage_display = money(outcome.annual_wage, currency) if outcome.annual_wage is not None else ""


def _badge_summary(claim: CompletionClaim) -> dict[str, Any] | None:
    """The stored verdict of a claim's badge, ready for the staff's table; None when no badge was given."""
    if not claim.badge:
        return None
    checks = claim.badge_checks or {}
    return {
        "verified": bool(checks.get("verified")),
        "proof_format": PROOF_FORMATS.get(checks.get("proof_format", ""), checks.get("proof_format") or "—"),
        "issuer_id": checks.get("issuer_id") or "—",
        "issuer_name": checks.get("issuer_name") or "",
        "achievement_id": checks.get("achievement_id") or "—",
        "achievement_name": checks.get("achievement_name") or "",
        "failing_check": CHECK_LABELS.get(checks.get("failing_check", ""), checks.get("failing_check", "")),
        "checks": [
            {
                "name": CHECK_LABELS.get(row.get("name", ""), row.get("name", "")),
                "code": row.get("name", ""),
                "passed": bool(row.get("passed")),
                "detail": row.get("detail", ""),
            }
            for row in checks.get("checks", [])
            if isinstance(row, dict)
        ],
    }


# ---------------------------------------------------------------- the applicant's award section


def applicant_award_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the applicant's page shows about the award. Five queries, whatever the number of records;
    none when the application never became an award."""
    if application.status not in Application.AWARDED:
        return {"award": None}
    user = _user(request)
    records = selectors.award_records(application)
    currency = application.program.currency
    _dress_records(records, currency, staff=False)
    is_worker = user.pk == application.applicant_id
    evidence = required_evidence(application.program)
    # The worker sees what they reported themselves; staff's checked figures stay with staff.
    outcomes = [outcome for outcome in records["outcomes"] if outcome.source != Outcome.Source.VERIFIED]
    may_report = is_worker and application.status in COMPLETED
    return {
        "award": {
            "amounts": _amounts(application),
            "claims": records["claims"],
            "payments": records["payments"],
            "clawbacks": records["clawbacks"],
            "outcomes": outcomes,
            "open_questions": [
                follow_up for follow_up in records["follow_ups"] if selectors.is_open_follow_up(follow_up)
            ]
            if may_report
            else [],
            "evidence": [EVIDENCE_WORDS.get(item, item) for item in evidence],
            "wage_floor": money(application.program.wage_floor, currency)
            if application.program.wage_floor is not None
            else "",
            "retention_by_employer": _confirms_retention(application, evidence)
            and not _is_employer_side(user, application),
            "can_enrol": application.status == S.APPROVED,
            "can_claim": application.status == S.ENROLLED,
            "can_cancel": _may_cancel(user, application),
            "can_report_outcome": may_report,
        }
    }


# ---------------------------------------------------------------- the applicant's actions


@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != S.APPROVED:
        return _not_now(request, application, _("Enrolment can be confirmed only on an approved award."))
    form = EnrolForm(_posted(request), deadline=application.training_deadline)
    if request.method == "POST" and form.is_valid():
        done, _enrolled = _attempt(
            form,
            award_enrol,
            actor=_user(request),
            application=application,
            training_start_date=form.cleaned_data["training_start_date"],
        )
        if done:
            messages.success(request, _("Your enrolment is confirmed."))
            return _back(application)
    return render(request, "grants/awards/enrol.html", {"application": application, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != S.ENROLLED:
        return _not_now(
            request, application, _("Completion can be claimed once enrolment is confirmed, and only once.")
        )
    program = application.program
    evidence = required_evidence(program)
    needs_retention = _confirms_retention(application, evidence)
    is_employer = _is_employer_side(_user(request), application)
    form = ClaimForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        program=program,
        evidence=evidence,
        confirms_retention=needs_retention and is_employer,
    )
    if request.method == "POST" and form.is_valid():
        done, _claim = _attempt(
            form,
            completion_claim,
            actor=_user(request),
            application=application,
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Your completion claim is sent. Staff will check the evidence."))
            return _back(application)
    return render(
        request,
        "grants/awards/claim.html",
        {
            "application": application,
            "form": form,
            "evidence": [EVIDENCE_WORDS.get(item, item) for item in evidence],
            "retention_by_employer": needs_retention and not is_employer,
            "retention_months": program.retention_period_months,
            "claim_deadline_weeks": program.claim_deadline_weeks,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if not _may_cancel(_user(request), application):
        return _not_now(
            request,
            application,
            _(
                "This award can no longer be cancelled here; once completion is claimed, ask the "
                "program's staff."
            ),
        )
    form = AwardCancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, _cancelled = _attempt(
            form,
            award_cancel,
            actor=_user(request),
            application=application,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("The award is cancelled and its money returned to the program."))
            return _back(application)
    return render(
        request,
        "grants/awards/cancel.html",
        {"application": application, "form": form, "amounts": _amounts(application)},
    )


def _worker_award(request: HttpRequest, pk: int) -> Application:
    """The award, if the caller is the worker who was trained (outcomes are theirs alone)."""
    application = _own_application(request, pk)
    if application.applicant_id != _user(request).pk:
        raise PermissionDenied(_("Only the worker who was trained can answer outcome questions."))
    return application


@require_http_methods(["GET", "HEAD", "POST"])
def outcome_answer(request: HttpRequest, pk: int, follow_up_pk: int | None = None) -> HttpResponse:
    application = _worker_award(request, pk)
    follow_up = None
    if follow_up_pk is not None:
        follow_up = get_object_or_404(application.follow_ups.all(), pk=follow_up_pk)
        if follow_up.answered_at is not None:
            return _not_now(request, application, _("You have already answered this question; thank you."))
    if application.status not in COMPLETED:
        return _not_now(
            request, application, _("Outcomes are asked once completion of the training is verified.")
        )
    form = OutcomeForm(_posted(request), currency=application.program.currency)
    if request.method == "POST" and form.is_valid():
        done, _outcome = _attempt(
            form,
            outcome_report,
            actor=_user(request),
            application=application,
            follow_up=follow_up,
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Thank you. Your answer is saved."))
            return _back(application)
    return render(
        request,
        "grants/awards/outcome.html",
        {"application": application, "form": form, "follow_up": follow_up},
    )


# ---------------------------------------------------------------- the staff's award section


def staff_award_context(
    request: HttpRequest, application: Application, *, is_manager: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    """What the staff page shows about the award, with the forms the caller may use. Five queries,
    whatever the number of records; none before approval or for reviewers."""
    user = _user(request)
    is_finance = is_finance_viewer(user, application)
    if application.status not in Application.AWARDED or not (
        is_manager or is_finance or user.has_role(Role.ADMINISTRATOR)
    ):
        return {"award": None}
    records = selectors.award_records(application)
    _dress_records(records, application.program.currency, staff=True)
    open_claim = next((c for c in records["claims"] if c.status == CompletionClaim.Status.SUBMITTED), None)
    award: dict[str, Any] = {
        **records,
        "amounts": _amounts(application),
        "evidence": [EVIDENCE_WORDS.get(item, item) for item in required_evidence(application.program)],
        "open_claim": open_claim,
        "is_finance": is_finance,
    }
    if (
        open_claim is not None
        and application.status == S.COMPLETION_CLAIMED
        and can_verify_completion(user, application)
    ):
        award["verify_form"] = bound.get("verify_form") or ClaimVerifyForm()
        award["reject_claim_form"] = bound.get("reject_claim_form") or ClaimRejectForm()
    if is_manager and _may_cancel(user, application):
        award["cancel_form"] = bound.get("cancel_award_form") or AwardCancelForm(with_confirmation=False)
    if is_manager and application.status in COMPLETED:
        award["outcome_form"] = bound.get("outcome_form") or OutcomeForm(
            currency=application.program.currency, for_staff=True
        )
    return {"award": award, "show_finance_links": user.has_role(Role.FINANCE_OFFICER) and is_finance}


def _staff_page(request: HttpRequest, application: Application, **bound: Any) -> HttpResponse:
    return staff_detail(request, application, bound=bound)


def _claim_of(application: Application, claim_pk: int) -> CompletionClaim:
    return get_object_or_404(application.claims.all(), pk=claim_pk)


@require_POST
def claim_verify(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    claim_record = _claim_of(application, claim_pk)
    require(can_verify_completion(_user(request), application))
    form = ClaimVerifyForm(request.POST)
    if form.is_valid():
        done, _verified = _attempt(
            form,
            completion_verify_service,
            actor=_user(request),
            claim=claim_record,
            note=form.cleaned_data["note"],
        )
        if done:
            messages.success(request, _("Completion is verified. The award can now be paid."))
            return _back(application)
    return _staff_page(request, application, verify_form=form)


@require_POST
def claim_reject(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    claim_record = _claim_of(application, claim_pk)
    require(can_verify_completion(_user(request), application))
    form = ClaimRejectForm(request.POST)
    if form.is_valid():
        done, _rejected = _attempt(
            form,
            completion_reject_service,
            actor=_user(request),
            claim=claim_record,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(
                request, _("The claim is not accepted; the applicant is told why and may claim again.")
            )
            return _back(application)
    return _staff_page(request, application, reject_claim_form=form)


@require_POST
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    if not manages(_user(request), application):
        raise PermissionDenied(_("Only a manager of this program can cancel an award."))
    form = AwardCancelForm(request.POST, with_confirmation=False)
    if form.is_valid():
        done, _cancelled = _attempt(
            form,
            award_cancel,
            actor=_user(request),
            application=application,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("The award is cancelled and its money returned to the budget."))
            return _back(application)
    return _staff_page(request, application, cancel_award_form=form)


@require_POST
def staff_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    if not manages(_user(request), application):
        raise PermissionDenied(_("Only a manager of this program can record a verified outcome."))
    form = OutcomeForm(request.POST, currency=application.program.currency, for_staff=True)
    if form.is_valid():
        done, _outcome = _attempt(
            form, outcome_verify, actor=_user(request), application=application, **form.service_fields()
        )
        if done:
            messages.success(request, _("The verified outcome is recorded."))
            return _back(application)
    return _staff_page(request, application, outcome_form=form)
