"""The employers endpoints: list, read, register and change employers; staff verify, suspend and
reinstate them."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404, has_any_role
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
from core.exceptions import Conflict
from core.idempotency import idempotent
from employers import services
from employers.api.common import EMPLOYER_SIDE_ROLES, _staff_only
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
