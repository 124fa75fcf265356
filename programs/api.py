"""The programs and catalog API. Thin: serializers parse, services write, selectors read.

Order of refusals, everywhere: something the caller may not see is a 404; something they may see but
not change is a 403 (checked before the input, so a refused request learns nothing from validation);
bad input is a 400 with field errors; a state that forbids the change is a 409.
"""

from typing import Any, cast

from django.db.models import Model, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import (
    LIST_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    boolean_parameter,
    error_answers,
    require,
)
from core.idempotency import idempotent
from programs import services
from programs.api_selectors import (
    CredentialRequestFilter,
    ProgramFilter,
    ProviderFilter,
    SkillFilter,
    credential_requests_for_api,
    credentials_visible_to,
    program_api_list,
    program_budget,
    program_cap_rules,
    program_credential_maximum,
    program_eligibility_rules,
    program_funded_credentials,
    program_rounds,
    program_scoring_criteria,
    providers_for_api,
    skills_for_api,
)
from programs.api_selectors import (
    eligibility_check as check_eligibility,
)
from programs.models import (
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    Program,
    ProgramBudget,
    ProgramCredential,
    ScoringCriterion,
    Skill,
    TrainingProvider,
)
from programs.permissions import (
    can_create_program,
    can_manage_catalog,
    can_manage_program,
    can_read_budget,
    can_request_credential,
    programs_visible_to,
)
from programs.rules import PARAMETER_EXAMPLES, Profile
from programs.selectors import (
    CredentialFilter,
    budget_entries,
    catalog_credentials,
    credential_detail,
    program_detail,
)
from programs.serializers import (
    BudgetSerializer,
    CapRuleCreateSerializer,
    CapRuleSerializer,
    CredentialDetailSerializer,
    CredentialRequestApproveSerializer,
    CredentialRequestCreateSerializer,
    CredentialRequestDeclineSerializer,
    CredentialRequestSerializer,
    CredentialSerializer,
    CredentialWriteSerializer,
    EligibilityCheckResultSerializer,
    EligibilityCheckSerializer,
    EligibilityRuleCreateSerializer,
    EligibilityRuleSerializer,
    FundingRoundSerializer,
    FundingRoundWriteSerializer,
    ProgramCreateSerializer,
    ProgramCredentialSerializer,
    ProgramCredentialSetSerializer,
    ProgramSerializer,
    ProgramSettingsSerializer,
    ProgramTransitionSerializer,
    ProviderSerializer,
    ProviderWriteSerializer,
    ScoringCriterionCreateSerializer,
    ScoringCriterionSerializer,
    SkillSerializer,
    SkillWriteSerializer,
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

    def _visible(self) -> Program:
        return get_visible_or_404(programs_visible_to(self.request.user), code=self.kwargs["code"])

    def _present(self, code: str) -> dict[str, Any]:
        program = program_detail(programs_visible_to(self.request.user), code=code)
        return ProgramSerializer(program, context=self.get_serializer_context()).data

    @extend_schema(
        summary="List programs",
        description="Open and closed programs; agency staff also see drafts and archived ones. "
        "`q` searches the name.",
        responses={200: ProgramSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProgramSerializer(page, many=True).data)

    @extend_schema(summary="Read a program", responses={200: ProgramSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, code: str) -> Response:
        try:
            return Response(self._present(code))
        except Program.DoesNotExist as error:
            raise Http404 from error

    @extend_schema(
        summary="Create a draft program",
        description="Program managers only. The creator becomes one of its managers; a budget above "
        "zero is recorded on the ledger as the opening adjustment.",
        request=ProgramCreateSerializer,
        responses={201: ProgramSerializer, **error_answers(400, 401, 403)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_create_program(request.user))
        data = self.valid_body(ProgramCreateSerializer)
        fields = dict(data)
        program = services.program_create(
            actor=actor(request),
            code=fields.pop("code"),
            currency=fields.pop("currency"),
            total_budget=fields.pop("total_budget"),
            **fields,
        )
        return Response(self._present(program.code), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a program's settings",
        description="The program's managers only. Status, code, currency and budget have their own "
        "endpoints or cannot change.",
        request=ProgramSettingsSerializer,
        responses={200: ProgramSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, code: str) -> Response:
        program = self._visible()
        require(can_manage_program(request.user, program))
        data = self.valid_body(ProgramSettingsSerializer, partial=True)
        services.program_update(actor=actor(request), program=program, **data)
        return Response(self._present(program.code))

    @extend_schema(
        summary="Move a program to another status",
        description="draft → open or archived; open → closed; closed → open or archived. Opening needs "
        "a funding round and a budget above zero.",
        request=ProgramTransitionSerializer,
        responses={200: ProgramSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, code: str) -> Response:
        program = self._visible()
        require(can_manage_program(request.user, program))
        data = self.valid_body(ProgramTransitionSerializer)
        services.program_transition(actor=actor(request), program=program, **data)
        return Response(self._present(program.code))

    @extend_schema(
        summary="The program's budget: totals and the 20 most recent ledger entries",
        description="Program managers, finance officers, officials and administrators.",
        responses={200: BudgetSerializer, **error_answers(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def budget(self, request: Request, code: str) -> Response:
        program = self._visible()
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

    @extend_schema(
        summary="Check a profile against the program's eligibility rules",
        description="Returns pass or fail with one plain-language reason per rule. With a credential, "
        "also the most the program could pay for it and the cap that binds. Amounts already awarded "
        "are not known here (no applications yet), so every cap counts as unused.",
        request=EligibilityCheckSerializer,
        responses={200: EligibilityCheckResultSerializer, **error_answers(400, 401, 404)},
    )
    @action(detail=True, methods=["post"], url_path="eligibility-check")
    def eligibility_check(self, request: Request, code: str) -> Response:
        program = self._visible()
        serializer = EligibilityCheckSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        credential = data.pop("credential", None)
        profile = Profile(**data)
        result = check_eligibility(program, profile, credential)
        return Response(EligibilityCheckResultSerializer(result).data)


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


# ---------------------------------------------------------------- catalog


class CredentialViewSet(JsonViewSet):
    """The credential catalog, with the same filters as the public catalog pages."""

    serializer_class = CredentialSerializer
    filterset_class = CredentialFilter
    queryset = Credential.objects.none()

    def get_queryset(self) -> QuerySet[Credential]:
        include_unlisted = boolean_parameter(self.request, "include_unlisted") and bool(
            can_manage_catalog(self.request.user)
        )
        return catalog_credentials(listed_only=not include_unlisted)

    def _visible(self, pk: str) -> Credential:
        return get_visible_or_404(credentials_visible_to(self.request.user), pk=pk)

    def _present(self, pk: Any) -> dict[str, Any]:
        try:
            credential = credential_detail(pk=pk, listed_only=not can_manage_catalog(self.request.user))
        except (Credential.DoesNotExist, ValueError, TypeError) as error:
            raise Http404 from error
        return CredentialDetailSerializer(credential).data

    @extend_schema(
        summary="Search the credential catalog",
        parameters=[
            OpenApiParameter(
                "include_unlisted",
                OpenApiTypes.BOOL,
                description="Program managers only: include credentials not shown in the public catalog. "
                "Ignored for everyone else.",
            )
        ],
        responses={200: CredentialSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CredentialSerializer(page, many=True).data)

    @extend_schema(summary="Read a credential", responses={200: CredentialDetailSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @extend_schema(
        summary="Add a credential to the catalog",
        description="Program managers only.",
        request=CredentialWriteSerializer,
        responses={201: CredentialDetailSerializer, **error_answers(400, 401, 403)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_manage_catalog(request.user))
        data = self.valid_body(CredentialWriteSerializer)
        credential = services.credential_save(actor=actor(request), **data)
        return Response(self._present(credential.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a catalog credential",
        description="Program managers only. Occupation codes and skills, when given, replace the old ones.",
        request=CredentialWriteSerializer,
        responses={200: CredentialDetailSerializer, **error_answers(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        credential = self._visible(pk)
        require(can_manage_catalog(request.user))
        data = self.valid_body(CredentialWriteSerializer, partial=True)
        services.credential_save(actor=actor(request), credential=credential, **data)
        return Response(self._present(credential.pk))


class ProviderViewSet(JsonViewSet):
    """Training providers and their dates on the eligible-provider list."""

    serializer_class = ProviderSerializer
    filterset_class = ProviderFilter
    queryset = TrainingProvider.objects.none()

    def get_queryset(self) -> QuerySet[TrainingProvider]:
        return providers_for_api()

    @extend_schema(
        summary="List training providers", responses={200: ProviderSerializer(many=True), **LIST_ERRORS}
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProviderSerializer(page, many=True).data)

    @extend_schema(summary="Read a training provider", responses={200: ProviderSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProviderSerializer(get_visible_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(
        summary="Add a training provider",
        description="Program managers only.",
        request=ProviderWriteSerializer,
        responses={201: ProviderSerializer, **error_answers(400, 401, 403)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_manage_catalog(request.user))
        serializer = ProviderWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        provider = services.provider_save(actor=actor(request), **serializer.validated_data)
        return Response(ProviderSerializer(provider).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a training provider",
        description="Program managers only.",
        request=ProviderWriteSerializer,
        responses={200: ProviderSerializer, **error_answers(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        provider = cast(TrainingProvider, get_visible_or_404(self.get_queryset(), pk=pk))
        require(can_manage_catalog(request.user))
        serializer = ProviderWriteSerializer(provider, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = services.provider_save(actor=actor(request), provider=provider, **serializer.validated_data)
        return Response(ProviderSerializer(saved).data)


class SkillViewSet(JsonViewSet):
    """Skills from named taxonomies, each with its version."""

    serializer_class = SkillSerializer
    filterset_class = SkillFilter
    queryset = Skill.objects.none()

    def get_queryset(self) -> QuerySet[Skill]:
        return skills_for_api()

    @extend_schema(summary="List skills", responses={200: SkillSerializer(many=True), **LIST_ERRORS})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SkillSerializer(page, many=True).data)

    @extend_schema(summary="Read a skill", responses={200: SkillSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(SkillSerializer(get_visible_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(
        summary="Add a skill",
        description="Program managers only. A skill is unique per taxonomy, version and code.",
        request=SkillWriteSerializer,
        responses={201: SkillSerializer, **error_answers(400, 401, 403)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_manage_catalog(request.user))
        serializer = SkillWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        skill = services.skill_save(actor=actor(request), **serializer.validated_data)
        return Response(SkillSerializer(skill).data, status=status.HTTP_201_CREATED)


class CredentialRequestViewSet(JsonViewSet):
    """Requests to fund a credential that is not in the catalog: requesters see their own,
    program managers see and decide all."""

    serializer_class = CredentialRequestSerializer
    filterset_class = CredentialRequestFilter
    queryset = CredentialRequest.objects.none()

    def get_queryset(self) -> QuerySet[CredentialRequest]:
        return credential_requests_for_api(self.request.user)

    def _visible(self, pk: str) -> CredentialRequest:
        return get_visible_or_404(self.get_queryset(), pk=pk)

    def _present(self, pk: Any) -> dict[str, Any]:
        return CredentialRequestSerializer(self._visible(pk)).data

    @extend_schema(
        summary="List credential requests",
        responses={200: CredentialRequestSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CredentialRequestSerializer(page, many=True).data)

    @extend_schema(
        summary="Read a credential request", responses={200: CredentialRequestSerializer, **READ_ERRORS}
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @extend_schema(
        summary="Request a credential that is not listed",
        description="Workers and employer representatives. A syllabus file can be added on the web page.",
        request=CredentialRequestCreateSerializer,
        responses={201: CredentialRequestSerializer, **error_answers(400, 401, 403)},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        require(can_request_credential(request.user))
        serializer = CredentialRequestCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        made = services.credential_request_submit(actor=actor(request), **serializer.validated_data)
        return Response(self._present(made.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a request into the catalog",
        description="Program managers only: point the request at the catalog credential made or found "
        "for it.",
        request=CredentialRequestApproveSerializer,
        responses={200: CredentialRequestSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        credential_request = self._visible(pk)
        require(can_manage_catalog(request.user))
        data = self.valid_body(CredentialRequestApproveSerializer)
        services.credential_request_approve(actor=actor(request), request=credential_request, **data)
        return Response(self._present(credential_request.pk))

    @extend_schema(
        summary="Decline a request",
        description="Program managers only; the requester reads the reason.",
        request=CredentialRequestDeclineSerializer,
        responses={200: CredentialRequestSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        credential_request = self._visible(pk)
        require(can_manage_catalog(request.user))
        data = self.valid_body(CredentialRequestDeclineSerializer)
        services.credential_request_decline(actor=actor(request), request=credential_request, **data)
        return Response(self._present(credential_request.pk))
