"""`Idempotency-Key` for API writes that a retry could do twice (creates with no natural key: a pledge, a
batch, a claim, an invitation, a hire...). The same key again from the same person, with the same
request, is answered with the first answer (200, `Idempotent-Replayed: true`) and does nothing; the same
key with another request is a 409. Concurrent requests with one key: the second waits on the key's row
until the first commits, then replays it; on PostgreSQL this is a unique index, so no race can write
twice (tests/security/test_retries.py).

Use it on a viewset's write:

    @idempotent
    def create(self, request): ...

The view must run inside a transaction (core.api.AnswerInsideTheWrite, the default for JsonViewSet
writes), so that the key, the write and its answer commit together."""

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import REPLAYED_HEADER, answer_write
from core.exceptions import Conflict
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,120}$"
_KEY = re.compile(KEY_PATTERN)

PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description="1 to 120 visible ASCII characters, unique per write you mean (a UUID). The same key "
    "again, with the same request, answers with the first answer (200, `Idempotent-Replayed: true`) and "
    "changes nothing; with another request it is a 409.",
)


def request_key(request: Request) -> str | None:
    """The request's `Idempotency-Key` header, checked; None without one."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise ValidationError(
            {HEADER: [_("Use 1 to 120 visible ASCII characters (no spaces), such as a UUID.")]}
        )
    return key


def request_digest(request: Request) -> str:
    """A fingerprint of the request (method, path and body; an uploaded file by its content), to tell a
    retry from another request under the same key."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    items = data.lists() if hasattr(data, "lists") else None
    if items is None:
        digest.update(json.dumps(data, sort_keys=True, default=str, separators=(",", ":")).encode())
        return digest.hexdigest()
    for name, values in sorted(items, key=lambda item: str(item[0])):
        for value in values:
            digest.update(f"{name}=".encode())
            if isinstance(value, UploadedFile):
                digest.update(f"{value.name}\n".encode())
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
            else:
                digest.update(str(value).encode())
            digest.update(b"\n")
    return digest.hexdigest()


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def run_once(request: Request, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per key: the key's row is written first (a concurrent request with the same
    key waits on it), then the write, then its answer; an answer of 400 or more undoes the key (and
    whatever the handler left), so a corrected request may use it again."""
    key = request_key(request)
    if key is None:
        return handler()
    digest = request_digest(request)
    user_id = request.user.pk
    if user_id is None:  # the views that take a key sign the caller in first
        return handler()
    previous = IdempotencyRecord.objects.filter(user=user_id, key=key).first()
    if previous is not None:
        return _answer_again(previous, digest)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user_id=user_id, key=key, request_sha256=digest)
            response = handler()
            if response.status_code >= 400:
                raise _Refused(response)
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
    except _Refused as refused:
        return refused.response
    except IntegrityError:
        # The same key from a request running at the same moment, which committed first.
        previous = IdempotencyRecord.objects.filter(user=user_id, key=key).first()
        if previous is None:
            raise
        return _answer_again(previous, digest)
    return response


def _answer_again(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_sha256 != digest:
        raise Conflict(_("This Idempotency-Key was already used with a different request."))
    return answer_write(record.response_body, done_now=False)


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """A viewset write that honours `Idempotency-Key` (run_once); the schema documents the header."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.method != "POST":  # an action that also reads (GET) is not a write
            return handler(view, request, *args, **kwargs)
        return run_once(request, lambda: handler(view, request, *args, **kwargs))

    wrapper.idempotent = True  # type: ignore[attr-defined]  # read by core.schema.AutoSchema
    return wrapper


__all__ = [
    "HEADER",
    "PARAMETER",
    "REPLAYED_HEADER",
    "idempotent",
    "request_digest",
    "request_key",
    "run_once",
]
