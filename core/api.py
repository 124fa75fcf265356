"""Shared DRF machinery, written once for every app's API: the base viewset (JSON bodies, strict filters,
writes answered inside their own transaction) and its action shape (`service_action`), the documented
error answers, `actor()` and `require()`, pagination, the one exception handler every endpoint uses, and
downloads."""

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError, Verdict, require
from core.filters import StrictFilterBackend
from core.parsers import JSONParser, MultiPartParser

# A record's id in a path: a whole number that fits a bigint (core.schema bounds it in the schema).
ID_REGEX = r"[0-9]{1,18}"


class ErrorDetailSerializer(drf_serializers.Serializer):
    detail = drf_serializers.CharField(read_only=True)


_ERROR_ANSWERS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Bad input: a list of messages per field name (or `non_field_errors`).",
    ),
    401: OpenApiResponse(ErrorDetailSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorDetailSerializer, description="Signed in, but not allowed to do this."),
    404: OpenApiResponse(ErrorDetailSerializer, description="No such record, or not one the caller may see."),
    409: OpenApiResponse(
        ErrorDetailSerializer,
        description="The record's state does not allow this (e.g. an archived program).",
    ),
}


def error_answers(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers for an operation's `responses` (core.schema adds the ones every
    operation can give: 406, 415...)."""
    return {code: _ERROR_ANSWERS[code] for code in codes}


LIST_ERRORS = error_answers(400, 401, 404)  # 400 for a bad filter value, 404 for a page past the end
LIST_ROLE_ERRORS = error_answers(400, 401, 403, 404)  # a list only some roles may read
READ_ERRORS = error_answers(401, 404)
ACTION_ERRORS = error_answers(400, 401, 403, 404, 409)
DOWNLOAD_ERRORS = error_answers(401, 403, 404)


def may(predicate: Callable[[Any, Any], Any]) -> Callable[[Any, Any], None]:
    """A check made of a permission predicate `(user, obj) -> Decision`: a refusal is a 403 with its
    reason."""

    def check(user: Any, obj: Any) -> None:
        require(predicate(user, obj))

    return check


def user_may(predicate: Callable[[Any], Any]) -> Callable[[Any, Any], None]:
    """A check made of a permission predicate on the caller alone `(user) -> Decision`: a refusal is a
    403 with its reason."""

    def check(user: Any, _target: Any) -> None:
        require(predicate(user))

    return check


def require_role(user: Any, decision: Verdict) -> None:
    """The role check for a whole resource: a refusal is a 403 with its reason; the anonymous are left to
    authentication, which answers them 401 (with WWW-Authenticate)."""
    if getattr(user, "is_authenticated", False):
        require(decision)


def actor(request: HttpRequest | Request) -> Any:
    """The signed-in person making the request (an accounts.models.User): views and viewsets call it
    after authentication, so it is never anonymous where a service takes it."""
    return request.user


def boolean_parameter(request: Request, name: str) -> bool:
    """A query parameter outside a filter set holding true or false (or 1 or 0); false when left out."""
    raw = request.query_params.get(name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise exceptions.ValidationError({name: [_("Use true or false.")]})


def open_stored(stored: Any) -> Any:
    """A stored file opened for reading; one missing from storage is a 404, not a 500."""
    try:
        return stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error


class AnswerInsideTheWrite:
    """A view mixin: a write (POST, PUT, PATCH, DELETE) and the reading of its answer run in one
    transaction. The services commit their own work; without this, a view that reads the object again to
    answer does so after the commit, and a connection lost in between answers 500 for a write that was
    saved (seen in the fault run: docs/quality.md). Inside one transaction the two succeed or fail
    together. An error answer (4xx) keeps what completed before it, as the services alone would; an
    exception rolls everything back. Reads are untouched.

    `actions_answering_from_the_service` names a viewset's actions that build their answer from the
    objects their service returned and read nothing afterwards: they run without the outer transaction,
    which would only cost a savepoint per service (grants.applications.api.ApplicationViewSet's busiest
    writes)."""

    actions_answering_from_the_service: frozenset[str] = frozenset()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        action = getattr(self, "action_map", {}).get((request.method or "").lower())
        if request.method in SAFE_METHODS or action in self.actions_answering_from_the_service:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ServiceActions:
    """What `service_action` asks of a view: the action's `target()`, its `valid_body()`, and how it
    `present`s what the write returned."""

    request: Any  # the DRF request, once the view is dispatched

    def valid_body(
        self,
        serializer_class: Any,
        *,
        partial: bool = False,
        instance: Any = None,
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The request body, validated by `serializer_class` (a 400 naming each bad field)."""
        options: dict[str, Any] = {"partial": partial}
        if instance is not None:
            options["instance"] = instance
        if context is not None:
            options["context"] = context
        serializer = serializer_class(data=self.request.data, **options)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def target(self) -> Any:
        """What a `service_action` acts on; None when it acts on nothing in the path."""
        return None

    def present(self, result: Any) -> Any:
        """The answer to a `service_action`, from what its write returned."""
        raise NotImplementedError(f"{type(self).__name__} answers no service action")


class JsonViewSet(AnswerInsideTheWrite, ServiceActions, viewsets.GenericViewSet):
    """The base of every API viewset. Request bodies are JSON only: form encoding cannot tell a list, a
    number or null from text, so the schema could not promise what a field's type means (uploads declare
    their own multipart parser). Filters are strict (core.filters). Writes are answered inside their own
    transaction (AnswerInsideTheWrite). Actions that call a service take the one shape of
    `service_action`; `valid_body` is how any other action reads its body."""

    parser_classes = [JSONParser]
    filter_backends = [StrictFilterBackend]

    def visible(self, key: Any) -> Any:
        """The record with this key among those the caller may see (`get_queryset()`), else a 404."""
        try:
            return self.get_queryset().get(**{self.lookup_field: key})
        except (ObjectDoesNotExist, ValueError, TypeError) as error:
            raise Http404 from error

    def target(self) -> Any:
        """The record named in the path (`visible`), or None for an action on the whole collection. A
        nested viewset answers with its parent there."""
        key = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        return None if key is None else self.visible(key)

    def paginated(self, queryset: Any, serializer_class: Any, **options: Any) -> Response:
        """A page of `queryset`, each row shown by `serializer_class` (with `options`: a context...)."""
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True, **options).data)

    def filtered_page(self, serializer_class: Any, **options: Any) -> Response:
        """A list's answer: a page of the records the caller may see (`get_queryset()`), filtered by the
        query (`filter_queryset`), each shown by `serializer_class` (with `options`)."""
        return self.paginated(self.filter_queryset(self.get_queryset()), serializer_class, **options)


# A check on the caller before an action reads its body: `(user, target)`, raising a 403 or a 409.
Check = Callable[[Any, Any], None]


def service_action(
    *,
    summary: str | None = None,
    description: str | None = None,
    detail: bool | None = None,
    url_path: str | None = None,
    url_name: str | None = None,
    body: Any = None,
    multipart: bool = False,
    check: Check | None = None,
    partial: bool = False,
    bound: bool = False,
    with_request: bool = False,
    created: bool = False,
    replayable: bool = False,
    idempotent: bool = False,
    answer: str | None = "present",
    responses: dict[Any, Any] | None = None,
    examples: list[Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """The one shape of an API action that calls a service, in the house's order of refusals: the
    record the caller may see (`view.target()`, else a 404), `check(user, target)` (a 403 or a 409),
    the body validated by `body` (a 400 naming each bad field), then the decorated
    `write(view, target, data)`: the service call. Its result is answered by the view's method named by
    `answer` (`present` unless told), with a 201 when `created`; with `answer=None` the answer is a 204
    with no body. A response the write returns (a status of its own) is the answer as it is.

    `partial` lets the body leave fields out; `bound` gives the body's serializer the target as its
    instance (to validate against the record); `with_request` gives it the request in its context.
    `replayable`: the write may find its work already done, and returns `(result, done_now)` from its
    service, answered by `answer_write` (the schema marks it `x-replayable`). `idempotent`: it honours
    an `Idempotency-Key` (core.idempotency).

    With a `summary`, the action documents itself in the schema: that, its `description`, its
    `responses` (and any request `examples`), and `body` as its request (multipart form data with
    `multipart`, for a file). `detail` routes it as an extra POST action (DRF's `action`) on one record
    (True) or on the collection (False), at `url_path` and `url_name` when its name is not its address,
    with the multipart parser when `multipart`. Leave `detail` out for the router's own actions (create,
    partial_update, destroy: a multipart create picks its parser in `get_parsers`) and for the POST half
    of an action that also reads, documented with it."""

    def decorate(write: Callable[..., Any]) -> Callable[..., Response]:
        @functools.wraps(write)
        def run(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            target = view.target()
            if check is not None:
                check(request.user, target)
            data: dict[str, Any] = {}
            if body is not None:
                data = view.valid_body(
                    body,
                    partial=partial,
                    instance=target if bound else None,
                    context={"request": request} if with_request else None,
                )
            result = write(view, target, data)
            if isinstance(result, Response):
                return result
            if answer is None:
                return Response(status=status.HTTP_204_NO_CONTENT)
            if replayable:
                result, done_now = result
                return answer_write(getattr(view, answer)(result), done_now=done_now, created=created)
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
            return Response(getattr(view, answer)(result), status=code)

        handler: Callable[..., Response] = run
        if idempotent:
            from core.idempotency import idempotent as honour_key  # core.idempotency builds on this module

            handler = honour_key(handler)
        if detail is not None:
            routing: dict[str, Any] = {"url_path": url_path, "url_name": url_name}
            if multipart:
                routing["parser_classes"] = [MultiPartParser]
            options = {name: value for name, value in routing.items() if value is not None}
            handler = action(detail=detail, methods=["post"], **options)(handler)
        if summary is not None:
            handler = extend_schema(
                summary=summary,
                description=description,
                request={"multipart/form-data": body} if multipart else body,
                responses=empty if responses is None else responses,
                examples=examples,
                extensions={"x-replayable": True} if replayable else None,
            )(handler)
        return handler

    return decorate


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
