"""HTML pages for agency staff: the review queue, the staff page of an application, decisions, rankings.

Thin, like programs/views.py: each view finds the application among those the caller may see (404
otherwise), checks the caller may act (403 otherwise), writes through a service and shows its
ValidationError or Conflict beside the form. Demographics are never loaded here: reviewers and
managers judge the application, not who the applicant is.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.permissions import (
    Decision,
    has_any_role,
    predicate_view_check,
    require,
)
from accounts.roles import Role
from core.demographics import INCOME_BAND_CHOICES
from core.pagination import paginate
from core.views import Message, attempt, button_action, form_action, signed_in_user
from grants.applications import services
from grants.applications.forms.staff import (
    ApproveForm,
    AssignReviewerForm,
    ConflictForm,
    RejectForm,
    RequestInfoForm,
    ReviewForm,
    StaffCommentForm,
)
from grants.applications.selectors import application_detail, review_queue, timeline
from grants.applications.views.common import EVENT_LABELS_BOTH_SIDES, back, staff_application
from grants.applications.views.sections import staff_sections
from grants.models import Application, ApplicationEvent, Review, ReviewAssignment, WorkerProfile
from grants.permissions import (
    applications_visible_to,
    can_decide,
    can_review,
    is_finance_viewer,
    manages,
)
from programs.models import FundingRound, Program
from programs.presentation import money

QUEUE_PER_PAGE = 25

S = Application.Status
STATUS_TAGS: dict[str, str] = {
    S.DRAFT: "tag--grey",
    S.SUBMITTED: "tag--blue",
    S.IN_REVIEW: "tag--amber",
    S.MORE_INFO_REQUESTED: "tag--amber",
    S.APPROVED: "tag--green",
    S.REJECTED: "tag--red",
    S.WITHDRAWN: "tag--grey",
    S.ENROLLED: "tag--blue",
    S.COMPLETION_CLAIMED: "tag--amber",
    S.COMPLETION_VERIFIED: "tag--green",
    S.PAYMENT_SCHEDULED: "tag--blue",
    S.PAID: "tag--green",
    S.EXPIRED: "tag--grey",
    S.CANCELLED: "tag--grey",
    S.CLAWED_BACK: "tag--red",
}
CONFLICT_TAGS: dict[str, str] = {
    ReviewAssignment.Conflict.UNDECLARED: "tag--amber",
    ReviewAssignment.Conflict.NONE: "tag--green",
    ReviewAssignment.Conflict.DECLARED: "tag--red",
}
EVENT_LABELS: dict[str, Promise] = {
    **EVENT_LABELS_BOTH_SIDES,
    "submitted": gettext_lazy("Submitted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "reviewer_assigned": gettext_lazy("Reviewer assigned"),
    "conflict_declared": gettext_lazy("Conflict of interest declared"),
    "no_conflict_declared": gettext_lazy("No conflict of interest declared"),
    "review_submitted": gettext_lazy("Review submitted"),
    "more_info_provided": gettext_lazy("Applicant answered"),
    "payment_scheduled": gettext_lazy("Payment approved and scheduled"),
    "outcome_reported": gettext_lazy("Outcome reported by the worker"),
    "outcome_verified": gettext_lazy("Verified outcome recorded"),
}
PROFILE_LABELS: dict[str, Promise] = {
    "region": gettext_lazy("Region"),
    "employment_status": gettext_lazy("Employment status"),
    "household_income_band": gettext_lazy("Household income band"),
    "date_of_birth": gettext_lazy("Date of birth"),
}
PRIORITY_LABELS = dict(Program.PriorityGroup.choices)
PROFILE_VALUES: dict[str, dict[str, Any]] = {
    "employment_status": dict(WorkerProfile._meta.get_field("employment_status").choices or []),
    "household_income_band": dict(INCOME_BAND_CHOICES),
}


# ---------------------------------------------------------------- helpers


def _may_use_queue(user: Any) -> Decision:
    return has_any_role(user, (Role.PROGRAM_MANAGER, Role.REVIEWER, Role.ADMINISTRATOR))


def _criteria(program: Program) -> list[Any]:
    return list(program.scoring_criteria.all())


# ---------------------------------------------------------------- queue


@predicate_view_check(_may_use_queue)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filterset, rows = review_queue(applications_visible_to(user), request.GET, request=request)
    page = paginate(request, rows, QUEUE_PER_PAGE, bounded=True)
    for row in page.object_list:
        row.status_tag = STATUS_TAGS.get(row.status, "tag--grey")
        row.amount_display = money(row.amount_requested, row.program.currency)
        row.priority_label = PRIORITY_LABELS.get(row.priority_group, "—") if row.priority_group else "—"
    rankings: list[FundingRound] = []
    if user.has_role(Role.PROGRAM_MANAGER):
        rankings = list(
            FundingRound.objects.filter(
                program__managers=user, program__selection_method=Program.SelectionMethod.SCORED
            )
            .select_related("program")
            .order_by("program__code", "opens_at")
        )
    return render(
        request,
        "grants/staff/queue.html",
        {"filter_form": filterset.form, "page": page, "rankings": rankings},
        # A filter that cannot be read is the caller's mistake: say so, show no rows.
        status=400 if filterset.form.errors else 200,
    )


# ---------------------------------------------------------------- the staff page of an application


def staff_detail(
    request: HttpRequest, application: Application, *, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The page staff see. A reviewer who has not declared on conflicts of interest sees only that."""
    user = signed_in_user(request)
    application = application_detail(applications_visible_to(user), pk=application.pk)
    assignments: list[Any] = list(application.assignments.all())
    own = _own_assignment(user, assignments)
    is_manager = manages(user, application)
    bound = bound or {}
    if not _may_see_everything(user, application, own, is_manager=is_manager):
        return _conflict_page(request, application, own, bound)
    criteria = _criteria(application.program)
    _dress_assignments(assignments, criteria)
    context: dict[str, Any] = {
        **_summary_context(application),
        "documents": list(application.documents.all()),
        "information_requests": list(application.information_requests.all()),
        "letters": list(application.letters.all()),
        "assignments": assignments,
        "events": _staff_events(application, assignments),
        "comments": list(application.staff_comments.select_related("author")),
        "comment_form": bound.get("comment_form") or StaffCommentForm(),
        "is_manager": is_manager,
        "is_scored": application.program.selection_method == Program.SelectionMethod.SCORED,
    }
    if is_manager:
        context.update(_manager_context(application, bound))
    context.update(_review_context(application, own, criteria if context["is_scored"] else [], bound))
    context.update(staff_sections(request, application, is_manager=is_manager, bound=bound))
    return render(request, "grants/staff/detail.html", context)


def _own_assignment(user: User, assignments: list[Any]) -> Any:
    """The caller's own assignment to review the application, if they are a reviewer and have one."""
    if not user.has_role(Role.REVIEWER):
        return None
    return next((a for a in assignments if a.reviewer_id == user.pk), None)


def _may_see_everything(user: User, application: Application, own: Any, *, is_manager: bool) -> bool:
    """Managers, administrators, finance officers of the award, and reviewers free of conflicts."""
    return (
        is_manager
        or user.has_role(Role.ADMINISTRATOR)
        or (own is not None and own.may_review)
        or is_finance_viewer(user, application)
    )


def _conflict_page(
    request: HttpRequest, application: Application, own: Any, bound: dict[str, Any]
) -> HttpResponse:
    """What a reviewer sees before declaring on conflicts of interest; a 404 for anyone else."""
    if own is None or own.conflict != ReviewAssignment.Conflict.UNDECLARED:
        raise Http404
    return render(
        request,
        "grants/staff/conflict.html",
        {"application": application, "form": bound.get("conflict_form") or ConflictForm()},
    )


def _dress_assignments(assignments: list[Any], criteria: list[Any]) -> None:
    """Each assignment's conflict tag and submitted review, with its checklist and scores by name."""
    criterion_names = {str(criterion.pk): criterion.name for criterion in criteria}
    for assignment in assignments:
        assignment.conflict_tag = CONFLICT_TAGS.get(assignment.conflict, "tag--grey")
        review = getattr(assignment, "review", None)
        assignment.submitted_review = review
        if review is not None:
            review.checklist_rows = [
                (label, review.checklist.get(key)) for key, label in Review.CHECKLIST.items()
            ]
            review.score_rows = [
                (criterion_names.get(key, key), value) for key, value in review.scores.items()
            ]


def _staff_events(application: Application, assignments: list[Any]) -> list[Any]:
    """The full timeline, staff-only steps marked, with the reviewer each step names."""
    reviewers = {a.reviewer_id: a.reviewer for a in assignments}
    events: list[Any] = list(timeline(application, staff=True))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        event.is_staff_only = event.visibility == ApplicationEvent.Visibility.STAFF
        reviewer_id = event.payload.get("reviewer") if isinstance(event.payload, dict) else None
        reviewer = reviewers.get(reviewer_id) if isinstance(reviewer_id, int) else None
        event.detail = (reviewer.full_name or reviewer.email) if reviewer else ""
    return events


def _summary_context(application: Application) -> dict[str, Any]:
    """The application as it was submitted: status, amounts, the profile, eligibility and cap checks."""
    program = application.program
    cap_maximum = application.cap_snapshot.get("maximum")
    return {
        "application": application,
        "status_tag": STATUS_TAGS.get(application.status, "tag--grey"),
        "amount_requested": money(application.amount_requested, program.currency),
        "amount_awarded": money(application.amount_awarded, program.currency),
        "profile_rows": [
            (PROFILE_LABELS.get(key, key), PROFILE_VALUES.get(key, {}).get(value, value) or "—")
            for key, value in application.profile_snapshot.items()
        ],
        "eligibility_rows": application.eligibility_snapshot,
        "cap_snapshot": application.cap_snapshot,
        "cap_maximum": money(Decimal(application.cap_snapshot["maximum"]), program.currency)
        if cap_maximum
        else "—",
        "priority_label": PRIORITY_LABELS.get(application.priority_group, "")
        if application.priority_group
        else "",
    }


def _manager_context(application: Application, bound: dict[str, Any]) -> dict[str, Any]:
    """What the program's manager may do now: assign reviewers, begin the review, ask, decide."""
    program = application.program
    status = application.status
    budget = getattr(program, "budget", None)
    context: dict[str, Any] = {"available": money(budget.available if budget else None, program.currency)}
    if status in (S.SUBMITTED, S.IN_REVIEW, S.MORE_INFO_REQUESTED):
        context["assign_form"] = bound.get("assign_form") or AssignReviewerForm(application=application)
    context["may_begin_review"] = S.IN_REVIEW in Application.TRANSITIONS[status] and status == S.SUBMITTED
    if status == S.IN_REVIEW:
        context["request_info_form"] = bound.get("request_info_form") or RequestInfoForm()
        context["approve_form"] = bound.get("approve_form") or ApproveForm()
        context["reject_form"] = bound.get("reject_form") or RejectForm()
    return context


def _review_context(
    application: Application, own: Any, scored_criteria: list[Any], bound: dict[str, Any]
) -> dict[str, Any]:
    """The review form, for an assigned reviewer free of conflicts who has not reviewed yet."""
    if own is None or not own.may_review or application.status != S.IN_REVIEW:
        return {}
    if getattr(own, "review", None) is not None:
        return {}
    return {"review_form": bound.get("review_form") or ReviewForm(criteria=scored_criteria)}


# ---------------------------------------------------------------- actions on one application


def staff_action(
    request: HttpRequest,
    application: Application,
    form_name: str,
    form: Any,
    action: Callable[[], Any],
    success: Message,
) -> HttpResponse:
    """A decision on the staff page: done, back to the page with a message; refused, the page again with
    the bound form (`form_name` in staff_detail's `bound`)."""
    return form_action(
        request,
        form,
        action,
        success=success,
        then=back(application),
        otherwise=lambda: staff_detail(request, application, bound={form_name: form}),
    )


@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    user = signed_in_user(request)
    if not application.assignments.filter(reviewer=user).exists():
        raise PermissionDenied(_("This application is not assigned to you."))
    form = ConflictForm(request.POST)
    if form.is_valid():
        has_conflict = form.cleaned_data["has_conflict"] == "yes"
        done, _assignment = attempt(
            form,
            services.conflict_declare,
            actor=user,
            application=application,
            has_conflict=has_conflict,
            note=form.cleaned_data["note"],
        )
        if done and has_conflict:
            messages.success(
                request,
                _("Your conflict of interest is recorded and you are recused from %(ref)s.")
                % {"ref": application.reference},
            )
            return redirect("grants:queue")
        if done:
            messages.success(request, _("Thank you. You can now review the application."))
            return back(application)
    return staff_detail(request, application, bound={"conflict_form": form})


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    require(can_decide(signed_in_user(request), application))
    form = AssignReviewerForm(request.POST, application=application)
    return staff_action(
        request,
        application,
        "assign_form",
        form,
        lambda: services.application_assign(
            actor=signed_in_user(request),
            application=application,
            reviewer=form.cleaned_data["reviewer"],
        ),
        lambda _assignment: (
            _("%(name)s is assigned to review this application.")
            % {"name": form.cleaned_data["reviewer"].full_name}
        ),
    )


@require_POST
def begin_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    require(can_decide(signed_in_user(request), application))
    return button_action(
        request,
        services.application_begin_review,
        actor=signed_in_user(request),
        application=application,
        success=_("The application is now in review."),
        then=back(application),
    )


@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    require(can_review(signed_in_user(request), application))
    scored = application.program.selection_method == Program.SelectionMethod.SCORED
    form = ReviewForm(request.POST, criteria=_criteria(application.program) if scored else [])
    return staff_action(
        request,
        application,
        "review_form",
        form,
        lambda: services.review_submit(
            actor=signed_in_user(request), application=application, **form.service_fields()
        ),
        _("Your review is submitted."),
    )


@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    form = StaffCommentForm(request.POST)
    return staff_action(
        request,
        application,
        "comment_form",
        form,
        lambda: services.staff_comment_add(
            actor=signed_in_user(request), application=application, body=form.cleaned_data["body"]
        ),
        _("Comment added."),
    )


@require_POST
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    require(can_decide(signed_in_user(request), application))
    form = RequestInfoForm(request.POST)
    return staff_action(
        request,
        application,
        "request_info_form",
        form,
        lambda: services.application_request_info(
            actor=signed_in_user(request),
            application=application,
            question=form.cleaned_data["question"],
        ),
        _("The applicant is asked for more information."),
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    require(can_decide(signed_in_user(request), application))
    form = ApproveForm(request.POST)
    if form.is_valid():
        done, approved = attempt(
            form,
            services.application_approve,
            actor=signed_in_user(request),
            application=application,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(
                request,
                _("Approved: %(amount)s is committed from the program's budget.")
                % {"amount": money(approved.amount_awarded, application.program.currency)},
            )
            return back(application)
        # Said at the top as well as beside the form: a refused approval is the thing to notice.
        problems = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("Not approved; nothing changed. %(why)s") % {"why": " ".join(problems)})
    return staff_detail(request, application, bound={"approve_form": form})


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = staff_application(request, pk)
    require(can_decide(signed_in_user(request), application))
    form = RejectForm(request.POST)
    return staff_action(
        request,
        application,
        "reject_form",
        form,
        lambda: services.application_reject(
            actor=signed_in_user(request),
            application=application,
            reason_code=form.cleaned_data["reason_code"],
            explanation=form.cleaned_data["explanation"],
        ),
        _("The application is not approved; the applicant will be told why."),
    )
