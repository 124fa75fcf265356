"""Fuzz the whole API from its OpenAPI schema with a token for each role, against a small world (two
programs with applications in several states, a paid award, two employers with active pledges, job roles,
hires and progress reports), so generated ids hit real records and the endpoints do real work.

The same checks as tests/test_api_fuzz.py (which fuzzes deeper, as a program manager): never a 5xx; the
fully documented operations answer exactly as the schema says. Fewer examples per operation per role keep
the seven passes inside CI's budget."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from accounts.roles import Role
from config.wsgi import application
from tests.security.world import World
from tests.test_api_fuzz import FULLY_DOCUMENTED
from tests.test_api_fuzz import _keep_the_test_connection as _keep_the_test_connection  # autouse here too

EXAMPLES_PER_ROLE = 3

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(max_examples=EXAMPLES_PER_ROLE)
positive = schema.config.checks.positive_data_acceptance
positive.expected_statuses = [*positive.expected_statuses, "400"]  # see tests/test_api_fuzz.py
schema.config.parameters["query.page_size"] = 10
schema.config.parameters["query.page"] = 1
# The coverage phase (boundary values of every parameter) costs ~2.5x the rest; the program manager's
# run in tests/test_api_fuzz.py keeps it, these seven passes use generated examples only (~65 s in all).
schema.config.phases.coverage.enabled = False


def _fuzz_as(role: Role):  # type: ignore[no-untyped-def]
    @schema.parametrize()
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, derandomize=True)
    def fuzz(case, world: World, db) -> None:  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Token {world.tokens[str(role)]}"}
        if FULLY_DOCUMENTED.match(case.operation.path):
            case.call_and_validate(headers=headers)
        else:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

    fuzz.__name__ = f"test_api_as_{role.value}"
    return fuzz


for _role in Role:
    globals()[f"test_api_as_{_role.value}"] = _fuzz_as(_role)


def test_every_role_is_fuzzed() -> None:
    assert {f"test_api_as_{role.value}" for role in Role} <= set(globals())


@pytest.mark.parametrize("role", list(Role))
def test_each_role_token_belongs_to_that_role(world: World, db, role: Role) -> None:  # type: ignore[no-untyped-def]
    assert world.user_for(role).has_role(role)
