"""Fuzz the whole API from its OpenAPI schema with a token for each role, against a small world (two
programs with applications in several states, a paid award, two employers with active pledges, job roles,
hires and progress reports), so generated ids hit real records and the endpoints do real work.

Every operation is held to every schemathesis check (tests/fuzzing.py): never a 5xx; only the statuses,
content types, headers and bodies the schema documents; bad input refused and good input accepted, where
a 400 to schema-valid input may only come from a rule of the records (an id that does not exist), never
from a bound the schema could have stated. Tokens stay valid through the token-revoking endpoint."""

import os

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests.fuzzing import (
    _keep_the_test_connection as _keep_the_test_connection,  # autouse below
)
from tests.fuzzing import call_keeping_the_token, every_check, load_schema
from tests.fuzzing import refusal_codes_on_answers as refusal_codes_on_answers
from tests.security.world import World

EXAMPLES_PER_ROLE = 3

# The coverage phase (every parameter's boundary values, every wrong type, every method a path does not
# take) is where most schema mismatches show, and it costs ~10x the rest: `make fuzz` (by hand, on
# PostgreSQL) runs it for every role; `make test` runs generated examples only (tests/test_api_fuzz.py
# keeps the coverage phase for the program manager there).
DEEP = os.environ.get("SKILLSFUND_FUZZ", "") == "deep"
schema = load_schema(max_examples=EXAMPLES_PER_ROLE, coverage=DEEP)
CHECKS = every_check()


@pytest.fixture(autouse=True)
def _fuzzing(_keep_the_test_connection, refusal_codes_on_answers) -> None:  # type: ignore[no-untyped-def]
    return None


def _fuzz_as(role: Role):  # type: ignore[no-untyped-def]
    @schema.parametrize()
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, derandomize=True)
    def fuzz(case, world: World, db) -> None:  # type: ignore[no-untyped-def]
        token = Token.objects.get(key=world.tokens[str(role)])
        call_keeping_the_token(case, token=token, checks=CHECKS, role=role.value)

    fuzz.__name__ = f"test_api_as_{role.value}"
    return fuzz


for _role in Role:
    globals()[f"test_api_as_{_role.value}"] = _fuzz_as(_role)


def test_every_role_is_fuzzed() -> None:
    assert {f"test_api_as_{role.value}" for role in Role} <= set(globals())


def test_every_check_is_run() -> None:
    names = {getattr(check, "__name__", "") for check in CHECKS}
    assert {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "ignored_auth",
        "refused_for_what_the_schema_could_say",
    } <= names


@pytest.mark.parametrize("role", list(Role))
def test_each_role_token_belongs_to_that_role(world: World, db, role: Role) -> None:  # type: ignore[no-untyped-def]
    assert world.user_for(role).has_role(role)
