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

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import require
from accounts.roles import Role
from core.views import form_action, posted, posted_files, signed_in_user
from grants.applications import selectors
from grants.applications.views.common import back, not_now, own_application, staff_application
from grants.applications.views.staff import staff_action
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
from grants.permissions import can_cancel_award, can_verify_completion, is_finance_viewer, manages
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


AWARD_RELATED = ("program", "credential__provider", "funding_round", "applicant")


def _own_award(request: HttpRequest, pk: int) -> Application:
    """The award, if the caller is its applicant (or filed it); a 404 for everyone else."""
    return own_application(request, pk, AWARD_RELATED)


def _staff_award(request: HttpRequest, pk: int) -> Application:
    """The award, if the caller may see it as staff; 404 for anyone else."""
    return staff_application(request, pk, AWARD_RELATED)


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
    user = signed_in_user(request)
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
    application = _own_award(request, pk)
    if application.status != S.APPROVED:
        return not_now(request, application, _("Enrolment can be confirmed only on an approved award."))
    form = EnrolForm(posted(request), deadline=application.training_deadline)
    return form_action(
        request,
        form,
        lambda: award_enrol(
            actor=signed_in_user(request),
            application=application,
            training_start_date=form.cleaned_data["training_start_date"],
        ),
        success=_("Your enrolment is confirmed."),
        then=back(application),
        otherwise=lambda: render(
            request, "grants/awards/enrol.html", {"application": application, "form": form}
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_award(request, pk)
    if application.status != S.ENROLLED:
        return not_now(
            request, application, _("Completion can be claimed once enrolment is confirmed, and only once.")
        )
    program = application.program
    evidence = required_evidence(program)
    needs_retention = _confirms_retention(application, evidence)
    is_employer = _is_employer_side(signed_in_user(request), application)
    form = ClaimForm(
        posted(request),
        posted_files(request),
        program=program,
        evidence=evidence,
        confirms_retention=needs_retention and is_employer,
    )
    return form_action(
        request,
        form,
        lambda: completion_claim(
            actor=signed_in_user(request), application=application, **form.service_fields()
        ),
        success=_("Your completion claim is sent. Staff will check the evidence."),
        then=back(application),
        otherwise=lambda: render(
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
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_award(request, pk)
    if not _may_cancel(signed_in_user(request), application):
        return not_now(
            request,
            application,
            _(
                "This award can no longer be cancelled here; once completion is claimed, ask the "
                "program's staff."
            ),
        )
    form = AwardCancelForm(posted(request))
    return form_action(
        request,
        form,
        lambda: award_cancel(
            actor=signed_in_user(request), application=application, reason=form.cleaned_data["reason"]
        ),
        success=_("The award is cancelled and its money returned to the program."),
        then=back(application),
        otherwise=lambda: render(
            request,
            "grants/awards/cancel.html",
            {"application": application, "form": form, "amounts": _amounts(application)},
        ),
    )


def _worker_award(request: HttpRequest, pk: int) -> Application:
    """The award, if the caller is the worker who was trained (outcomes are theirs alone)."""
    application = _own_award(request, pk)
    if application.applicant_id != signed_in_user(request).pk:
        raise PermissionDenied(_("Only the worker who was trained can answer outcome questions."))
    return application


@require_http_methods(["GET", "HEAD", "POST"])
def outcome_answer(request: HttpRequest, pk: int, follow_up_pk: int | None = None) -> HttpResponse:
    application = _worker_award(request, pk)
    follow_up = None
    if follow_up_pk is not None:
        follow_up = get_object_or_404(application.follow_ups.all(), pk=follow_up_pk)
        if follow_up.answered_at is not None:
            return not_now(request, application, _("You have already answered this question; thank you."))
    if application.status not in COMPLETED:
        return not_now(
            request, application, _("Outcomes are asked once completion of the training is verified.")
        )
    form = OutcomeForm(posted(request), currency=application.program.currency)
    return form_action(
        request,
        form,
        lambda: outcome_report(
            actor=signed_in_user(request),
            application=application,
            follow_up=follow_up,
            **form.service_fields(),
        ),
        success=_("Thank you. Your answer is saved."),
        then=back(application),
        otherwise=lambda: render(
            request,
            "grants/awards/outcome.html",
            {"application": application, "form": form, "follow_up": follow_up},
        ),
    )


# ---------------------------------------------------------------- the staff's award section


def staff_award_context(
    request: HttpRequest, application: Application, *, is_manager: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    """What the staff page shows about the award, with the forms the caller may use. Five queries,
    whatever the number of records; none before approval or for reviewers."""
    user = signed_in_user(request)
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


def _claim_to_decide(request: HttpRequest, pk: int, claim_pk: int) -> tuple[Application, CompletionClaim]:
    """The award and its completion claim, if the caller may verify completion of it."""
    application = _staff_award(request, pk)
    claim_record = get_object_or_404(application.claims.all(), pk=claim_pk)
    require(can_verify_completion(signed_in_user(request), application))
    return application, claim_record


@require_POST
def claim_verify(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    application, claim_record = _claim_to_decide(request, pk, claim_pk)
    form = ClaimVerifyForm(request.POST)
    return staff_action(
        request,
        application,
        "verify_form",
        form,
        lambda: completion_verify_service(
            actor=signed_in_user(request), claim=claim_record, note=form.cleaned_data["note"]
        ),
        _("Completion is verified. The award can now be paid."),
    )


@require_POST
def claim_reject(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    application, claim_record = _claim_to_decide(request, pk, claim_pk)
    form = ClaimRejectForm(request.POST)
    return staff_action(
        request,
        application,
        "reject_claim_form",
        form,
        lambda: completion_reject_service(
            actor=signed_in_user(request), claim=claim_record, reason=form.cleaned_data["reason"]
        ),
        _("The claim is not accepted; the applicant is told why and may claim again."),
    )


def _manager_award(request: HttpRequest, pk: int, refusal: str) -> Application:
    """The award, if the caller manages its program (403 with `refusal` otherwise)."""
    application = _staff_award(request, pk)
    if not manages(signed_in_user(request), application):
        raise PermissionDenied(refusal)
    return application


@require_POST
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    application = _manager_award(request, pk, _("Only a manager of this program can cancel an award."))
    form = AwardCancelForm(request.POST, with_confirmation=False)
    return staff_action(
        request,
        application,
        "cancel_award_form",
        form,
        lambda: award_cancel(
            actor=signed_in_user(request), application=application, reason=form.cleaned_data["reason"]
        ),
        _("The award is cancelled and its money returned to the budget."),
    )


@require_POST
def staff_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    application = _manager_award(
        request, pk, _("Only a manager of this program can record a verified outcome.")
    )
    form = OutcomeForm(request.POST, currency=application.program.currency, for_staff=True)
    return staff_action(
        request,
        application,
        "outcome_form",
        form,
        lambda: outcome_verify(
            actor=signed_in_user(request), application=application, **form.service_fields()
        ),
        _("The verified outcome is recorded."),
    )
