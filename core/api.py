"""Shared DRF machinery: pagination, the one exception handler every endpoint uses, and writes answered
inside their own transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseBase
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
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
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def validation_error_detail(error: DjangoValidationError) -> dict[str, Any]:
    """Field errors keyed by field name; errors about the whole request under `non_field_errors`."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Bad input is a 400 with field errors, refusals 403, other parties' objects 404; never a 500."""
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
