"""The worker's pages: profile, demographics, applying, drafts, submitting, withdrawing, answering
requests for information, the application page, private downloads and notices.

Thin, like programs/views.py: each view finds what the caller may see (404 otherwise), reads through
selectors, writes through services and shows a service's ValidationError or Conflict beside the form.
Pages about one application answer only the applicant side (the applicant, or whoever filed for them);
staff use the staff pages, so everyone else gets a 404 that reveals nothing.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Notice, User
from accounts.permissions import get_visible_or_404, has_any_role, require
from accounts.roles import Role
from accounts.services import notices_mark_read, user_profile_update
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from core.pagination import paginate
from grants.applications import selectors, services
from grants.applications.forms.applicant import (
    ApplicationForm,
    DemographicsForm,
    DocumentUploadForm,
    RespondForm,
    SubmitConfirmForm,
    WithdrawForm,
    WorkerProfileForm,
    contact_fields,
    funded_credentials,
)
from grants.applications.letters import letter_for
from grants.applications.views.sections import applicant_sections
from grants.models import Application, ApplicationDocument
from grants.permissions import applications_visible_to, can_apply, is_applicant_side, is_staff_viewer
from programs.models import EligibilityRule, Program
from programs.permissions import programs_visible_to
from programs.presentation import money
from programs.selectors import open_round

S = Application.Status
APPLICATIONS_PER_PAGE = 20
NOTICES_PER_PAGE = 25

# Each status in plain words: the tag colour, what it means, and what happens next.
STATUS_GUIDE: dict[str, tuple[str, Any, Any]] = {
    S.DRAFT: (
        "tag--grey",
        gettext_lazy("You have not sent this application yet."),
        gettext_lazy(
            "Check the eligibility panel, add your documents, then review and submit it "
            "before the round closes."
        ),
    ),
    S.SUBMITTED: (
        "tag--blue",
        gettext_lazy("We have received your application."),
        gettext_lazy("Staff will check it and start the review. We will tell you when anything changes."),
    ),
    S.IN_REVIEW: (
        "tag--blue",
        gettext_lazy("Staff are reviewing your application."),
        gettext_lazy(
            "Reviewers check your eligibility and documents. We will write to you if we need more "
            "information and when a decision is made."
        ),
    ),
    S.MORE_INFO_REQUESTED: (
        "tag--amber",
        gettext_lazy("We need more information from you."),
        gettext_lazy(
            "Answer the question and add any documents it asks for. Your application goes back to review "
            "when you answer."
        ),
    ),
    S.APPROVED: (
        "tag--green",
        gettext_lazy("Your application is approved."),
        gettext_lazy(
            "Your decision letter gives the amount awarded and what to do next. Enrol on the course within "
            "the program's training window and keep your proof of completion."
        ),
    ),
    S.REJECTED: (
        "tag--red",
        gettext_lazy("Your application was not approved."),
        gettext_lazy(
            "The reason is below and in your decision letter, which also says how to appeal. You may apply "
            "again in a later round."
        ),
    ),
    S.WITHDRAWN: (
        "tag--grey",
        gettext_lazy("You withdrew this application."),
        gettext_lazy(
            "Nothing more will happen to it. You can start a new application while a round is open."
        ),
    ),
    # After approval (issue 5): the award's life.
    S.ENROLLED: (
        "tag--blue",
        gettext_lazy("You have confirmed your enrolment on the course."),
        gettext_lazy(
            "Complete the training by the deadline below, then claim completion here with the evidence the "
            "program asks for."
        ),
    ),
    S.COMPLETION_CLAIMED: (
        "tag--blue",
        gettext_lazy("You have claimed completion of the training."),
        gettext_lazy(
            "Staff are checking your evidence. We will tell you when it is verified, or why it was not "
            "accepted so that you can claim again."
        ),
    ),
    S.COMPLETION_VERIFIED: (
        "tag--green",
        gettext_lazy("Your completion of the training is verified."),
        gettext_lazy(
            "The award will now be paid to the payee the program sets. Later we will ask you how things "
            "went after the training."
        ),
    ),
    S.PAYMENT_SCHEDULED: (
        "tag--blue",
        gettext_lazy("The payment of your award is scheduled."),
        gettext_lazy("The finance team is sending the payment. We will tell you when it is paid."),
    ),
    S.PAID: (
        "tag--green",
        gettext_lazy("Your award is paid."),
        gettext_lazy(
            "Nothing more is needed for the payment. Please answer our outcome questions when we ask: they "
            "help the program fund training that leads to jobs."
        ),
    ),
    S.EXPIRED: (
        "tag--grey",
        gettext_lazy("This award has expired."),
        gettext_lazy(
            "The training was not enrolled on or completed within the program's training window, so its "
            "money went back to the program. You may apply again in a later round."
        ),
    ),
    S.CANCELLED: (
        "tag--grey",
        gettext_lazy("This award is cancelled."),
        gettext_lazy(
            "Its money went back to the program and nothing more will be paid. The reason is in the "
            "timeline below."
        ),
    ),
    S.CLAWED_BACK: (
        "tag--red",
        gettext_lazy("Money paid for this award is being recovered."),
        gettext_lazy(
            "The reason and explanation are below. If you think this is wrong, contact the program "
            "using the details in your decision letter."
        ),
    ),
}

# Short names for the short list of next steps on "My applications".
LIST_NEXT_STEP: dict[str, Any] = {
    S.DRAFT: gettext_lazy("Finish and submit"),
    S.SUBMITTED: gettext_lazy("Wait for the review to start"),
    S.IN_REVIEW: gettext_lazy("Wait for a decision"),
    S.MORE_INFO_REQUESTED: gettext_lazy("Answer our question"),
    S.APPROVED: gettext_lazy("Confirm your enrolment"),
    S.REJECTED: gettext_lazy("Read the reason"),
    S.WITHDRAWN: gettext_lazy("Nothing to do"),
    S.ENROLLED: gettext_lazy("Complete the training, then claim completion"),
    S.COMPLETION_CLAIMED: gettext_lazy("Wait for your evidence to be checked"),
    S.COMPLETION_VERIFIED: gettext_lazy("Wait for payment"),
    S.PAYMENT_SCHEDULED: gettext_lazy("Wait for payment"),
    S.PAID: gettext_lazy("Answer our outcome questions when asked"),
    S.EXPIRED: gettext_lazy("Nothing to do"),
    S.CANCELLED: gettext_lazy("Nothing to do"),
    S.CLAWED_BACK: gettext_lazy("Read why money is recovered"),
}

EVENT_LABELS: dict[str, Any] = {
    "created": gettext_lazy("Draft started"),
    "submitted": gettext_lazy("Application submitted"),
    "withdrawn": gettext_lazy("Application withdrawn"),
    "document_added": gettext_lazy("Document added"),
    "review_started": gettext_lazy("Review started"),
    "more_info_requested": gettext_lazy("More information requested"),
    "more_info_provided": gettext_lazy("You answered our question"),
    "approved": gettext_lazy("Approved"),
    "rejected": gettext_lazy("Not approved"),
    "enrolled": gettext_lazy("Enrolment confirmed"),
    "completion_claimed": gettext_lazy("Completion claimed"),
    "completion_verified": gettext_lazy("Completion verified"),
    "completion_rejected": gettext_lazy("Completion claim not accepted"),
    "cancelled": gettext_lazy("Award cancelled"),
    "expired": gettext_lazy("Award expired"),
    "outcome_reported": gettext_lazy("You told us how things went"),
    "payment_scheduled": gettext_lazy("Payment scheduled"),
    "paid": gettext_lazy("Paid"),
    "clawed_back": gettext_lazy("Money recovered"),
}

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


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind the sign-in middleware)."""
    return cast(User, request.user)


# ---------------------------------------------------------------- helpers


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
    """The form data of a POST, even an empty one (an unticked box sends nothing); None for a GET."""
    return request.POST if request.method == "POST" else None


def _require_worker(request: HttpRequest) -> None:
    require(has_any_role(request.user, (Role.WORKER,)))


def _own_application(request: HttpRequest, pk: int) -> Application:
    """The application, if the caller is its applicant (or filed it); a 404 for everyone else."""
    application = get_visible_or_404(
        applications_visible_to(request.user)
        .filter(Q(applicant=request.user) | Q(filed_by=request.user))
        .select_related("program", "credential__provider", "funding_round"),
        pk=pk,
    )
    return application


def _not_now(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("grants:application_detail", pk=application.pk)


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


def _amounts(application: Application) -> dict[str, str]:
    currency = application.program.currency
    return {
        "requested": money(application.amount_requested, currency),
        "awarded": money(application.amount_awarded, currency) if application.amount_awarded else "",
    }


def _with_guide(application: Application) -> None:
    tag, meaning, next_step = STATUS_GUIDE[application.status]
    application.status_tag = tag  # type: ignore[attr-defined]
    application.status_meaning = meaning  # type: ignore[attr-defined]
    application.next_step = next_step  # type: ignore[attr-defined]


def _download(handle: Any, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_filename(name: str, fallback: str) -> str:
    try:
        return get_valid_filename(name)[:120] or fallback
    except SuspiciousFileOperation:
        return fallback


# ---------------------------------------------------------------- profile and demographics


def _open_program_regions() -> list[str]:
    """Regions named by the residency rules of open programs, for the profile's hint."""
    regions: set[str] = set()
    rules = EligibilityRule.objects.filter(
        program__status=Program.Status.OPEN, kind=EligibilityRule.Kind.RESIDENCY_REGION
    ).values_list("parameters", flat=True)
    for parameters in rules:
        if isinstance(parameters, dict):
            regions.update(str(region) for region in parameters.get("regions", []) if region)
    return sorted(regions)


@require_http_methods(["GET", "HEAD", "POST"])
def worker_profile(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    profile = selectors.worker_profile_for(request.user)
    initial: dict[str, Any] = {"phone": _user(request).phone}
    if profile is not None:
        initial |= {
            "address": profile.address,
            "region": profile.region,
            "date_of_birth": profile.date_of_birth,
            "employment_status": profile.employment_status,
            "household_income_band": profile.household_income_band,
            "contact_by_employers": profile.contact_by_employers,
            "priority_veteran": profile.priority_veteran,
            "priority_disability": profile.priority_disability,
        }
    form = WorkerProfileForm(_posted(request), initial=initial, regions=_open_program_regions())
    if request.method == "POST" and form.is_valid():
        try:
            # Contact details and the profile are saved together, or neither is.
            with transaction.atomic():
                user_profile_update(user=_user(request), **contact_fields(_user(request), form))
                services.worker_profile_save(user=_user(request), **form.profile_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("grants:worker_profile")
    return render(request, "grants/applicant/profile.html", {"form": form, "profile": profile})


@require_http_methods(["GET", "HEAD", "POST"])
def demographics(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    answers = selectors.demographics_for(request.user)
    initial = (
        {
            "race_ethnicity": answers.race_ethnicity,
            "sex": answers.sex,
            "veteran": answers.veteran,
            "disability": answers.disability,
        }
        if answers is not None
        else {}
    )
    form = DemographicsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _saved = _attempt(form, services.demographics_save, user=_user(request), **form.cleaned_data)
        if done:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("grants:demographics")
    return render(request, "grants/applicant/demographics.html", {"form": form})


# ---------------------------------------------------------------- applying


def _not_taking_applications(program: Program) -> str:
    if program.applicant_type != Program.ApplicantType.WORKER:
        return _("Employers apply to this program on behalf of their employees.")
    if program.status != Program.Status.OPEN:
        return _("This program is not taking applications.")
    if open_round(program) is None:
        return _("No funding round of this program is open now. Check its dates on the program page.")
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    require(can_apply(request.user))
    program = get_visible_or_404(programs_visible_to(request.user), code=code)
    refusal = _not_taking_applications(program)
    initial: dict[str, Any] = {}
    chosen = request.GET.get("credential", "")
    if chosen.isdigit():
        credential = funded_credentials(program).filter(pk=int(chosen)).first()
        if credential is not None:
            initial = {"credential": credential.pk, "amount_requested": f"{credential.cost:.2f}"}
    form = ApplicationForm(_posted(request), initial=initial, program=program)
    if request.method == "POST" and not refusal and form.is_valid():
        done, application = _attempt(
            form,
            services.application_create,
            actor=_user(request),
            program=program,
            credential=form.cleaned_data["credential"],
            amount_requested=form.cleaned_data["amount_requested"],
            statement=form.cleaned_data["statement"],
        )
        if done:
            messages.success(request, _("Your draft is saved. Add documents, then review and submit it."))
            return redirect("grants:application_edit", pk=application.pk)
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
            "amounts": _amounts(application),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != S.DRAFT:
        return _not_now(
            request, application, _("Only a draft can be changed; this application has been submitted.")
        )
    if request.method != "POST":
        return _edit_page(request, application)
    if request.POST.get("intent") == "upload":
        upload_form = DocumentUploadForm(request.POST, request.FILES, prefix="document")
        if upload_form.is_valid():
            done, document = _attempt(
                upload_form,
                services.application_document_add,
                actor=_user(request),
                application=application,
                file=upload_form.cleaned_data["file"],
                kind=upload_form.cleaned_data["kind"],
            )
            if done:
                messages.success(request, _("“%(name)s” is added.") % {"name": document.original_name})
                return redirect("grants:application_edit", pk=application.pk)
        return _edit_page(request, application, upload_form=upload_form)
    form = ApplicationForm(request.POST, program=application.program)
    if form.is_valid():
        done, _updated = _attempt(
            form,
            services.application_update,
            actor=_user(request),
            application=application,
            **form.cleaned_data,
        )
        if done:
            messages.success(request, _("Your draft is saved."))
            return redirect("grants:application_edit", pk=application.pk)
    return _edit_page(request, application, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != S.DRAFT:
        return _not_now(request, application, _("This application has already been submitted."))
    form = SubmitConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, _submitted = _attempt(
            form, services.application_submit, actor=_user(request), application=application
        )
        if done:
            messages.success(request, _("Your application is submitted. We have sent you a confirmation."))
            return redirect("grants:application_detail", pk=application.pk)
    return render(
        request,
        "grants/applicant/submit.html",
        {
            "application": application,
            "form": form,
            "documents": list(application.documents.all()),
            "assessment": _assessment(application),
            "amounts": _amounts(application),
            "round_open": application.funding_round.is_open_at(timezone.now()),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.is_decided:
        return _not_now(request, application, _("A decided application cannot be withdrawn."))
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done, _withdrawn = _attempt(
            form,
            services.application_withdraw,
            actor=_user(request),
            application=application,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("Your application is withdrawn."))
            return redirect("grants:application_detail", pk=application.pk)
    return render(request, "grants/applicant/withdraw.html", {"application": application, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def application_respond(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if application.status != S.MORE_INFO_REQUESTED:
        return _not_now(
            request, application, _("There is no open request for information on this application.")
        )
    question = (
        application.information_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
    )
    form = RespondForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            # The documents and the answer are one step: if the answer is refused, no document is kept.
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    services.application_document_add(
                        actor=_user(request),
                        application=application,
                        file=upload,
                        kind=ApplicationDocument.Kind.MORE_INFO,
                    )
                services.application_respond(
                    actor=_user(request), application=application, answer=form.cleaned_data["answer"]
                )
        except ValidationError as error:
            add_service_errors(form, error, {"file": "files"})
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you. Your answer is sent and your application is back in review.")
            )
            return redirect("grants:application_detail", pk=application.pk)
    return render(
        request,
        "grants/applicant/respond.html",
        {"application": application, "question": question, "form": form},
    )


# ---------------------------------------------------------------- reading


@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    require(has_any_role(request.user, (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE)))
    page = paginate(request, selectors.applications_for_applicant(request.user), APPLICATIONS_PER_PAGE)
    for application in page.object_list:
        _with_guide(application)
        application.list_next_step = LIST_NEXT_STEP[application.status]
        application.amount_display = money(application.amount_requested, application.program.currency)
    return render(
        request,
        "grants/applicant/my_applications.html",
        {"page": page, "can_apply": bool(can_apply(request.user))},
    )


def _event_rows(application: Application) -> list[dict[str, Any]]:
    """The public timeline, without naming staff: the applicant's own steps say "You"."""
    own = {application.applicant_id, application.filed_by_id}
    rows = []
    for event in selectors.timeline(application, staff=False):
        label = EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        detail = event.reason
        if event.action == "document_added":
            detail = str(event.payload.get("name", ""))
        rows.append(
            {
                "when": event.created_at,
                "label": label,
                "by": _("You") if event.actor_id in own else _("Agency staff"),
                "detail": detail,
            }
        )
    return rows


def applicant_detail(request: HttpRequest, application: Application) -> HttpResponse:
    """The applicant's page for one application (called by
    grants.applications.views.detail.application_detail)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    application = selectors.application_detail(
        selectors.applications_for_applicant(request.user), pk=application.pk
    )
    _with_guide(application)
    letters = list(application.letters.all())
    questions = list(application.information_requests.all())
    return render(
        request,
        "grants/applicant/detail.html",
        {
            "application": application,
            "events": _event_rows(application),
            "documents": list(application.documents.all()),
            "letter": letters[0] if letters else None,
            "open_question": next((q for q in reversed(questions) if q.answered_at is None), None),
            "answered_questions": [q for q in questions if q.answered_at is not None],
            "amounts": _amounts(application),
            "can_withdraw": not application.is_decided,
            **applicant_sections(request, application),
        },
    )


# ---------------------------------------------------------------- private downloads


def _application_for_files(request: HttpRequest, pk: int) -> Application:
    """The application if the caller may see its files: the applicant side or staff working on it."""
    application = get_visible_or_404(applications_visible_to(request.user).select_related("program"), pk=pk)
    if not (is_applicant_side(request.user, application) or is_staff_viewer(request.user, application)):
        raise Http404
    return application


@require_safe
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    application = _application_for_files(request, pk)
    document = application.documents.filter(pk=doc_pk).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        document.content_type, "bin"
    )
    fallback = f"{application.reference}-document-{document.pk}.{extension}"
    filename = _safe_filename(document.original_name, fallback)
    if not filename.lower().endswith(f".{extension}"):
        filename = f"{filename}.{extension}"
    return _download(handle, filename=filename, content_type=document.content_type)


@require_safe
def letter_download(request: HttpRequest, pk: int) -> FileResponse:
    application = _application_for_files(request, pk)
    letter = letter_for(application)
    if letter is None:
        raise Http404
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return _download(
        handle, filename=f"{application.reference}-decision-letter.pdf", content_type="application/pdf"
    )


# ---------------------------------------------------------------- notices


@require_safe
def notices(request: HttpRequest) -> HttpResponse:
    page = paginate(
        request, Notice.objects.filter(user=_user(request)).order_by("-created_at", "-id"), NOTICES_PER_PAGE
    )
    unread = Notice.objects.filter(user=_user(request), read_at__isnull=True).count()
    return render(request, "grants/applicant/notices.html", {"page": page, "unread": unread})


@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    changed = notices_mark_read(user=_user(request))
    if changed:
        messages.success(request, _("All your notices are marked as read."))
    return redirect("grants:notices")
