"""The progress reports endpoints, under a pledge: a quarter's report (multipart, with the payroll
extract), staff verification or return, and the extract's download."""

import builtins
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import (
    ACTION_ERRORS,
    DOWNLOAD_ERRORS,
    DOWNLOAD_RENDERERS,
    ID_REGEX,
    LIST_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    open_stored,
    require,
)
from core.idempotency import idempotent
from core.parsers import MultiPartParser
from core.uploads import CONTENT_TYPES, EXTENSIONS
from employers import services
from employers.api.common import _staff_only
from employers.models import Pledge, ProgressReport
from employers.permissions import (
    can_act_for_pledge,
    can_see_report_evidence,
    pledges_visible_to,
    reports_visible_to,
)
from employers.serializers import (
    ProgressReportCreateSerializer,
    ProgressReportReturnSerializer,
    ProgressReportSerializer,
    ProgressReportVerifySerializer,
)

# Payroll extracts as stored (by the extension the upload check gave them) and served.
EVIDENCE_TYPES = {EXTENSIONS[kind]: CONTENT_TYPES[kind] for kind in services.EVIDENCE_KINDS}


# ---------------------------------------------------------------- progress reports


class ProgressReportViewSet(JsonViewSet):
    """A pledge's quarterly progress reports, under /pledges/{pledge_id}/reports/."""

    serializer_class = ProgressReportSerializer
    queryset = ProgressReport.objects.none()
    lookup_value_regex = ID_REGEX
    filter_backends: list[Any] = []

    def get_pledge(self) -> Pledge:
        if not hasattr(self, "_pledge"):
            self._pledge = get_visible_or_404(
                pledges_visible_to(self.request.user).select_related("employer"), pk=self.kwargs["pledge_id"]
            )
        return self._pledge

    def get_queryset(self) -> QuerySet[ProgressReport]:
        return (
            reports_visible_to(self.request.user)
            .filter(pledge=self.get_pledge())
            .order_by("year", "quarter", "id")
        )

    def _visible(self, pk: Any) -> ProgressReport:
        return get_visible_or_404(self.get_queryset(), pk=pk)

    def _present(self, report: ProgressReport) -> dict[str, Any]:
        return ProgressReportSerializer(report, context={"request": self.request}).data

    @extend_schema(
        summary="List a pledge's progress reports",
        description="Oldest quarter first. The employer's representatives, program managers and "
        "administrators.",
        responses={200: ProgressReportSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, pledge_id: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ProgressReportSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(summary="Read a progress report", responses={200: ProgressReportSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pledge_id: str, pk: str) -> Response:
        return Response(self._present(self._visible(pk)))

    @extend_schema(
        summary="Report a quarter's progress (multipart)",
        description="A representative of the employer, while the pledge is active: the quarter's "
        "figures and the payroll extract that backs them. A quarter returned for correction is "
        "corrected by submitting it again.",
        request={"multipart/form-data": ProgressReportCreateSerializer},
        responses={201: ProgressReportSerializer, **ACTION_ERRORS},
    )
    @idempotent
    def create(self, request: Request, pledge_id: str) -> Response:
        pledge = self.get_pledge()
        require(can_act_for_pledge(request.user, pledge))
        data = self.valid_body(ProgressReportCreateSerializer)
        report = services.progress_report_submit(actor=actor(request), pledge=pledge, **data)
        return Response(self._present(report), status=status.HTTP_201_CREATED)

    def get_parsers(self) -> builtins.list[BaseParser]:  # bare "list" is the action here
        # Submitting a report carries the payroll extract: multipart for that one action, JSON otherwise.
        # Called before self.action is set, so read the method's action from the route's map.
        method = (getattr(self.request, "method", "") or "").lower()
        if getattr(self, "action_map", {}).get(method) == "create":
            return [MultiPartParser()]
        return super().get_parsers()

    @extend_schema(
        summary="Verify a progress report",
        description="Program managers and administrators: confirm the reported figures or correct "
        "them (a figure left out is confirmed as reported). Only verified figures count toward "
        "attainment.",
        request=ProgressReportVerifySerializer,
        responses={200: ProgressReportSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pledge_id: str, pk: str) -> Response:
        report = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(ProgressReportVerifySerializer)
        services.progress_report_verify(actor=actor(request), report=report, **data)
        return Response(self._present(self._visible(pk)))

    @extend_schema(
        summary="Return a progress report for correction",
        description="Program managers and administrators, with what to correct.",
        request=ProgressReportReturnSerializer,
        responses={200: ProgressReportSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pledge_id: str, pk: str) -> Response:
        report = self._visible(pk)
        _staff_only(request.user)
        data = self.valid_body(ProgressReportReturnSerializer)
        services.progress_report_return(actor=actor(request), report=report, **data)
        return Response(self._present(self._visible(pk)))

    @extend_schema(
        summary="Download the report's payroll extract",
        description="The employer's representatives, program managers and administrators. Never served "
        "from a public address.",
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in EVIDENCE_TYPES.values()
            },
            **DOWNLOAD_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=DOWNLOAD_RENDERERS)
    def evidence(self, request: Request, pledge_id: str, pk: str) -> FileResponse:
        report = self._visible(pk)
        require(can_see_report_evidence(request.user, report))
        # The type comes from the stored name, which the upload check set from the file's content.
        extension = (report.evidence.name or "").rsplit(".", 1)[-1].lower()
        return FileResponse(
            open_stored(report.evidence),
            as_attachment=True,
            filename=report.evidence_name,
            content_type=EVIDENCE_TYPES.get(extension, "application/octet-stream"),
        )
