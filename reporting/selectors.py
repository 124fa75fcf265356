"""What needs a signed-in person's attention, one section per role they hold.

Each later capability adds its items to its role's section (queues, drafts, payments due); until then a
section names what the role will do here and links to what already exists.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
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
class RoleSection:
    role: Role
    summary: str | Promise
    items: list[AttentionItem] = field(default_factory=list)


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
    plus one for each reviewer or program manager section."""
    sections = []
    for role in Role:
        if not user.has_role(role):
            continue
        section = RoleSection(role=role, summary=ROLE_SUMMARIES[role])
        if role == Role.WORKER:
            section.items.extend(_worker_items(user))
        if role == Role.REVIEWER:
            section.items.extend(_reviewer_items(user))
        if role == Role.PROGRAM_MANAGER:
            section.items.extend(_program_manager_items(user))
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
