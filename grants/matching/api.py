"""The matching API: a worker's matching job roles, a role's candidates for its employer's
representatives, invitations to apply, and recorded hires (which become outcomes of funded credentials).

Thin, like grants/applications/api.py: grants/matching/selectors.py ranks and decides who may see candidates,
grants/matching/services.py writes. Order of refusals: a job role of another employer is a 404 (it looks
like one that does not exist); a caller who may not do this is a 403 (checked before the input); bad
input is a 400 with field errors; a state that forbids the action is a 409. Candidates carry their name,
region and verified credentials only: never demographics, contact details or date of birth.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import get_visible_or_404, has_any_role
from accounts.roles import Role
from core.api import (
    ID_REGEX,
    LIST_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    require,
    service_action,
)
from employers.api.common import representatives_only
from employers.models import CandidateInvitation, Hire, JobRole, Representative
from employers.permissions import hires_visible_to, job_roles_visible_to
from grants.matching.forms import NO_SUCH_CANDIDATE
from grants.matching.selectors import can_see_candidates, candidates_for_role, has_opted_in, roles_for_worker
from grants.matching.serializers import (
    CandidateSerializer,
    HireCreateSerializer,
    HireSerializer,
    InvitationSerializer,
    InviteSerializer,
    MatchedRoleSerializer,
    MatchQuerySerializer,
)
from grants.matching.services import candidate_hire_record, candidate_invite
from grants.models import Outcome

HIRE_LIST_ROLES = (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)

MatchSerializer = PolymorphicProxySerializer(
    component_name="Match",
    serializers=[MatchedRoleSerializer, CandidateSerializer],
    resource_type_field_name=None,
    many=True,
)


def _own_role(user: Any, pk: int) -> JobRole:
    """A job role of an employer the caller represents now; a 404 for anyone else's."""
    employers = Representative.objects.filter(user=user, removed_at__isnull=True).values("employer_id")
    return get_visible_or_404(
        job_roles_visible_to(user).filter(employer_id__in=employers).select_related("employer"), pk=pk
    )


def _candidate_role(user: Any, pk: int) -> JobRole:
    """The caller's role whose candidates they may see: 404 for another's, 403 when not allowed yet."""
    role = _own_role(user, pk)
    require(can_see_candidates(user, role))
    return role


def _worker(pk: int) -> User:
    worker = User.objects.filter(pk=pk).first()
    if worker is None:
        raise ValidationError({"worker": NO_SUCH_CANDIDATE})
    return worker


class MatchViewSet(JsonViewSet):
    """Matches between workers' verified skills and pledged employers' open job roles."""

    queryset = JobRole.objects.none()
    serializer_class = MatchedRoleSerializer

    @extend_schema(
        summary="List matches",
        description="For a worker: open job roles of verified employers with an active pledge that need "
        "skills their verified credentials teach, most shared skills first (empty until they agree to be "
        "contacted by employers). For an employer representative, with `job_role`: that role's "
        "candidates, opted-in workers ranked the same way, with their name, region and verified "
        "credentials only. A role of another employer is a 404; an employer not verified or without an "
        "active pledge gets a 403.",
        parameters=[MatchQuerySerializer],
        responses={200: MatchSerializer, **LIST_ERRORS, **error_answers(403)},
    )
    def list(self, request: Request) -> Response:
        if request.query_params.get("job_role", None) == "":
            raise ValidationError({"job_role": _("Give a value, or leave the parameter out.")})
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        role_id = query.validated_data.get("job_role")
        if role_id is not None:
            require(has_any_role(request.user, (Role.EMPLOYER_REPRESENTATIVE,)))
            role = _candidate_role(request.user, role_id)
            return self.paginated(candidates_for_role(role), CandidateSerializer)
        require(has_any_role(request.user, (Role.WORKER,)))
        worker = actor(request)
        rows: Any = roles_for_worker(worker) if has_opted_in(worker) else JobRole.objects.none()
        return self.paginated(rows, MatchedRoleSerializer)

    @service_action(
        summary="Invite a candidate to apply",
        description="A representative of the role's employer (verified, with an active pledge) invites "
        "one of the role's candidates; the worker gets a notice. Inviting the same person twice, or to a "
        "closed role, is a 409.",
        detail=False,
        check=representatives_only,
        body=InviteSerializer,
        created=True,
        idempotent=True,
        responses={201: InvitationSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def invite(self, _none: None, data: dict[str, Any]) -> CandidateInvitation:
        role = _candidate_role(self.request.user, data["job_role"])
        return candidate_invite(
            actor=actor(self.request), job_role=role, worker=_worker(data["worker"]), message=data["message"]
        )

    def present(self, invitation: CandidateInvitation) -> dict[str, Any]:
        return InvitationSerializer(invitation).data


def _hires(user: Any) -> QuerySet[Hire]:
    return (
        hires_visible_to(user)
        .select_related("employer", "job_role", "worker")
        .annotate(outcome_id=Subquery(Outcome.objects.filter(hire=OuterRef("pk")).values("pk")[:1]))
        .order_by("-hired_on", "-pk")
    )


class HireViewSet(JsonViewSet):
    """Hires recorded by employers: they count in the pledge's progress (employer-reported, to be
    verified) and become an outcome of the worker's funded credential."""

    queryset = Hire.objects.none()
    serializer_class = HireSerializer
    lookup_value_regex = ID_REGEX

    @extend_schema(
        summary="List recorded hires",
        description="Representatives: their employers' hires. Program managers and administrators: all. "
        "Anyone else: 403.",
        responses={200: HireSerializer(many=True), **LIST_ERRORS, **error_answers(403)},
    )
    def list(self, request: Request) -> Response:
        require(has_any_role(request.user, HIRE_LIST_ROLES))
        return self.paginated(_hires(request.user), HireSerializer)

    @service_action(
        summary="Record a hire",
        description="A representative of the role's employer (verified, with an active pledge) records "
        "that they hired one of the role's candidates. The answer carries the outcome recorded on the "
        "worker's funded credential (`outcome`, or null). A hire already recorded is a 409.",
        check=representatives_only,
        body=HireCreateSerializer,
        created=True,
        idempotent=True,
        responses={201: HireSerializer, **error_answers(400, 401, 403, 404, 409)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Hire:
        role = _candidate_role(self.request.user, data.pop("job_role"))
        hire, _outcome = candidate_hire_record(
            actor=actor(self.request), job_role=role, worker=_worker(data.pop("worker")), **data
        )
        return hire

    def present(self, hire: Hire) -> dict[str, Any]:
        # Read before the commit: JsonViewSet runs a write and its answer in one transaction.
        return HireSerializer(_hires(self.request.user).get(pk=hire.pk)).data
