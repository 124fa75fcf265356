"""The pledges endpoints: representatives draft, change, submit and withdraw pledges; staff activate,
return and fulfil them."""

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
)
from employers import selectors, services
from employers.api.common import EMPLOYER_SIDE_ROLES, representatives_only, staff_only
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

    def present(self, pledge: Pledge) -> dict[str, Any]:
        return self._present(pledge.pk)

    def _present(self, pk: Any) -> dict[str, Any]:
        # tests/core/test_answer_inside_the_write.py makes this read fail after the write
        return PledgeSerializer(self.visible(pk), context=self._context()).data

    def _context(self) -> dict[str, Any]:
        return {"staff": is_employer_staff(self.request.user)}

    @extend_schema(
        summary="List pledges",
        description="Program managers and administrators: every pledge. Representatives: their "
        "employers' pledges. Anyone else: 403. Each with its progress.",
        responses={200: PledgeSerializer(many=True), **LIST_ROLE_ERRORS},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, EMPLOYER_SIDE_ROLES))
        return self.filtered_page(PledgeSerializer, context=self._context())

    @extend_schema(
        summary="Read a pledge, with its progress",
        description="Attainment counts verified report figures only; hires the employer recorded that "
        "no verified report covers yet are shown apart, as employer-reported. `in_name_only` (staff "
        "only) flags a pledge whose roles were converted but whose hires without a degree do not follow.",
        responses={200: PledgeSerializer, **READ_ERRORS},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @service_action(
        summary="Draft a pledge",
        description="A representative of the employer. At least one commitment above zero is needed to "
        "submit it. A suspended employer cannot make pledges (409).",
        check=representatives_only,
        body=PledgeCreateSerializer,
        with_request=True,
        created=True,
        idempotent=True,
        responses={201: PledgeSerializer, **error_answers(400, 401, 403, 409)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Pledge:
        employer = data.pop("employer")
        require(is_active_representative(self.request.user, employer))
        return services.pledge_create(actor=actor(self.request), employer=employer, **data)

    @service_action(
        summary="Change a draft or returned pledge",
        description="A representative of the employer, while it is a draft or returned for changes.",
        check=may(can_act_for_pledge),
        body=PledgeUpdateSerializer,
        partial=True,
        bound=True,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def partial_update(self, pledge: Pledge, data: dict[str, Any]) -> Pledge:
        services.pledge_update(actor=actor(self.request), pledge=pledge, **data)
        return pledge

    @service_action(
        summary="Submit a pledge for verification",
        description="A representative of the employer, from draft or returned.",
        detail=True,
        check=may(can_act_for_pledge),
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def submit(self, pledge: Pledge, _data: dict[str, Any]) -> Pledge:
        services.pledge_submit(actor=actor(self.request), pledge=pledge)
        return pledge

    @service_action(
        summary="Activate a submitted pledge",
        description="Program managers and administrators; the employer must be verified.",
        detail=True,
        check=staff_only,
        body=PledgeReasonSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def activate(self, pledge: Pledge, data: dict[str, Any]) -> Pledge:
        services.pledge_activate(actor=actor(self.request), pledge=pledge, **data)
        return pledge

    @service_action(
        summary="Return a submitted pledge for changes",
        description="Program managers and administrators, with what to change.",
        detail=True,
        url_path="return",
        url_name="return",
        check=staff_only,
        body=PledgeReturnSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def return_(self, pledge: Pledge, data: dict[str, Any]) -> Pledge:
        services.pledge_return(actor=actor(self.request), pledge=pledge, **data)
        return pledge

    @service_action(
        summary="Mark an active pledge fulfilled",
        description="Program managers and administrators, once verified figures meet every target set.",
        detail=True,
        check=staff_only,
        body=PledgeReasonSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def fulfil(self, pledge: Pledge, data: dict[str, Any]) -> Pledge:
        services.pledge_fulfil(actor=actor(self.request), pledge=pledge, **data)
        return pledge

    @service_action(
        summary="Withdraw a pledge",
        description="A representative of the employer, before it is fulfilled or lapsed.",
        detail=True,
        check=may(can_act_for_pledge),
        body=PledgeReasonSerializer,
        responses={200: PledgeSerializer, **ACTION_ERRORS},
    )
    def withdraw(self, pledge: Pledge, data: dict[str, Any]) -> Pledge:
        services.pledge_withdraw(actor=actor(self.request), pledge=pledge, **data)
        return pledge
