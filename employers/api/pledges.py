"""The pledges endpoints: representatives draft, change, submit and withdraw pledges; staff activate,
return and fulfil them."""

from typing import Any

from django.db.models import QuerySet
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
from employers import selectors, services
from employers.api.common import EMPLOYER_SIDE_ROLES, _staff_only
from employers.filters import PledgeFilter
from employers.models import Pledge
from employers.permissions import (
    can_act_for_pledge,
    is_active_representative,
    is_employer_staff,
    pledges_visible_to,
)
from employers.serializers import (
    PledgeCreateSerializer,
    PledgeReasonSerializer,
    PledgeReturnSerializer,
    PledgeSerializer,
    PledgeUpdateSerializer,
)

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
