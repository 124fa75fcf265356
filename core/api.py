"""Shared DRF machinery: pagination, the one exception handler every endpoint uses, and writes answered
inside their own transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError


class AnswerInsideTheWrite:
    """A view mixin: a write (POST, PUT, PATCH, DELETE) and the reading of its answer run in one
    transaction. The services commit their own work; without this, a view that reads the object again to
    answer does so after the commit, and a connection lost in between answers 500 for a write that was
    saved (seen in the fault run: docs/quality.md). Inside one transaction the two succeed or fail
    together. An error answer (4xx) keeps what completed before it, as the services alone would; an
    exception rolls everything back. Reads are untouched.

    `actions_answering_from_the_service` names a viewset's actions that build their answer from the
    objects their service returned and read nothing afterwards: they run without the outer transaction,
    which would only cost a savepoint per service (grants.api.ApplicationViewSet's busiest writes)."""

    actions_answering_from_the_service: frozenset[str] = frozenset()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        action = getattr(self, "action_map", {}).get((request.method or "").lower())
        if request.method in SAFE_METHODS or action in self.actions_answering_from_the_service:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class Pagination(PageNumberPagination):
    """Page numbers, strictly: `page` is a whole number from 1 and `page_size` one from 1 to 100, and
    anything else is a 400 naming the parameter (DRF's own reads a bad `page_size` as the default and
    `page=last` as the last page, which the schema cannot promise). A page past the end is a 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_size(self, request: Any) -> int:
        return whole_number_parameter(
            request, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        return whole_number_parameter(request, self.page_query_param, default=1)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": PAGE_NUMBER_MAX}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
        return parameters


# Far beyond any list's last page (a bigger number is refused with a 400 rather than counted).
PAGE_NUMBER_MAX = 1_000_000


def whole_number_parameter(request: Any, name: str, *, default: int, maximum: int = PAGE_NUMBER_MAX) -> int:
    """A query parameter holding a whole number from 1 to `maximum`; `default` when it is left out."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise exceptions.ValidationError(
            {name: [_("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}]}
        )
    return int(raw)


# Set on the answer to a write that found its work already done (a retried create, a second approval,
# an export or a result recorded before), or that replays an Idempotency-Key: nothing changed this time.
REPLAYED_HEADER = "Idempotent-Replayed"


def answer_write(data: Any, *, done_now: bool, created: bool = False) -> Response:
    """The answer to a write that may be repeated, from what the service did under its lock: 201 for a
    create this request made, otherwise 200; `Idempotent-Replayed: true` when it was done before."""
    code = status.HTTP_201_CREATED if created and done_now else status.HTTP_200_OK
    response = Response(data, status=code)
    if not done_now:
        response[REPLAYED_HEADER] = "true"
    return response


def validation_error_detail(error: DjangoValidationError) -> dict[str, Any]:
    """Field errors keyed by field name; errors about the whole request under `non_field_errors`."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


class DownloadRenderer(BaseRenderer):
    """For actions that answer with a file of their own (a CSV, a PDF, an upload): any Accept header is
    met, since the view sets the file's type itself; without this, `Accept: text/csv` on a CSV download
    would be refused (406) by negotiation with the JSON renderer alone. Errors are still JSON
    (exception_handler)."""

    media_type = "*/*"
    format = "download"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


DOWNLOAD_RENDERERS = [JSONRenderer, DownloadRenderer]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Bad input is a 400 with field errors, refusals 403, other parties' objects 404; never a 500.
    Every error answer is JSON, whatever the request's Accept header asked for."""
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
