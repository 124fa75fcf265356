"""Who may see and change programs, the catalog and budgets."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, Decision, has_any_role, has_role, is_agency_staff, is_signed_in
from accounts.roles import Role
from programs.models import CredentialRequest, Program

BUDGET_READERS = (Role.PROGRAM_MANAGER, Role.FINANCE_OFFICER, Role.OFFICIAL, Role.ADMINISTRATOR)


def can_create_program(user: AnyUser) -> Decision:
    return has_role(user, Role.PROGRAM_MANAGER)


def can_manage_program(user: AnyUser, program: Program) -> Decision:
    """Program managers change the programs they manage (administrators can add them as managers)."""
    decision = has_role(user, Role.PROGRAM_MANAGER)
    if not decision:
        return decision
    if program.managers.filter(pk=user.pk).exists():
        return Decision.allow()
    return Decision.deny(_("Only this program's managers can change it."))


def can_manage_catalog(user: AnyUser) -> Decision:
    return has_role(user, Role.PROGRAM_MANAGER)


REQUESTER_ROLES = (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE)


def can_request_credential(user: AnyUser) -> Decision:
    """Workers and employer representatives may ask for a credential that is not listed."""
    return has_any_role(user, REQUESTER_ROLES)


def can_see_credential_requests(user: AnyUser) -> Decision:
    return has_any_role(user, (*REQUESTER_ROLES, Role.PROGRAM_MANAGER))


def can_read_budget(user: AnyUser) -> Decision:
    return has_any_role(user, BUDGET_READERS)


def programs_visible_to(user: AnyUser) -> QuerySet[Program]:
    """Agency staff see every program; everyone else (signed in or not) sees open and closed ones."""
    if is_agency_staff(user):
        return Program.objects.all()
    return Program.objects.filter(status__in=[Program.Status.OPEN, Program.Status.CLOSED])


def credential_requests_visible_to(user: AnyUser) -> QuerySet[CredentialRequest]:
    """Program managers see every request; a requester sees their own; nobody else sees any."""
    if not is_signed_in(user):
        return CredentialRequest.objects.none()
    if has_role(user, Role.PROGRAM_MANAGER):
        return CredentialRequest.objects.all()
    return CredentialRequest.objects.filter(requested_by=user)


def is_program_staff(user: Any) -> Decision:
    return is_agency_staff(user)
