"""The worker's steps of applying: starting an application, editing the draft and adding documents,
submitting, withdrawing, and answering a request for information.

Each step answers only the applicant side (the applicant, or whoever filed for them); everyone else gets
a 404 that reveals nothing. A step that is not open now goes back to the application's page saying why.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.permissions import get_visible_or_404, require
from core.views import form_action, posted, posted_files, signed_in_user
from grants.applications import selectors, services
from grants.applications.forms.applicant import (
    ApplicationForm,
    DocumentUploadForm,
    RespondForm,
    SubmitConfirmForm,
    WithdrawForm,
    funded_credentials,
)
from grants.applications.views.applicant import applicant_amounts
from grants.applications.views.common import back, not_now, own_application
from grants.models import Application, ApplicationDocument
from grants.permissions import can_apply
from programs.models import EligibilityRule, Program
from programs.permissions import programs_visible_to
from programs.presentation import money
from programs.selectors import open_round

S = Application.Status

# What to send, by how the program pays. Evidence of eligibility is always asked for.
DOCUMENTS_BY_PAYMENT_MODEL: dict[str, list[Any]] = {
    Program.PaymentModel.UPFRONT_TO_PROVIDER: [
        gettext_lazy("The provider's quote or enrolment offer, showing the course, dates and price."),
    ],
    Program.PaymentModel.VOUCHER: [
        gettext_lazy("The provider's quote or enrolment offer, showing the course, dates and price."),
    ],
    Program.PaymentModel.REIMBURSEMENT: [
        gettext_lazy("The provider's quote or enrolment offer now; the invoice and proof of payment later."),
    ],
    Program.PaymentModel.RETENTION_GRANT: [
        gettext_lazy("The provider's enrolment offer, and a letter from your employer confirming your job."),
    ],
}
ELIGIBILITY_EVIDENCE: dict[str, Any] = {
    EligibilityRule.Kind.RESIDENCY_REGION: gettext_lazy(
        "Proof of where you live, such as a utility bill or lease from the last three months."
    ),
    EligibilityRule.Kind.AGE_BETWEEN: gettext_lazy("Proof of your age, such as an identity document."),
    EligibilityRule.Kind.EMPLOYMENT_STATUS: gettext_lazy(
        "Proof of your employment status, such as an unemployment benefit letter or a recent payslip."
    ),
    EligibilityRule.Kind.HOUSEHOLD_INCOME_BELOW: gettext_lazy(
        "Proof of household income, such as a tax return or benefit award letter."
    ),
}


def _assessment(application: Application) -> dict[str, Any]:
    """Eligibility and cap for the panel: one reason per rule, the maximum and the cap that binds."""
    result = services.assess(application)
    caps = result["caps"]
    currency = application.program.currency
    return {
        "eligibility": result["eligibility"],
        "caps": caps,
        "maximum_display": money(caps.maximum, currency),
        "limits": [
            {"explanation": limit.explanation, "remaining": money(limit.remaining, currency)}
            for limit in caps.limits
        ],
        "over_cap": application.amount_requested > caps.maximum,
    }


def _documents_needed(application: Application) -> list[Any]:
    kinds = {rule.kind for rule in application.program.eligibility_rules.all()}
    needed = [text for kind, text in ELIGIBILITY_EVIDENCE.items() if kind in kinds]
    if not needed:
        needed = [gettext_lazy("Any evidence that you meet the program's conditions, if you have it.")]
    return needed + DOCUMENTS_BY_PAYMENT_MODEL.get(application.program.payment_model, [])


def _to_the_draft(application: Application) -> HttpResponse:
    return redirect("grants:application_edit", pk=application.pk)


# ---------------------------------------------------------------- starting


def _not_taking_applications(program: Program) -> str:
    if program.applicant_type != Program.ApplicantType.WORKER:
        return _("Employers apply to this program on behalf of their employees.")
    if program.status != Program.Status.OPEN:
        return _("This program is not taking applications.")
    if open_round(program) is None:
        return _("No funding round of this program is open now. Check its dates on the program page.")
    return ""


def chosen_credential(request: HttpRequest, program: Program) -> dict[str, Any]:
    """The form's first values for the credential named by `?credential=`, if the program funds it."""
    chosen = request.GET.get("credential", "")
    if chosen.isdigit():
        credential = funded_credentials(program).filter(pk=int(chosen)).first()
        if credential is not None:
            return {"credential": credential.pk, "amount_requested": f"{credential.cost:.2f}"}
    return {}


@require_http_methods(["GET", "HEAD", "POST"])
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    require(can_apply(request.user))
    program = get_visible_or_404(programs_visible_to(request.user), code=code)
    refusal = _not_taking_applications(program)
    form = ApplicationForm(posted(request), initial=chosen_credential(request, program), program=program)

    def page() -> HttpResponse:
        return render(
            request,
            "grants/applicant/start.html",
            {
                "program": program,
                "form": form,
                "refusal": refusal,
                "has_profile": bool(selectors.worker_profile_for(request.user)),
            },
        )

    if refusal:
        return page()
    return form_action(
        request,
        form,
        lambda: services.application_create(
            actor=signed_in_user(request),
            program=program,
            credential=form.cleaned_data["credential"],
            amount_requested=form.cleaned_data["amount_requested"],
            statement=form.cleaned_data["statement"],
        ),
        success=_("Your draft is saved. Add documents, then review and submit it."),
        then=_to_the_draft,
        otherwise=page,
    )


# ---------------------------------------------------------------- the draft


def _edit_page(
    request: HttpRequest, application: Application, *, form: Any = None, upload_form: Any = None
) -> HttpResponse:
    form = form or ApplicationForm(
        initial={
            "credential": application.credential_id,
            "amount_requested": f"{application.amount_requested:.2f}",
            "statement": application.statement,
        },
        program=application.program,
    )
    upload_form = upload_form or DocumentUploadForm(prefix="document")
    return render(
        request,
        "grants/applicant/edit.html",
        {
            "application": application,
            "form": form,
            "upload_form": upload_form,
            "documents": list(application.documents.all()),
            "assessment": _assessment(application),
            "documents_needed": _documents_needed(application),
            "amounts": applicant_amounts(application),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    if application.status != S.DRAFT:
        return not_now(
            request, application, _("Only a draft can be changed; this application has been submitted.")
        )
    if request.method != "POST":
        return _edit_page(request, application)
    if request.POST.get("intent") == "upload":
        upload_form = DocumentUploadForm(request.POST, request.FILES, prefix="document")
        return form_action(
            request,
            upload_form,
            lambda: services.application_document_add(
                actor=signed_in_user(request),
                application=application,
                file=upload_form.cleaned_data["file"],
                kind=upload_form.cleaned_data["kind"],
            ),
            success=lambda document: _("“%(name)s” is added.") % {"name": document.original_name},
            then=_to_the_draft(application),
            otherwise=lambda: _edit_page(request, application, upload_form=upload_form),
        )
    form = ApplicationForm(request.POST, program=application.program)
    return form_action(
        request,
        form,
        lambda: services.application_update(
            actor=signed_in_user(request), application=application, **form.cleaned_data
        ),
        success=_("Your draft is saved."),
        then=_to_the_draft(application),
        otherwise=lambda: _edit_page(request, application, form=form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    if application.status != S.DRAFT:
        return not_now(request, application, _("This application has already been submitted."))
    form = SubmitConfirmForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.application_submit(actor=signed_in_user(request), application=application),
        success=_("Your application is submitted. We have sent you a confirmation."),
        then=back(application),
        otherwise=lambda: render(
            request,
            "grants/applicant/submit.html",
            {
                "application": application,
                "form": form,
                "documents": list(application.documents.all()),
                "assessment": _assessment(application),
                "amounts": applicant_amounts(application),
                "round_open": application.funding_round.is_open_at(timezone.now()),
            },
        ),
    )


# ---------------------------------------------------------------- withdrawing and answering


@require_http_methods(["GET", "HEAD", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    if application.is_decided:
        return not_now(request, application, _("A decided application cannot be withdrawn."))
    form = WithdrawForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.application_withdraw(
            actor=signed_in_user(request), application=application, reason=form.cleaned_data["reason"]
        ),
        success=_("Your application is withdrawn."),
        then=back(application),
        otherwise=lambda: render(
            request, "grants/applicant/withdraw.html", {"application": application, "form": form}
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def application_respond(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    if application.status != S.MORE_INFO_REQUESTED:
        return not_now(
            request, application, _("There is no open request for information on this application.")
        )
    question = (
        application.information_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
    )
    form = RespondForm(posted(request), posted_files(request))

    @transaction.atomic
    def answer() -> None:
        # The documents and the answer are one step: if the answer is refused, no document is kept.
        for upload in form.cleaned_data["files"]:
            services.application_document_add(
                actor=signed_in_user(request),
                application=application,
                file=upload,
                kind=ApplicationDocument.Kind.MORE_INFO,
            )
        services.application_respond(
            actor=signed_in_user(request), application=application, answer=form.cleaned_data["answer"]
        )

    return form_action(
        request,
        form,
        answer,
        field_names={"file": "files"},
        success=_("Thank you. Your answer is sent and your application is back in review."),
        then=back(application),
        otherwise=lambda: render(
            request,
            "grants/applicant/respond.html",
            {"application": application, "question": question, "form": form},
        ),
    )
