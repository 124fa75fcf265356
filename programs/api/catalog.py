"""The credential catalog API: credentials, training providers, skills and credential requests."""

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import LIST_ERRORS, READ_ERRORS, JsonViewSet, actor, boolean_parameter, error_answers, require
from core.idempotency import idempotent
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
