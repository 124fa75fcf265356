"""Who may see and change employers, pledges, job roles, reports and hires.

Access selectors return only what a user may see; use accounts.permissions.get_visible_or_404 on them so
that another employer's representative gets a 404 and learns nothing. Officials read aggregates only
(reporting), so they see no employer records here.
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, Decision, has_any_role, has_role, is_signed_in
from accounts.roles import Role
from employers.models import Employer, Hire, JobRole, Pledge, ProgressReport, Representative

EMPLOYER_STAFF_ROLES = (Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)


def can_verify_employers(user: AnyUser) -> Decision:
    """Program managers (who verify pledges) and administrators verify employers, pledges and reports."""
    return has_any_role(user, EMPLOYER_STAFF_ROLES)


def is_employer_staff(user: AnyUser) -> bool:
    return bool(can_verify_employers(user))


def is_active_representative(user: AnyUser, employer: Employer | int) -> Decision:
    """The user holds the employer representative role and acts for this employer now."""
    decision = has_role(user, Role.EMPLOYER_REPRESENTATIVE)
    if not decision:
        return decision
    employer_id = employer if isinstance(employer, int) else employer.pk
    if Representative.objects.filter(employer_id=employer_id, user=user, removed_at__isnull=True).exists():
        return Decision.allow()
    return Decision.deny(_("Only this employer's representatives can do this."))


def can_register_employer(user: AnyUser) -> Decision:
    return has_role(user, Role.EMPLOYER_REPRESENTATIVE)


def _represented_employer_ids(user: AnyUser) -> QuerySet[Representative, Any]:
    return Representative.objects.filter(user=user, removed_at__isnull=True).values("employer_id")


def _represents(user: AnyUser) -> bool:
    return is_signed_in(user) and user.has_role(Role.EMPLOYER_REPRESENTATIVE)


def employers_visible_to(user: AnyUser) -> QuerySet[Employer]:
    """Employer staff see every employer; an active representative sees the employers they act for."""
    if is_employer_staff(user):
        return Employer.objects.all()
    if _represents(user):
        return Employer.objects.filter(
            Exists(Representative.objects.filter(employer=OuterRef("pk"), user=user, removed_at__isnull=True))
        )
    return Employer.objects.none()


def pledges_visible_to(user: AnyUser) -> QuerySet[Pledge]:
    if is_employer_staff(user):
        return Pledge.objects.all()
    if _represents(user):
        return Pledge.objects.filter(employer_id__in=_represented_employer_ids(user))
    return Pledge.objects.none()


def job_roles_visible_to(user: AnyUser) -> QuerySet[JobRole]:
    """The employer's own roles (or every role, for staff). Workers see matching roles through grants."""
    if is_employer_staff(user):
        return JobRole.objects.all()
    if _represents(user):
        return JobRole.objects.filter(employer_id__in=_represented_employer_ids(user))
    return JobRole.objects.none()


def reports_visible_to(user: AnyUser) -> QuerySet[ProgressReport]:
    if is_employer_staff(user):
        return ProgressReport.objects.all()
    if _represents(user):
        return ProgressReport.objects.filter(pledge__employer_id__in=_represented_employer_ids(user))
    return ProgressReport.objects.none()


def hires_visible_to(user: AnyUser) -> QuerySet[Hire]:
    """Staff see every hire; a representative their employer's; a worker their own hires."""
    if is_employer_staff(user):
        return Hire.objects.all()
    if not is_signed_in(user):
        return Hire.objects.none()
    if user.has_role(Role.EMPLOYER_REPRESENTATIVE):
        return Hire.objects.filter(employer_id__in=_represented_employer_ids(user))
    return Hire.objects.filter(worker=user)


def representatives_visible_to(user: AnyUser) -> QuerySet[Representative]:
    if is_employer_staff(user):
        return Representative.objects.all()
    if _represents(user):
        return Representative.objects.filter(employer_id__in=_represented_employer_ids(user))
    return Representative.objects.none()


def can_edit_employer(user: AnyUser, employer: Employer) -> Decision:
    return is_active_representative(user, employer)


def can_act_for_pledge(user: AnyUser, pledge: Pledge) -> Decision:
    return is_active_representative(user, pledge.employer_id)


def can_see_report_evidence(user: AnyUser, report: ProgressReport) -> Decision:
    """The payroll extract is for the employer's representatives and employer staff only."""
    if is_employer_staff(user):
        return Decision.allow()
    return is_active_representative(user, report.pledge.employer_id)
