"""The application itself: list and read applications, start and change a draft, its assessment, and
the applicant's actions (submit, withdraw, respond). Its staff's actions (grants.applications.api.review)
and its records (grants.applications.api.records) are mixed in here."""

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404, has_any_role, has_role
from accounts.roles import Role
from core import idempotency
from core.api import (
    ACTION_ERRORS,
    ID_REGEX,
    LIST_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    answer_write,
    error_answers,
    require,
    service_action,
)
from core.exceptions import Conflict
from core.filters import StrictFilterBackend
from core.idempotency import PARAMETER as IDEMPOTENCY_KEY_PARAMETER
from core.pagination import BoundedPagination, KeysetPagination
from grants.applications import selectors, services
from grants.applications.api.common import applicant_side_only
from grants.applications.api.records import RecordActionsMixin
from grants.applications.api.review import ReviewActionsMixin
from grants.applications.employer import employer_application_create
from grants.applications.serializers import (
    ApplicationCreateSerializer,
    ApplicationMinimalSerializer,
    ApplicationRowSerializer,
    ApplicationSerializer,
    ApplicationStaffSerializer,
    ApplicationUpdateSerializer,
    AssessmentSerializer,
    RespondSerializer,
    WithdrawSerializer,
)
from grants.models import Application, ApplicationCreateKey, ReviewAssignment
from grants.permissions import applications_visible_to, can_apply, is_applicant_side, is_staff_viewer

# Roles whose list is the review queue (submitted and later, with the queue's filters).
QUEUE_ROLES = (Role.PROGRAM_MANAGER, Role.REVIEWER, Role.ADMINISTRATOR)
# What a list row reads (ApplicationRowSerializer) and the keys the list's orders page by.
ROW_FIELDS = (
    "reference",
    "status",
    "applicant__full_name",
    "program__code",
    "program__currency",
    "credential__title",
    "amount_requested",
    "amount_awarded",
    "priority_rank",
    "score",
    "submitted_at",
    "created_at",
)


class ApplicationPagination(BoundedPagination):
    """Page numbers over the first COUNT_LIMIT rows (core.pagination), documented with the keyset
    alternative (`cursor`), whose answers carry no count."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["results"]
        for name in ("count", "count_exact"):
            answer["properties"][name]["description"] += " Left out of keyset pages (`cursor`)."
        return answer

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Keyset pages: empty for the first page, then the `next` link's value. "
                "As fast at any depth; no count.",
                "schema": {"type": "string"},
            },
        ]


def _create_key(request: Request) -> str | None:
    """The request's `Idempotency-Key` header, checked (core.idempotency); None without one."""
    return idempotency.request_key(request)


def _request_digest(request: Request) -> str:
    """A fingerprint of the request's body, to tell a retry from another request under the same key.
    Applications keep their own key table (ApplicationCreateKey, older than core.idempotency), keyed by
    the body alone."""
    body = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


class ApplicationViewSet(ReviewActionsMixin, RecordActionsMixin, JsonViewSet):
    """Grant applications: workers see their own; reviewers those assigned to them (until they declare a
    conflict); program managers those of their programs; administrators all."""

    # The application's own actions (the docstring above is the API's description of the resource); the
    # router serves grants.api.ApplicationViewSet, which adds the award's (grants.awards.api). Every
    # action that calls a service is a core.api.service_action: the application in the path (`target`),
    # a check, the body, the service, and one of the answers below.

    serializer_class = ApplicationSerializer
    pagination_class = ApplicationPagination
    # The load profile's writes answer from their services' objects (create with an employer or a key
    # opens its own transaction); every other write runs inside one with its answer (core.api).
    actions_answering_from_the_service = frozenset(
        {"create", "partial_update", "submit", "withdraw", "respond", "documents"}
    )
    filterset_class = selectors.QueueFilter
    queryset = Application.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Application]:
        return applications_visible_to(self.request.user)

    @property
    def paginator(self) -> BasePagination | None:
        """Page numbers by default; `?cursor=` on the list selects keyset pages (KeysetPagination)."""
        if self.action == "list" and "cursor" in self.request.query_params:
            if not isinstance(getattr(self, "_keyset", None), KeysetPagination):
                self._keyset = KeysetPagination()
            return self._keyset
        return super().paginator

    def _present(self, pk: Any) -> dict[str, Any]:
        user = self.request.user
        try:
            application = selectors.application_detail(self.get_queryset(), pk=pk)
        except (Application.DoesNotExist, ValueError, TypeError) as error:
            raise Http404 from error
        assignment = next((a for a in application.assignments.all() if a.reviewer_id == user.pk), None)
        context = {**self.get_serializer_context(), "assignments": {application.pk: assignment}}
        if is_applicant_side(user, application):
            return ApplicationSerializer(application, context=context).data
        if is_staff_viewer(user, application):
            return ApplicationStaffSerializer(application, context=context).data
        return ApplicationMinimalSerializer(application, context=context).data

    def present_to_applicant(self, application: Application) -> dict[str, Any]:
        """The answer to an applicant's write, from the object the service returned (with its program,
        credential, applicant and filer): no second read after the commit, which cost queries and, when
        the connection dropped just after a committed write, turned its success into a 500."""
        context = {**self.get_serializer_context(), "assignments": {application.pk: None}}
        return ApplicationSerializer(application, context=context).data

    def present(self, application: Application, *, as_staff: bool = False) -> dict[str, Any]:
        """The answer to a write, as `_present` would build it, from the application the service
        returned plus its reviewers. It runs inside the transaction the viewset gives each such action
        (core.api.AnswerInsideTheWrite), so the answer never needs the database after the commit and a
        failure before the commit undoes the write."""
        user = self.request.user
        if is_applicant_side(user, application):  # as _present: their own side's view comes first
            return self.present_to_applicant(application)
        prefetch_related_objects(
            [application],
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer")),
        )
        assignment = next((a for a in application.assignments.all() if a.reviewer_id == user.pk), None)
        context = {**self.get_serializer_context(), "assignments": {application.pk: assignment}}
        if as_staff or is_staff_viewer(user, application):
            return ApplicationStaffSerializer(application, context=context).data
        return ApplicationMinimalSerializer(application, context=context).data

    def present_to_staff(self, application: Application) -> dict[str, Any]:
        """`present` for a caller who passed `can_decide`: they see the staff view (saves asking again)."""
        return self.present(application, as_staff=True)

    # ------------------------------------------------------------ read

    @extend_schema(
        summary="List applications",
        description="Workers: their own, newest first (the filters are ignored). Program managers, "
        "reviewers and administrators: the review queue (submitted and later) with its filters and "
        "sorting. Rows a reviewer has not yet declared a conflict on have only the minimal fields. "
        "Pages are numbered (`page`); with `cursor` (empty for the first page, then the `next` link's) "
        "they are keyset pages instead: as fast at any depth, no `count`; the answer is `next` and "
        "`results`.",
        responses={200: ApplicationRowSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        user = request.user
        visible = self.get_queryset()
        # The backend's refusal of empty typed values (without building a second filter set); then the
        # queue selector builds the one that filters. Everyone's filters are checked, so a bad value is a
        # 400 for any caller, as the schema says; an applicant's list then ignores them.
        StrictFilterBackend.refuse_empty_typed_values(
            selectors.QueueFilter.base_filters, request.query_params
        )
        if has_any_role(user, QUEUE_ROLES):
            filterset, queryset = selectors.review_queue(visible, request.query_params, request=request)
            if not filterset.is_valid():
                raise DrfValidationError(filterset.errors)
        else:
            queryset = selectors.applications_for_applicant(user)
            if request.query_params:
                checked = selectors.QueueFilter(request.query_params, queryset=queryset, request=request)
                if not checked.is_valid():
                    raise DrfValidationError(checked.errors)
        # Only what a row shows and what the orders page by: not the statement, snapshots or descriptions.
        queryset = (
            queryset.select_related(None)
            .select_related("applicant", "program", "credential")
            .only(*ROW_FIELDS)
        ).prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(reviewer=user.pk),
                to_attr="my_assignments",
            )
        )
        return self.paginated(queryset, ApplicationRowSerializer)

    @extend_schema(
        summary="Read an application",
        description="The applicant and staff working on it see it in full (staff also see priority, "
        "score and reviewers). A reviewer who has not yet declared whether they have a conflict of "
        "interest sees only the minimal fields (`detail_level` is `minimal`). Demographics never appear.",
        responses={
            200: OpenApiResponse(
                ApplicationStaffSerializer,
                description="Full (applicant: without priority, score and reviewers) or minimal.",
            ),
            **READ_ERRORS,
        },
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    # ------------------------------------------------------------ drafts

    @extend_schema(
        summary="Start a draft application",
        description="Workers apply for themselves, while a round of the program is open. In an employer "
        "program an employer representative files for an employee by adding `employer`, `employee_email` "
        "and `employee_name`: the employee becomes the applicant and is invited to link their account. Any "
        "other field is refused with a 400 naming it. Send an `Idempotency-Key` header to retry safely: "
        "the same key again (from the same account, with the same body) answers with the application the "
        "first request created (200, marked `Idempotent-Replayed: true`) instead of making a second one; the "
        "same key with a different body is a 409.",
        request=ApplicationCreateSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: ApplicationSerializer, **error_answers(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        files_for_employee = isinstance(request.data, dict) and "employer" in request.data
        may_file = has_role(request.user, Role.EMPLOYER_REPRESENTATIVE) if files_for_employee else None
        require(may_file if may_file is not None else can_apply(request.user))
        key = _create_key(request)
        digest = _request_digest(request) if key is not None else ""
        if key is not None and (replay := self._replay(key, digest)) is not None:
            return replay
        serializer = ApplicationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "employer" not in data and key is None:  # the hot path: no second transaction around it
            application = services.application_create(actor=actor(request), **data)
            return Response(self.present_to_applicant(application), status=status.HTTP_201_CREATED)
        try:
            with transaction.atomic():  # the write, its key and its answer commit together
                if "employer" in data:
                    application = employer_application_create(actor=actor(request), **data)
                    answer = self._present(application.pk)
                else:
                    application = services.application_create(actor=actor(request), **data)
                    answer = self.present_to_applicant(application)
                if key is not None:
                    services.application_create_key_save(
                        actor=actor(request), key=key, request_sha256=digest, application=application
                    )
        except IntegrityError:
            # The same key from a request running at the same moment, which committed first: this one is
            # undone, and answered with that one's application.
            if key is None or (replay := self._replay(key, digest)) is None:
                raise
            return replay
        return Response(answer, status=status.HTTP_201_CREATED)

    def _replay(self, key: str, digest: str) -> Response | None:
        """The answer to a create already made with this key by this person, or None."""
        record = ApplicationCreateKey.objects.filter(user=self.request.user.pk, key=key).first()
        if record is None:
            return None
        if record.request_sha256 != digest:
            raise Conflict(_("This Idempotency-Key was already used with a different request."))
        return answer_write(self._present(record.application_id), done_now=False)

    @service_action(
        summary="Change a draft",
        description="The applicant only, while it is a draft: credential, amount requested and statement. "
        "Any other field (status, amount_awarded, reviewer, score...) is refused with a 400 naming it.",
        check=applicant_side_only,
        body=ApplicationUpdateSerializer,
        with_request=True,
        answer="present_to_applicant",
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, application: Application, data: dict[str, Any]) -> Application:
        if application.status != Application.Status.DRAFT:
            raise Conflict(_("Only a draft can be changed; this application has been submitted."))
        return services.application_update(actor=actor(self.request), application=application, **data)

    @extend_schema(
        summary="Eligibility and the most the applicant may receive, before submitting",
        description="The applicant side of a draft: each eligibility rule's outcome with its reason, and "
        "the maximum award with the limit that binds.",
        responses={200: AssessmentSerializer, **error_answers(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get"])
    def assessment(self, request: Request, pk: str) -> Response:
        # With what the assessment reads; the checks before a write need only the application's columns.
        visible = self.get_queryset().select_related("program", "credential", "funding_round")
        application = get_visible_or_404(visible, pk=pk)
        applicant_side_only(request.user, application)
        if application.status != Application.Status.DRAFT:
            raise Conflict(_("The assessment is shown for drafts; this application has been submitted."))
        result = services.assess(application)
        caps = result["caps"]
        body = {
            "eligible": result["eligibility"].eligible,
            "outcomes": result["eligibility"].outcomes,
            "maximum_award": {
                "maximum": caps.maximum,
                "currency": application.program.currency,
                "binding": caps.binding,
                "explanation": caps.explanation,
            },
            "amount_requested": application.amount_requested,
            "within_maximum": application.amount_requested <= caps.maximum,
        }
        return Response(AssessmentSerializer(body).data)

    # ------------------------------------------------------------ applicant actions

    @service_action(
        summary="Submit a draft",
        description="The applicant only. Refused with a message if the round has closed, the applicant "
        "is not eligible, the amount is above the maximum, or the credential is already funded for them.",
        detail=True,
        check=applicant_side_only,
        answer="present_to_applicant",
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def submit(self, application: Application, _data: dict[str, Any]) -> Application:
        if application.status != Application.Status.DRAFT:
            raise Conflict(
                _("Only a draft can be submitted; this one is “%(status)s”.")
                % {"status": application.get_status_display()}
            )
        return services.application_submit(actor=actor(self.request), application=application)

    @service_action(
        summary="Withdraw an application that is not decided",
        detail=True,
        check=applicant_side_only,
        body=WithdrawSerializer,
        answer="present_to_applicant",
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def withdraw(self, application: Application, data: dict[str, Any]) -> Application:
        return services.application_withdraw(actor=actor(self.request), application=application, **data)

    @service_action(
        summary="Answer a request for more information",
        description="The applicant only; add documents first. The application returns to review.",
        detail=True,
        check=applicant_side_only,
        body=RespondSerializer,
        answer="present_to_applicant",
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def respond(self, application: Application, data: dict[str, Any]) -> Application:
        return services.application_respond(actor=actor(self.request), application=application, **data)
