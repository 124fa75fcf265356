"""The job roles endpoints: list, read, add, change and close an employer's job roles."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import has_any_role
from core.api import (
    ACTION_ERRORS,
    ID_REGEX,
    LIST_ROLE_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    require,
    service_action,
)
from employers import services
from employers.api.common import EMPLOYER_SIDE_ROLES, representatives_only
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


def _acts_for_employer(user: Any, role: JobRole) -> None:
    require(is_active_representative(user, role.employer_id))


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

    def present(self, role: JobRole) -> dict[str, Any]:
        return JobRoleSerializer(self.visible(role.pk)).data

    @extend_schema(
        summary="List job roles",
        description="Representatives: their employers' roles. Program managers and administrators: all. "
        "Anyone else: 403.",
        responses={200: JobRoleSerializer(many=True), **LIST_ROLE_ERRORS},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, EMPLOYER_SIDE_ROLES))
        return self.filtered_page(JobRoleSerializer)

    @extend_schema(summary="Read a job role", responses={200: JobRoleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(JobRoleSerializer(self.visible(pk)).data)

    @service_action(
        summary="Add a job role",
        description="A representative of the employer. Skills are ids from /api/v1/skills/; the "
        "occupation is an O*NET-SOC code from the catalog. A suspended employer cannot list roles (409).",
        check=representatives_only,
        body=JobRoleCreateSerializer,
        with_request=True,
        created=True,
        idempotent=True,
        responses={201: JobRoleSerializer, **error_answers(400, 401, 403, 409)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> JobRole:
        employer = data.pop("employer")
        require(is_active_representative(self.request.user, employer))
        return services.job_role_save(actor=actor(self.request), employer=employer, **data)

    @service_action(
        summary="Change a job role",
        description="A representative of the employer. Skills, when given, replace the old ones. The "
        "employer cannot change.",
        check=_acts_for_employer,
        body=JobRoleUpdateSerializer,
        partial=True,
        bound=True,
        with_request=True,
        responses={200: JobRoleSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, role: JobRole, data: dict[str, Any]) -> JobRole:
        services.job_role_save(actor=actor(self.request), employer=role.employer, job_role=role, **data)
        return role

    @service_action(
        summary="Close a job role",
        description="A representative of the employer: it no longer takes candidates.",
        detail=True,
        check=_acts_for_employer,
        body=JobRoleCloseSerializer,
        responses={200: JobRoleSerializer, **ACTION_ERRORS},
    )
    def close(self, role: JobRole, data: dict[str, Any]) -> JobRole:
        services.job_role_close(actor=actor(self.request), job_role=role, **data)
        return role
