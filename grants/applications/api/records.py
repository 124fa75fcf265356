"""An application's records: its timeline, its documents (list, upload, download) and its decision letter.
Mixed into grants.applications.api.applications.ApplicationViewSet, which finds the application
(`visible`, `target`)."""

from typing import Any, cast

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import get_visible_or_404
from core.api import (
    ACTION_ERRORS,
    DOWNLOAD_ERRORS,
    DOWNLOAD_RENDERERS,
    ID_REGEX,
    actor,
    error_answers,
    open_stored,
    service_action,
)
from core.idempotency import idempotent
from core.parsers import MultiPartParser
from grants.applications import selectors, services
from grants.applications.api.common import NOT_A_QUEUE, applicant_side_only, sees_as_staff
from grants.applications.letters import letter_for
from grants.applications.serializers import (
    DocumentSerializer,
    DocumentUploadSerializer,
    EventSerializer,
    StaffEventSerializer,
)
from grants.models import Application, ApplicationDocument


class RecordActionsMixin:
    """The timeline, the documents and the decision letter."""

    request: Any
    visible: Any

    @extend_schema(
        summary="The application's timeline",
        description="The applicant sees the events meant for them; staff working on it see every event, "
        "with who acted and the details.",
        responses={200: StaffEventSerializer(many=True), **error_answers(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], **NOT_A_QUEUE)
    def events(self, request: Request, pk: str) -> Response:
        application = self.visible(pk)
        staff = sees_as_staff(request.user, application)
        events = selectors.timeline(application, staff=staff)
        serializer_class = StaffEventSerializer if staff else EventSerializer
        return Response(serializer_class(events, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="List the application's documents",
        description="The applicant and staff working on it; each with the address to download it.",
        responses={200: DocumentSerializer(many=True), **error_answers(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Upload a document (multipart)",
        description="The applicant, to a draft or while more information is requested. A PDF, PNG or "
        "JPEG, checked by its content (not its name), within the size limit.",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser], **NOT_A_QUEUE)
    @idempotent
    def documents(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            return self._document_add(request)
        application = self.visible(pk)
        sees_as_staff(request.user, application)
        documents = application.documents.order_by("created_at", "id")
        return Response(DocumentSerializer(documents, many=True, context={"request": request}).data)

    @service_action(
        check=applicant_side_only, body=DocumentUploadSerializer, created=True, answer="present_document"
    )
    def _document_add(self, application: Application, data: dict[str, Any]) -> ApplicationDocument:
        return services.application_document_add(actor=actor(self.request), application=application, **data)

    def present_document(self, document: ApplicationDocument) -> dict[str, Any]:
        return DocumentSerializer(document, context={"request": self.request}).data

    @extend_schema(
        summary="Download a document",
        description="The applicant and staff working on it. The file is never served from a public address.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            **DOWNLOAD_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"documents/(?P<doc_id>{ID_REGEX})",
        url_name="document",
        renderer_classes=DOWNLOAD_RENDERERS,
    )
    def document(self, request: Request, pk: str, doc_id: str) -> FileResponse:
        application = self.visible(pk)
        sees_as_staff(request.user, application)
        document = cast(ApplicationDocument, get_visible_or_404(application.documents.all(), pk=doc_id))
        return FileResponse(
            open_stored(document.file),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )

    @extend_schema(
        summary="The latest decision letter (PDF)",
        description="The applicant and staff working on it; 404 until a letter has been generated.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), **DOWNLOAD_ERRORS},
    )
    @action(detail=True, methods=["get"], renderer_classes=DOWNLOAD_RENDERERS)
    def letter(self, request: Request, pk: str) -> FileResponse:
        application = self.visible(pk)
        sees_as_staff(request.user, application)
        letter = letter_for(application)
        if letter is None:
            raise Http404
        return FileResponse(
            open_stored(letter.file),
            as_attachment=True,
            filename=f"{application.reference}-{letter.kind}.pdf",
            content_type="application/pdf",
        )
