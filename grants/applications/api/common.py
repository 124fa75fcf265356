"""Shared by the application's actions: who may act on it this way, and the options of its own lists."""

from typing import Any

from django.utils.translation import gettext as _

from accounts.permissions import Decision
from core.api import require
from core.exceptions import NotAllowed
from grants.models import Application
from grants.permissions import assignment_for, is_applicant_side, is_staff_viewer

# An application's own short lists (events, documents, reviews): whole, without the queue's filters or pages.
NOT_A_QUEUE: dict[str, Any] = {"filter_backends": [], "pagination_class": None}


def applicant_side_only(user: Any, application: Application) -> None:
    """The check of the applicant side's actions: a 403 for anyone else."""
    require(
        Decision.allow()
        if is_applicant_side(user, application)
        else Decision.deny(_("Only the applicant can do this."))
    )


def assigned_reviewer_only(user: Any, application: Application) -> None:
    """The check of a reviewer's actions: a 403 unless the application is assigned to the caller."""
    if assignment_for(user, application) is None:
        raise NotAllowed(_("This application is not assigned to you."))


def sees_as_staff(user: Any, application: Application) -> bool:
    """True for staff working on the application, False for its applicant side; a 403 for anyone else
    who can see it (a reviewer who has not yet declared whether they have a conflict)."""
    if is_applicant_side(user, application):
        return False
    if is_staff_viewer(user, application):
        return True
    raise NotAllowed(_("Declare whether you have a conflict of interest first."))
