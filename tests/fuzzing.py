"""What the API fuzz tests share: the schema loaded in process, every schemathesis check, and one check of
our own that keeps "schema-valid input is answered 400" honest.

A schema can promise types, bounds, lengths, patterns and which fields a body may name; it cannot promise
which ids exist, whether an invitation link is genuine or whether two rounds overlap. So a 400 to input
the schema allows is accepted (`positive_data_acceptance`) only when the server refused it for such a rule
of the records. `refused_for_what_the_schema_could_say` fails the run when a 400 to schema-valid input
came from a field's or filter's own bound (too long, below the least, too many decimal places, blank,
missing, a field the body may not name...): then the schema is looser than the server, and a client
generated from it would be refused.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.settings import api_settings
from schemathesis.checks import CHECKS, CheckContext, load_all_checks
from schemathesis.core.failures import Failure

from config.wsgi import application

load_all_checks()

REFUSAL_CODES_HEADER = "X-Test-Refusal-Codes"

# `make fuzz` sets this to a file: each case fuzzed appends a line "role<TAB>METHOD path<TAB>status", for
# the figures it prints (benchmarks/fuzz_tally.py) and docs/quality.md records.
TALLY = os.environ.get("SKILLSFUND_FUZZ_TALLY", "")

# DRF's and Django's codes for refusals a schema can state (and ours: core's unknown-field refusal).
SCHEMA_EXPRESSIBLE_CODES = frozenset(
    {
        "required",
        "null",
        "blank",
        "max_length",
        "min_length",
        "min_value",
        "max_value",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
        "max_string_length",
        "not_a_list",
        "not_a_dict",
        "empty",
        "wrong_type",
        "unknown_field",
        "empty_parameter",
    }
)


def load_schema(*, max_examples: int, coverage: bool) -> Any:
    """The API's schema, served by the app itself, with every check on."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    schema.config.generation.update(max_examples=max_examples)
    # schemathesis.toml (read by the CLI too) counts a 400 as an answer to valid data, for a rule of the
    # records (above); `refused_for_what_the_schema_could_say` fails any 400 the schema could have stated.
    assert "400" in schema.config.checks.positive_data_acceptance.expected_statuses, "schemathesis.toml"
    schema.config.phases.coverage.enabled = coverage
    return schema


def every_check() -> list[Any]:
    return [*CHECKS.get_all(), refused_for_what_the_schema_could_say]


def _codes(detail: Any) -> Iterator[str]:
    if isinstance(detail, dict):
        for value in detail.values():
            yield from _codes(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from _codes(value)
    elif detail is not None:
        yield str(detail)


@pytest.fixture
def refusal_codes_on_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each 400 from a serializer's or filter's validation carries its error codes in a test-only
    header, for `refused_for_what_the_schema_could_say` to read."""
    handler = api_settings.EXCEPTION_HANDLER

    def recording(exc: Exception, context: dict[str, Any]) -> Any:
        response = handler(exc, context)
        if response is not None and isinstance(exc, DrfValidationError):
            response[REFUSAL_CODES_HEADER] = ",".join(sorted(set(_codes(exc.get_codes()))))
        return response

    monkeypatch.setattr(api_settings, "EXCEPTION_HANDLER", recording)


@schemathesis.check
def refused_for_what_the_schema_could_say(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    raw = response.headers.get(REFUSAL_CODES_HEADER) or response.headers.get(REFUSAL_CODES_HEADER.lower())
    if isinstance(raw, list):
        raw = ",".join(raw)
    codes = set(filter(None, (raw or "").split(",")))
    expressible = sorted(codes & SCHEMA_EXPRESSIBLE_CODES)
    if expressible:
        raise Failure(
            operation=case.operation.label,
            title="Schema-valid request refused for a reason the schema could state",
            message=f"A 400 with codes {', '.join(expressible)} to input the schema allows: state the "
            f"bound in the schema. Answer: {response.text[:300]}",
        )
    return None


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Calling the WSGI app directly fires request_started/finished, whose handler closes the database
    connection, the test's own transaction with it (on PostgreSQL). Django's test client detaches that
    handler for the same reason; do the same here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call_keeping_the_token(case: Any, *, token: Any, checks: list[Any], role: str = "") -> None:
    """Call and validate; after `DELETE /api/v1/auth/token/` (which revokes the token the run signs in
    with) the same key is put back, so the rest of the run stays signed in and the revocation itself is
    fuzzed too."""
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {token.key}"}
    answer = "failed a check"
    try:
        answer = str(case.call_and_validate(headers=headers, checks=checks).status_code)
    finally:
        if TALLY:
            with Path(TALLY).open("a", encoding="utf-8") as tally:
                tally.write(f"{role}\t{case.method.upper()} {case.operation.path}\t{answer}\n")
        if case.operation.path == "/api/v1/auth/token/" and case.method.upper() == "DELETE":
            Token.objects.get_or_create(user_id=token.user_id, defaults={"key": token.key})
