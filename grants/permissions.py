"""Who may see and act on applications.

- Workers see their own applications (as applicant or as the person who filed them).
- Reviewers see applications assigned to them; before declaring "no conflict" they see only enough to
  decide (applicant name, program, credential); a declared conflict hides the application from them.
- Program managers see and decide the applications of the programs they manage.
- Administrators may read every application. Officials see aggregates only, never an application.
"""

import functools
import operator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.permissions import AnyUser, Decision, has_role, is_signed_in
from accounts.roles import Role
from employers.models import Representative
from grants.models import Application, ReviewAssignment
from programs.models import Program


def applications_visible_to(user: AnyUser) -> QuerySet[Application]:
    if not is_signed_in(user):
        return Application.objects.none()
    if user.has_role(Role.ADMINISTRATOR):
        return Application.objects.all()
    own = Q(applicant=user) | Q(filed_by=user)
    if user.has_role(Role.EMPLOYER_REPRESENTATIVE):
        # Colleagues at the same employer share its applications.
        own |= Q(employer__in=_represented_employers(user))
    # No scope joins a many-valued relation, so no row can repeat and no list needs DISTINCT. Scopes over
    # many rows (a manager's programs, a finance officer's statuses) test the row's own columns, which the
    # queue's indexes hold; small sets of rows (the user's own, a reviewer's assignments) are one list of
    # ids, which PostgreSQL joins by primary key when nothing else applies (benchmarks/README.md).
    ids = Application.objects.filter(own).order_by().values("pk")
    many: list[Q] = []
    if user.has_role(Role.PROGRAM_MANAGER):
        many.append(Q(program_id__in=Program.managers.through.objects.filter(user=user).values("program_id")))
    if user.has_role(Role.REVIEWER):
        declared = [ReviewAssignment.Conflict.UNDECLARED, ReviewAssignment.Conflict.NONE]
        assigned = ReviewAssignment.objects.filter(reviewer=user, conflict__in=declared)
        ids = ids.union(assigned.order_by().values("application_id"), all=True)
    if user.has_role(Role.FINANCE_OFFICER):
        # Money records: every award from approval on, to verify claims, pay and recover.
        many.append(Q(status__in=Application.AWARDED))
    if not many and not user.has_role(Role.REVIEWER):
        return Application.objects.filter(own)
    return Application.objects.filter(functools.reduce(operator.or_, many, Q(pk__in=ids)))


def _represented_employers(user: AnyUser) -> QuerySet[Representative, Any]:
    return Representative.objects.filter(user=user, removed_at__isnull=True).values("employer_id")


def is_applicant_side(user: AnyUser, application: Application) -> bool:
    """The applicant, whoever filed the application, and for an employer's application its active
    representatives."""
    if not is_signed_in(user):
        return False
    if user.pk in (application.applicant_id, application.filed_by_id):
        return True
    return bool(
        application.employer_id
        and user.has_role(Role.EMPLOYER_REPRESENTATIVE)
        and Representative.objects.filter(
            employer_id=application.employer_id, user=user, removed_at__isnull=True
        ).exists()
    )


def manages(user: AnyUser, application: Application) -> bool:
    return bool(
        is_signed_in(user)
        and user.has_role(Role.PROGRAM_MANAGER)
        and Program.managers.through.objects.filter(program_id=application.program_id, user=user).exists()
    )


def assignment_for(user: AnyUser, application: Application) -> ReviewAssignment | None:
    if not is_signed_in(user) or not user.has_role(Role.REVIEWER):
        return None
    return application.assignments.filter(reviewer=user).first()


def is_finance_viewer(user: AnyUser, application: Application) -> bool:
    return bool(
        is_signed_in(user)
        and user.has_role(Role.FINANCE_OFFICER)
        and application.status in Application.AWARDED
    )


def is_staff_viewer(user: AnyUser, application: Application) -> bool:
    """Staff who may see the full application (and staff-only events and comments)."""
    if manages(user, application) or (is_signed_in(user) and user.has_role(Role.ADMINISTRATOR)):
        return True
    if is_finance_viewer(user, application):
        return True
    assignment = assignment_for(user, application)
    return assignment is not None and assignment.may_review


def can_edit_draft(user: AnyUser, application: Application) -> Decision:
    if not is_applicant_side(user, application):
        return Decision.deny(_("Only the applicant can change this application."))
    if application.status != Application.Status.DRAFT:
        return Decision.deny(_("Only a draft can be changed; this application has been submitted."))
    return Decision.allow()


def can_apply(user: AnyUser) -> Decision:
    return has_role(user, Role.WORKER)


def can_decide(user: AnyUser, application: Application) -> Decision:
    if manages(user, application):
        return Decision.allow()
    return Decision.deny(_("Only a manager of this program can decide its applications."))


def can_review(user: AnyUser, application: Application) -> Decision:
    assignment = assignment_for(user, application)
    if assignment is None:
        return Decision.deny(_("This application is not assigned to you."))
    if assignment.conflict == ReviewAssignment.Conflict.UNDECLARED:
        return Decision.deny(_("Declare whether you have a conflict of interest first."))
    if assignment.conflict == ReviewAssignment.Conflict.DECLARED:
        return Decision.deny(_("You declared a conflict of interest, so you cannot review this application."))
    return Decision.allow()


# ---------------------------------------------------------------- after approval (issue 5)


def can_verify_completion(user: AnyUser, application: Application) -> Decision:
    """Program managers of the program and finance officers check completion evidence."""
    if manages(user, application) or is_finance_viewer(user, application):
        return Decision.allow()
    return Decision.deny(_("Only a manager of this program or a finance officer can verify completion."))


def can_handle_payments(user: AnyUser) -> Decision:
    return has_role(user, Role.FINANCE_OFFICER)


def can_cancel_award(user: AnyUser, application: Application) -> Decision:
    if manages(user, application):
        return Decision.allow()
    if is_applicant_side(user, application):
        if application.status in (Application.Status.APPROVED, Application.Status.ENROLLED):
            return Decision.allow()
        return Decision.deny(_("Once completion is claimed, ask the program's staff to cancel the award."))
    return Decision.deny(_("Only the applicant or a manager of this program can cancel this award."))
