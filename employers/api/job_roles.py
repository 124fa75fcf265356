"""The job roles endpoints: list, read, add, change and close an employer's job roles."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404, has_any_role
from accounts.roles import Role
from core.api import (
    ACTION_ERRORS,
    ID_REGEX,
    LIST_ROLE_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    require,
)
from core.idempotency import idempotent
from employers import services
from employers.api.common import EMPLOYER_SIDE_ROLES
from employers.filters import JobRoleFilter
from employers.models import JobRole
from employers.permissions import is_active_representative, job_roles_visible_to
from employers.serializers import (
    JobRoleCloseSerializer,
    JobRoleCreateSerializer,
    JobRoleSerializer,
    JobRoleUpdateSerializer,
)
from programs.models import Skill

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
