"""The credential catalog API: credentials, training providers, skills and credential requests."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
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
    service_action,
    user_may,
)
from programs import services
from programs.api_selectors import (
    CredentialRequestFilter,
    ProviderFilter,
    SkillFilter,
    credential_requests_for_api,
    credentials_visible_to,
    providers_for_api,
    skills_for_api,
)
from programs.models import Credential, CredentialRequest, Skill, TrainingProvider
from programs.permissions import can_manage_catalog, can_request_credential
from programs.selectors import CredentialFilter, catalog_credentials, credential_detail
from programs.serializers import (
    CredentialDetailSerializer,
    CredentialRequestApproveSerializer,
    CredentialRequestCreateSerializer,
    CredentialRequestDeclineSerializer,
    CredentialRequestSerializer,
    CredentialSerializer,
    CredentialWriteSerializer,
    ProviderSerializer,
    ProviderWriteSerializer,
    SkillSerializer,
    SkillWriteSerializer,
)

# ---------------------------------------------------------------- catalog

# The catalog's writes: program managers only (a 403 with the reason for anyone else).
catalog_managers_only = user_may(can_manage_catalog)


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

    def visible(self, key: Any) -> Credential:
        return get_visible_or_404(credentials_visible_to(self.request.user), pk=key)

    def present(self, credential: Credential) -> dict[str, Any]:
        return self._present(credential.pk)

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
        return self.filtered_page(CredentialSerializer)

    @extend_schema(summary="Read a credential", responses={200: CredentialDetailSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._present(pk))

    @service_action(
        summary="Add a credential to the catalog",
        description="Program managers only.",
        check=catalog_managers_only,
        body=CredentialWriteSerializer,
        created=True,
        idempotent=True,
        responses={201: CredentialDetailSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Credential:
        return services.credential_save(actor=actor(self.request), **data)

    @service_action(
        summary="Change a catalog credential",
        description="Program managers only. Occupation codes and skills, when given, replace the old ones.",
        check=catalog_managers_only,
        body=CredentialWriteSerializer,
        partial=True,
        responses={200: CredentialDetailSerializer, **error_answers(400, 401, 403, 404)},
    )
    def partial_update(self, credential: Credential, data: dict[str, Any]) -> Credential:
        services.credential_save(actor=actor(self.request), credential=credential, **data)
        return credential


class ProviderViewSet(JsonViewSet):
    """Training providers and their dates on the eligible-provider list."""

    serializer_class = ProviderSerializer
    filterset_class = ProviderFilter
    queryset = TrainingProvider.objects.none()

    def get_queryset(self) -> QuerySet[TrainingProvider]:
        return providers_for_api()

    def present(self, provider: TrainingProvider) -> dict[str, Any]:
        return ProviderSerializer(provider).data

    @extend_schema(
        summary="List training providers", responses={200: ProviderSerializer(many=True), **LIST_ERRORS}
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(ProviderSerializer)

    @extend_schema(summary="Read a training provider", responses={200: ProviderSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.present(self.visible(pk)))

    @service_action(
        summary="Add a training provider",
        description="Program managers only.",
        check=catalog_managers_only,
        body=ProviderWriteSerializer,
        created=True,
        idempotent=True,
        responses={201: ProviderSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> TrainingProvider:
        return services.provider_save(actor=actor(self.request), **data)

    @service_action(
        summary="Change a training provider",
        description="Program managers only.",
        check=catalog_managers_only,
        body=ProviderWriteSerializer,
        partial=True,
        bound=True,
        responses={200: ProviderSerializer, **error_answers(400, 401, 403, 404)},
    )
    def partial_update(self, provider: TrainingProvider, data: dict[str, Any]) -> TrainingProvider:
        return services.provider_save(actor=actor(self.request), provider=provider, **data)


class SkillViewSet(JsonViewSet):
    """Skills from named taxonomies, each with its version."""

    serializer_class = SkillSerializer
    filterset_class = SkillFilter
    queryset = Skill.objects.none()

    def get_queryset(self) -> QuerySet[Skill]:
        return skills_for_api()

    def present(self, skill: Skill) -> dict[str, Any]:
        return SkillSerializer(skill).data

    @extend_schema(summary="List skills", responses={200: SkillSerializer(many=True), **LIST_ERRORS})
    def list(self, request: Request) -> Response:
        return self.filtered_page(SkillSerializer)

    @extend_schema(summary="Read a skill", responses={200: SkillSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.present(self.visible(pk)))

    @service_action(
        summary="Add a skill",
        description="Program managers only. A skill is unique per taxonomy, version and code.",
        check=catalog_managers_only,
        body=SkillWriteSerializer,
        created=True,
        idempotent=True,
        responses={201: SkillSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Skill:
        return services.skill_save(actor=actor(self.request), **data)


class CredentialRequestViewSet(JsonViewSet):
    """Requests to fund a credential that is not in the catalog: requesters see their own,
    program managers see and decide all."""

    serializer_class = CredentialRequestSerializer
    filterset_class = CredentialRequestFilter
    queryset = CredentialRequest.objects.none()

    def get_queryset(self) -> QuerySet[CredentialRequest]:
        return credential_requests_for_api(self.request.user)

    def present(self, credential_request: CredentialRequest) -> dict[str, Any]:
        return CredentialRequestSerializer(self.visible(credential_request.pk)).data

    @extend_schema(
        summary="List credential requests",
        responses={200: CredentialRequestSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(CredentialRequestSerializer)

    @extend_schema(
        summary="Read a credential request", responses={200: CredentialRequestSerializer, **READ_ERRORS}
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CredentialRequestSerializer(self.visible(pk)).data)

    @service_action(
        summary="Request a credential that is not listed",
        description="Workers and employer representatives. A syllabus file can be added on the web page.",
        check=user_may(can_request_credential),
        body=CredentialRequestCreateSerializer,
        with_request=True,
        created=True,
        idempotent=True,
        responses={201: CredentialRequestSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> CredentialRequest:
        return services.credential_request_submit(actor=actor(self.request), **data)

    @service_action(
        summary="Approve a request into the catalog",
        description="Program managers only: point the request at the catalog credential made or found "
        "for it.",
        detail=True,
        check=catalog_managers_only,
        body=CredentialRequestApproveSerializer,
        responses={200: CredentialRequestSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def approve(self, credential_request: CredentialRequest, data: dict[str, Any]) -> CredentialRequest:
        services.credential_request_approve(actor=actor(self.request), request=credential_request, **data)
        return credential_request

    @service_action(
        summary="Decline a request",
        description="Program managers only; the requester reads the reason.",
        detail=True,
        check=catalog_managers_only,
        body=CredentialRequestDeclineSerializer,
        responses={200: CredentialRequestSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def decline(self, credential_request: CredentialRequest, data: dict[str, Any]) -> CredentialRequest:
        services.credential_request_decline(actor=actor(self.request), request=credential_request, **data)
        return credential_request
