from collections.abc import Callable
from typing import cast

import django_filters
from django.contrib.auth import user_logged_in
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.auth import security_log, sign_in_check
from accounts.models import RoleChange, User
from accounts.permissions import get_visible_or_404, role_required, users_visible_to
from accounts.roles import Role
from accounts.serializers import (
    ProfileUpdateSerializer,
    RoleChangeRequestSerializer,
    RoleChangeSerializer,
    StaffUserCreateSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from core.api import AnswerInsideTheWrite
from core.filters import StrictBooleanFilter, StrictFilterBackend
from core.idempotency import idempotent


class TokenView(APIView):
    """Exchange an email and password for an API token, or revoke the token in use."""

    throttle_scope = "token"

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong email or password, or email not yet confirmed."),
            429: OpenApiResponse(description="Too many failed attempts: locked out for a while."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # axes reads and marks the Django request, not DRF's wrapper.
        django_request = request._request
        user = sign_in_check(
            django_request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return Response(
                {"detail": "Too many failed sign-in attempts. Try again later or reset your password."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["The email address or password is not right."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not user.is_email_verified:
            return Response(
                {"non_field_errors": ["Confirm your email address first: follow the link we sent you."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=type(user), request=django_request, user=user)
        security_log.info("api-token-issued user=%s", user.pk)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=cast(User, request.user)).delete()
        security_log.info("api-token-revoked user=%s", request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(AnswerInsideTheWrite, APIView):
    """The signed-in user's own account."""

    @extend_schema(responses=UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=ProfileUpdateSerializer, responses={200: UserSerializer, 400: OpenApiResponse()})
    def patch(self, request: Request) -> Response:
        user = cast(User, request.user)
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {
            "full_name": user.full_name,
            "phone": user.phone,
            "preferred_language": user.preferred_language,
            **serializer.validated_data,
        }
        user = services.user_profile_update(user=user, **changes)
        return Response(UserSerializer(user).data)


class UserFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(max_length=254, label="Email address, exactly")
    email__icontains = django_filters.CharFilter(
        field_name="email", lookup_expr="icontains", max_length=254, label="Email address contains"
    )
    is_active = StrictBooleanFilter(label="Active (true) or deactivated (false)")
    groups__name = django_filters.ChoiceFilter(
        field_name="groups__name", choices=Role.choices, label="Has this role"
    )

    class Meta:
        model = User
        fields = ["email", "email__icontains", "is_active", "groups__name"]


class UserViewSet(
    AnswerInsideTheWrite, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Accounts, for administrators: list, read, create staff accounts, grant and revoke roles."""

    serializer_class = UserSerializer
    permission_classes = [role_required(Role.ADMINISTRATOR)]
    filter_backends = [StrictFilterBackend]
    filterset_class = UserFilter

    def get_queryset(self) -> QuerySet[User]:
        return users_visible_to(self.request.user).prefetch_related("groups").order_by("email")

    def get_object(self) -> User:
        return get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=StaffUserCreateSerializer, responses={201: UserSerializer, 400: OpenApiResponse()})
    @idempotent
    def create(self, request: Request) -> Response:
        serializer = StaffUserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.staff_user_create(actor=cast(User, request.user), **serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RoleChangeRequestSerializer, responses={200: UserSerializer, 400: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"], url_path="roles/grant")
    def grant_role(self, request: Request, pk: str) -> Response:
        return self._change_role(request, services.role_grant)

    @extend_schema(
        request=RoleChangeRequestSerializer, responses={200: UserSerializer, 400: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"], url_path="roles/revoke")
    def revoke_role(self, request: Request, pk: str) -> Response:
        return self._change_role(request, services.role_revoke)

    @extend_schema(responses=RoleChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="role-changes", filter_backends=[])
    def role_changes(self, request: Request, pk: str) -> Response:
        user = self.get_object()
        changes = RoleChange.objects.filter(user=user).select_related("actor")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(RoleChangeSerializer(page, many=True).data)

    def _change_role(self, request: Request, service: Callable[..., bool]) -> Response:
        user = self.get_object()
        serializer = RoleChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(actor=cast(User, request.user), user=user, **serializer.validated_data)
        user = self.get_queryset().get(pk=user.pk)
        return Response(UserSerializer(user).data)
