"""Review: a program manager assigns reviewers (or takes an application into review), a reviewer
declares a conflict of interest or submits a review, staff comment."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import notice_send
from core.exceptions import Conflict, NotAllowed, require
from core.workflow import lock_rows
from grants.applications.workflow import STAFF_ONLY, S, lock_application, move_application
from grants.models import Application, ApplicationEvent, Review, ReviewAssignment, StaffComment
from grants.permissions import can_decide, can_review, is_staff_viewer
from programs.models import Program


@transaction.atomic
def application_assign(*, actor: User, application: Application, reviewer: User) -> ReviewAssignment:
    """A program manager assigns a reviewer; a submitted application moves into review."""
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if not reviewer.has_role(Role.REVIEWER):
        raise ValidationError({"reviewer": _("That person is not a reviewer.")})
    if reviewer.pk in (locked.applicant_id, locked.filed_by_id):
        raise ValidationError({"reviewer": _("Nobody may review their own application.")})
    if locked.is_decided or locked.status == S.DRAFT:
        raise Conflict(_("Only a submitted application that is not decided can be assigned."))
    try:
        with transaction.atomic():
            assignment = ReviewAssignment.objects.create(
                application=locked, reviewer=reviewer, assigned_by=actor
            )
    except IntegrityError as error:
        raise ValidationError({"reviewer": _("That reviewer is already assigned.")}) from error
    if locked.status == S.SUBMITTED:
        move_application(locked, S.IN_REVIEW, actor=actor, action="review_started")
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="reviewer_assigned",
        visibility=STAFF_ONLY,
        payload={"reviewer": reviewer.pk},
    )
    notice_send(
        user=reviewer,
        subject=_("An application is waiting for your review: %(ref)s") % {"ref": locked.reference},
        url=reverse("grants:application_detail", args=[locked.pk]),
    )
    return assignment


@transaction.atomic
def application_begin_review(*, actor: User, application: Application) -> Application:
    """A program manager takes a submitted application into review without assigning anyone."""
    locked = lock_application(application)
    require(can_decide(actor, locked))
    move_application(locked, S.IN_REVIEW, actor=actor, action="review_started")
    return locked


@transaction.atomic
def conflict_declare(
    *, actor: User, application: Application, has_conflict: bool, note: str = ""
) -> ReviewAssignment:
    """The assigned reviewer says, once, whether they have a conflict of interest. A conflict recuses them."""
    assignment = lock_rows(ReviewAssignment.objects.filter(application=application, reviewer=actor)).first()
    if assignment is None:
        raise NotAllowed(_("This application is not assigned to you."))
    if assignment.conflict != ReviewAssignment.Conflict.UNDECLARED:
        raise Conflict(_("You have already declared whether you have a conflict of interest."))
    if has_conflict and not note.strip():
        raise ValidationError(
            {"note": _("Say briefly what the conflict is; it is recorded for the program manager.")}
        )
    assignment.conflict = (
        ReviewAssignment.Conflict.DECLARED if has_conflict else ReviewAssignment.Conflict.NONE
    )
    assignment.conflict_note, assignment.conflict_declared_at = note.strip(), timezone.now()
    assignment.save(update_fields=["conflict", "conflict_note", "conflict_declared_at"])
    ApplicationEvent.objects.create(
        application_id=assignment.application_id,
        actor=actor,
        visibility=STAFF_ONLY,
        action="conflict_declared" if has_conflict else "no_conflict_declared",
        reason=note.strip(),
    )
    return assignment


@transaction.atomic
def review_submit(
    *,
    actor: User,
    application: Application,
    checklist: dict[str, bool],
    scores: dict[str, Any],
    recommendation: str,
    comments: str = "",
) -> Review:
    """A reviewer's screening checklist, scores on the program's weighted criteria and recommendation."""
    locked = lock_application(application)
    require(can_review(actor, locked))
    if locked.status != S.IN_REVIEW:
        raise Conflict(_("Only an application in review can be reviewed."))
    assignment = locked.assignments.get(reviewer=actor)
    if hasattr(assignment, "review"):
        raise Conflict(_("You have already submitted your review of this application."))
    errors: dict[str, list[str]] = {}
    if set(checklist) != set(Review.CHECKLIST) or not all(isinstance(v, bool) for v in checklist.values()):
        errors["checklist"] = [_("Answer every item of the screening checklist.")]
    if recommendation not in Review.Recommendation.values:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if recommendation == Review.Recommendation.REJECT and not comments.strip():
        errors["comments"] = [_("Explain a recommendation to reject.")]
    criteria = {str(c.pk): c for c in locked.program.scoring_criteria.all()}
    weighted = None
    if locked.program.selection_method == Program.SelectionMethod.SCORED and criteria:
        cleaned: dict[str, int] = {}
        for key, criterion in criteria.items():
            value = scores.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
                errors.setdefault("scores", []).append(
                    _("Score “%(name)s” with a whole number from 0 to 5.") % {"name": criterion.name}
                )
            else:
                cleaned[key] = value
        extra = {str(k) for k in scores} - set(criteria)
        if extra:
            errors.setdefault("scores", []).append(_("Score only this program's criteria."))
        if "scores" not in errors:
            total_weight = sum((Decimal(c.weight) for c in criteria.values()), Decimal("0"))
            points = sum((Decimal(cleaned[k]) * Decimal(criteria[k].weight) for k in criteria), Decimal("0"))
            weighted = (points / total_weight).quantize(Decimal("0.001"))
            scores = cleaned
    else:
        scores = {}
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        assignment=assignment,
        checklist=checklist,
        scores=scores,
        weighted_score=weighted,
        recommendation=recommendation,
        comments=comments.strip(),
    )
    average = Review.objects.filter(assignment__application=locked, weighted_score__isnull=False).aggregate(
        average=Avg("weighted_score")
    )["average"]
    if average is not None:
        locked.score = Decimal(str(average)).quantize(Decimal("0.001"))
        locked.save(update_fields=["score", "updated_at"])
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="review_submitted",
        visibility=STAFF_ONLY,
        payload={"recommendation": recommendation, "weighted_score": str(weighted)},
    )
    return review


@transaction.atomic
def staff_comment_add(*, actor: User, application: Application, body: str) -> StaffComment:
    if not is_staff_viewer(actor, application):
        raise NotAllowed(_("Only staff working on this application can comment on it."))
    if not body.strip():
        raise ValidationError({"body": _("Write the comment.")})
    return StaffComment.objects.create(application=application, author=actor, body=body.strip())
