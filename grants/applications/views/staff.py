"""HTML pages for agency staff: the review queue, the staff page of an application, decisions, rankings.

Thin, like programs/views.py: each view finds the application among those the caller may see (404
otherwise), checks the caller may act (403 otherwise), writes through a service and shows its
ValidationError or Conflict beside the form. Demographics are never loaded here: reviewers and
managers judge the application, not who the applicant is.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.permissions import (
    Decision,
    get_visible_or_404,
    has_any_role,
    has_role,
    predicate_view_check,
    require,
)
from accounts.roles import Role
from core.demographics import INCOME_BAND_CHOICES
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from core.pagination import paginate
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
from grants.applications.selectors import application_detail, ranked_applications, review_queue, timeline
from grants.applications.views.sections import staff_sections
from grants.models import Application, ApplicationEvent, Review, ReviewAssignment, WorkerProfile
from grants.permissions import (
    applications_visible_to,
    can_decide,
    can_review,
    is_applicant_side,
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
    "created": gettext_lazy("Draft started"),
    "submitted": gettext_lazy("Submitted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "document_added": gettext_lazy("Document added"),
    "review_started": gettext_lazy("Review started"),
    "reviewer_assigned": gettext_lazy("Reviewer assigned"),
    "conflict_declared": gettext_lazy("Conflict of interest declared"),
    "no_conflict_declared": gettext_lazy("No conflict of interest declared"),
    "review_submitted": gettext_lazy("Review submitted"),
    "more_info_requested": gettext_lazy("More information requested"),
    "more_info_provided": gettext_lazy("Applicant answered"),
    "approved": gettext_lazy("Approved"),
    "rejected": gettext_lazy("Not approved"),
    "enrolled": gettext_lazy("Enrolment confirmed"),
    "completion_claimed": gettext_lazy("Completion claimed"),
    "completion_verified": gettext_lazy("Completion verified"),
    "completion_rejected": gettext_lazy("Completion claim not accepted"),
    "payment_scheduled": gettext_lazy("Payment approved and scheduled"),
    "paid": gettext_lazy("Paid"),
    "clawed_back": gettext_lazy("Money recovered"),
    "cancelled": gettext_lazy("Award cancelled"),
    "expired": gettext_lazy("Award expired"),
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


def _attempt(form: Any, service: Callable[..., Any], /, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service. Its ValidationError or Conflict goes on the form; NotAllowed becomes a 403."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        form.add_error(None, error.message)
    return False, None


def _user(request: HttpRequest) -> User:
    """The signed-in caller: every page here sits behind the sign-in middleware."""
    return cast(User, request.user)


def _may_use_queue(user: Any) -> Decision:
    return has_any_role(user, (Role.PROGRAM_MANAGER, Role.REVIEWER, Role.ADMINISTRATOR))


def _is_program_manager(user: Any) -> Decision:
    return has_role(user, Role.PROGRAM_MANAGER)


def _staff_application(request: HttpRequest, pk: int) -> Application:
    """The application, if the caller may see it as staff; 404 for anyone else (it reveals nothing)."""
    application = get_visible_or_404(
        applications_visible_to(_user(request)).select_related("program", "credential", "funding_round"),
        pk=pk,
    )
    if is_applicant_side(_user(request), application):
        raise PermissionDenied(_("This is your own application; staff actions are not yours to take."))
    return application


def _back(application: Application) -> HttpResponse:
    return redirect("grants:application_detail", pk=application.pk)


def _criteria(program: Program) -> list[Any]:
    return list(program.scoring_criteria.all())


# ---------------------------------------------------------------- queue


@predicate_view_check(_may_use_queue)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    filterset, rows = review_queue(applications_visible_to(_user(request)), request.GET, request=request)
    page = paginate(request, rows, QUEUE_PER_PAGE, bounded=True)
    for row in page.object_list:
        row.status_tag = STATUS_TAGS.get(row.status, "tag--grey")
        row.amount_display = money(row.amount_requested, row.program.currency)
        row.priority_label = PRIORITY_LABELS.get(row.priority_group, "—") if row.priority_group else "—"
    rankings: list[FundingRound] = []
    if _user(request).has_role(Role.PROGRAM_MANAGER):
        rankings = list(
            FundingRound.objects.filter(
                program__managers=_user(request), program__selection_method=Program.SelectionMethod.SCORED
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
    user = _user(request)
    application = application_detail(applications_visible_to(user), pk=application.pk)
    assignments: list[Any] = list(application.assignments.all())
    own = (
        next((a for a in assignments if a.reviewer_id == user.pk), None)
        if user.has_role(Role.REVIEWER)
        else None
    )
    is_manager = manages(user, application)
    may_see_all = (
        is_manager
        or user.has_role(Role.ADMINISTRATOR)
        or (own is not None and own.may_review)
        or is_finance_viewer(user, application)
    )
    bound = bound or {}
    if not may_see_all:
        if own is None or own.conflict != ReviewAssignment.Conflict.UNDECLARED:
            raise Http404
        return render(
            request,
            "grants/staff/conflict.html",
            {"application": application, "form": bound.get("conflict_form") or ConflictForm()},
        )
    program = application.program
    criteria = _criteria(program)
    criterion_names = {str(criterion.pk): criterion.name for criterion in criteria}
    reviewers = {a.reviewer_id: a.reviewer for a in assignments}
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
    events: list[Any] = list(timeline(application, staff=True))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        event.is_staff_only = event.visibility == ApplicationEvent.Visibility.STAFF
        reviewer_id = event.payload.get("reviewer") if isinstance(event.payload, dict) else None
        reviewer = reviewers.get(reviewer_id) if isinstance(reviewer_id, int) else None
        event.detail = (reviewer.full_name or reviewer.email) if reviewer else ""
    comments = list(application.staff_comments.select_related("author"))
    status = application.status
    context: dict[str, Any] = {
        "application": application,
        "status_tag": STATUS_TAGS.get(status, "tag--grey"),
        "amount_requested": money(application.amount_requested, program.currency),
        "amount_awarded": money(application.amount_awarded, program.currency),
        "profile_rows": [
            (PROFILE_LABELS.get(key, key), PROFILE_VALUES.get(key, {}).get(value, value) or "—")
            for key, value in application.profile_snapshot.items()
        ],
        "eligibility_rows": application.eligibility_snapshot,
        "cap_snapshot": application.cap_snapshot,
        "cap_maximum": money(Decimal(application.cap_snapshot["maximum"]), program.currency)
        if application.cap_snapshot.get("maximum")
        else "—",
        "priority_label": PRIORITY_LABELS.get(application.priority_group, "")
        if application.priority_group
        else "",
        "documents": list(application.documents.all()),
        "information_requests": list(application.information_requests.all()),
        "letters": list(application.letters.all()),
        "assignments": assignments,
        "events": events,
        "comments": comments,
        "comment_form": bound.get("comment_form") or StaffCommentForm(),
        "is_manager": is_manager,
        "is_scored": program.selection_method == Program.SelectionMethod.SCORED,
    }
    if is_manager:
        budget = getattr(program, "budget", None)
        context["available"] = money(budget.available if budget else None, program.currency)
        if status in (S.SUBMITTED, S.IN_REVIEW, S.MORE_INFO_REQUESTED):
            context["assign_form"] = bound.get("assign_form") or AssignReviewerForm(application=application)
        context["may_begin_review"] = S.IN_REVIEW in Application.TRANSITIONS[status] and status == S.SUBMITTED
        if status == S.IN_REVIEW:
            context["request_info_form"] = bound.get("request_info_form") or RequestInfoForm()
            context["approve_form"] = bound.get("approve_form") or ApproveForm()
            context["reject_form"] = bound.get("reject_form") or RejectForm()
    if own is not None and own.may_review and status == S.IN_REVIEW and getattr(own, "review", None) is None:
        scored_criteria = criteria if context["is_scored"] else []
        context["review_form"] = bound.get("review_form") or ReviewForm(criteria=scored_criteria)
    context.update(staff_sections(request, application, is_manager=is_manager, bound=bound))
    return render(request, "grants/staff/detail.html", context)


# ---------------------------------------------------------------- actions on one application


@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    if not application.assignments.filter(reviewer=_user(request)).exists():
        raise PermissionDenied(_("This application is not assigned to you."))
    form = ConflictForm(request.POST)
    if form.is_valid():
        has_conflict = form.cleaned_data["has_conflict"] == "yes"
        done, _assignment = _attempt(
            form,
            services.conflict_declare,
            actor=_user(request),
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
            return _back(application)
    return staff_detail(request, application, bound={"conflict_form": form})


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    require(can_decide(_user(request), application))
    form = AssignReviewerForm(request.POST, application=application)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        done, _assignment = _attempt(
            form,
            services.application_assign,
            actor=_user(request),
            application=application,
            reviewer=reviewer,
        )
        if done:
            messages.success(
                request, _("%(name)s is assigned to review this application.") % {"name": reviewer.full_name}
            )
            return _back(application)
    return staff_detail(request, application, bound={"assign_form": form})


@require_POST
def begin_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    require(can_decide(_user(request), application))
    try:
        services.application_begin_review(actor=_user(request), application=application)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The application is now in review."))
    return _back(application)


@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    require(can_review(_user(request), application))
    scored = application.program.selection_method == Program.SelectionMethod.SCORED
    form = ReviewForm(request.POST, criteria=_criteria(application.program) if scored else [])
    if form.is_valid():
        done, _review = _attempt(
            form,
            services.review_submit,
            actor=_user(request),
            application=application,
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Your review is submitted."))
            return _back(application)
    return staff_detail(request, application, bound={"review_form": form})


@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    form = StaffCommentForm(request.POST)
    if form.is_valid():
        done, _comment = _attempt(
            form,
            services.staff_comment_add,
            actor=_user(request),
            application=application,
            body=form.cleaned_data["body"],
        )
        if done:
            messages.success(request, _("Comment added."))
            return _back(application)
    return staff_detail(request, application, bound={"comment_form": form})


@require_POST
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    require(can_decide(_user(request), application))
    form = RequestInfoForm(request.POST)
    if form.is_valid():
        done, _request = _attempt(
            form,
            services.application_request_info,
            actor=_user(request),
            application=application,
            question=form.cleaned_data["question"],
        )
        if done:
            messages.success(request, _("The applicant is asked for more information."))
            return _back(application)
    return staff_detail(request, application, bound={"request_info_form": form})


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    require(can_decide(_user(request), application))
    form = ApproveForm(request.POST)
    if form.is_valid():
        done, approved = _attempt(
            form,
            services.application_approve,
            actor=_user(request),
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
            return _back(application)
        # Said at the top as well as beside the form: a refused approval is the thing to notice.
        problems = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("Not approved; nothing changed. %(why)s") % {"why": " ".join(problems)})
    return staff_detail(request, application, bound={"approve_form": form})


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    require(can_decide(_user(request), application))
    form = RejectForm(request.POST)
    if form.is_valid():
        done, _rejected = _attempt(
            form,
            services.application_reject,
            actor=_user(request),
            application=application,
            reason_code=form.cleaned_data["reason_code"],
            explanation=form.cleaned_data["explanation"],
        )
        if done:
            messages.success(request, _("The application is not approved; the applicant will be told why."))
            return _back(application)
    return staff_detail(request, application, bound={"reject_form": form})


# ---------------------------------------------------------------- ranking of a scored round


def _managed_round(request: HttpRequest, round_pk: int) -> FundingRound:
    """The round, if the caller manages its program; 404 otherwise."""
    return get_object_or_404(
        FundingRound.objects.filter(program__managers=_user(request)).select_related("program__budget"),
        pk=round_pk,
    )


@predicate_view_check(_is_program_manager)
@require_safe
def round_ranking(request: HttpRequest, round_pk: int) -> HttpResponse:
    funding_round = _managed_round(request, round_pk)
    program = funding_round.program
    budget = getattr(program, "budget", None)
    available = budget.available if budget else Decimal("0")
    rows: list[Any] = list(ranked_applications(funding_round))
    cumulative = Decimal("0")
    still_fits = True
    for row in rows:
        cumulative += row.amount_requested
        still_fits = still_fits and cumulative <= available
        row.cumulative = cumulative
        row.fits = still_fits
        row.amount_display = money(row.amount_requested, program.currency)
        row.cumulative_display = money(cumulative, program.currency)
        row.priority_label = PRIORITY_LABELS.get(row.priority_group, "—") if row.priority_group else "—"
    return render(
        request,
        "grants/staff/ranking.html",
        {
            "funding_round": funding_round,
            "program": program,
            "rows": rows,
            "available": money(available, program.currency),
            "round_share": money(funding_round.budget_share, program.currency)
            if funding_round.budget_share is not None
            else "",
            "fitting_count": sum(1 for row in rows if row.fits),
            "is_scored": program.selection_method == Program.SelectionMethod.SCORED,
        },
    )


@predicate_view_check(_is_program_manager)
@require_POST
def round_approve_top(request: HttpRequest, round_pk: int) -> HttpResponse:
    funding_round = _managed_round(request, round_pk)
    if funding_round.program.selection_method != Program.SelectionMethod.SCORED:
        messages.error(
            request, _("This program is first come, first served; its applications are not ranked.")
        )
        return redirect("grants:round_ranking", round_pk=funding_round.pk)
    try:
        result = services.approve_top_ranked(actor=_user(request), funding_round=funding_round)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("grants:round_ranking", round_pk=funding_round.pk)
    approved, skipped = result["approved"], result["stopped_or_skipped"]
    if approved:
        messages.success(
            request,
            _("Approved %(count)s: %(refs)s.") % {"count": len(approved), "refs": ", ".join(approved)},
        )
    else:
        messages.info(request, _("No application was approved."))
    if skipped:
        messages.warning(
            request,
            _("Not approved (the budget ran out, or a cap or rule refused them): %(refs)s.")
            % {"refs": ", ".join(skipped)},
        )
    return redirect("grants:round_ranking", round_pk=funding_round.pk)
