"""The employers endpoints: list, read, register and change employers; staff verify, suspend and
reinstate them."""

from typing import Any

from django.db.models import QuerySet
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
    may,
    require,
    service_action,
    user_may,
)
from employers import services
from employers.api.common import EMPLOYER_SIDE_ROLES, staff_only
from employers.filters import EmployerFilter
from employers.models import Employer
from employers.permissions import can_edit_employer, can_register_employer, employers_visible_to
from employers.serializers import (
    EmployerReasonSerializer,
    EmployerRegisterSerializer,
    EmployerSerializer,
    EmployerSuspendSerializer,
    EmployerUpdateSerializer,
)

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

    def present(self, employer: Employer) -> dict[str, Any]:
        return EmployerSerializer(self.visible(employer.pk)).data

    @extend_schema(
        summary="List employers",
        description="Program managers and administrators: every employer, with the filters. "
        "Representatives: the employers they act for. Anyone else: 403.",
        responses={200: EmployerSerializer(many=True), **LIST_ROLE_ERRORS},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, EMPLOYER_SIDE_ROLES))
        return self.filtered_page(EmployerSerializer)

    @extend_schema(
        summary="Read an employer",
        description="Its representatives, program managers and administrators.",
        responses={200: EmployerSerializer, **READ_ERRORS},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(EmployerSerializer(self.visible(pk)).data)

    @service_action(
        summary="Register an employer",
        description="Employer representatives only. The employer starts pending verification and the "
        "caller becomes its first representative. A registration number already registered is refused "
        "with a 400: ask that employer's representative to invite you instead.",
        check=user_may(can_register_employer),
        body=EmployerRegisterSerializer,
        created=True,
        idempotent=True,
        responses={201: EmployerSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Employer:
        return services.employer_register(actor=actor(self.request), **data)

    @service_action(
        summary="Change an employer's details",
        description="Its representatives only. The registration number cannot change once the employer "
        "is verified; status has its own endpoints.",
        check=may(can_edit_employer),
        body=EmployerUpdateSerializer,
        partial=True,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, employer: Employer, data: dict[str, Any]) -> Employer:
        services.employer_update(actor=actor(self.request), employer=employer, **data)
        return employer

    @service_action(
        summary="Verify an employer",
        description="Program managers and administrators, while it is pending (or suspended: see also "
        "reinstate). Only verified employers may have active pledges or apply to employer programs.",
        detail=True,
        check=staff_only,
        body=EmployerReasonSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    def verify(self, employer: Employer, data: dict[str, Any]) -> Employer:
        services.employer_verify(actor=actor(self.request), employer=employer, **data)
        return employer

    @service_action(
        summary="Suspend an employer",
        description="Program managers and administrators, with a reason, while it is pending or verified.",
        detail=True,
        check=staff_only,
        body=EmployerSuspendSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    def suspend(self, employer: Employer, data: dict[str, Any]) -> Employer:
        services.employer_suspend(actor=actor(self.request), employer=employer, **data)
        return employer

    @service_action(
        summary="Reinstate a suspended employer",
        description="Program managers and administrators: a suspended employer becomes verified again.",
        detail=True,
        check=staff_only,
        body=EmployerReasonSerializer,
        responses={200: EmployerSerializer, **ACTION_ERRORS},
    )
    def reinstate(self, employer: Employer, data: dict[str, Any]) -> Employer:
        services.employer_reinstate(actor=actor(self.request), employer=employer, **data)
        return employer
