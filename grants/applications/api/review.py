"""The staff's actions on an application: assign a reviewer, declare a conflict, review, ask for more
information, approve, reject. Mixed into grants.applications.api.applications.ApplicationViewSet, which
finds the application (`visible`, `target`) and builds the answers (`present_to_staff`, `_present`)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ACTION_ERRORS, actor, error_answers, may, service_action
from core.exceptions import NotAllowed
from core.idempotency import idempotent
from grants.applications import services
from grants.applications.api.common import NOT_A_QUEUE, assigned_reviewer_only, sees_as_staff
from grants.applications.serializers import (
    ApplicationMinimalSerializer,
    ApplicationStaffSerializer,
    ApproveSerializer,
    AssignSerializer,
    ConflictSerializer,
    RejectSerializer,
    RequestInfoSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
)
from grants.models import Application, Review, ReviewAssignment
from grants.permissions import can_decide


class ReviewActionsMixin:
    """Assign, declare a conflict, review, request information, approve and reject."""

    request: Any
    visible: Any
    _present: Any  # the application as the caller may see it, read again

    @service_action(
        summary="Assign a reviewer",
        description="A manager of the program. A submitted application moves into review.",
        detail=True,
        check=may(can_decide),
        body=AssignSerializer,
        answer="present_to_staff",
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    def assign(self, application: Application, data: dict[str, Any]) -> Application:
        assignment = services.application_assign(actor=actor(self.request), application=application, **data)
        return assignment.application

    @service_action(
        summary="Declare whether you have a conflict of interest",
        description="The assigned reviewer, once. A conflict (with a note) recuses them: the application "
        "is then hidden from them.",
        detail=True,
        url_path="declare-conflict",
        check=assigned_reviewer_only,
        body=ConflictSerializer,
        responses={
            200: OpenApiResponse(
                ApplicationStaffSerializer,
                description="The application, or (after declaring a conflict) only its minimal fields.",
            ),
            **ACTION_ERRORS,
        },
    )
    def declare_conflict(self, application: Application, data: dict[str, Any]) -> Response:
        assignment = services.conflict_declare(actor=actor(self.request), application=application, **data)
        if assignment.conflict == ReviewAssignment.Conflict.DECLARED:
            context = {"assignments": {application.pk: assignment}}
            return Response(ApplicationMinimalSerializer(application, context=context).data)
        return Response(self._present(application.pk))

    @extend_schema(
        methods=["GET"],
        summary="List the reviews of an application",
        description="Staff working on it (managers, administrators, reviewers who declared no conflict).",
        responses={200: ReviewSerializer(many=True), **error_answers(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Submit your review",
        description="An assigned reviewer who declared no conflict, once, while the application is in "
        "review: every checklist item, a score for each of a scored program's criteria, a recommendation.",
        request=ReviewCreateSerializer,
        responses={201: ReviewSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], **NOT_A_QUEUE)
    @idempotent
    def reviews(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            return self._review_submit(request)
        application = self.visible(pk)
        if not sees_as_staff(request.user, application):
            raise NotAllowed(_("Only staff working on this application can read its reviews."))
        reviews = (
            Review.objects.filter(assignment__application=application)
            .select_related("assignment__reviewer")
            .order_by("submitted_at", "id")
        )
        return Response(ReviewSerializer(reviews, many=True).data)

    @service_action(
        check=assigned_reviewer_only, body=ReviewCreateSerializer, created=True, answer="present_review"
    )
    def _review_submit(self, application: Application, data: dict[str, Any]) -> Review:
        return services.review_submit(actor=actor(self.request), application=application, **data)

    def present_review(self, review: Review) -> dict[str, Any]:
        return ReviewSerializer(Review.objects.select_related("assignment__reviewer").get(pk=review.pk)).data

    @service_action(
        summary="Ask the applicant for more information",
        description="A manager of the program, while the application is in review.",
        detail=True,
        url_path="request-info",
        check=may(can_decide),
        body=RequestInfoSerializer,
        answer="present_to_staff",
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    def request_info(self, application: Application, data: dict[str, Any]) -> Application:
        information_request = services.application_request_info(
            actor=actor(self.request), application=application, **data
        )
        return information_request.application

    @service_action(
        summary="Approve, committing the award on the program's budget",
        description="A manager of the program, while the application is in review. Refused with a "
        "message, changing nothing, if the budget, a cap or the no-double-funding rule no longer allows it.",
        detail=True,
        check=may(can_decide),
        body=ApproveSerializer,
        answer="present_to_staff",
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    def approve(self, application: Application, data: dict[str, Any]) -> Application:
        return services.application_approve(actor=actor(self.request), application=application, **data)

    @service_action(
        summary="Reject, with a reason code and an explanation the applicant reads",
        detail=True,
        check=may(can_decide),
        body=RejectSerializer,
        answer="present_to_staff",
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    def reject(self, application: Application, data: dict[str, Any]) -> Application:
        return services.application_reject(actor=actor(self.request), application=application, **data)
