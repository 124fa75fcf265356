"""Open Badges issuers registered for a training provider: /api/v1/providers/{provider_id}/badge-issuers/.

Program managers (who keep the catalog) list, register and revoke them; everyone else signed in gets a
403. A badge verifies only if its issuer is registered (and not revoked) for the credential's provider.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404, is_signed_in
from core.api import ID_REGEX, JsonViewSet, actor, error_answers, require, service_action
from core.serializers import ModelSerializer, Serializer, Text
from programs import services
from programs.models import BadgeIssuer, TrainingProvider
from programs.permissions import can_manage_catalog


class _Person(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class BadgeIssuerSerializer(ModelSerializer):
    provider = serializers.IntegerField(source="provider_id", read_only=True)
    public_keys = serializers.ListField(child=serializers.DictField(), read_only=True)
    is_active = serializers.SerializerMethodField()
    added_by = _Person(read_only=True)
    revoked_by = _Person(read_only=True, allow_null=True)

    class Meta:
        model = BadgeIssuer
        fields = [
            "id",
            "provider",
            "issuer_id",
            "public_keys",
            "is_active",
            "added_by",
            "created_at",
            "revoked_by",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_is_active(self, issuer: BadgeIssuer) -> bool:
        return issuer.revoked_at is None


class BadgeIssuerRegisterSerializer(Serializer):
    issuer_id = Text(
        max_length=500, help_text=_("The issuer's DID (did:key, did:jwk, did:web...) or https URL.")
    )
    public_keys = serializers.ListField(
        child=serializers.DictField(),
        max_length=10,
        required=False,
        default=list,
        help_text=_("Public JWKs (Ed25519 “OKP” or P-256 “EC”, without “d”); none for did:key and did:jwk."),
    )


class BadgeIssuerViewSet(JsonViewSet):
    """The Open Badges issuers trusted for one training provider."""

    serializer_class = BadgeIssuerSerializer
    queryset = BadgeIssuer.objects.none()
    filter_backends: list[Any] = []
    lookup_value_regex = ID_REGEX

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if is_signed_in(request.user):
            require(can_manage_catalog(request.user))

    def _provider(self) -> TrainingProvider:
        return get_visible_or_404(TrainingProvider.objects.all(), pk=self.kwargs["provider_id"])

    def get_queryset(self) -> QuerySet[BadgeIssuer]:
        return (
            BadgeIssuer.objects.filter(provider_id=self.kwargs.get("provider_id"))
            .select_related("added_by", "revoked_by")
            .order_by("issuer_id", "id")
        )

    def target(self) -> Any:
        """The registration in the path; a new one's provider."""
        return super().target() if "pk" in self.kwargs else self._provider()

    def present(self, issuer: BadgeIssuer) -> dict[str, Any]:
        return BadgeIssuerSerializer(self.get_queryset().get(pk=issuer.pk)).data

    @extend_schema(
        summary="List a provider's badge issuers",
        description="Program managers. Revoked registrations stay, with when and by whom.",
        responses={200: BadgeIssuerSerializer(many=True), **error_answers(401, 403, 404)},
    )
    def list(self, request: Request, provider_id: str) -> Response:
        self._provider()
        return self.paginated(self.get_queryset(), BadgeIssuerSerializer)

    @extend_schema(
        summary="Read a badge issuer registration",
        responses={200: BadgeIssuerSerializer, **error_answers(401, 403, 404)},
    )
    def retrieve(self, request: Request, provider_id: str, pk: str) -> Response:
        return Response(BadgeIssuerSerializer(self.visible(pk)).data)

    @service_action(
        summary="Register a badge issuer for the provider",
        description="Program managers. An issuer id starting with did: or https://, and its public keys "
        "(did:key and did:jwk carry their own). An issuer already registered and not revoked is refused.",
        body=BadgeIssuerRegisterSerializer,
        created=True,
        idempotent=True,
        responses={201: BadgeIssuerSerializer, **error_answers(400, 401, 403, 404)},
    )
    def create(self, provider: TrainingProvider, data: dict[str, Any]) -> BadgeIssuer:
        return services.badge_issuer_register(actor=actor(self.request), provider=provider, **data)

    @service_action(
        summary="Stop trusting a badge issuer",
        description="Program managers. Badges from it no longer verify; the registration stays. Revoking "
        "again changes nothing.",
        detail=True,
        responses={200: BadgeIssuerSerializer, **error_answers(401, 403, 404)},
    )
    def revoke(self, issuer: BadgeIssuer, _data: dict[str, Any]) -> BadgeIssuer:
        services.badge_issuer_revoke(actor=actor(self.request), issuer=issuer)
        return issuer
