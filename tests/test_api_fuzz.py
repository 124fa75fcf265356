"""Fuzz the API from its own OpenAPI schema, in process: every operation, generated requests and the
coverage phase's boundary values, as a program manager (a program they manage exists, so some requests
find records). Every schemathesis check, and our own (tests/fuzzing.py): never a 5xx; only documented
statuses, content types, headers and bodies; bad input refused, good input accepted (a 400 to valid
input only for a rule of the records, never for a bound the schema could state)."""

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests.accounts.factories import user_with_role
from tests.fuzzing import (
    _keep_the_test_connection as _keep_the_test_connection,  # autouse below
)
from tests.fuzzing import call_keeping_the_token, every_check, load_schema
from tests.fuzzing import refusal_codes_on_answers as refusal_codes_on_answers
from tests.programs.factories import open_program

schema = load_schema(max_examples=10, coverage=True)
CHECKS = every_check()


@pytest.fixture(autouse=True)
def _fuzzing(_keep_the_test_connection, refusal_codes_on_answers) -> None:  # type: ignore[no-untyped-def]
    return None


@pytest.fixture
def manager_token(db) -> Token:
    """A program manager's token, and a program they manage so some generated requests find records."""
    manager = user_with_role(Role.PROGRAM_MANAGER)
    open_program()[0].managers.add(manager)
    return Token.objects.create(user=manager)


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, derandomize=True)
def test_api_answers_generated_requests_as_documented(case, manager_token) -> None:  # type: ignore[no-untyped-def]
    call_keeping_the_token(case, token=manager_token, checks=CHECKS, role="program_manager (coverage phase)")
