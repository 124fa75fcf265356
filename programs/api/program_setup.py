"""The API for a program's setup, under /programs/{program_code}/: funding rounds, caps, eligibility
rules, scoring criteria and the credentials it funds."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import LIST_ERRORS, READ_ERRORS, JsonViewSet, actor, error_answers, require, service_action
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

    def records(self) -> QuerySet[Any]:
        """This program's records of the viewset's kind."""
        raise NotImplementedError

    def visible(self, key: Any) -> Any:
        return get_visible_or_404(self.records(), **{self.lookup_field: key})

    def target(self) -> Any:
        """What a write acts on: the record in the path, or for a new one the program; either only
        once the caller is shown to manage the program (404 before 403)."""
        record = super().target()
        program = self.managed_program()
        return program if record is None else record

    def paginated(self, queryset: Any, serializer_class: Any, **options: Any) -> Response:
        """A page shown with the serializer context (an eligibility rule's currency)."""
        return super().paginated(queryset, serializer_class, context=self.get_serializer_context(), **options)


class ProgramRoundViewSet(ProgramChildViewSet):
    """Funding rounds of a program, in order of opening."""

    serializer_class = FundingRoundSerializer
    queryset = FundingRound.objects.none()

    def records(self) -> QuerySet[FundingRound]:
        return program_rounds(self.get_program())

    def present(self, funding_round: FundingRound) -> dict[str, Any]:
        return FundingRoundSerializer(funding_round).data

    @extend_schema(
        summary="List a program's funding rounds",
        responses={200: FundingRoundSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(self.records(), FundingRoundSerializer)

    @extend_schema(summary="Read a funding round", responses={200: FundingRoundSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, program_code: str, pk: str) -> Response:
        return Response(self.present(self.visible(pk)))

    @service_action(
        summary="Add a funding round",
        description="Rounds of a program may not overlap; a round closes after it opens.",
        body=FundingRoundWriteSerializer,
        created=True,
        idempotent=True,
        responses={201: FundingRoundSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def create(self, program: Program, data: dict[str, Any]) -> FundingRound:
        return services.round_save(actor=actor(self.request), program=program, **data)

    @service_action(
        summary="Change a funding round",
        body=FundingRoundWriteSerializer,
        partial=True,
        bound=True,
        responses={200: FundingRoundSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def partial_update(self, funding_round: FundingRound, changes: dict[str, Any]) -> FundingRound:
        return services.round_save(
            actor=actor(self.request),
            program=self.get_program(),
            funding_round=funding_round,
            name=changes.get("name", funding_round.name),
            opens_at=changes.get("opens_at", funding_round.opens_at),
            closes_at=changes.get("closes_at", funding_round.closes_at),
            budget_share=changes.get("budget_share", funding_round.budget_share),
        )


class ProgramCapViewSet(ProgramChildViewSet):
    """Cap rules: the most the program pays at each scope."""

    serializer_class = CapRuleSerializer
    queryset = CapRule.objects.none()

    def records(self) -> QuerySet[CapRule]:
        return program_cap_rules(self.get_program())

    def present(self, rule: CapRule) -> dict[str, Any]:
        return CapRuleSerializer(rule).data

    @extend_schema(
        summary="List a program's cap rules", responses={200: CapRuleSerializer(many=True), **LIST_ERRORS}
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(self.records(), CapRuleSerializer)

    @service_action(
        summary="Add a cap rule",
        body=CapRuleCreateSerializer,
        created=True,
        idempotent=True,
        responses={201: CapRuleSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def create(self, program: Program, data: dict[str, Any]) -> CapRule:
        return services.cap_rule_add(actor=actor(self.request), program=program, **data)

    @service_action(
        summary="Remove a cap rule", answer=None, responses={204: None, **error_answers(401, 403, 404, 409)}
    )
    def destroy(self, rule: CapRule, _data: dict[str, Any]) -> None:
        services.cap_rule_remove(actor=actor(self.request), rule=rule)


RULE_EXAMPLES = [
    OpenApiExample(kind, value={"kind": kind, "parameters": parameters}, request_only=True)
    for kind, parameters in PARAMETER_EXAMPLES.items()
]


class ProgramEligibilityRuleViewSet(ProgramChildViewSet):
    """Eligibility rules: typed conditions with validated parameters."""

    serializer_class = EligibilityRuleSerializer
    queryset = EligibilityRule.objects.none()

    def records(self) -> QuerySet[EligibilityRule]:
        return program_eligibility_rules(self.get_program())

    def present(self, rule: EligibilityRule) -> dict[str, Any]:
        return EligibilityRuleSerializer(rule, context=self.get_serializer_context()).data

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
        return self.paginated(self.records(), EligibilityRuleSerializer)

    @service_action(
        summary="Add an eligibility rule",
        description="Each kind takes its own parameters (see the examples); unknown or missing "
        "parameters are refused with a message.",
        body=EligibilityRuleCreateSerializer,
        created=True,
        idempotent=True,
        responses={201: EligibilityRuleSerializer, **error_answers(400, 401, 403, 404, 409)},
        examples=RULE_EXAMPLES,
    )
    def create(self, program: Program, data: dict[str, Any]) -> EligibilityRule:
        return services.eligibility_rule_add(actor=actor(self.request), program=program, **data)

    @service_action(
        summary="Remove an eligibility rule",
        answer=None,
        responses={204: None, **error_answers(401, 403, 404, 409)},
    )
    def destroy(self, rule: EligibilityRule, _data: dict[str, Any]) -> None:
        services.eligibility_rule_remove(actor=actor(self.request), rule=rule)


class ProgramCriterionViewSet(ProgramChildViewSet):
    """Scoring criteria reviewers use for scored programs."""

    serializer_class = ScoringCriterionSerializer
    queryset = ScoringCriterion.objects.none()

    def records(self) -> QuerySet[ScoringCriterion]:
        return program_scoring_criteria(self.get_program())

    def present(self, criterion: ScoringCriterion) -> dict[str, Any]:
        return ScoringCriterionSerializer(criterion).data

    @extend_schema(
        summary="List a program's scoring criteria",
        responses={200: ScoringCriterionSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(self.records(), ScoringCriterionSerializer)

    @service_action(
        summary="Add a scoring criterion",
        body=ScoringCriterionCreateSerializer,
        created=True,
        idempotent=True,
        responses={201: ScoringCriterionSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def create(self, program: Program, data: dict[str, Any]) -> ScoringCriterion:
        return services.scoring_criterion_add(actor=actor(self.request), program=program, **data)

    @service_action(
        summary="Remove a scoring criterion",
        answer=None,
        responses={204: None, **error_answers(401, 403, 404, 409)},
    )
    def destroy(self, criterion: ScoringCriterion, _data: dict[str, Any]) -> None:
        services.scoring_criterion_remove(actor=actor(self.request), criterion=criterion)


class ProgramCredentialViewSet(ProgramChildViewSet):
    """The credentials a program funds, each with an optional maximum."""

    serializer_class = ProgramCredentialSerializer
    queryset = ProgramCredential.objects.none()
    lookup_field = "credential_id"
    lookup_url_kwarg = "credential_id"

    def records(self) -> QuerySet[ProgramCredential]:
        return program_funded_credentials(self.get_program())

    @extend_schema(
        summary="List the credentials a program funds",
        responses={200: ProgramCredentialSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, program_code: str) -> Response:
        return self.paginated(self.records(), ProgramCredentialSerializer)

    @service_action(
        summary="Fund a credential, or change its maximum",
        description="201 when the credential is newly listed, 200 when its maximum changed.",
        body=ProgramCredentialSetSerializer,
        with_request=True,
        idempotent=True,
        responses={
            201: ProgramCredentialSerializer,
            200: ProgramCredentialSerializer,
            **error_answers(400, 401, 403, 404, 409),
        },
    )
    def create(self, program: Program, data: dict[str, Any]) -> Response:
        credential = data["credential"]
        already_listed, _maximum = program_credential_maximum(program, credential)
        services.program_credential_set(
            actor=actor(self.request),
            program=program,
            credential=credential,
            maximum_amount=data.get("maximum_amount"),
        )
        link = program_funded_credentials(program).get(credential=credential)
        return Response(
            ProgramCredentialSerializer(link).data,
            status=status.HTTP_200_OK if already_listed else status.HTTP_201_CREATED,
        )

    @service_action(
        summary="Stop funding a credential",
        answer=None,
        responses={204: None, **error_answers(401, 403, 404, 409)},
    )
    def destroy(self, link: ProgramCredential, _data: dict[str, Any]) -> None:
        services.program_credential_remove(
            actor=actor(self.request), program=self.get_program(), credential=link.credential
        )
