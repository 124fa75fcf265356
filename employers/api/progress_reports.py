"""The progress reports endpoints, under a pledge: a quarter's report (multipart, with the payroll
extract), staff verification or return, and the extract's download."""

import builtins
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
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
    may,
    open_stored,
    require,
    service_action,
)
from core.parsers import MultiPartParser
from core.uploads import CONTENT_TYPES, EXTENSIONS
from employers import services
from employers.api.common import staff_only
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

    def target(self) -> Any:
        """The report in the path; a new report's pledge."""
        return super().target() if "pk" in self.kwargs else self.get_pledge()

    def present(self, report: ProgressReport) -> dict[str, Any]:
        return ProgressReportSerializer(report, context={"request": self.request}).data

    def present_read_again(self, report: ProgressReport) -> dict[str, Any]:
        return self.present(self.visible(report.pk))

    @extend_schema(
        summary="List a pledge's progress reports",
        description="Oldest quarter first. The employer's representatives, program managers and "
        "administrators.",
        responses={200: ProgressReportSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request, pledge_id: str) -> Response:
        return self.paginated(self.get_queryset(), ProgressReportSerializer, context={"request": request})

    @extend_schema(summary="Read a progress report", responses={200: ProgressReportSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pledge_id: str, pk: str) -> Response:
        return Response(self.present(self.visible(pk)))

    @service_action(
        summary="Report a quarter's progress (multipart)",
        description="A representative of the employer, while the pledge is active: the quarter's "
        "figures and the payroll extract that backs them. A quarter returned for correction is "
        "corrected by submitting it again.",
        check=may(can_act_for_pledge),
        body=ProgressReportCreateSerializer,
        multipart=True,
        created=True,
        idempotent=True,
        responses={201: ProgressReportSerializer, **ACTION_ERRORS},
    )
    def create(self, pledge: Pledge, data: dict[str, Any]) -> ProgressReport:
        return services.progress_report_submit(actor=actor(self.request), pledge=pledge, **data)

    def get_parsers(self) -> builtins.list[BaseParser]:  # bare "list" is the action here
        # Submitting a report carries the payroll extract: multipart for that one action, JSON otherwise.
        # Called before self.action is set, so read the method's action from the route's map.
        method = (getattr(self.request, "method", "") or "").lower()
        if getattr(self, "action_map", {}).get(method) == "create":
            return [MultiPartParser()]
        return super().get_parsers()

    @service_action(
        summary="Verify a progress report",
        description="Program managers and administrators: confirm the reported figures or correct "
        "them (a figure left out is confirmed as reported). Only verified figures count toward "
        "attainment.",
        detail=True,
        check=staff_only,
        body=ProgressReportVerifySerializer,
        answer="present_read_again",
        responses={200: ProgressReportSerializer, **ACTION_ERRORS},
    )
    def verify(self, report: ProgressReport, data: dict[str, Any]) -> ProgressReport:
        services.progress_report_verify(actor=actor(self.request), report=report, **data)
        return report

    @service_action(
        summary="Return a progress report for correction",
        description="Program managers and administrators, with what to correct.",
        detail=True,
        url_path="return",
        url_name="return",
        check=staff_only,
        body=ProgressReportReturnSerializer,
        answer="present_read_again",
        responses={200: ProgressReportSerializer, **ACTION_ERRORS},
    )
    def return_(self, report: ProgressReport, data: dict[str, Any]) -> ProgressReport:
        services.progress_report_return(actor=actor(self.request), report=report, **data)
        return report

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
        report = self.visible(pk)
        require(can_see_report_evidence(request.user, report))
        # The type comes from the stored name, which the upload check set from the file's content.
        extension = (report.evidence.name or "").rsplit(".", 1)[-1].lower()
        return FileResponse(
            open_stored(report.evidence),
            as_attachment=True,
            filename=report.evidence_name,
            content_type=EVIDENCE_TYPES.get(extension, "application/octet-stream"),
        )
