"""The signed-in worker's own records: their worker profile and their voluntary demographic answers."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_signed_in
from core.api import AnswerInsideTheWrite, ServiceActions, actor, error_answers, require, service_action
from core.parsers import JSONParser
from grants.applications import selectors, services
from grants.applications.serializers import DemographicsSerializer, WorkerProfileSerializer
from grants.permissions import can_apply


class OwnRecordView(AnswerInsideTheWrite, ServiceActions, APIView):
    """Only the signed-in worker's own record; never anyone else's. A write and its answer commit
    together (core.api.AnswerInsideTheWrite). A subclass names its `record_serializer`, how the record is
    `stored` and what it shows while `blank`."""

    parser_classes = [JSONParser]
    record_serializer: Any
    blank: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if is_signed_in(request.user):
            require(can_apply(request.user))

    def stored(self, user: Any) -> Any:
        """The user's record, or None until saved."""
        raise NotImplementedError

    def present(self, user: Any) -> dict[str, Any]:
        record = self.stored(user)
        return self.record_serializer(self.blank if record is None else record).data


class WorkerProfileView(OwnRecordView):
    """The worker's own profile: what eligibility rules read."""

    record_serializer = WorkerProfileSerializer
    blank = {
        "region": "",
        "address": "",
        "date_of_birth": None,
        "employment_status": "",
        "household_income_band": "",
        "contact_by_employers": False,
        "contact_consent_changed_at": None,
        "updated_at": None,
    }

    def stored(self, user: Any) -> Any:
        return selectors.worker_profile_for(user)

    @extend_schema(
        summary="Read your worker profile",
        description="Workers only; blank until saved.",
        responses={200: WorkerProfileSerializer, **error_answers(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(self.present(request.user))

    @service_action(
        summary="Replace your worker profile",
        description="Workers only. Every field is required; send an empty string (or null for the date "
        "of birth) to clear one.",
        body=WorkerProfileSerializer,
        responses={200: WorkerProfileSerializer, **error_answers(400, 401, 403)},
    )
    def put(self, _none: None, data: dict[str, Any]) -> Any:
        services.worker_profile_save(user=actor(self.request), **data)
        return self.request.user


class DemographicsView(OwnRecordView):
    """The worker's own voluntary demographic answers. Nobody else reads them through the API."""

    record_serializer = DemographicsSerializer
    blank = {"race_ethnicity": [], "sex": "", "veteran": "", "disability": "", "updated_at": None}

    def stored(self, user: Any) -> Any:
        return selectors.demographics_for(user)

    @extend_schema(
        summary="Read your demographic answers",
        description="Workers only, their own. Blank until answered.",
        responses={200: DemographicsSerializer, **error_answers(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(self.present(request.user))

    @service_action(
        summary="Replace your demographic answers",
        description="Voluntary: every answer may be blank or prefer_not_to_say. Used only in aggregate "
        "reports with small groups suppressed; never shown to reviewers.",
        body=DemographicsSerializer,
        responses={200: DemographicsSerializer, **error_answers(400, 401, 403)},
    )
    def put(self, _none: None, data: dict[str, Any]) -> Any:
        services.demographics_save(user=actor(self.request), **data)
        return self.request.user
