"""The applications API. Thin: serializers parse, services write, selectors read.

Order of refusals, as in programs/api.py: an application the caller may not see is a 404; one they may
see but not act on this way is a 403 (checked before the input, so a refused request learns nothing from
validation); bad input is a 400 with field errors; a state that forbids the action is a 409.

Fields a caller may not set (status, amount_awarded, reviewer, score, reference, decided_*...) are
refused with a 400 naming each field, never silently ignored and never applied.

Request bodies are JSON, except the document upload, which is multipart.
"""

import hashlib
import json
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Decision, get_visible_or_404, has_any_role, has_role, is_signed_in
from accounts.roles import Role
from core import idempotency
from core.api import (
    ACTION_ERRORS,
    DOWNLOAD_ERRORS,
    DOWNLOAD_RENDERERS,
    ID_REGEX,
    LIST_ERRORS,
    READ_ERRORS,
    AnswerInsideTheWrite,
    JsonViewSet,
    actor,
    answer_write,
    error_answers,
    may,
    open_stored,
    require,
)
from core.exceptions import Conflict, NotAllowed
from core.filters import StrictFilterBackend
from core.idempotency import PARAMETER as IDEMPOTENCY_KEY_PARAMETER
from core.idempotency import idempotent
from core.pagination import BoundedPagination, KeysetPagination
from core.parsers import JSONParser, MultiPartParser
from grants.applications import selectors, services
from grants.applications.employer import employer_application_create
from grants.applications.letters import letter_for
from grants.applications.serializers import (
    ApplicationCreateSerializer,
    ApplicationMinimalSerializer,
    ApplicationRowSerializer,
    ApplicationSerializer,
    ApplicationStaffSerializer,
    ApplicationUpdateSerializer,
    ApproveSerializer,
    AssessmentSerializer,
    AssignSerializer,
    ConflictSerializer,
    DemographicsSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    EventSerializer,
    RejectSerializer,
    RequestInfoSerializer,
    RespondSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
    StaffEventSerializer,
    WithdrawSerializer,
    WorkerProfileSerializer,
)
from grants.models import Application, ApplicationCreateKey, ApplicationDocument, Review, ReviewAssignment
from grants.permissions import (
    applications_visible_to,
    assignment_for,
    can_apply,
    can_decide,
    is_applicant_side,
    is_staff_viewer,
)

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
# An application's own short lists (events, documents, reviews): whole, without the queue's filters or pages.
NOT_A_QUEUE: dict[str, Any] = {"filter_backends": [], "pagination_class": None}


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


def _applicant_side_only(user: Any, application: Application) -> None:
    require(
        Decision.allow()
        if is_applicant_side(user, application)
        else Decision.deny(_("Only the applicant can do this."))
    )


def _sees_as_staff(user: Any, application: Application) -> bool:
    """True for staff working on the application, False for its applicant side; a 403 for anyone else
    who can see it (a reviewer who has not yet declared whether they have a conflict)."""
    if is_applicant_side(user, application):
        return False
    if is_staff_viewer(user, application):
        return True
    raise NotAllowed(_("Declare whether you have a conflict of interest first."))


def _create_key(request: Request) -> str | None:
    """The request's `Idempotency-Key` header, checked (core.idempotency); None without one."""
    return idempotency.request_key(request)


def _request_digest(request: Request) -> str:
    """A fingerprint of the request's body, to tell a retry from another request under the same key.
    Applications keep their own key table (ApplicationCreateKey, older than core.idempotency), keyed by
    the body alone."""
    body = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


class ApplicationViewSet(JsonViewSet):
    """Grant applications: workers see their own; reviewers those assigned to them (until they declare a
    conflict); program managers those of their programs; administrators all."""

    # The application's own actions (the docstring above is the API's description of the resource); the
    # router serves grants.api.ApplicationViewSet, which adds the award's (grants.awards.api).

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

    def _visible(self, pk: str, *related: str) -> Application:
        """The application if the caller may see it, else 404. Alone, without its program, credential or
        round: the checks before a write need only its own columns, and the service reads it again,
        locked, with what it needs (`related` names what a read goes on to use)."""
        visible = self.get_queryset()
        return get_visible_or_404(visible.select_related(*related) if related else visible, pk=pk)

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

    def _answer_applicant(self, application: Application) -> dict[str, Any]:
        """The answer to an applicant's write, from the object the service returned (with its program,
        credential, applicant and filer): no second read after the commit, which cost queries and, when
        the connection dropped just after a committed write, turned its success into a 500."""
        context = {**self.get_serializer_context(), "assignments": {application.pk: None}}
        return ApplicationSerializer(application, context=context).data

    def _write_and_answer(
        self, write: Any, application_of: Any = None, *, as_staff: bool = False
    ) -> dict[str, Any]:
        """Run a write (the caller checked who may make it) and build the answer as `_present` would,
        from the service's object (`application_of` finds the application in what the service returned)
        plus its reviewers. It runs inside the transaction the viewset gives each such action
        (core.api.AnswerInsideTheWrite), so the answer never needs the database after the commit and a
        failure before the commit undoes the write. `as_staff`: the caller passed `can_decide`, so they
        see the staff view (saves asking again)."""
        user = self.request.user
        result = write()
        application = application_of(result) if application_of else result
        if is_applicant_side(user, application):  # as _present: their own side's view comes first
            return self._answer_applicant(application)
        prefetch_related_objects(
            [application],
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer")),
        )
        assignment = next((a for a in application.assignments.all() if a.reviewer_id == user.pk), None)
        context = {**self.get_serializer_context(), "assignments": {application.pk: assignment}}
        if as_staff or is_staff_viewer(user, application):
            return ApplicationStaffSerializer(application, context=context).data
        return ApplicationMinimalSerializer(application, context=context).data

    def _act(
        self,
        pk: str,
        check: Any,
        serializer_class: Any,
        write: Any,
        application_of: Any = None,
        *,
        as_staff: bool = False,
    ) -> Response:
        """The shape the staff and award actions share: the application the caller may see (else 404),
        `check(user, application)` (raises a 403 or 409), the body validated by `serializer_class`, then
        `write(actor, application, data)` (a service), answered by `_write_and_answer`."""
        application = self._visible(pk)
        check(self.request.user, application)
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        user, data = actor(self.request), serializer.validated_data
        return Response(
            self._write_and_answer(lambda: write(user, application, data), application_of, as_staff=as_staff)
        )

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
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ApplicationRowSerializer(page, many=True).data)

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
            return Response(self._answer_applicant(application), status=status.HTTP_201_CREATED)
        try:
            with transaction.atomic():  # the write, its key and its answer commit together
                if "employer" in data:
                    application = employer_application_create(actor=actor(request), **data)
                    answer = self._present(application.pk)
                else:
                    application = services.application_create(actor=actor(request), **data)
                    answer = self._answer_applicant(application)
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

    @extend_schema(
        summary="Change a draft",
        description="The applicant only, while it is a draft: credential, amount requested and statement. "
        "Any other field (status, amount_awarded, reviewer, score...) is refused with a 400 naming it.",
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        _applicant_side_only(request.user, application)
        serializer = ApplicationUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if application.status != Application.Status.DRAFT:
            raise Conflict(_("Only a draft can be changed; this application has been submitted."))
        changed = services.application_update(
            actor=actor(request), application=application, **serializer.validated_data
        )
        return Response(self._answer_applicant(changed))

    @extend_schema(
        summary="Eligibility and the most the applicant may receive, before submitting",
        description="The applicant side of a draft: each eligibility rule's outcome with its reason, and "
        "the maximum award with the limit that binds.",
        responses={200: AssessmentSerializer, **error_answers(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get"])
    def assessment(self, request: Request, pk: str) -> Response:
        application = self._visible(pk, "program", "credential", "funding_round")
        _applicant_side_only(request.user, application)
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

    @extend_schema(
        summary="Submit a draft",
        description="The applicant only. Refused with a message if the round has closed, the applicant "
        "is not eligible, the amount is above the maximum, or the credential is already funded for them.",
        request=None,
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        _applicant_side_only(request.user, application)
        if application.status != Application.Status.DRAFT:
            raise Conflict(
                _("Only a draft can be submitted; this one is “%(status)s”.")
                % {"status": application.get_status_display()}
            )
        submitted = services.application_submit(actor=actor(request), application=application)
        return Response(self._answer_applicant(submitted))

    @extend_schema(
        summary="Withdraw an application that is not decided",
        request=WithdrawSerializer,
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        _applicant_side_only(request.user, application)
        data = self.valid_body(WithdrawSerializer)
        withdrawn = services.application_withdraw(actor=actor(request), application=application, **data)
        return Response(self._answer_applicant(withdrawn))

    @extend_schema(
        summary="Answer a request for more information",
        description="The applicant only; add documents first. The application returns to review.",
        request=RespondSerializer,
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        _applicant_side_only(request.user, application)
        data = self.valid_body(RespondSerializer)
        answered = services.application_respond(actor=actor(request), application=application, **data)
        return Response(self._answer_applicant(answered))

    # ------------------------------------------------------------ staff actions

    @extend_schema(
        summary="Assign a reviewer",
        description="A manager of the program. A submitted application moves into review.",
        request=AssignSerializer,
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        return self._act(
            pk,
            may(can_decide),
            AssignSerializer,
            lambda actor, application, data: services.application_assign(
                actor=actor, application=application, **data
            ),
            lambda assignment: assignment.application,
            as_staff=True,
        )

    @extend_schema(
        summary="Declare whether you have a conflict of interest",
        description="The assigned reviewer, once. A conflict (with a note) recuses them: the application "
        "is then hidden from them.",
        request=ConflictSerializer,
        responses={
            200: OpenApiResponse(
                ApplicationStaffSerializer,
                description="The application, or (after declaring a conflict) only its minimal fields.",
            ),
            **ACTION_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        if assignment_for(request.user, application) is None:
            raise NotAllowed(_("This application is not assigned to you."))
        data = self.valid_body(ConflictSerializer)
        assignment = services.conflict_declare(actor=actor(request), application=application, **data)
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
        application = self._visible(pk)
        if request.method == "GET":
            if not _sees_as_staff(request.user, application):
                raise NotAllowed(_("Only staff working on this application can read its reviews."))
            reviews = (
                Review.objects.filter(assignment__application=application)
                .select_related("assignment__reviewer")
                .order_by("submitted_at", "id")
            )
            return Response(ReviewSerializer(reviews, many=True).data)
        if assignment_for(request.user, application) is None:
            raise NotAllowed(_("This application is not assigned to you."))
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_submit(
            actor=actor(request), application=application, **serializer.validated_data
        )
        review = Review.objects.select_related("assignment__reviewer").get(pk=review.pk)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Ask the applicant for more information",
        description="A manager of the program, while the application is in review.",
        request=RequestInfoSerializer,
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request: Request, pk: str) -> Response:
        return self._act(
            pk,
            may(can_decide),
            RequestInfoSerializer,
            lambda actor, application, data: services.application_request_info(
                actor=actor, application=application, **data
            ),
            lambda information_request: information_request.application,
            as_staff=True,
        )

    @extend_schema(
        summary="Approve, committing the award on the program's budget",
        description="A manager of the program, while the application is in review. Refused with a "
        "message, changing nothing, if the budget, a cap or the no-double-funding rule no longer allows it.",
        request=ApproveSerializer,
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._act(
            pk,
            may(can_decide),
            ApproveSerializer,
            lambda actor, application, data: services.application_approve(
                actor=actor, application=application, **data
            ),
            lambda approved: approved,
            as_staff=True,
        )

    @extend_schema(
        summary="Reject, with a reason code and an explanation the applicant reads",
        request=RejectSerializer,
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._act(
            pk,
            may(can_decide),
            RejectSerializer,
            lambda actor, application, data: services.application_reject(
                actor=actor, application=application, **data
            ),
            lambda rejected: rejected,
            as_staff=True,
        )

    # ------------------------------------------------------------ records

    @extend_schema(
        summary="The application's timeline",
        description="The applicant sees the events meant for them; staff working on it see every event, "
        "with who acted and the details.",
        responses={200: StaffEventSerializer(many=True), **error_answers(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], **NOT_A_QUEUE)
    def events(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        staff = _sees_as_staff(request.user, application)
        events = selectors.timeline(application, staff=staff)
        serializer_class = StaffEventSerializer if staff else EventSerializer
        return Response(serializer_class(events, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="List the application's documents",
        description="The applicant and staff working on it; each with the address to download it.",
        responses={200: DocumentSerializer(many=True), **error_answers(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Upload a document (multipart)",
        description="The applicant, to a draft or while more information is requested. A PDF, PNG or "
        "JPEG, checked by its content (not its name), within the size limit.",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser], **NOT_A_QUEUE)
    @idempotent
    def documents(self, request: Request, pk: str) -> Response:
        application = self._visible(pk)
        if request.method == "GET":
            _sees_as_staff(request.user, application)
            documents = application.documents.order_by("created_at", "id")
            return Response(DocumentSerializer(documents, many=True, context={"request": request}).data)
        _applicant_side_only(request.user, application)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.application_document_add(
            actor=actor(request), application=application, **serializer.validated_data
        )
        return Response(
            DocumentSerializer(document, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Download a document",
        description="The applicant and staff working on it. The file is never served from a public address.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            **DOWNLOAD_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"documents/(?P<doc_id>{ID_REGEX})",
        url_name="document",
        renderer_classes=DOWNLOAD_RENDERERS,
    )
    def document(self, request: Request, pk: str, doc_id: str) -> FileResponse:
        application = self._visible(pk)
        _sees_as_staff(request.user, application)
        document = cast(ApplicationDocument, get_visible_or_404(application.documents.all(), pk=doc_id))
        return FileResponse(
            open_stored(document.file),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )

    @extend_schema(
        summary="The latest decision letter (PDF)",
        description="The applicant and staff working on it; 404 until a letter has been generated.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), **DOWNLOAD_ERRORS},
    )
    @action(detail=True, methods=["get"], renderer_classes=DOWNLOAD_RENDERERS)
    def letter(self, request: Request, pk: str) -> FileResponse:
        application = self._visible(pk)
        _sees_as_staff(request.user, application)
        letter = letter_for(application)
        if letter is None:
            raise Http404
        return FileResponse(
            open_stored(letter.file),
            as_attachment=True,
            filename=f"{application.reference}-{letter.kind}.pdf",
            content_type="application/pdf",
        )


# ---------------------------------------------------------------- the signed-in worker's own records


class _OwnRecordView(AnswerInsideTheWrite, APIView):
    """Only the signed-in worker's own record; never anyone else's. A write and its answer commit
    together (core.api.AnswerInsideTheWrite)."""

    parser_classes = [JSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if is_signed_in(request.user):
            require(can_apply(request.user))


class WorkerProfileView(_OwnRecordView):
    """The worker's own profile: what eligibility rules read."""

    def _present(self, user: Any) -> dict[str, Any]:
        profile = selectors.worker_profile_for(user)
        if profile is None:
            return WorkerProfileSerializer(
                {
                    "region": "",
                    "address": "",
                    "date_of_birth": None,
                    "employment_status": "",
                    "household_income_band": "",
                    "contact_by_employers": False,
                    "contact_consent_changed_at": None,
                    "updated_at": None,
                }
            ).data
        return WorkerProfileSerializer(profile).data

    @extend_schema(
        summary="Read your worker profile",
        description="Workers only; blank until saved.",
        responses={200: WorkerProfileSerializer, **error_answers(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(self._present(request.user))

    @extend_schema(
        summary="Replace your worker profile",
        description="Workers only. Every field is required; send an empty string (or null for the date "
        "of birth) to clear one.",
        request=WorkerProfileSerializer,
        responses={200: WorkerProfileSerializer, **error_answers(400, 401, 403)},
    )
    def put(self, request: Request) -> Response:
        serializer = WorkerProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.worker_profile_save(user=actor(request), **data)
        return Response(self._present(request.user))


class DemographicsView(_OwnRecordView):
    """The worker's own voluntary demographic answers. Nobody else reads them through the API."""

    def _present(self, user: Any) -> dict[str, Any]:
        demographics = selectors.demographics_for(user)
        if demographics is None:
            empty: dict[str, Any] = {
                "race_ethnicity": [],
                "sex": "",
                "veteran": "",
                "disability": "",
                "updated_at": None,
            }
            return DemographicsSerializer(empty).data
        return DemographicsSerializer(demographics).data

    @extend_schema(
        summary="Read your demographic answers",
        description="Workers only, their own. Blank until answered.",
        responses={200: DemographicsSerializer, **error_answers(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(self._present(request.user))

    @extend_schema(
        summary="Replace your demographic answers",
        description="Voluntary: every answer may be blank or prefer_not_to_say. Used only in aggregate "
        "reports with small groups suppressed; never shown to reviewers.",
        request=DemographicsSerializer,
        responses={200: DemographicsSerializer, **error_answers(400, 401, 403)},
    )
    def put(self, request: Request) -> Response:
        serializer = DemographicsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.demographics_save(user=actor(request), **data)
        return Response(self._present(request.user))
