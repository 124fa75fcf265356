"""The employers API: employers, representatives, pledges with their progress reports, and job roles.
Thin, like programs/api.py and grants/applications/api.py: serializers parse, services write, selectors read.

Order of refusals: something the caller may not see is a 404 (another employer's records look exactly
like records that do not exist); something they may see but not do this way is a 403 (checked before the
input, so a refused request learns nothing from validation); bad input is a 400 with field errors; a
state that forbids the action is a 409.

Fields a caller may not set (status, verified figures, the employer of an existing role...) are refused
with a 400 naming each, never silently ignored and never applied.

Request bodies are JSON, except a progress report's submission, which is multipart (it carries the
payroll extract).
"""

import builtins
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404, has_any_role
from accounts.roles import Role
from core.api import (
    ACTION_ERRORS,
    DOWNLOAD_ERRORS,
    DOWNLOAD_RENDERERS,
    ID_REGEX,
    LIST_ERRORS,
    LIST_ROLE_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    open_stored,
    require,
)
from core.exceptions import Conflict
from core.idempotency import idempotent
from core.parsers import MultiPartParser
from core.uploads import CONTENT_TYPES, EXTENSIONS
from employers import selectors, services
from employers.filters import EmployerFilter, JobRoleFilter, PledgeFilter
from employers.models import Employer, JobRole, Pledge, ProgressReport, Representative
from employers.permissions import (
    can_act_for_pledge,
    can_edit_employer,
    can_register_employer,
    can_see_report_evidence,
    can_verify_employers,
    employers_visible_to,
    is_active_representative,
    is_employer_staff,
    job_roles_visible_to,
    pledges_visible_to,
    reports_visible_to,
)
from employers.serializers import (
    EmployerReasonSerializer,
    EmployerRegisterSerializer,
    EmployerSerializer,
    EmployerSuspendSerializer,
    EmployerUpdateSerializer,
    JobRoleCloseSerializer,
    JobRoleCreateSerializer,
    JobRoleSerializer,
    JobRoleUpdateSerializer,
    PledgeCreateSerializer,
    PledgeReasonSerializer,
    PledgeReturnSerializer,
    PledgeSerializer,
    PledgeUpdateSerializer,
    ProgressReportCreateSerializer,
    ProgressReportReturnSerializer,
    ProgressReportSerializer,
    ProgressReportVerifySerializer,
    RepresentativeInvitationAcceptSerializer,
    RepresentativeInvitationSerializer,
    RepresentativeInviteSerializer,
    RepresentativeRemoveSerializer,
    RepresentativeSerializer,
)
from programs.models import Skill

# Those who work with employer records: representatives (their own) and the staff who verify them.
EMPLOYER_SIDE_ROLES = (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)
# Payroll extracts as stored (by the extension the upload check gave them) and served.
EVIDENCE_TYPES = {EXTENSIONS[kind]: CONTENT_TYPES[kind] for kind in services.EVIDENCE_KINDS}


def _staff_only(user: Any) -> None:
    require(can_verify_employers(user))


# ---------------------------------------------------------------- employers


class EmployerViewSet(JsonViewSet):
    """Employers: representatives register theirs and see the ones they act for; program managers and
    administrators see every employer and verify or suspend them."""

    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    queryset = Employer.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Employer]:
        return employers_visible_to(self.request.user).order_by("legal_name", "id")

    def _visible(self, pk: Any) -> Employer:
        return get_visible_or_404(self.get_queryset(), pk=pk)

    def _present(self, pk: Any) -> dict[str, Any]:
        return EmployerSerializer(self._visible(pk)).data

    @extend_schema(
        summary="List employers",
        description="Program managers and administrators: every employer, with the filters. "
        "Representatives: the employers they act for. Anyone else: 403.",
        responses={200: EmployerSerializer(many=True), **LIST_ROLE_ERRORS},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, EMPLOYER_SIDE_ROLES))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EmployerSerializer(page, many=True).data)

    @extend_schema(
        summary="Read an employer",
        description="Its representatives, program managers and administrators.",
        responses={200: EmployerSerializer, **READ_ERRORS},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @extend_schema(
        summary="Register an employer",
        description="Employer representatives only. The employer starts pending verification and the "
        "caller becomes its first representative. A registration number already registered is refused "
        "with a 400: ask that employer's representative to invite you instead.",
        request=EmployerRegisterSerializer,
        responses={201: EmployerSerializer, **error_answers(400, 401, 403)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_register_employer(request.user))
        data = self.valid_body(EmployerRegisterSerializer)
        employer = services.employer_register(actor=actor(request), **data)
        return Response(self._present(employer.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an employer's details",
        description="Its representatives only. The registration number cannot change once the employer "
        "is verified; status has its own endpoints.",
        request=EmployerUpdateSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        employer = self._visible(pk)
        require(can_edit_employer(request.user, employer))
        data = self.valid_body(EmployerUpdateSerializer, partial=True)
        services.employer_update(actor=actor(request), employer=employer, **data)
        return Response(self._present(employer.pk))

    @extend_schema(
        summary="Verify an employer",
        description="Program managers and administrators, while it is pending (or suspended: see also "
        "reinstate). Only verified employers may have active pledges or apply to employer programs.",
        request=EmployerReasonSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        employer = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(EmployerReasonSerializer)
        services.employer_verify(actor=actor(request), employer=employer, **data)
        return Response(self._present(employer.pk))

    @extend_schema(
        summary="Suspend an employer",
        description="Program managers and administrators, with a reason, while it is pending or verified.",
        request=EmployerSuspendSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        employer = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(EmployerSuspendSerializer)
        services.employer_suspend(actor=actor(request), employer=employer, **data)
        return Response(self._present(employer.pk))

    @extend_schema(
        summary="Reinstate a suspended employer",
        description="Program managers and administrators: a suspended employer becomes verified again.",
        request=EmployerReasonSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, pk: str) -> Response:
        employer = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(EmployerReasonSerializer)
        if employer.status != Employer.Status.SUSPENDED:
            raise Conflict(_("Only a suspended employer can be reinstated."))
        services.employer_verify(actor=actor(request), employer=employer, **data)
        return Response(self._present(employer.pk))


class RepresentativeViewSet(JsonViewSet):
    """The people who act for an employer, under /employers/{employer_id}/representatives/."""

    serializer_class = RepresentativeSerializer
    queryset = Representative.objects.none()
    lookup_value_regex = ID_REGEX
    filter_backends: list[Any] = []

    def get_employer(self) -> Employer:
        if not hasattr(self, "_employer"):
            self._employer = get_visible_or_404(
                employers_visible_to(self.request.user), pk=self.kwargs["employer_id"]
            )
        return self._employer

    def get_queryset(self) -> QuerySet[Representative]:
        return (
            Representative.objects.filter(employer=self.get_employer())
            .select_related("user", "added_by")
            .order_by("added_at", "id")
        )

    @extend_schema(
        summary="List an employer's representatives",
        description="Current and former (with when and why they were removed). The employer's "
        "representatives, program managers and administrators.",
        responses={200: RepresentativeSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, employer_id: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RepresentativeSerializer(page, many=True).data)

    @extend_schema(
        summary="Invite a colleague to act for the employer",
        description="The employer's representatives. An email with a link goes to the address; the "
        "colleague accepts it at /api/v1/employer-invitations/accept/ (or on the web page) within 7 days, "
        "signed in with that address.",
        request=RepresentativeInviteSerializer,
        responses={201: RepresentativeInvitationSerializer, **ACTION_ERRORS},
    )
    @idempotent
    def create(self, request: Request, employer_id: str) -> Response:
        employer = self.get_employer()
        require(is_active_representative(request.user, employer))
        serializer = RepresentativeInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.representative_invite(
            actor=actor(request), employer=employer, **serializer.validated_data
        )
        return Response(RepresentativeInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a representative",
        description="The employer's representatives (or program managers and administrators), with a "
        "reason kept on record. The last representative cannot be removed.",
        request=RepresentativeRemoveSerializer,
        responses={200: RepresentativeSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, employer_id: str, pk: str) -> Response:
        representative = get_visible_or_404(self.get_queryset(), pk=pk)
        if not can_verify_employers(request.user):
            require(is_active_representative(request.user, self.get_employer()))
        data = self.valid_body(RepresentativeRemoveSerializer)
        services.representative_remove(actor=actor(request), representative=representative, **data)
        return Response(RepresentativeSerializer(self.get_queryset().get(pk=representative.pk)).data)


class EmployerInvitationViewSet(JsonViewSet):
    """Accepting an invitation to act for an employer."""

    serializer_class = RepresentativeInvitationAcceptSerializer
    queryset = Representative.objects.none()
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        summary="Accept an invitation to act for an employer",
        description="Signed in with the invited email address, within 7 days, once. Returns the new "
        "representative record (its employer is then in your /api/v1/employers/).",
        request=RepresentativeInvitationAcceptSerializer,
        responses={201: RepresentativeSerializer, **error_answers(400, 401, 403, 409)},
    )
    @action(detail=False, methods=["post"])
    def accept(self, request: Request) -> Response:
        serializer = RepresentativeInvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        representative = services.invitation_accept(actor=actor(request), **serializer.validated_data)
        return Response(RepresentativeSerializer(representative).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- pledges


class PledgeViewSet(JsonViewSet):
    """Skills-based hiring pledges: representatives draft and submit their employer's; program managers
    and administrators activate, return and fulfil them."""

    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    queryset = Pledge.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Pledge]:
        return selectors.pledges_with_progress(pledges_visible_to(self.request.user)).order_by(
            "-created_at", "-id"
        )

    def _visible(self, pk: Any) -> Pledge:
        return get_visible_or_404(self.get_queryset(), pk=pk)

    def _present(self, pk: Any) -> dict[str, Any]:
        return PledgeSerializer(self._visible(pk), context=self._context()).data

    def _context(self) -> dict[str, Any]:
        return {"staff": is_employer_staff(self.request.user)}

    def _acting_rep(self, pledge: Pledge) -> None:
        require(can_act_for_pledge(self.request.user, pledge))

    @extend_schema(
        summary="List pledges",
        description="Program managers and administrators: every pledge. Representatives: their "
        "employers' pledges. Anyone else: 403. Each with its progress.",
        responses={200: PledgeSerializer(many=True), **LIST_ROLE_ERRORS},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, EMPLOYER_SIDE_ROLES))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PledgeSerializer(page, many=True, context=self._context()).data)

    @extend_schema(
        summary="Read a pledge, with its progress",
        description="Attainment counts verified report figures only; hires the employer recorded that "
        "no verified report covers yet are shown apart, as employer-reported. `in_name_only` (staff "
        "only) flags a pledge whose roles were converted but whose hires without a degree do not follow.",
        responses={200: PledgeSerializer, **READ_ERRORS},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @extend_schema(
        summary="Draft a pledge",
        description="A representative of the employer. At least one commitment above zero is needed to "
        "submit it. A suspended employer cannot make pledges (409).",
        request=PledgeCreateSerializer,
        responses={201: PledgeSerializer, **error_answers(400, 401, 403, 409)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(has_any_role(request.user, (Role.EMPLOYER_REPRESENTATIVE,)))
        serializer = PledgeCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        employer = fields.pop("employer")
        require(is_active_representative(request.user, employer))
        pledge = services.pledge_create(actor=actor(request), employer=employer, **fields)
        return Response(self._present(pledge.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft or returned pledge",
        description="A representative of the employer, while it is a draft or returned for changes.",
        request=PledgeUpdateSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        pledge = self._visible(pk)
        self._acting_rep(pledge)
        serializer = PledgeUpdateSerializer(pledge, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.pledge_update(actor=actor(request), pledge=pledge, **serializer.validated_data)
        return Response(self._present(pledge.pk))

    @extend_schema(
        summary="Submit a pledge for verification",
        description="A representative of the employer, from draft or returned.",
        request=None,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        pledge = self._visible(pk)
        self._acting_rep(pledge)
        services.pledge_submit(actor=actor(request), pledge=pledge)
        return Response(self._present(pledge.pk))

    @extend_schema(
        summary="Activate a submitted pledge",
        description="Program managers and administrators; the employer must be verified.",
        request=PledgeReasonSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        return self._staff_move(request, pk, services.pledge_activate, PledgeReasonSerializer)

    @extend_schema(
        summary="Return a submitted pledge for changes",
        description="Program managers and administrators, with what to change.",
        request=PledgeReturnSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._staff_move(request, pk, services.pledge_return, PledgeReturnSerializer)

    @extend_schema(
        summary="Mark an active pledge fulfilled",
        description="Program managers and administrators, once verified figures meet every target set.",
        request=PledgeReasonSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, pk: str) -> Response:
        return self._staff_move(request, pk, services.pledge_fulfil, PledgeReasonSerializer)

    @extend_schema(
        summary="Withdraw a pledge",
        description="A representative of the employer, before it is fulfilled or lapsed.",
        request=PledgeReasonSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        pledge = self._visible(pk)
        self._acting_rep(pledge)
        data = self.valid_body(PledgeReasonSerializer)
        services.pledge_withdraw(actor=actor(request), pledge=pledge, **data)
        return Response(self._present(pledge.pk))

    def _staff_move(self, request: Request, pk: str, service: Any, serializer_class: Any) -> Response:
        pledge = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(serializer_class)
        service(actor=actor(request), pledge=pledge, **data)
        return Response(self._present(pledge.pk))


class ProgressReportViewSet(JsonViewSet):
    """A pledge's quarterly progress reports, under /pledges/{pledge_id}/reports/."""

    serializer_class = ProgressReportSerializer
    queryset = ProgressReport.objects.none()
    lookup_value_regex = ID_REGEX
    filter_backends: list[Any] = []

    def get_pledge(self) -> Pledge:
        if not hasattr(self, "_pledge"):
            self._pledge = get_visible_or_404(
                pledges_visible_to(self.request.user).select_related("employer"), pk=self.kwargs["pledge_id"]
            )
        return self._pledge

    def get_queryset(self) -> QuerySet[ProgressReport]:
        return (
            reports_visible_to(self.request.user)
            .filter(pledge=self.get_pledge())
            .order_by("year", "quarter", "id")
        )

    def _visible(self, pk: Any) -> ProgressReport:
        return get_visible_or_404(self.get_queryset(), pk=pk)

    def _present(self, report: ProgressReport) -> dict[str, Any]:
        return ProgressReportSerializer(report, context={"request": self.request}).data

    @extend_schema(
        summary="List a pledge's progress reports",
        description="Oldest quarter first. The employer's representatives, program managers and "
        "administrators.",
        responses={200: ProgressReportSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, pledge_id: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ProgressReportSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(summary="Read a progress report", responses={200: ProgressReportSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pledge_id: str, pk: str) -> Response:
        return Response(self._present(self._visible(pk)))

    @extend_schema(
        summary="Report a quarter's progress (multipart)",
        description="A representative of the employer, while the pledge is active: the quarter's "
        "figures and the payroll extract that backs them. A quarter returned for correction is "
        "corrected by submitting it again.",
        request={"multipart/form-data": ProgressReportCreateSerializer},
        responses={201: ProgressReportSerializer, **ACTION_ERRORS},
    )
    @idempotent
    def create(self, request: Request, pledge_id: str) -> Response:
        pledge = self.get_pledge()
        require(can_act_for_pledge(request.user, pledge))
        data = self.valid_body(ProgressReportCreateSerializer)
        report = services.progress_report_submit(actor=actor(request), pledge=pledge, **data)
        return Response(self._present(report), status=status.HTTP_201_CREATED)

    def get_parsers(self) -> builtins.list[BaseParser]:  # bare "list" is the action here
        # Submitting a report carries the payroll extract: multipart for that one action, JSON otherwise.
        # Called before self.action is set, so read the method's action from the route's map.
        method = (getattr(self.request, "method", "") or "").lower()
        if getattr(self, "action_map", {}).get(method) == "create":
            return [MultiPartParser()]
        return super().get_parsers()

    @extend_schema(
        summary="Verify a progress report",
        description="Program managers and administrators: confirm the reported figures or correct "
        "them (a figure left out is confirmed as reported). Only verified figures count toward "
        "attainment.",
        request=ProgressReportVerifySerializer,
        responses={200: ProgressReportSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pledge_id: str, pk: str) -> Response:
        report = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(ProgressReportVerifySerializer)
        services.progress_report_verify(actor=actor(request), report=report, **data)
        return Response(self._present(self._visible(pk)))

    @extend_schema(
        summary="Return a progress report for correction",
        description="Program managers and administrators, with what to correct.",
        request=ProgressReportReturnSerializer,
        responses={200: ProgressReportSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pledge_id: str, pk: str) -> Response:
        report = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(ProgressReportReturnSerializer)
        services.progress_report_return(actor=actor(request), report=report, **data)
        return Response(self._present(self._visible(pk)))

    @extend_schema(
        summary="Download the report's payroll extract",
        description="The employer's representatives, program managers and administrators. Never served "
        "from a public address.",
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in EVIDENCE_TYPES.values()
            },
            **DOWNLOAD_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=DOWNLOAD_RENDERERS)
    def evidence(self, request: Request, pledge_id: str, pk: str) -> FileResponse:
        report = self._visible(pk)
        require(can_see_report_evidence(request.user, report))
        # The type comes from the stored name, which the upload check set from the file's content.
        extension = (report.evidence.name or "").rsplit(".", 1)[-1].lower()
        return FileResponse(
            open_stored(report.evidence),
            as_attachment=True,
            filename=report.evidence_name,
            content_type=EVIDENCE_TYPES.get(extension, "application/octet-stream"),
        )


# ---------------------------------------------------------------- job roles


class JobRoleViewSet(JsonViewSet):
    """Job roles an employer hires for, with the skills they need. Representatives see and change their
    employer's; program managers and administrators see all. Workers find roles through /matches/."""

    serializer_class = JobRoleSerializer
    filterset_class = JobRoleFilter
    queryset = JobRole.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[JobRole]:
        return (
            job_roles_visible_to(self.request.user)
            .select_related("employer", "occupation")
            .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("label", "pk")))
            .order_by("title", "id")
        )

    def _visible(self, pk: Any) -> JobRole:
        return get_visible_or_404(self.get_queryset(), pk=pk)

    def _present(self, pk: Any) -> dict[str, Any]:
        return JobRoleSerializer(self._visible(pk)).data

    @extend_schema(
        summary="List job roles",
        description="Representatives: their employers' roles. Program managers and administrators: all. "
        "Anyone else: 403.",
        responses={200: JobRoleSerializer(many=True), **LIST_ROLE_ERRORS},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, EMPLOYER_SIDE_ROLES))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(JobRoleSerializer(page, many=True).data)

    @extend_schema(summary="Read a job role", responses={200: JobRoleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @extend_schema(
        summary="Add a job role",
        description="A representative of the employer. Skills are ids from /api/v1/skills/; the "
        "occupation is an O*NET-SOC code from the catalog. A suspended employer cannot list roles (409).",
        request=JobRoleCreateSerializer,
        responses={201: JobRoleSerializer, **error_answers(400, 401, 403, 409)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(has_any_role(request.user, (Role.EMPLOYER_REPRESENTATIVE,)))
        serializer = JobRoleCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        employer = fields.pop("employer")
        require(is_active_representative(request.user, employer))
        role = services.job_role_save(actor=actor(request), employer=employer, **fields)
        return Response(self._present(role.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a job role",
        description="A representative of the employer. Skills, when given, replace the old ones. The "
        "employer cannot change.",
        request=JobRoleUpdateSerializer,
        responses={200: JobRoleSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        role = self._visible(pk)
        require(is_active_representative(request.user, role.employer_id))
        serializer = JobRoleUpdateSerializer(
            role, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.job_role_save(
            actor=actor(request), employer=role.employer, job_role=role, **serializer.validated_data
        )
        return Response(self._present(role.pk))

    @extend_schema(
        summary="Close a job role",
        description="A representative of the employer: it no longer takes candidates.",
        request=JobRoleCloseSerializer,
        responses={200: JobRoleSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        role = self._visible(pk)
        require(is_active_representative(request.user, role.employer_id))
        data = self.valid_body(JobRoleCloseSerializer)
        services.job_role_close(actor=actor(request), job_role=role, **data)
        return Response(self._present(role.pk))
