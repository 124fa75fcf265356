"""The worker's page of one application and their list of applications, with each status in plain
words: what it means and what happens next.

The worker's other pages: profile.py (their details), applying.py (apply, edit, submit, withdraw,
answer), downloads.py (private files), notices.py. Pages about one application answer only the applicant
side (the applicant, or whoever filed for them); staff use the staff pages, so everyone else gets a 404
that reveals nothing.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.permissions import has_any_role, require
from accounts.roles import Role
from core.pagination import paginate
from grants.applications import selectors
from grants.applications.views.common import EVENT_LABELS_BOTH_SIDES
from grants.applications.views.sections import applicant_sections
from grants.models import Application
from grants.permissions import can_apply
from programs.presentation import money

S = Application.Status
APPLICATIONS_PER_PAGE = 20

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
    **EVENT_LABELS_BOTH_SIDES,
    "submitted": gettext_lazy("Application submitted"),
    "withdrawn": gettext_lazy("Application withdrawn"),
    "more_info_provided": gettext_lazy("You answered our question"),
    "outcome_reported": gettext_lazy("You told us how things went"),
    "payment_scheduled": gettext_lazy("Payment scheduled"),
}


def applicant_amounts(application: Application) -> dict[str, str]:
    """The amounts asked for and awarded, in the program's currency."""
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
            "amounts": applicant_amounts(application),
            "can_withdraw": not application.is_decided,
            **applicant_sections(request, application),
        },
    )
