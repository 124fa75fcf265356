"""The programs API: programs themselves (list, read, create, change, move along their statuses), their
budget totals and the eligibility check."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import (
    LIST_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    may,
    require,
    service_action,
    user_may,
)
from programs import services
from programs.api_selectors import ProgramFilter, program_api_list, program_budget
from programs.api_selectors import eligibility_check as check_eligibility
from programs.models import Program, ProgramBudget
from programs.permissions import can_create_program, can_manage_program, can_read_budget, programs_visible_to
from programs.rules import Profile
from programs.selectors import budget_entries, program_detail
from programs.serializers import (
    BudgetSerializer,
    EligibilityCheckResultSerializer,
    EligibilityCheckSerializer,
    ProgramCreateSerializer,
    ProgramSerializer,
    ProgramSettingsSerializer,
    ProgramTransitionSerializer,
)

# The code validator's pattern, but from one character rather than two: a one-character code is never
# stored, so it still ends in a 404, and tests/test_url_access.py's sample path ("1") resolves.
PROGRAM_CODE_REGEX = r"[A-Z0-9][A-Z0-9-]{0,30}"


# ---------------------------------------------------------------- programs


class ProgramViewSet(JsonViewSet):
    """Funding programs: their settings, rules, rounds and the budget ledger's totals."""

    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    lookup_field = "code"
    lookup_value_regex = PROGRAM_CODE_REGEX

    def get_queryset(self) -> QuerySet[Program]:
        return program_api_list(programs_visible_to(self.request.user))

    def visible(self, key: Any) -> Program:
        return get_visible_or_404(programs_visible_to(self.request.user), code=key)

    def present(self, program: Program) -> dict[str, Any]:
        return self._present(program.code)

    def _present(self, code: str) -> dict[str, Any]:
        program = program_detail(programs_visible_to(self.request.user), code=code)
        return ProgramSerializer(program, context=self.get_serializer_context()).data

    def present_eligibility(self, result: Any) -> dict[str, Any]:
        return EligibilityCheckResultSerializer(result).data

    @extend_schema(
        summary="List programs",
        description="Open and closed programs; agency staff also see drafts and archived ones. "
        "`q` searches the name.",
        responses={200: ProgramSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(ProgramSerializer)

    @extend_schema(summary="Read a program", responses={200: ProgramSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, code: str) -> Response:
        try:
            return Response(self._present(code))
        except Program.DoesNotExist as error:
            raise Http404 from error

    @service_action(
        summary="Create a draft program",
        description="Program managers only. The creator becomes one of its managers; a budget above "
        "zero is recorded on the ledger as the opening adjustment.",
        check=user_may(can_create_program),
        body=ProgramCreateSerializer,
        created=True,
        idempotent=True,
        responses={201: ProgramSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Program:
        return services.program_create(
            actor=actor(self.request),
            code=data.pop("code"),
            currency=data.pop("currency"),
            total_budget=data.pop("total_budget"),
            **data,
        )

    @service_action(
        summary="Change a program's settings",
        description="The program's managers only. Status, code, currency and budget have their own "
        "endpoints or cannot change.",
        check=may(can_manage_program),
        body=ProgramSettingsSerializer,
        partial=True,
        responses={200: ProgramSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def partial_update(self, program: Program, data: dict[str, Any]) -> Program:
        services.program_update(actor=actor(self.request), program=program, **data)
        return program

    @service_action(
        summary="Move a program to another status",
        description="draft → open or archived; open → closed; closed → open or archived. Opening needs "
        "a funding round and a budget above zero.",
        detail=True,
        check=may(can_manage_program),
        body=ProgramTransitionSerializer,
        responses={200: ProgramSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def transition(self, program: Program, data: dict[str, Any]) -> Program:
        services.program_transition(actor=actor(self.request), program=program, **data)
        return program

    @extend_schema(
        summary="The program's budget: totals and the 20 most recent ledger entries",
        description="Program managers, finance officers, officials and administrators.",
        responses={200: BudgetSerializer, **error_answers(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def budget(self, request: Request, code: str) -> Response:
        program = self.visible(code)
        require(can_read_budget(request.user))
        try:
            budget = program_budget(program)
        except ProgramBudget.DoesNotExist as error:
            raise Http404 from error
        body = {
            "currency": budget.currency,
            "total": budget.total,
            "committed": budget.committed,
            "disbursed": budget.disbursed,
            "available": budget.available,
            "clawed_back": budget.clawed_back,
            "recent_entries": list(budget_entries(program, limit=20)),
        }
        return Response(BudgetSerializer(body).data)

    @service_action(
        summary="Check a profile against the program's eligibility rules",
        description="Returns pass or fail with one plain-language reason per rule. With a credential, "
        "also the most the program could pay for it and the cap that binds. Amounts already awarded "
        "are not known here (no applications yet), so every cap counts as unused.",
        detail=True,
        url_path="eligibility-check",
        body=EligibilityCheckSerializer,
        with_request=True,
        answer="present_eligibility",
        responses={200: EligibilityCheckResultSerializer, **error_answers(400, 401, 404)},
    )
    def eligibility_check(self, program: Program, data: dict[str, Any]) -> Any:
        credential = data.pop("credential", None)
        return check_eligibility(program, Profile(**data), credential)
