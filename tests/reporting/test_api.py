"""The reports API: /api/v1/reports/summary/, /equity/ and /outcomes/. Same fixture and threshold (3) as
tests/reporting/test_dashboard_views.py, whose docstring gives the hand count."""

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from grants.models import Application, Outcome
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup
from tests.reporting.factories import application_row, outcome_row
from tests.reporting.test_dashboard_views import build_fixture

pytestmark = pytest.mark.django_db
S = Application.Status
PATHS = ["/api/v1/reports/summary/", "/api/v1/reports/equity/", "/api/v1/reports/outcomes/"]


@pytest.fixture(autouse=True)
def _threshold(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORTING_SUPPRESSION_THRESHOLD = 3


@pytest.fixture
def fixture():  # type: ignore[no-untyped-def]
    return build_fixture()


def as_role(role: Role) -> APIClient:
    api = APIClient()
    api.force_authenticate(user_with_role(role))
    return api


def hidden() -> dict:
    return {"value": None, "suppressed": True}


def shown(value) -> dict:  # type: ignore[no-untyped-def]
    return {"value": value, "suppressed": False}


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_gets_401(path: str) -> None:
    assert APIClient().get(path).status_code == 401


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "role", [Role.WORKER, Role.REVIEWER, Role.FINANCE_OFFICER, Role.EMPLOYER_REPRESENTATIVE]
)
def test_other_roles_get_403(fixture, path: str, role: Role) -> None:  # type: ignore[no-untyped-def]
    response = as_role(role).get(path)
    assert response.status_code == 403
    assert "applications" not in response.json()
    assert "dimensions" not in response.json()


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMINISTRATOR])
def test_officials_and_administrators_read_every_program(fixture, role: Role) -> None:  # type: ignore[no-untyped-def]
    other, _m, credential = funded_setup()
    for _ in range(4):
        application_row(program=other, credential=credential, status=S.SUBMITTED)
    body = as_role(role).get(PATHS[0]).json()
    assert body["applications"]["submitted"] == shown(17)
    assert body["filters"]["programs"] == []


def test_a_manager_reads_only_their_programs(fixture) -> None:  # type: ignore[no-untyped-def]
    program, manager, _credential = fixture
    other, _m, credential = funded_setup()
    for _ in range(4):
        application_row(program=other, credential=credential, status=S.SUBMITTED)
    api = APIClient()
    api.force_authenticate(manager)
    body = api.get(PATHS[0]).json()
    assert body["applications"]["submitted"] == shown(13)
    assert body["filters"]["programs"] == [program.pk]
    for path in PATHS:
        refused = api.get(path, {"program": other.pk})
        assert refused.status_code == 400
        assert "program" in refused.json()
        assert "applications" not in refused.json()


def test_a_manager_of_no_program_is_refused() -> None:
    response = as_role(Role.PROGRAM_MANAGER).get(PATHS[0])
    assert response.status_code == 403
    assert "do not manage any program" in response.json()["detail"]


def test_summary_equals_the_hand_count(fixture, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORTING_SUPPRESSION_THRESHOLD = 1  # the figures themselves; suppression is tested below
    body = as_role(Role.OFFICIAL).get(PATHS[0]).json()
    budget = body["budget"]
    assert budget["currency"] == "USD"
    assert budget["mixed_currencies"] is False
    assert (budget["total"], budget["committed"], budget["remaining"]) == ("100000.00", "6000.00", "94000.00")
    assert budget["burn_per_30_days"] == "2000.00"
    apps = body["applications"]
    by_status = {item["status"]: item["count"] for item in apps["by_status"]}
    assert by_status["submitted"] == shown(2)
    assert by_status["in_review"] == shown(1)
    assert by_status["rejected"] == shown(4)
    assert by_status["approved"] == shown(3)
    assert by_status["paid"] == shown(3)
    assert by_status["withdrawn"] == shown(0)
    assert apps["submitted"] == shown(13)
    assert apps["decided"] == shown(10)
    assert apps["awarded"] == shown(6)
    assert apps["completed"] == shown(3)
    assert apps["approval_rate"] == shown("0.600")
    assert apps["completion_rate"] == shown("1.000")
    assert apps["attainment_rate"] == shown("0.500")
    assert apps["amount_paid"] == "2400.00"
    assert apps["cost_per_credential"] == shown("800.00")
    assert apps["days_to_decision_median"] == shown("6.00")
    assert apps["days_to_decision_p90"] == shown("10.00")
    outcomes = body["outcomes"]
    assert outcomes["answered_q2"] == shown(3)
    assert outcomes["employed_q2"] == shown(2)
    assert outcomes["employed_rate_q2"] == shown("0.667")
    assert outcomes["answered_q4"] == shown(0)
    assert outcomes["employed_rate_q4"] == shown(None)  # nothing to divide by: undefined, not hidden
    assert body["suppression"]["threshold"] == 1


def test_summary_hides_what_small_cells_would_reveal(fixture) -> None:  # type: ignore[no-untyped-def]
    """Threshold 3. North's 2 pending, 1 completed-not-employed and 2 employed are small, and every published
    figure is a sum of the protected partition's cells (reporting/equity.py), so the decided, approved and
    completed totals, which would give them away by subtraction, are hidden; the 13 applications are not."""
    body = as_role(Role.OFFICIAL).get(PATHS[0]).json()
    apps = body["applications"]
    assert apps["submitted"] == shown(13)
    for name in ("decided", "awarded", "completed", "approval_rate", "cost_per_credential"):
        assert apps[name] == hidden(), name
    assert body["outcomes"]["employed_q2"] == hidden()
    assert body["suppression"]["threshold"] == 3
    assert "counts from 1 to 2 are not shown" in body["suppression"]["note"]


def test_suppressed_values_never_appear_in_the_json(fixture) -> None:  # type: ignore[no-untyped-def]
    text = as_role(Role.OFFICIAL).get(PATHS[0]).content.decode()
    assert "40000" not in text
    assert "50000" not in text
    assert '"reason"' not in text
    assert "primary" not in text
    assert "complementary" not in text


def test_equity_lists_every_dimension_with_flags(fixture, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORTING_SUPPRESSION_THRESHOLD = 1  # the figures and flags; suppression is tested below
    body = as_role(Role.OFFICIAL).get(PATHS[1]).json()
    assert [d["key"] for d in body["dimensions"]] == [
        "race_ethnicity",
        "sex",
        "age_band",
        "veteran",
        "disability",
        "region",
    ]
    region = body["dimensions"][-1]
    groups = {group["key"]: group for group in region["groups"]}
    assert list(groups) == ["East", "North", "South"]
    assert groups["East"]["counts"]["submitted"] == shown(1)
    assert groups["South"]["counts"]["submitted"] == shown(4)
    assert groups["North"]["counts"]["submitted"] == shown(8)
    assert groups["North"]["counts"]["employed_q2"] == shown(2)
    assert groups["North"]["approval_rate"] == shown("1.000")
    assert groups["South"]["approval_rate"] == shown("0.000")
    assert groups["South"]["impact_ratio"] == {"value": "0.000", "suppressed": False, "flagged": True}
    assert groups["North"]["impact_ratio"] == {"value": "1.000", "suppressed": False, "flagged": False}
    assert region["flagged"] == ["South"]
    assert region["totals"]["submitted"] == shown(13)
    sex = body["dimensions"][1]
    assert sex["groups"][0]["key"] == "not_reported" or sex["groups"][0]["label"] == "Not reported"
    assert sex["groups"][0]["impact_ratio"] is None  # "not reported" is not compared
    assert body["suppression"]["note"] == "No counts are suppressed in this report."


def test_equity_suppression_in_the_api(fixture) -> None:  # type: ignore[no-untyped-def]
    """Threshold 3: East's 1 and South's 4 (which with the total would give East's 1 away) are hidden;
    North's 8 is shown, but not its decided/approved/completed counts, which would reveal its small parts."""
    region = as_role(Role.OFFICIAL).get(PATHS[1]).json()["dimensions"][-1]
    groups = {group["key"]: group for group in region["groups"]}
    assert groups["East"]["counts"]["submitted"] == hidden()
    assert groups["South"]["counts"]["submitted"] == hidden()
    assert groups["North"]["counts"]["submitted"] == shown(8)
    assert groups["North"]["counts"]["decided"] == hidden()
    assert groups["North"]["counts"]["employed_q2"] == hidden()
    assert groups["North"]["approval_rate"]["suppressed"] is True
    assert region["flagged"] == []
    assert region["totals"]["submitted"] == shown(13)
    assert region["totals"]["employed_q2"] == hidden()
    body = as_role(Role.OFFICIAL).get(PATHS[1]).json()
    assert "To protect privacy" in body["suppression"]["note"]


def test_outcomes_endpoint(fixture) -> None:  # type: ignore[no-untyped-def]
    body = as_role(Role.OFFICIAL).get(PATHS[2]).json()
    assert body["outcomes"]["answered_q2"] == shown(3)
    assert body["outcomes"]["employed_q2"] == hidden()
    assert body["outcomes"]["wage_change"] == hidden()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"program": "abc"}, "program"),
        ({"funding_round": "99999999999999999999999"}, "funding_round"),
        ({"credential": "-1"}, "credential"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-03-01", "date_to": "2026-01-01"}, "date_to"),
        ({"sector": "x"}, "sector"),
        ({"region": "r" * 61}, "region"),
        ({"date_to": ""}, "date_to"),  # an API client leaves a filter out rather than sending it empty
        ({"program": ""}, "program"),
    ],
)
def test_bad_filters_are_400_with_field_errors(fixture, path: str, query: dict, field: str) -> None:  # type: ignore[no-untyped-def]
    response = as_role(Role.OFFICIAL).get(path, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_filters_apply(fixture) -> None:  # type: ignore[no-untyped-def]
    program, _manager, _credential = fixture
    body = as_role(Role.OFFICIAL).get(PATHS[0], {"program": program.pk, "region": "South"}).json()
    assert body["applications"]["submitted"] == shown(4)
    assert body["applications"]["approval_rate"] == shown("0.000")
    assert body["filters"]["region"] == "South"
    assert body["budget"]["follows_programs_only"] is True


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("size", [1, 5])
def test_query_count_does_not_grow(django_assert_num_queries, path: str, size: int) -> None:
    program, _manager, credential = funded_setup()
    for index in range(size):
        paid = application_row(
            program=program,
            credential=credential,
            status=S.PAID,
            days_to_decision=index + 1,
            region=f"R{index}",
        )
        outcome_row(paid, quarter=2, status=Outcome.EmploymentStatus.EMPLOYED)
    api = as_role(Role.OFFICIAL)
    # the caller's roles; 3 for the filter choices; the figures (no wages recorded: a median of nothing
    # needs no query); 6 for the equity tables
    with django_assert_num_queries(20):
        assert api.get(path).status_code == 200
