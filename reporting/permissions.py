"""Who may read the dashboards and the reports API, and which programs' figures they see.

Officials and administrators see every program; program managers the programs they manage; nobody else
reads them. Nobody reads an application's details here: the dashboards hold aggregates only.
"""

from django.db.models import QuerySet

from accounts.permissions import AnyUser, Decision, has_any_role, has_role
from accounts.roles import Role
from programs.models import Program

DASHBOARD_ROLES = (Role.OFFICIAL, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)


def can_read_dashboard(user: AnyUser) -> Decision:
    return has_any_role(user, DASHBOARD_ROLES)


def sees_every_program(user: AnyUser) -> bool:
    return bool(has_role(user, Role.OFFICIAL) or has_role(user, Role.ADMINISTRATOR))


def dashboard_programs(user: AnyUser) -> QuerySet[Program]:
    """The programs whose figures the user may read (none for those who may not read dashboards)."""
    if not can_read_dashboard(user):
        return Program.objects.none()
    if sees_every_program(user):
        return Program.objects.all()
    return Program.objects.filter(managers=user)
