"""The API for a program's setup, under /programs/{program_code}/: funding rounds, caps, eligibility
rules, scoring criteria and the credentials it funds."""

from typing import Any, cast

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import LIST_ERRORS, READ_ERRORS, JsonViewSet, actor, error_answers, require
from core.idempotency import idempotent
from programs import services
from programs.api_selectors import (
    program_cap_rules,
    program_credential_maximum,
    program_eligibility_rules,
    program_funded_credentials,
    program_rounds,
    program_scoring_criteria,
)
from programs.models import (
    CapRule,
    EligibilityRule,
    FundingRound,
    Program,
    ProgramCredential,
    ScoringCriterion,
)
from programs.permissions import can_manage_program, programs_visible_to
from programs.rules import PARAMETER_EXAMPLES
from programs.serializers import (
    CapRuleCreateSerializer,
    CapRuleSerializer,
    EligibilityRuleCreateSerializer,
    EligibilityRuleSerializer,
    FundingRoundSerializer,
    FundingRoundWriteSerializer,
    ProgramCredentialSerializer,
    ProgramCredentialSetSerializer,
    ScoringCriterionCreateSerializer,
    ScoringCriterionSerializer,
)

# ---------------------------------------------------------------- programs: setup


class ProgramChildViewSet(JsonViewSet):
    """Records that belong to one program, under /programs/{program_code}/."""

    def get_program(self) -> Program:
        if not hasattr(self, "_program"):
            self._program = get_visible_or_404(
                programs_visible_to(self.request.user), code=self.kwargs["program_code"]
            )
        return self._program

    def managed_program(self) -> Program:
        """The program, once the caller is shown to manage it (404 before 403)."""
        program = self.get_program()
        require(can_manage_program(self.request.user, program))
        return program

    def child(self, queryset: QuerySet[Any], **lookup: Any) -> Model:
        return get_visible_or_404(queryset, **lookup)

    def paginated(
        self, queryset: QuerySet[Any], serializer_class: type[drf_serializers.Serializer]
    ) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )


class ProgramRoundViewSet(ProgramChildViewSet):
    """Funding rounds of a program, in order of opening."""

    serializer_class = FundingRoundSerializer
    queryset = FundingRound.objects.none()

    @extend_schema(
        summary="List a program's funding rounds",
        responses={200: FundingRoundSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(program_rounds(self.get_program()), FundingRoundSerializer)

    @extend_schema(summary="Read a funding round", responses={200: FundingRoundSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, program_code: str, pk: str) -> Response:
        funding_round = self.child(program_rounds(self.get_program()), pk=pk)
        return Response(FundingRoundSerializer(funding_round).data)

    @extend_schema(
        summary="Add a funding round",
        description="Rounds of a program may not overlap; a round closes after it opens.",
        request=FundingRoundWriteSerializer,
        responses={201: FundingRoundSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    @idempotent
    def create(self, request: Request, program_code: str) -> Response:
        program = self.managed_program()
        serializer = FundingRoundWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        funding_round = services.round_save(
            actor=actor(request), program=program, **serializer.validated_data
        )
        return Response(FundingRoundSerializer(funding_round).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a funding round",
        request=FundingRoundWriteSerializer,
        responses={200: FundingRoundSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, program_code: str, pk: str) -> Response:
        funding_round = cast(FundingRound, self.child(program_rounds(self.get_program()), pk=pk))
        program = self.managed_program()
        serializer = FundingRoundWriteSerializer(funding_round, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        saved = services.round_save(
            actor=actor(request),
            program=program,
            funding_round=funding_round,
            name=changes.get("name", funding_round.name),
            opens_at=changes.get("opens_at", funding_round.opens_at),
            closes_at=changes.get("closes_at", funding_round.closes_at),
            budget_share=changes.get("budget_share", funding_round.budget_share),
        )
        return Response(FundingRoundSerializer(saved).data)


class ProgramCapViewSet(ProgramChildViewSet):
    """Cap rules: the most the program pays at each scope."""

    serializer_class = CapRuleSerializer
    queryset = CapRule.objects.none()

    @extend_schema(
        summary="List a program's cap rules", responses={200: CapRuleSerializer(many=True), **LIST_ERRORS}
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(program_cap_rules(self.get_program()), CapRuleSerializer)

    @extend_schema(
        summary="Add a cap rule",
        request=CapRuleCreateSerializer,
        responses={201: CapRuleSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    @idempotent
    def create(self, request: Request, program_code: str) -> Response:
        program = self.managed_program()
        serializer = CapRuleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.cap_rule_add(actor=actor(request), program=program, **serializer.validated_data)
        return Response(CapRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a cap rule", responses={204: None, **error_answers(401, 403, 404, 409)})
    def destroy(self, request: Request, program_code: str, pk: str) -> Response:
        rule = cast(CapRule, self.child(program_cap_rules(self.get_program()), pk=pk))
        self.managed_program()
        services.cap_rule_remove(actor=actor(request), rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


RULE_EXAMPLES = [
    OpenApiExample(kind, value={"kind": kind, "parameters": parameters}, request_only=True)
    for kind, parameters in PARAMETER_EXAMPLES.items()
]


class ProgramEligibilityRuleViewSet(ProgramChildViewSet):
    """Eligibility rules: typed conditions with validated parameters."""

    serializer_class = EligibilityRuleSerializer
    queryset = EligibilityRule.objects.none()

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if "program_code" in self.kwargs:
            context["currency"] = self.get_program().currency
        return context

    @extend_schema(
        summary="List a program's eligibility rules",
        responses={200: EligibilityRuleSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(program_eligibility_rules(self.get_program()), EligibilityRuleSerializer)

    @extend_schema(
        summary="Add an eligibility rule",
        description="Each kind takes its own parameters (see the examples); unknown or missing "
        "parameters are refused with a message.",
        request=EligibilityRuleCreateSerializer,
        responses={201: EligibilityRuleSerializer, **error_answers(400, 401, 403, 404, 409)},
        examples=RULE_EXAMPLES,
    )
    @idempotent
    def create(self, request: Request, program_code: str) -> Response:
        program = self.managed_program()
        serializer = EligibilityRuleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.eligibility_rule_add(
            actor=actor(request), program=program, **serializer.validated_data
        )
        return Response(
            EligibilityRuleSerializer(rule, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Remove an eligibility rule", responses={204: None, **error_answers(401, 403, 404, 409)}
    )
    def destroy(self, request: Request, program_code: str, pk: str) -> Response:
        rule = cast(EligibilityRule, self.child(program_eligibility_rules(self.get_program()), pk=pk))
        self.managed_program()
        services.eligibility_rule_remove(actor=actor(request), rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgramCriterionViewSet(ProgramChildViewSet):
    """Scoring criteria reviewers use for scored programs."""

    serializer_class = ScoringCriterionSerializer
    queryset = ScoringCriterion.objects.none()

    @extend_schema(
        summary="List a program's scoring criteria",
        responses={200: ScoringCriterionSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(program_scoring_criteria(self.get_program()), ScoringCriterionSerializer)

    @extend_schema(
        summary="Add a scoring criterion",
        request=ScoringCriterionCreateSerializer,
        responses={201: ScoringCriterionSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    @idempotent
    def create(self, request: Request, program_code: str) -> Response:
        program = self.managed_program()
        serializer = ScoringCriterionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        criterion = services.scoring_criterion_add(
            actor=actor(request), program=program, **serializer.validated_data
        )
        return Response(ScoringCriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a scoring criterion", responses={204: None, **error_answers(401, 403, 404, 409)}
    )
    def destroy(self, request: Request, program_code: str, pk: str) -> Response:
        criterion = cast(ScoringCriterion, self.child(program_scoring_criteria(self.get_program()), pk=pk))
        self.managed_program()
        services.scoring_criterion_remove(actor=actor(request), criterion=criterion)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgramCredentialViewSet(ProgramChildViewSet):
    """The credentials a program funds, each with an optional maximum."""

    serializer_class = ProgramCredentialSerializer
    queryset = ProgramCredential.objects.none()
    lookup_field = "credential_id"
    lookup_url_kwarg = "credential_id"

    @extend_schema(
        summary="List the credentials a program funds",
        responses={200: ProgramCredentialSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(program_funded_credentials(self.get_program()), ProgramCredentialSerializer)

    @extend_schema(
        summary="Fund a credential, or change its maximum",
        description="201 when the credential is newly listed, 200 when its maximum changed.",
        request=ProgramCredentialSetSerializer,
        responses={
            201: ProgramCredentialSerializer,
            200: ProgramCredentialSerializer,
            **error_answers(400, 401, 403, 404, 409),
        },
    )
    @idempotent
    def create(self, request: Request, program_code: str) -> Response:
        program = self.managed_program()
        serializer = ProgramCredentialSetSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        credential = serializer.validated_data["credential"]
        already_listed, _maximum = program_credential_maximum(program, credential)
        services.program_credential_set(
            actor=actor(request),
            program=program,
            credential=credential,
            maximum_amount=serializer.validated_data.get("maximum_amount"),
        )
        link = program_funded_credentials(program).get(credential=credential)
        return Response(
            ProgramCredentialSerializer(link).data,
            status=status.HTTP_200_OK if already_listed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Stop funding a credential", responses={204: None, **error_answers(401, 403, 404, 409)}
    )
    def destroy(self, request: Request, program_code: str, credential_id: str) -> Response:
        link = cast(
            ProgramCredential,
            self.child(program_funded_credentials(self.get_program()), credential_id=credential_id),
        )
        program = self.managed_program()
        services.program_credential_remove(actor=actor(request), program=program, credential=link.credential)
        return Response(status=status.HTTP_204_NO_CONTENT)
