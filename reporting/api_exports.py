"""`/api/v1/exports/`: start an export of applications, payments, pledges or outcomes (CSV or XLSX, with
the dashboard's filters), follow its progress, and download the file. A person sees only their own export
jobs (404 for anyone else's). Roles and columns: reporting/exports.py."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import has_any_role, is_signed_in
from core.api import (
    DOWNLOAD_RENDERERS,
    ID_REGEX,
    LIST_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    open_stored,
    service_action,
)
from core.exceptions import NotAllowed
from reporting.exports import EXPORT_ROLES, export_job_create, export_jobs_sweep, exports_visible_to
from reporting.models import ExportJob
from reporting.serializers_exports import ExportJobCreateSerializer, ExportJobSerializer

EXPORT_STAFF = tuple({role for roles in EXPORT_ROLES.values() for role in roles})


class ExportViewSet(JsonViewSet):
    """Export jobs of the signed-in person."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[ExportJob]:
        return exports_visible_to(self.request.user).order_by("-created_at", "-id")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if is_signed_in(request.user) and not has_any_role(request.user, EXPORT_STAFF):
            raise NotAllowed("Only program managers, finance officers, officials and administrators export.")

    @extend_schema(
        summary="List your exports", responses={200: ExportJobSerializer(many=True), **LIST_ERRORS}
    )
    def list(self, request: Request) -> Response:
        export_jobs_sweep(owner=actor(request))  # stale jobs are marked failed, so they can be retried
        return self.paginated(self.get_queryset(), ExportJobSerializer, context={"request": request})

    @service_action(
        summary="Start an export",
        description="The file is written in the background; poll the job for progress, then download it.",
        body=ExportJobCreateSerializer,
        idempotent=True,
        responses={202: ExportJobSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Response:
        # A bad filter raises Django's ValidationError: the API's exception handler answers 400.
        job = export_job_create(
            actor=actor(self.request), kind=data["kind"], format=data["format"], filters=data["filters"]
        )
        job.refresh_from_db()
        return Response(self.present(job), status=status.HTTP_202_ACCEPTED)  # written in the background

    def present(self, job: ExportJob) -> dict[str, Any]:
        return ExportJobSerializer(job, context={"request": self.request}).data

    @extend_schema(
        summary="Read an export's status and progress", responses={200: ExportJobSerializer, **READ_ERRORS}
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.present(self.visible(pk)))

    @extend_schema(
        summary="Download an export's file",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A CSV file, once done."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="An Excel workbook, once done."
            ),
            **READ_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="download",
        url_name="download",
        renderer_classes=DOWNLOAD_RENDERERS,
    )
    def download(self, request: Request, pk: str) -> FileResponse:
        job = self.visible(pk)
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404
        handle = open_stored(job.file)
        content_type = (
            "text/csv; charset=utf-8"
            if job.format == ExportJob.Format.CSV
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"{job.kind}-{job.pk}.{job.format}",
            content_type=content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response
