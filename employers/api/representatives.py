"""The representatives endpoints: an employer's representatives (list, invite, remove) and accepting an
invitation to act for an employer."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import (
    ACTION_ERRORS,
    ID_REGEX,
    LIST_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    may,
    require,
    service_action,
)
from employers import services
from employers.models import Employer, Representative, RepresentativeInvitation
from employers.permissions import can_verify_employers, employers_visible_to, is_active_representative
from employers.serializers import (
    RepresentativeInvitationAcceptSerializer,
    RepresentativeInvitationSerializer,
    RepresentativeInviteSerializer,
    RepresentativeRemoveSerializer,
    RepresentativeSerializer,
)

# ---------------------------------------------------------------- representatives and invitations


def _staff_or_fellow_representative(user: Any, representative: Representative) -> None:
    """Staff remove any representative; a representative those of their own employer."""
    if not can_verify_employers(user):
        require(is_active_representative(user, representative.employer_id))


class RepresentativeViewSet(JsonViewSet):
    """The people who act for an employer, under /employers/{employer_id}/representatives/."""

    serializer_class = RepresentativeSerializer
    queryset = Representative.objects.none()
    lookup_value_regex = ID_REGEX
    filter_backends: list[Any] = []

    def get_employer(self) -> Employer:
        if not hasattr(self, "_employer"):
            self._employer = get_visible_or_404(
                employers_visible_to(self.request.user), pk=self.kwargs["employer_id"]
            )
        return self._employer

    def get_queryset(self) -> QuerySet[Representative]:
        return (
            Representative.objects.filter(employer=self.get_employer())
            .select_related("user", "added_by")
            .order_by("added_at", "id")
        )

    def target(self) -> Any:
        """The representative in the path; an invitation's employer."""
        return super().target() if "pk" in self.kwargs else self.get_employer()

    def present(self, representative: Representative) -> dict[str, Any]:
        return RepresentativeSerializer(self.get_queryset().get(pk=representative.pk)).data

    def present_invitation(self, invitation: RepresentativeInvitation) -> dict[str, Any]:
        return RepresentativeInvitationSerializer(invitation).data

    @extend_schema(
        summary="List an employer's representatives",
        description="Current and former (with when and why they were removed). The employer's "
        "representatives, program managers and administrators.",
        responses={200: RepresentativeSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, employer_id: str) -> Response:
        return self.paginated(self.get_queryset(), RepresentativeSerializer)

    @service_action(
        summary="Invite a colleague to act for the employer",
        description="The employer's representatives. An email with a link goes to the address; the "
        "colleague accepts it at /api/v1/employer-invitations/accept/ (or on the web page) within 7 days, "
        "signed in with that address.",
        check=may(is_active_representative),
        body=RepresentativeInviteSerializer,
        created=True,
        idempotent=True,
        answer="present_invitation",
        responses={201: RepresentativeInvitationSerializer, **ACTION_ERRORS},
    )
    def create(self, employer: Employer, data: dict[str, Any]) -> RepresentativeInvitation:
        return services.representative_invite(actor=actor(self.request), employer=employer, **data)

    @service_action(
        summary="Remove a representative",
        description="The employer's representatives (or program managers and administrators), with a "
        "reason kept on record. The last representative cannot be removed.",
        detail=True,
        check=_staff_or_fellow_representative,
        body=RepresentativeRemoveSerializer,
        responses={200: RepresentativeSerializer, **ACTION_ERRORS},
    )
    def remove(self, representative: Representative, data: dict[str, Any]) -> Representative:
        services.representative_remove(actor=actor(self.request), representative=representative, **data)
        return representative


class EmployerInvitationViewSet(JsonViewSet):
    """Accepting an invitation to act for an employer."""

    serializer_class = RepresentativeInvitationAcceptSerializer
    queryset = Representative.objects.none()
    filter_backends: list[Any] = []
    pagination_class = None

    @service_action(
        summary="Accept an invitation to act for an employer",
        description="Signed in with the invited email address, within 7 days, once. Returns the new "
        "representative record (its employer is then in your /api/v1/employers/).",
        detail=False,
        body=RepresentativeInvitationAcceptSerializer,
        created=True,
        responses={201: RepresentativeSerializer, **error_answers(400, 401, 403, 409)},
    )
    def accept(self, _none: None, data: dict[str, Any]) -> Representative:
        return services.invitation_accept(actor=actor(self.request), **data)

    def present(self, representative: Representative) -> dict[str, Any]:
        return RepresentativeSerializer(representative).data
