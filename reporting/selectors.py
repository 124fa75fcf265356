"""What needs a signed-in person's attention, one section per role they hold.

Each later capability adds its items to its role's section (queues, drafts, payments due); until then a
section names what the role will do here and links to what already exists.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role


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
    """One section per role the user holds, in the order of Role. Costs one query (the user's roles)."""
    sections = []
    for role in Role:
        if not user.has_role(role):
            continue
        section = RoleSection(role=role, summary=ROLE_SUMMARIES[role])
        if role == Role.ADMINISTRATOR:
            section.items.append(AttentionItem(_("Manage users and roles"), reverse("accounts:user_list")))
            section.items.append(AttentionItem(_("Create a staff account"), reverse("accounts:user_create")))
        sections.append(section)
    return sections
