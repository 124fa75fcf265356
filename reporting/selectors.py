"""What needs a signed-in person's attention, one section per role they hold.

Each later capability adds its items to its role's section (queues, drafts, payments due); until then a
section names what the role will do here and links to what already exists.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from grants.models import Application, ReviewAssignment


@dataclass
class AttentionItem:
    label: str | Promise
    url: str = ""
    count: int | None = None


@dataclass
class AttentionList:
    """A titled list inside a section (the worker's credentials earned, their outcome questions)."""

    title: str | Promise
    items: list[AttentionItem] = field(default_factory=list)


@dataclass
class RoleSection:
    role: Role
    summary: str | Promise
    items: list[AttentionItem] = field(default_factory=list)
    lists: list[AttentionList] = field(default_factory=list)


ROLE_SUMMARIES: dict[Role, str | Promise] = {
    Role.WORKER: _("Apply for funding for a short training course and follow your applications."),
    Role.EMPLOYER_REPRESENTATIVE: _(
        "Register your employer, make skills-based hiring pledges and report hires."
    ),
    Role.REVIEWER: _("Screen and score the applications assigned to you."),
    Role.PROGRAM_MANAGER: _("Run programs and funding rounds, decide applications and verify pledges."),
    Role.FINANCE_OFFICER: _("Approve and record payments, reconcile batches and recover overpayments."),
    Role.OFFICIAL: _("Read dashboards and reports on spending, reach and outcomes."),
    Role.ADMINISTRATOR: _("Manage accounts, roles and configuration."),
}


def attention_for(user: User) -> list[RoleSection]:
    """One section per role the user holds, in the order of Role. Costs one query (the user's roles),
    plus one for each reviewer or program manager section and four for a worker's."""
    sections = []
    for role in Role:
        if not user.has_role(role):
            continue
        section = RoleSection(role=role, summary=ROLE_SUMMARIES[role])
        if role == Role.WORKER:
            section.items.extend(_worker_items(user))
            section.lists.extend(_worker_lists(user))
        if role == Role.REVIEWER:
            section.items.extend(_reviewer_items(user))
        if role == Role.PROGRAM_MANAGER:
            section.items.extend(_program_manager_items(user))
        if role in (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE):
            section.items.append(
                AttentionItem(
                    _("Your dashboard: applications, awards, payments and pledges"), reverse("reporting:mine")
                )
            )
        if role in (Role.OFFICIAL, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR):
            section.items.append(
                AttentionItem(_("Dashboard of spending, reach and outcomes"), reverse("reporting:dashboard"))
            )
        if role == Role.ADMINISTRATOR:
            section.items.append(AttentionItem(_("Manage users and roles"), reverse("accounts:user_list")))
            section.items.append(AttentionItem(_("Create a staff account"), reverse("accounts:user_create")))
        sections.append(section)
    return sections


def _reviewer_items(user: User) -> list[AttentionItem]:
    """Assignments waiting for the reviewer: a conflict declaration, or a review. One query."""
    counts = ReviewAssignment.objects.filter(
        reviewer=user, application__status__in=Application.UNDECIDED
    ).aggregate(
        to_declare=Count("pk", filter=Q(conflict=ReviewAssignment.Conflict.UNDECLARED)),
        to_review=Count(
            "pk",
            filter=Q(
                conflict=ReviewAssignment.Conflict.NONE,
                review__isnull=True,
                application__status=Application.Status.IN_REVIEW,
            ),
        ),
    )
    queue = reverse("grants:queue") + "?assigned_to_me=true"
    items = [AttentionItem(_("Review queue"), reverse("grants:queue"))]
    if counts["to_declare"]:
        items.append(
            AttentionItem(
                _("Assignments awaiting your conflict-of-interest declaration"), queue, counts["to_declare"]
            )
        )
    if counts["to_review"]:
        items.append(
            AttentionItem(
                _("Assignments awaiting your review"), queue + "&status=in_review", counts["to_review"]
            )
        )
    return items


def _program_manager_items(user: User) -> list[AttentionItem]:
    """Applications of the manager's programs waiting for them. One query."""
    counts = Application.objects.filter(program__managers=user).aggregate(
        submitted=Count("pk", filter=Q(status=Application.Status.SUBMITTED), distinct=True),
        answered=Count(
            "pk",
            filter=Q(status=Application.Status.IN_REVIEW, events__action="more_info_provided"),
            distinct=True,
        ),
    )
    queue = reverse("grants:queue")
    items = [AttentionItem(_("Review queue"), queue)]
    if counts["submitted"]:
        items.append(
            AttentionItem(
                _("Submitted applications not yet in review"),
                queue + "?status=submitted",
                counts["submitted"],
            )
        )
    if counts["answered"]:
        items.append(
            AttentionItem(
                _("Applications in review where the applicant answered a request for information"),
                queue + "?status=in_review",
                counts["answered"],
            )
        )
    return items


def _worker_items(user: User) -> list[AttentionItem]:
    """Drafts not yet submitted, questions waiting for an answer, unread notices. Two queries."""
    from accounts.models import Notice

    S = Application.Status
    counts = Application.objects.filter(Q(applicant=user) | Q(filed_by=user)).aggregate(
        drafts=Count("pk", filter=Q(status=S.DRAFT)),
        questions=Count("pk", filter=Q(status=S.MORE_INFO_REQUESTED)),
    )
    unread = Notice.objects.filter(user=user, read_at__isnull=True).count()
    applications = reverse("grants:my_applications")
    items = []
    if counts["questions"]:
        items.append(
            AttentionItem(_("Applications waiting for your answer"), applications, counts["questions"])
        )
    if counts["drafts"]:
        items.append(AttentionItem(_("Drafts not yet submitted"), applications, counts["drafts"]))
    if unread:
        items.append(AttentionItem(_("Unread notices"), reverse("grants:notices"), unread))
    items.append(AttentionItem(_("Find a program and apply"), reverse("programs:program_list")))
    return items


def _worker_lists(user: User) -> list[AttentionList]:
    """Outcome questions waiting for an answer and credentials earned (at most ten each). Two queries."""
    from grants.applications.selectors import credentials_earned, open_follow_ups

    lists = []
    questions = open_follow_ups(user)
    if questions:
        lists.append(
            AttentionList(
                _("Outcome questions for you"),
                [
                    AttentionItem(
                        _("How are things since %(credential)s? (quarter %(quarter)s after the training)")
                        % {
                            "credential": follow_up.application.credential.title,
                            "quarter": follow_up.quarter_after_completion,
                        },
                        reverse("grants:outcome_answer", args=[follow_up.application_id, follow_up.pk]),
                    )
                    for follow_up in questions
                ],
            )
        )
    earned = credentials_earned(user)
    if earned:
        lists.append(
            AttentionList(
                _("Credentials you have earned"),
                [
                    AttentionItem(
                        _("%(credential)s, %(provider)s, completed %(day)s")
                        % {
                            "credential": application.credential.title,
                            "provider": application.credential.provider.name,
                            "day": application.completed_on.strftime("%d %b %Y")
                            if application.completed_on
                            else "",
                        },
                        reverse("grants:application_detail", args=[application.pk]),
                    )
                    for application in earned
                ],
            )
        )
    return lists


# ---------------------------------------------------------------- the worker's and employer's dashboards

DASHBOARD_ROWS = 50  # the latest rows of each list; the totals cover everything


@dataclass
class WorkerDashboard:
    applications: list[Any]
    totals: dict[str, Any]
    payments: list[Any]
    outcomes: list[Any]


@dataclass
class EmployerDashboard:
    employers: list[Any]
    pledges: list[tuple[Any, Any]]  # (pledge, employers.selectors.PledgeProgress)
    hires: list[Any]
    applications: list[Any]
    application_counts: dict[str, int]


def worker_dashboard(user: User) -> WorkerDashboard:
    """A worker's own applications, awards, payments and outcomes. Four queries, whatever the numbers."""
    from grants.models import Outcome, Payment
    from reporting.figures import AWARDED

    mine = Application.objects.filter(applicant=user)
    totals = mine.aggregate(
        applications=Count("pk"),
        awards=Count("pk", filter=Q(status__in=AWARDED)),
        awarded=Sum("amount_awarded", filter=Q(status__in=AWARDED)),
        paid=Sum("amount_paid"),
        recovered=Sum("amount_clawed_back"),
        currencies=Count("program__currency", distinct=True),
    )
    applications = list(
        mine.select_related("program", "credential").order_by("-created_at", "-pk")[:DASHBOARD_ROWS]
    )
    payments = list(
        Payment.objects.filter(application__applicant=user)
        .select_related("application")
        .order_by("-approved_at", "-pk")[:DASHBOARD_ROWS]
    )
    outcomes = list(
        Outcome.objects.filter(worker=user)
        .select_related("application__credential")
        .order_by("-observed_on", "-pk")[:DASHBOARD_ROWS]
    )
    return WorkerDashboard(applications=applications, totals=totals, payments=payments, outcomes=outcomes)


def employer_dashboard(user: User) -> EmployerDashboard:
    """An employer representative's employers, their pledges with progress, hires and the applications the
    employers filed for employees. Five queries, whatever the numbers."""
    from employers.models import Hire, Pledge
    from employers.selectors import employers_for_user, pledge_progress, pledges_with_progress

    employers = list(employers_for_user(user))
    ids = [employer.pk for employer in employers]
    pledges = list(
        pledges_with_progress(Pledge.objects.filter(employer_id__in=ids)).order_by("-created_at", "-pk")[
            :DASHBOARD_ROWS
        ]
    )
    hires = list(
        Hire.objects.filter(employer_id__in=ids)
        .select_related("employer", "job_role")
        .order_by("-hired_on", "-pk")[:DASHBOARD_ROWS]
    )
    filed = Application.objects.filter(employer_id__in=ids)
    counts = dict(filed.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n"))
    applications = list(
        filed.select_related("credential", "employer").order_by("-created_at", "-pk")[:DASHBOARD_ROWS]
    )
    return EmployerDashboard(
        employers=employers,
        pledges=[(pledge, pledge_progress(pledge)) for pledge in pledges],
        hires=hires,
        applications=applications,
        application_counts=counts,
    )
