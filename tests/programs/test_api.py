"""The programs and catalog API, end to end through APIClient."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from programs.models import (
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    LedgerEntry,
    Program,
    ProgramBudget,
    ProgramCredential,
    ProgramEvent,
    ScoringCriterion,
    Skill,
    TrainingProvider,
)
from programs.services import budget_claw_back, budget_commit, budget_disburse, budget_release
from tests.accounts.factories import UserFactory, user_with_role
from tests.programs.factories import (
    CapRuleFactory,
    CredentialFactory,
    EligibilityRuleFactory,
    FundingRoundFactory,
    OccupationFactory,
    ProgramCredentialFactory,
    ProgramFactory,
    SkillFactory,
    TrainingProviderFactory,
    managed_program,
    open_program,
)

pytestmark = pytest.mark.django_db

CTID = "ce-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def snapshot() -> dict[str, Any]:
    """Everything a refused or invalid write must leave as it was."""
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Program,
            FundingRound,
            CapRule,
            EligibilityRule,
            ScoringCriterion,
            ProgramCredential,
            ProgramEvent,
            LedgerEntry,
            Credential,
            TrainingProvider,
            Skill,
            CredentialRequest,
        )
    }
    counts["programs"] = sorted(
        Program.objects.values_list("code", "name", "status", "co_payment_percent", "updated_at")
    )
    counts["rounds"] = sorted(FundingRound.objects.values_list("pk", "name", "opens_at", "closes_at"))
    counts["credentials"] = sorted(Credential.objects.values_list("pk", "title", "cost", "ctid"))
    counts["providers"] = sorted(TrainingProvider.objects.values_list("pk", "name", "eligible_until"))
    counts["requests"] = sorted(CredentialRequest.objects.values_list("pk", "status"))
    counts["budgets"] = sorted(ProgramBudget.objects.values_list("pk", "total", "committed"))
    return counts


def fresh(user: User) -> User:
    """The user as a new request would load them (roles not yet read)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def scene() -> dict[str, Any]:
    """An open program with one of everything, its manager, and the other callers."""
    program, manager = open_program(name="Tech Credentials", co_payment_percent=Decimal("0"))
    funding_round = program.rounds.get()
    credential = CredentialFactory(title="CompTIA Security+", cost=Decimal("1500.00"))
    return {
        "program": program,
        "manager": manager,
        "round": funding_round,
        "cap": CapRuleFactory(program=program, scope=CapRule.Scope.PER_CREDENTIAL, amount=Decimal("2000.00")),
        "rule": EligibilityRuleFactory(program=program),
        "link": ProgramCredentialFactory(program=program, credential=credential),
        "credential": credential,
        "worker": user_with_role(Role.WORKER),
        "other_manager": user_with_role(Role.PROGRAM_MANAGER),
        "finance": user_with_role(Role.FINANCE_OFFICER),
    }


def program_url(program: Program, suffix: str = "") -> str:
    return f"/api/v1/programs/{program.code}/{suffix}"


# ---------------------------------------------------------------- access


def test_every_endpoint_refuses_anonymous_callers(api_client, scene) -> None:
    program = scene["program"]
    urls = [
        "/api/v1/programs/",
        program_url(program),
        program_url(program, "rounds/"),
        program_url(program, f"rounds/{scene['round'].pk}/"),
        program_url(program, "caps/"),
        program_url(program, "eligibility-rules/"),
        program_url(program, "criteria/"),
        program_url(program, "credentials/"),
        program_url(program, "budget/"),
        "/api/v1/credentials/",
        f"/api/v1/credentials/{scene['credential'].pk}/",
        "/api/v1/providers/",
        "/api/v1/skills/",
        "/api/v1/credential-requests/",
    ]
    for url in urls:
        response = api_client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
    before = snapshot()
    assert api_client.post("/api/v1/programs/", {}, format="json").status_code == 401
    assert api_client.post(program_url(program, "eligibility-check/"), {}, format="json").status_code == 401
    assert api_client.post("/api/v1/credential-requests/", {}, format="json").status_code == 401
    assert snapshot() == before


def program_write_calls(scene: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    program = scene["program"]
    now = timezone.now()
    return [
        ("patch", program_url(program), {"name": "Renamed"}),
        ("post", program_url(program, "transition/"), {"to_status": "closed", "reason": "x"}),
        (
            "post",
            program_url(program, "rounds/"),
            {"name": "Later", "opens_at": now + timedelta(days=100), "closes_at": now + timedelta(days=130)},
        ),
        ("patch", program_url(program, f"rounds/{scene['round'].pk}/"), {"name": "Renamed round"}),
        ("post", program_url(program, "caps/"), {"scope": "per_person_year", "amount": "5000.00"}),
        ("delete", program_url(program, f"caps/{scene['cap'].pk}/"), {}),
        (
            "post",
            program_url(program, "eligibility-rules/"),
            {"kind": "age_between", "parameters": {"minimum": 18}},
        ),
        ("delete", program_url(program, f"eligibility-rules/{scene['rule'].pk}/"), {}),
        ("post", program_url(program, "criteria/"), {"name": "Need", "weight": "2.00"}),
        (
            "post",
            program_url(program, "credentials/"),
            {"credential": scene["credential"].pk, "maximum_amount": "900.00"},
        ),
        ("delete", program_url(program, f"credentials/{scene['credential'].pk}/"), {}),
    ]


@pytest.mark.parametrize(("caller", "expected"), [(None, 401), ("worker", 403), ("other_manager", 403)])
def test_program_writes_refuse_all_but_the_programs_managers(api_client, scene, caller, expected) -> None:
    if caller:
        api_client.force_authenticate(scene[caller])
    before = snapshot()
    for method, url, body in program_write_calls(scene):
        response = getattr(api_client, method)(url, body, format="json")
        assert response.status_code == expected, (method, url, response.content)
    assert snapshot() == before


def test_the_programs_manager_may_make_every_write(api_client, scene) -> None:
    api_client.force_authenticate(scene["manager"])
    expected = [200, 200, 201, 200, 201, 204, 201, 204, 201, 200, 204]
    statuses = [
        getattr(api_client, method)(url, body, format="json").status_code
        for method, url, body in program_write_calls(scene)
    ]
    assert statuses == expected
    program = Program.objects.get(pk=scene["program"].pk)
    assert (program.name, program.status) == ("Renamed", Program.Status.CLOSED)
    assert program.rounds.count() == 2
    assert list(program.cap_rules.values_list("scope", flat=True)) == ["per_person_year"]
    assert list(program.eligibility_rules.values_list("kind", flat=True)) == ["age_between"]
    assert ProgramCredential.objects.filter(program=program).count() == 0


def test_workers_cannot_see_draft_programs_or_their_parts(api_client) -> None:
    draft, _manager = managed_program()
    round_ = FundingRoundFactory(program=draft)
    api_client.force_authenticate(user_with_role(Role.WORKER))
    for suffix in ("", "rounds/", f"rounds/{round_.pk}/", "caps/", "budget/", "criteria/"):
        assert api_client.get(program_url(draft, suffix)).status_code == 404, suffix
    response = api_client.post(program_url(draft, "eligibility-check/"), {}, format="json")
    assert response.status_code == 404
    assert api_client.get("/api/v1/programs/NOPE-1/").status_code == 404
    assert api_client.get("/api/v1/programs/").json()["count"] == 0


# ---------------------------------------------------------------- programs


def test_program_list_and_detail_show_every_setting(api_client, scene) -> None:
    program = scene["program"]
    ScoringCriterion.objects.create(program=program, name="Need", weight=Decimal("1.50"), guidance="g")
    ProgramFactory(status=Program.Status.DRAFT, name="Hidden draft")
    api_client.force_authenticate(scene["worker"])
    listing = api_client.get("/api/v1/programs/").json()
    assert listing["count"] == 1
    body = listing["results"][0]
    assert body == api_client.get(program_url(program)).json()
    assert body["code"] == program.code
    assert body["currency"] == "USD"
    assert body["status"] == "open"
    assert body["co_payment_percent"] == "0.00"
    assert body["caps"] == [
        {"id": scene["cap"].pk, "scope": "per_credential", "amount": "2000.00", "note": ""}
    ]
    assert body["eligibility_rules"] == [
        {
            "id": scene["rule"].pk,
            "kind": "residency_region",
            "parameters": {"regions": ["North"]},
            "description": "Lives in one of these regions: North.",
        }
    ]
    assert body["scoring_criteria"] == [
        {"id": program.scoring_criteria.get().pk, "name": "Need", "weight": "1.50", "guidance": "g"}
    ]
    assert [(r["id"], r["is_open"], r["budget_share"]) for r in body["rounds"]] == [
        (scene["round"].pk, True, None)
    ]
    assert body["credential_count"] == 1


def test_staff_see_drafts_and_filters_narrow_the_list(api_client) -> None:
    open_program(name="Alpha retention", payment_model=Program.PaymentModel.RETENTION_GRANT)
    open_program(name="Beta vouchers", payment_model=Program.PaymentModel.VOUCHER)
    ProgramFactory(name="Gamma draft", currency="EUR")
    api_client.force_authenticate(user_with_role(Role.OFFICIAL))

    def names(query: str) -> list[str]:
        response = api_client.get(f"/api/v1/programs/{query}")
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names("") == ["Alpha retention", "Beta vouchers", "Gamma draft"]
    assert names("?status=draft") == ["Gamma draft"]
    assert names("?payment_model=retention_grant") == ["Alpha retention"]
    assert names("?currency=EUR") == ["Gamma draft"]
    assert names("?q=VOUCH") == ["Beta vouchers"]
    assert names("?applicant_type=employer") == []
    assert names("?selection_method=first_come&status=open") == ["Alpha retention", "Beta vouchers"]
    bad = api_client.get("/api/v1/programs/?status=dormant")
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_program_list_query_count_does_not_grow(api_client, django_assert_num_queries) -> None:
    official = user_with_role(Role.OFFICIAL)

    def add_programs(count: int) -> None:
        for _ in range(count):
            program, _manager = open_program()
            CapRuleFactory(program=program)
            EligibilityRuleFactory(program=program)
            ProgramCredentialFactory(program=program)
            ScoringCriterion.objects.create(program=program, name="Need", weight=Decimal("1"))

    add_programs(3)
    api_client.force_authenticate(fresh(official))
    # roles, count, page, then one query each: current rounds, rounds, caps, rules, criteria
    with django_assert_num_queries(8):
        small = api_client.get("/api/v1/programs/")
    add_programs(27)
    api_client.force_authenticate(fresh(official))
    with django_assert_num_queries(8):
        large = api_client.get("/api/v1/programs/")
    assert small.json()["count"] == 3
    assert large.json()["count"] == 30
    assert len(large.json()["results"]) == 25


def test_manager_creates_a_program_with_its_opening_budget(api_client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    api_client.force_authenticate(manager)
    response = api_client.post(
        "/api/v1/programs/",
        {
            "code": "TECHCRED-26",
            "currency": "USD",
            "total_budget": "250000.00",
            "name": "TechCred 2026",
            "summary": "Employers upskill staff.",
            "funding_agency": "Workforce Agency",
            "payment_model": "reimbursement",
            "applicant_type": "employer",
            "priority_order": ["veteran", "low_income"],
            "co_payment_percent": "10.00",
            "claim_deadline_weeks": 6,
            "training_window_months": 12,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["status"], body["priority_order"]) == (
        "TECHCRED-26",
        "draft",
        ["veteran", "low_income"],
    )
    program = Program.objects.get(code="TECHCRED-26")
    assert list(program.managers.all()) == [manager]
    assert program.budget.total == Decimal("250000.00")
    assert api_client.get("/api/v1/programs/TECHCRED-26/").json()["name"] == "TechCred 2026"


VALID_PROGRAM = {
    "code": "NEW-1",
    "currency": "USD",
    "total_budget": "1000.00",
    "name": "New",
    "summary": "S",
    "funding_agency": "A",
    "payment_model": "voucher",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total_budget": "-1.00"}, "total_budget"),
        ({"total_budget": "10.001"}, "total_budget"),
        ({"total_budget": "lots"}, "total_budget"),
        ({"code": "lower-case"}, "code"),
        ({"currency": "XYZ"}, "currency"),
        ({"payment_model": "cash"}, "payment_model"),
        ({"priority_order": "veteran"}, "priority_order"),
        ({"priority_order": ["veteran", "veteran"]}, "priority_order"),
        ({"co_payment_percent": "100.01"}, "co_payment_percent"),
        ({"claim_deadline_weeks": "six"}, "claim_deadline_weeks"),
        ({"training_window_months": 0}, "training_window_months"),
        ({"name": ""}, "name"),
    ],
)
def test_program_create_refuses_bad_input(api_client, change, field) -> None:
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    before = snapshot()
    response = api_client.post("/api/v1/programs/", {**VALID_PROGRAM, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_program_create_refuses_a_taken_code_and_other_roles(api_client) -> None:
    ProgramFactory(code="NEW-1")
    before = snapshot()
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    response = api_client.post("/api/v1/programs/", VALID_PROGRAM, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    for role in (Role.WORKER, Role.FINANCE_OFFICER, Role.OFFICIAL):
        api_client.force_authenticate(user_with_role(role))
        assert api_client.post("/api/v1/programs/", VALID_PROGRAM, format="json").status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"co_payment_percent": "abc"}, "co_payment_percent"),
        ({"co_payment_percent": -1}, "co_payment_percent"),
        ({"priority_order": ["royalty"]}, "priority_order"),
        ({"summary": "x" * 301}, "summary"),
        ({"retention_period_months": [6]}, "retention_period_months"),
    ],
)
def test_program_update_refuses_bad_input(api_client, scene, body, field) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    response = api_client.patch(program_url(scene["program"]), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_program_transitions_follow_the_table(api_client, scene) -> None:
    program = scene["program"]
    api_client.force_authenticate(scene["manager"])
    url = program_url(program, "transition/")
    response = api_client.post(url, {"to_status": "draft"}, format="json")
    assert response.status_code == 400
    assert "to_status" in response.json()
    response = api_client.post(url, {"to_status": "archived"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "A program that is open cannot become archived."
    assert api_client.post(url, {"to_status": "closed"}, format="json").json()["status"] == "closed"
    assert api_client.post(url, {"to_status": "archived"}, format="json").json()["status"] == "archived"
    response = api_client.patch(program_url(program), {"name": "Late"}, format="json")
    assert response.status_code == 409
    assert list(ProgramEvent.objects.filter(action="status").values_list("to_status", flat=True)) == [
        "archived",
        "closed",
    ]


def test_opening_a_program_without_rounds_is_refused(api_client) -> None:
    program, manager = managed_program(budget=Decimal("1000.00"))
    api_client.force_authenticate(manager)
    response = api_client.post(program_url(program, "transition/"), {"to_status": "open"}, format="json")
    assert response.status_code == 400
    assert "funding round" in response.json()["non_field_errors"][0]
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


# ---------------------------------------------------------------- rounds


def test_rounds_are_listed_in_order_and_changed(api_client, scene) -> None:
    program, now = scene["program"], timezone.now()
    api_client.force_authenticate(scene["manager"])
    later = api_client.post(
        program_url(program, "rounds/"),
        {
            "name": "Autumn",
            "opens_at": (now + timedelta(days=60)).isoformat(),
            "closes_at": (now + timedelta(days=90)).isoformat(),
            "budget_share": "20000.00",
        },
        format="json",
    )
    assert later.status_code == 201, later.content
    assert later.json()["budget_share"] == "20000.00"
    listing = api_client.get(program_url(program, "rounds/")).json()
    assert [row["id"] for row in listing["results"]] == [scene["round"].pk, later.json()["id"]]
    response = api_client.patch(
        program_url(program, f"rounds/{later.json()['id']}/"),
        {"name": "Fall", "budget_share": None},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["budget_share"]) == ("Fall", None)
    api_client.force_authenticate(scene["worker"])
    assert api_client.get(program_url(program, f"rounds/{later.json()['id']}/")).json()["name"] == "Fall"


@pytest.mark.parametrize(
    ("days", "share", "field"),
    [
        ((60, 50), None, "closes_at"),  # closes before it opens
        ((60, 60), None, "closes_at"),
        ((0, 20), None, "opens_at"),  # overlaps the current round
        ((60, 90), "0.00", "budget_share"),
        ((60, 90), "-10.00", "budget_share"),
        ((60, 90), "10.005", "budget_share"),
        ((60, 90), "ten", "budget_share"),
    ],
)
def test_round_bad_input_is_refused(api_client, scene, days, share, field) -> None:
    now = timezone.now()
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    body = {
        "name": "Bad",
        "opens_at": (now + timedelta(days=days[0])).isoformat(),
        "closes_at": (now + timedelta(days=days[1])).isoformat(),
    }
    if share is not None:
        body["budget_share"] = share
    response = api_client.post(program_url(scene["program"], "rounds/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_round_change_is_checked_against_its_other_dates(api_client, scene) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    url = program_url(scene["program"], f"rounds/{scene['round'].pk}/")
    earlier = (scene["round"].opens_at - timedelta(days=1)).isoformat()
    response = api_client.patch(url, {"closes_at": earlier}, format="json")
    assert response.status_code == 400
    assert "closes_at" in response.json()
    response = api_client.patch(url, {"opens_at": "not a date"}, format="json")
    assert response.status_code == 400
    assert "opens_at" in response.json()
    assert snapshot() == before


def test_a_round_of_another_program_is_not_found(api_client, scene) -> None:
    other_program, _other_manager = open_program()
    other_round = other_program.rounds.get()
    api_client.force_authenticate(scene["manager"])
    url = program_url(scene["program"], f"rounds/{other_round.pk}/")
    assert api_client.get(url).status_code == 404
    assert api_client.patch(url, {"name": "Stolen"}, format="json").status_code == 404
    assert api_client.get(program_url(scene["program"], "rounds/abc/")).status_code == 404
    other_round.refresh_from_db()
    assert other_round.name != "Stolen"


# ---------------------------------------------------------------- caps, rules, criteria, credentials


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "per_person_year", "amount": "0"}, "amount"),
        ({"scope": "per_person_year", "amount": "-100.00"}, "amount"),
        ({"scope": "per_person_year", "amount": "100.001"}, "amount"),
        ({"scope": "per_person_year", "amount": "a lot"}, "amount"),
        ({"scope": "per_person_year", "amount": ["100"]}, "amount"),
        ({"scope": "per_planet", "amount": "100.00"}, "scope"),
        ({"amount": "100.00"}, "scope"),
    ],
)
def test_cap_bad_input_is_refused(api_client, scene, body, field) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    response = api_client.post(program_url(scene["program"], "caps/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_caps_are_listed_added_and_removed(api_client, scene) -> None:
    url = program_url(scene["program"], "caps/")
    api_client.force_authenticate(scene["manager"])
    response = api_client.post(
        url, {"scope": "per_person_lifetime", "amount": "7500", "note": "Guide 4.2"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["amount"] == "7500.00"
    listing = api_client.get(url).json()["results"]
    assert [(row["scope"], row["amount"]) for row in listing] == [
        ("per_credential", "2000.00"),
        ("per_person_lifetime", "7500.00"),
    ]
    assert api_client.delete(f"{url}{scene['cap'].pk}/").status_code == 204
    assert api_client.delete(f"{url}{scene['cap'].pk}/").status_code == 404
    assert list(CapRule.objects.values_list("scope", flat=True)) == ["per_person_lifetime"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "star_sign", "parameters": {}}, "kind"),
        ({"kind": "age_between", "parameters": [18, 64]}, "parameters"),
        ({"kind": "age_between", "parameters": "18-64"}, "parameters"),
        ({"kind": "age_between", "parameters": {"minimum": 18, "shoe_size": 9}}, "parameters"),
        ({"kind": "age_between", "parameters": {"minimum": "eighteen"}}, "parameters"),
        ({"kind": "age_between", "parameters": {"minimum": 70, "maximum": 20}}, "parameters"),
        ({"kind": "credential_max_hours", "parameters": {"maximum": "400"}}, "parameters"),
        ({"kind": "household_income_below", "parameters": {"maximum": 45000.5}}, "parameters"),
        ({"kind": "household_income_below", "parameters": {"maximum": "-1.00"}}, "parameters"),
        ({"kind": "employment_status", "parameters": {"statuses": ["retired"]}}, "parameters"),
        ({"kind": "sector", "parameters": {"naics_prefixes": ["3x"]}}, "parameters"),
        ({"kind": "residency_region", "parameters": {}}, "parameters"),
        ({"kind": "residency_region"}, "parameters"),
    ],
)
def test_eligibility_rule_bad_input_is_refused(api_client, scene, body, field) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    response = api_client.post(program_url(scene["program"], "eligibility-rules/"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_eligibility_rules_are_added_with_a_description_and_removed(api_client, scene) -> None:
    url = program_url(scene["program"], "eligibility-rules/")
    api_client.force_authenticate(scene["manager"])
    response = api_client.post(
        url, {"kind": "household_income_below", "parameters": {"maximum": "45000"}}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["parameters"] == {"maximum": "45000.00"}
    assert response.json()["description"] == "Household income below 45,000.00 USD a year."
    assert [row["kind"] for row in api_client.get(url).json()["results"]] == [
        "residency_region",
        "household_income_below",
    ]
    assert api_client.delete(f"{url}{scene['rule'].pk}/").status_code == 204
    assert list(EligibilityRule.objects.values_list("kind", flat=True)) == ["household_income_below"]


def test_scoring_criteria(api_client, scene) -> None:
    url = program_url(scene["program"], "criteria/")
    api_client.force_authenticate(scene["manager"])
    assert api_client.post(url, {"name": "Need", "weight": "1.50"}, format="json").status_code == 201
    assert api_client.post(url, {"name": "Fit", "weight": "3"}, format="json").status_code == 201
    assert [(row["name"], row["weight"]) for row in api_client.get(url).json()["results"]] == [
        ("Fit", "3.00"),
        ("Need", "1.50"),
    ]
    before = snapshot()
    for body, field in [
        ({"name": "Zero", "weight": "0"}, "weight"),
        ({"name": "Words", "weight": "heavy"}, "weight"),
        ({"name": "Huge", "weight": "1000.00"}, "weight"),
        ({"name": "", "weight": "1"}, "name"),
        ({"name": "Need", "weight": "1"}, "non_field_errors"),  # the name is taken
    ]:
        response = api_client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert snapshot() == before


def test_funded_credentials_are_listed_set_and_removed(api_client, scene) -> None:
    url = program_url(scene["program"], "credentials/")
    new_credential = CredentialFactory(title="AWS Cloud Practitioner", cost=Decimal("300.00"))
    api_client.force_authenticate(scene["manager"])
    response = api_client.post(
        url, {"credential": new_credential.pk, "maximum_amount": "250.00"}, format="json"
    )
    assert response.status_code == 201
    assert response.json() == {
        "credential": new_credential.pk,
        "title": "AWS Cloud Practitioner",
        "provider": new_credential.provider.name,
        "cost": "300.00",
        "currency": "USD",
        "maximum_amount": "250.00",
    }
    response = api_client.post(url, {"credential": new_credential.pk, "maximum_amount": None}, format="json")
    assert response.status_code == 200
    assert response.json()["maximum_amount"] is None
    assert [row["title"] for row in api_client.get(url).json()["results"]] == [
        "AWS Cloud Practitioner",
        "CompTIA Security+",
    ]
    before = snapshot()
    for body, field in [
        ({"credential": new_credential.pk, "maximum_amount": "-5.00"}, "maximum_amount"),
        ({"credential": new_credential.pk, "maximum_amount": "5.555"}, "maximum_amount"),
        ({"credential": 999999}, "credential"),
        ({"credential": "first"}, "credential"),
    ]:
        response = api_client.post(url, body, format="json")
        assert response.status_code == 400
        assert field in response.json()
    assert snapshot() == before
    assert api_client.delete(f"{url}{new_credential.pk}/").status_code == 204
    assert api_client.delete(f"{url}{new_credential.pk}/").status_code == 404
    assert list(ProgramCredential.objects.values_list("credential__title", flat=True)) == [
        "CompTIA Security+"
    ]


# ---------------------------------------------------------------- budget


def test_budget_shows_totals_and_recent_entries_to_budget_readers(api_client, scene) -> None:
    program, manager = scene["program"], scene["manager"]
    commitment = budget_commit(
        program=program,
        amount="1000.00",
        idempotency_key="award-1",
        reason="Approved",
        actor=manager,
        funding_round=scene["round"],
    )
    budget_disburse(program=program, amount="400.00", idempotency_key="pay-1", reason="Paid")
    budget_claw_back(program=program, amount="100.00", idempotency_key="back-1", reason="Did not finish")
    budget_release(
        program=program, amount="200.00", idempotency_key="rel-1", reason="Smaller award", reverses=commitment
    )
    for role in (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE, Role.REVIEWER):
        api_client.force_authenticate(user_with_role(role))
        assert api_client.get(program_url(program, "budget/")).status_code == 403, role
    api_client.force_authenticate(scene["finance"])
    response = api_client.get(program_url(program, "budget/"))
    assert response.status_code == 200
    body = response.json()
    assert {key: value for key, value in body.items() if key != "recent_entries"} == {
        "currency": "USD",
        "total": "100000.00",
        "committed": "400.00",
        "disbursed": "300.00",
        "available": "99300.00",
        "clawed_back": "100.00",
    }
    entries = body["recent_entries"]
    assert [(e["kind"], e["amount"]) for e in entries] == [
        ("release", "200.00"),
        ("clawback", "100.00"),
        ("disbursement", "400.00"),
        ("commitment", "1000.00"),
        ("adjustment", "100000.00"),
    ]
    assert entries[3] == {
        "id": commitment.pk,
        "kind": "commitment",
        "amount": "1000.00",
        "reason": "Approved",
        "actor": manager.email,
        "created_at": entries[3]["created_at"],
        "idempotency_key": "award-1",
        "total_after": "100000.00",
        "committed_after": "1000.00",
        "disbursed_after": "0.00",
        "funding_round": scene["round"].pk,
    }
    assert entries[0]["actor"] is None


def test_budget_shows_the_twenty_most_recent_entries(api_client, scene) -> None:
    for number in range(22):
        budget_commit(program=scene["program"], amount="1.00", idempotency_key=f"k-{number}", reason="r")
    api_client.force_authenticate(user_with_role(Role.OFFICIAL))
    entries = api_client.get(program_url(scene["program"], "budget/")).json()["recent_entries"]
    assert len(entries) == 20
    assert entries[0]["idempotency_key"] == "k-21"
    assert entries[-1]["idempotency_key"] == "k-2"


# ---------------------------------------------------------------- eligibility check


@pytest.fixture
def checked_program() -> dict[str, Any]:
    program, manager = open_program(co_payment_percent=Decimal("0"))
    EligibilityRuleFactory(
        program=program, kind="residency_region", parameters={"regions": ["North", "East"]}
    )
    EligibilityRuleFactory(program=program, kind="age_between", parameters={"minimum": 18, "maximum": 64})
    EligibilityRuleFactory(program=program, kind="employment_status", parameters={"statuses": ["unemployed"]})
    EligibilityRuleFactory(program=program, kind="household_income_below", parameters={"maximum": "45000.00"})
    EligibilityRuleFactory(program=program, kind="credential_max_hours", parameters={"maximum": 200})
    return {"program": program, "manager": manager}


ELIGIBLE_PROFILE = {
    "region": "North",
    "date_of_birth": "1990-05-01",
    "employment_status": "unemployed",
    "household_income": "30000.00",
}


@pytest.mark.parametrize(
    ("change", "eligible", "failing"),
    [
        ({}, True, []),
        ({"region": "West"}, False, ["residency_region"]),
        ({"region": None}, False, ["residency_region"]),
        ({"date_of_birth": "2015-01-01"}, False, ["age_between"]),
        ({"employment_status": "employed_full_time"}, False, ["employment_status"]),
        ({"household_income": "45000.00"}, False, ["household_income_below"]),
        (
            {"household_income": None, "region": "South"},
            False,
            ["residency_region", "household_income_below"],
        ),
    ],
)
def test_eligibility_check_explains_each_rule(api_client, checked_program, change, eligible, failing) -> None:
    program = checked_program["program"]
    credential = CredentialFactory(hours=120)
    api_client.force_authenticate(user_with_role(Role.WORKER))
    response = api_client.post(
        program_url(program, "eligibility-check/"),
        {**ELIGIBLE_PROFILE, **change, "credential": credential.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["eligible"] is eligible
    assert [o["kind"] for o in body["outcomes"] if not o["passed"]] == failing
    assert len(body["outcomes"]) == 5
    assert all(outcome["reason"] for outcome in body["outcomes"])


def test_eligibility_check_without_a_credential_has_no_award_and_fails_course_rules(
    api_client, checked_program
) -> None:
    api_client.force_authenticate(user_with_role(Role.EMPLOYER_REPRESENTATIVE))
    response = api_client.post(
        program_url(checked_program["program"], "eligibility-check/"), ELIGIBLE_PROFILE, format="json"
    )
    body = response.json()
    assert body["maximum_award"] is None
    assert body["eligible"] is False
    assert body["outcomes"][-1] == {
        "kind": "credential_max_hours",
        "passed": False,
        "reason": "Choose a credential to check this rule.",
    }


@pytest.mark.parametrize(
    ("setup", "amount", "binding", "explanation"),
    [
        ({}, "1500.00", "cost", "The most you can receive is 1,500.00, set by the course cost."),
        (
            {"caps": [("per_credential", "1000.00"), ("per_person_year", "1200.00")]},
            "1000.00",
            "per_credential",
            "The most you can receive is 1,000.00, set by the cap per credential (1,000.00).",
        ),
        (
            {"caps": [("per_person_lifetime", "900.00")], "maximum": "950.00"},
            "900.00",
            "per_person_lifetime",
            "The most you can receive is 900.00, set by the lifetime cap per person (900.00).",
        ),
        (
            {"caps": [("per_credential", "1000.00")], "maximum": "800.00"},
            "800.00",
            "credential_maximum",
            "The most you can receive is 800.00, set by the program's maximum for this credential.",
        ),
        (
            {"co_payment": "50"},
            "750.00",
            "cost",
            "The most you can receive is 750.00, set by the course cost less your 50% co-payment.",
        ),
        (
            # employer caps count only when employers apply
            {"caps": [("per_employer_round", "500.00")]},
            "1500.00",
            "cost",
            "The most you can receive is 1,500.00, set by the course cost.",
        ),
        (
            {"caps": [("per_employer_round", "500.00")], "employer": True},
            "500.00",
            "per_employer_round",
            "The most you can receive is 500.00, set by the cap per employer per round (500.00).",
        ),
    ],
)
def test_eligibility_check_names_the_binding_cap(api_client, setup, amount, binding, explanation) -> None:
    program, _manager = open_program(
        co_payment_percent=Decimal(setup.get("co_payment", "0")),
        applicant_type=Program.ApplicantType.EMPLOYER
        if setup.get("employer")
        else Program.ApplicantType.WORKER,
    )
    credential = CredentialFactory(cost=Decimal("1500.00"))
    for scope, cap in setup.get("caps", []):
        CapRuleFactory(program=program, scope=scope, amount=Decimal(cap))
    if "maximum" in setup:
        ProgramCredentialFactory(
            program=program, credential=credential, maximum_amount=Decimal(setup["maximum"])
        )
    api_client.force_authenticate(user_with_role(Role.WORKER))
    response = api_client.post(
        program_url(program, "eligibility-check/"), {"credential": credential.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["eligible"] is True  # no rules: open to everyone
    assert response.json()["maximum_award"] == {
        "amount": amount,
        "currency": "USD",
        "binding": binding,
        "explanation": explanation,
        "listed_by_program": "maximum" in setup,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"employment_status": "retired"}, "employment_status"),
        ({"employer_size_class": "huge"}, "employer_size_class"),
        ({"employer_sector": "54-15"}, "employer_sector"),
        ({"employer_sector": "5"}, "employer_sector"),
        ({"household_income": "-1.00"}, "household_income"),
        ({"household_income": "100.123"}, "household_income"),
        ({"household_income": "rich"}, "household_income"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "yesterday"}, "date_of_birth"),
        ({"credential": 999999}, "credential"),
        ({"credential": "abc"}, "credential"),
        ({"region": ["North"]}, "region"),
    ],
)
def test_eligibility_check_refuses_bad_profiles(api_client, checked_program, body, field) -> None:
    api_client.force_authenticate(user_with_role(Role.WORKER))
    response = api_client.post(
        program_url(checked_program["program"], "eligibility-check/"), body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_eligibility_check_hides_unlisted_credentials_from_workers(api_client, checked_program) -> None:
    unlisted = CredentialFactory(is_listed=False)
    url = program_url(checked_program["program"], "eligibility-check/")
    api_client.force_authenticate(user_with_role(Role.WORKER))
    response = api_client.post(url, {"credential": unlisted.pk}, format="json")
    assert response.status_code == 400
    assert "credential" in response.json()
    api_client.force_authenticate(checked_program["manager"])
    assert api_client.post(url, {"credential": unlisted.pk}, format="json").status_code == 200


# ---------------------------------------------------------------- credentials


def test_catalog_filters(api_client) -> None:
    cloud = SkillFactory(label="Cloud computing")
    welding = SkillFactory(label="Welding")
    it_support = OccupationFactory(code="15-1232.00", title="Computer User Support Specialists")
    provider = TrainingProviderFactory(name="Northern Tech")
    CredentialFactory(
        title="AWS Cloud Practitioner",
        skills=[cloud],
        occupations=[it_support],
        cost=Decimal("300.00"),
        hours=40,
        delivery_mode="online",
        provider=provider,
    )
    CredentialFactory(title="AWS Certified Welder", skills=[welding], cost=Decimal("2500.00"), hours=300)
    CredentialFactory(title="Hidden course", skills=[cloud], is_listed=False)
    api_client.force_authenticate(user_with_role(Role.WORKER))

    def titles(query: str) -> list[str]:
        response = api_client.get(f"/api/v1/credentials/{query}")
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles("") == ["AWS Certified Welder", "AWS Cloud Practitioner"]
    assert titles("?q=aws") == ["AWS Certified Welder", "AWS Cloud Practitioner"]
    assert titles("?q=cloud") == ["AWS Cloud Practitioner"]
    assert titles(f"?skill={cloud.pk}") == ["AWS Cloud Practitioner"]
    assert titles("?occupation=15-1232.00") == ["AWS Cloud Practitioner"]
    assert titles(f"?provider={provider.pk}") == ["AWS Cloud Practitioner"]
    assert titles("?delivery_mode=online") == ["AWS Cloud Practitioner"]
    assert titles("?cost_min=1000&cost_max=3000") == ["AWS Certified Welder"]
    assert titles("?hours_max=100") == ["AWS Cloud Practitioner"]
    assert titles("?include_unlisted=true") == ["AWS Certified Welder", "AWS Cloud Practitioner"]
    for query, field in [
        ("?skill=999999", "skill"),
        ("?delivery_mode=mail", "delivery_mode"),
        ("?cost_max=x", "cost_max"),
    ]:
        response = api_client.get(f"/api/v1/credentials/{query}")
        assert response.status_code == 400
        assert field in response.json()
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    assert titles("?include_unlisted=true") == [
        "AWS Certified Welder",
        "AWS Cloud Practitioner",
        "Hidden course",
    ]
    assert titles("?include_unlisted=false") == ["AWS Certified Welder", "AWS Cloud Practitioner"]
    response = api_client.get("/api/v1/credentials/?include_unlisted=perhaps")
    assert response.status_code == 400
    assert "include_unlisted" in response.json()


def test_credential_detail_shows_public_funding_and_hides_unlisted(api_client, scene) -> None:
    credential = scene["credential"]
    ProgramCredentialFactory(program=ProgramFactory(status=Program.Status.DRAFT), credential=credential)
    scene["link"].maximum_amount = Decimal("1200.00")
    scene["link"].save()
    unlisted = CredentialFactory(is_listed=False)
    api_client.force_authenticate(scene["worker"])
    body = api_client.get(f"/api/v1/credentials/{credential.pk}/").json()
    assert body["title"] == "CompTIA Security+"
    assert body["cost"] == "1500.00"
    assert body["provider"] == {"id": credential.provider.pk, "name": credential.provider.name}
    assert body["funded_by"] == [
        {"program": scene["program"].code, "program_name": "Tech Credentials", "maximum_amount": "1200.00"}
    ]
    assert api_client.get(f"/api/v1/credentials/{unlisted.pk}/").status_code == 404
    assert api_client.get("/api/v1/credentials/x/").status_code == 404
    api_client.force_authenticate(scene["manager"])
    assert api_client.get(f"/api/v1/credentials/{unlisted.pk}/").json()["is_listed"] is False


def test_credential_list_query_count_does_not_grow(api_client, django_assert_num_queries) -> None:
    worker = user_with_role(Role.WORKER)

    def add_credentials(count: int) -> None:
        for _ in range(count):
            CredentialFactory(skills=SkillFactory.create_batch(2), occupations=[OccupationFactory()])

    add_credentials(3)
    api_client.force_authenticate(fresh(worker))
    # count, page, skills, occupations
    with django_assert_num_queries(4):
        small = api_client.get("/api/v1/credentials/")
    add_credentials(27)
    api_client.force_authenticate(fresh(worker))
    with django_assert_num_queries(4):
        large = api_client.get("/api/v1/credentials/")
    assert small.json()["count"] == 3
    assert large.json()["count"] == 30
    assert all(len(row["skills"]) == 2 for row in large.json()["results"])


def valid_credential(**changes: Any) -> dict[str, Any]:
    return {
        "title": "CompTIA A+",
        "provider": TrainingProviderFactory().pk,
        "hours": 120,
        "duration_weeks": 12,
        "cost": "1200.00",
        "delivery_mode": "hybrid",
        "occupation_codes": ["15-1232.00"],
        "skills": [SkillFactory().pk],
        "ctid": CTID,
        **changes,
    }


def test_manager_adds_and_changes_a_credential(api_client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    api_client.force_authenticate(manager)
    body = valid_credential()
    response = api_client.post("/api/v1/credentials/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["ctid"], created["cost"], created["funded_by"]) == (CTID, "1200.00", [])
    assert [o["code"] for o in created["occupations"]] == ["15-1232.00"]
    assert [s["id"] for s in created["skills"]] == body["skills"]
    response = api_client.patch(
        f"/api/v1/credentials/{created['id']}/",
        {"cost": "1300.50", "occupation_codes": ["15-1232.00", "15-1212.00"], "is_listed": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    changed = response.json()
    assert (changed["cost"], changed["is_listed"], changed["title"]) == ("1300.50", False, "CompTIA A+")
    assert [o["code"] for o in changed["occupations"]] == ["15-1212.00", "15-1232.00"]
    assert [s["id"] for s in changed["skills"]] == body["skills"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occupation_codes": ["151212"]}, "occupation_codes"),
        ({"occupation_codes": ["15-1212"]}, "occupation_codes"),
        ({"occupation_codes": "15-1212.00"}, "occupation_codes"),
        ({"ctid": "ce-NOT-A-UUID"}, "ctid"),
        ({"ctid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}, "ctid"),
        ({"cost": "-1.00"}, "cost"),
        ({"cost": "99.999"}, "cost"),
        ({"hours": 0}, "hours"),
        ({"hours": "many"}, "hours"),
        ({"duration_weeks": 40000}, "duration_weeks"),
        ({"delivery_mode": "by post"}, "delivery_mode"),
        ({"provider": 999999}, "provider"),
        ({"skills": [999999]}, "skills"),
        ({"skills": {"id": 1}}, "skills"),
        ({"website": "not a url"}, "website"),
        ({"currency": "BTC"}, "currency"),
    ],
)
def test_credential_bad_input_is_refused(api_client, change, field) -> None:
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    body = valid_credential(**change)
    before = snapshot()
    response = api_client.post("/api/v1/credentials/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_credential_ctid_must_be_unique(api_client) -> None:
    CredentialFactory(ctid=CTID)
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    body = valid_credential()
    before = snapshot()
    response = api_client.post("/api/v1/credentials/", body, format="json")
    assert response.status_code == 400
    assert "ctid" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("caller", [None, Role.WORKER, Role.REVIEWER, Role.FINANCE_OFFICER])
def test_catalog_writes_need_a_program_manager(api_client, caller) -> None:
    credential = CredentialFactory()
    provider = TrainingProviderFactory()
    if caller:
        api_client.force_authenticate(user_with_role(caller))
    expected = 401 if caller is None else 403
    body = valid_credential()
    before = snapshot()
    calls = [
        ("post", "/api/v1/credentials/", body),
        ("patch", f"/api/v1/credentials/{credential.pk}/", {"title": "Changed"}),
        ("post", "/api/v1/providers/", {"name": "New provider"}),
        ("patch", f"/api/v1/providers/{provider.pk}/", {"name": "Changed"}),
        (
            "post",
            "/api/v1/skills/",
            {"taxonomy": "esco", "taxonomy_version": "1.2", "code": "x", "label": "X"},
        ),
    ]
    for method, url, data in calls:
        assert getattr(api_client, method)(url, data, format="json").status_code == expected, url
    assert snapshot() == before


# ---------------------------------------------------------------- providers and skills


def test_providers(api_client) -> None:
    today = timezone.localdate()
    TrainingProviderFactory(
        name="Lapsed College",
        eligible_from=today - timedelta(days=400),
        eligible_until=today - timedelta(days=30),
    )
    TrainingProviderFactory(name="Current College")
    TrainingProviderFactory(name="Unlisted Academy", eligible_from=None)
    manager = user_with_role(Role.PROGRAM_MANAGER)
    api_client.force_authenticate(manager)

    def names(query: str) -> list[str]:
        response = api_client.get(f"/api/v1/providers/{query}")
        assert response.status_code == 200
        return [row["name"] for row in response.json()["results"]]

    assert names("") == ["Current College", "Lapsed College", "Unlisted Academy"]
    assert names("?name=college") == ["Current College", "Lapsed College"]
    assert names(f"?eligible_on={today.isoformat()}") == ["Current College"]
    assert names(f"?eligible_on={(today - timedelta(days=60)).isoformat()}") == [
        "Current College",
        "Lapsed College",
    ]
    assert api_client.get("/api/v1/providers/?eligible_on=soon").status_code == 400

    response = api_client.post(
        "/api/v1/providers/",
        {"name": "Metro Welding School", "registration_number": "ETPL-9", "eligible_from": today.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["registration_number"], created["eligible_today"]) == ("ETPL-9", True)
    url = f"/api/v1/providers/{created['id']}/"
    before = snapshot()
    for body, field in [
        ({"eligible_until": (today - timedelta(days=1)).isoformat()}, "eligible_until"),
        ({"website": "ftp:/nope"}, "website"),
        ({"name": ""}, "name"),
    ]:
        response = api_client.patch(url, body, format="json")
        assert response.status_code == 400
        assert field in response.json()
    response = api_client.post(
        "/api/v1/providers/", {"name": "Copy", "registration_number": "ETPL-9"}, format="json"
    )
    assert response.status_code == 400
    assert "registration_number" in response.json()
    assert snapshot() == before
    response = api_client.patch(
        url, {"eligible_until": (today + timedelta(days=30)).isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert api_client.get(url).json()["eligible_until"] == (today + timedelta(days=30)).isoformat()


def test_skills(api_client) -> None:
    SkillFactory(taxonomy="onet", taxonomy_version="29.0", code="2.A.1.a", label="Reading Comprehension")
    SkillFactory(taxonomy="esco", taxonomy_version="1.2.0", code="S1", label="Welding")
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))

    def labels(query: str) -> list[str]:
        return [row["label"] for row in api_client.get(f"/api/v1/skills/{query}").json()["results"]]

    assert labels("") == ["Reading Comprehension", "Welding"]
    assert labels("?taxonomy=onet") == ["Reading Comprehension"]
    assert labels("?taxonomy_version=1.2.0") == ["Welding"]
    assert labels("?code=S1") == ["Welding"]
    assert labels("?label=READ") == ["Reading Comprehension"]
    body = {"taxonomy": "lightcast", "taxonomy_version": "2024", "code": "KS1", "label": "Python"}
    response = api_client.post("/api/v1/skills/", body, format="json")
    assert response.status_code == 201
    skill_id = response.json()["id"]
    assert api_client.get(f"/api/v1/skills/{skill_id}/").json() == {"id": skill_id, **body}
    before = snapshot()
    response = api_client.post("/api/v1/skills/", body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    response = api_client.post("/api/v1/skills/", {**body, "taxonomy": "dewey", "code": "Z"}, format="json")
    assert response.status_code == 400
    assert "taxonomy" in response.json()
    assert snapshot() == before


# ---------------------------------------------------------------- credential requests


REQUEST_BODY = {
    "title": "Certified Pharmacy Technician",
    "provider_name": "PTCB",
    "provider_website": "https://ptcb.example.test/",
    "hours": 80,
    "cost": "129.00",
    "skills_taught": "Dispensing\nInventory",
}


def test_credential_requests_are_private_to_requester_and_decided_by_managers(api_client, scene) -> None:
    worker, other_worker, manager = scene["worker"], user_with_role(Role.WORKER), scene["manager"]
    api_client.force_authenticate(worker)
    response = api_client.post(
        "/api/v1/credential-requests/", {**REQUEST_BODY, "program": scene["program"].code}, format="json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["requested_by"], created["program"], created["cost"]) == (
        "pending",
        worker.email,
        scene["program"].code,
        "129.00",
    )
    url = f"/api/v1/credential-requests/{created['id']}/"

    api_client.force_authenticate(other_worker)
    assert api_client.get(url).status_code == 404
    assert api_client.get("/api/v1/credential-requests/").json()["count"] == 0
    before = snapshot()
    assert api_client.post(f"{url}decline/", {"reason": "No"}, format="json").status_code == 404
    api_client.force_authenticate(worker)
    assert api_client.get(url).json()["id"] == created["id"]
    assert (
        api_client.post(f"{url}approve/", {"credential": scene["credential"].pk}, format="json").status_code
        == 403
    )
    assert snapshot() == before

    api_client.force_authenticate(manager)
    assert api_client.get("/api/v1/credential-requests/?status=pending").json()["count"] == 1
    response = api_client.post(f"{url}decline/", {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = api_client.post(
        f"{url}approve/", {"credential": scene["credential"].pk, "reason": "Added"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["credential"], response.json()["decided_by"]) == (
        "approved",
        scene["credential"].pk,
        manager.email,
    )
    response = api_client.post(f"{url}decline/", {"reason": "Changed my mind"}, format="json")
    assert response.status_code == 409
    assert api_client.get("/api/v1/credential-requests/?status=pending").json()["count"] == 0


def test_credential_request_decline_gives_the_reason_to_the_requester(api_client) -> None:
    worker = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    api_client.force_authenticate(worker)
    request_id = api_client.post("/api/v1/credential-requests/", REQUEST_BODY, format="json").json()["id"]
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    response = api_client.post(
        f"/api/v1/credential-requests/{request_id}/decline/", {"reason": "Already listed"}, format="json"
    )
    assert response.status_code == 200
    api_client.force_authenticate(worker)
    body = api_client.get(f"/api/v1/credential-requests/{request_id}/").json()
    assert (body["status"], body["decision_reason"]) == ("declined", "Already listed")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"cost": "0"}, "cost"),
        ({"cost": "-5.00"}, "cost"),
        ({"cost": "1.234"}, "cost"),
        ({"hours": 0}, "hours"),
        ({"hours": "eighty"}, "hours"),
        ({"provider_website": "nope"}, "provider_website"),
        ({"skills_taught": ["a", "b"]}, "skills_taught"),
        ({"program": "NOPE-9"}, "program"),
    ],
)
def test_credential_request_bad_input_is_refused(api_client, change, field) -> None:
    api_client.force_authenticate(user_with_role(Role.WORKER))
    before = snapshot()
    response = api_client.post("/api/v1/credential-requests/", {**REQUEST_BODY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_credential_requests_come_only_from_workers_and_employers(api_client) -> None:
    draft, _manager = managed_program()
    before = snapshot()
    for role in (Role.PROGRAM_MANAGER, Role.REVIEWER, Role.OFFICIAL):
        api_client.force_authenticate(user_with_role(role))
        assert api_client.post("/api/v1/credential-requests/", REQUEST_BODY, format="json").status_code == 403
    api_client.force_authenticate(user_with_role(Role.WORKER))
    response = api_client.post(
        "/api/v1/credential-requests/", {**REQUEST_BODY, "program": draft.code}, format="json"
    )
    assert response.status_code == 400  # a draft program is not one a worker can name
    assert "program" in response.json()
    assert snapshot() == before


def test_api_root_lists_the_program_resources(api_client) -> None:
    api_client.force_authenticate(UserFactory())
    body = api_client.get("/api/v1/").json()
    for key, path in [
        ("programs", "/api/v1/programs/"),
        ("credentials", "/api/v1/credentials/"),
        ("providers", "/api/v1/providers/"),
        ("skills", "/api/v1/skills/"),
        ("credential_requests", "/api/v1/credential-requests/"),
    ]:
        assert body[key].endswith(path)


# ---------------------------------------------------------------- types and shapes the schema promises


@pytest.mark.parametrize(
    ("url_suffix", "body", "field"),
    [
        ("caps/", {"scope": "per_person_year", "amount": 5000}, "amount"),  # money is a decimal string
        ("caps/", {"scope": "per_person_year", "amount": 5000.5}, "amount"),
        ("caps/", {"scope": "per_person_year", "amount": "5000.00", "note": 7}, "note"),
        ("criteria/", {"name": "Need", "weight": 2}, "weight"),
        ("criteria/", {"name": 12, "weight": "2"}, "name"),
        ("credentials/", {"credential": "1"}, "credential"),  # ids are numbers
        ("credentials/", {"credential": True}, "credential"),
    ],
)
def test_fields_take_exactly_their_json_type(api_client, scene, url_suffix, body, field) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    response = api_client.post(program_url(scene["program"], url_suffix), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_program_settings_take_exactly_their_json_type(api_client, scene) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    for body, field in [
        ({"claim_deadline_weeks": "6"}, "claim_deadline_weeks"),
        ({"claim_deadline_weeks": 6.5}, "claim_deadline_weeks"),
        ({"claim_deadline_weeks": True}, "claim_deadline_weeks"),
        ({"co_payment_percent": 10}, "co_payment_percent"),
        ({"name": ["Tech"]}, "name"),
    ]:
        response = api_client.patch(program_url(scene["program"]), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()
    response = api_client.patch(
        f"/api/v1/credentials/{scene['credential'].pk}/", {"is_listed": "no"}, format="json"
    )
    assert response.status_code == 400
    assert "is_listed" in response.json()
    assert snapshot() == before


def test_bodies_are_json_only(api_client, scene) -> None:
    api_client.force_authenticate(scene["manager"])
    before = snapshot()
    response = api_client.post(
        program_url(scene["program"], "caps/"),
        {"scope": "per_person_year", "amount": "10.00"},
        format="multipart",
    )
    assert response.status_code == 415
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/programs/?status=",
        "/api/v1/programs/?currency=",
        "/api/v1/credentials/?delivery_mode=",
        "/api/v1/credentials/?cost_max=",
        "/api/v1/credentials/?skill=",
        "/api/v1/credentials/?include_unlisted=",
        "/api/v1/providers/?eligible_on=",
        "/api/v1/skills/?taxonomy=",
        "/api/v1/credential-requests/?status=",
    ],
)
def test_an_empty_typed_filter_is_refused_not_ignored(api_client, url) -> None:
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    response = api_client.get(url)
    assert response.status_code == 400, response.content
    assert url.split("?")[1].rstrip("=") in response.json()


def test_empty_text_filters_mean_any(api_client) -> None:
    CredentialFactory(title="Anything")
    api_client.force_authenticate(user_with_role(Role.WORKER))
    assert api_client.get("/api/v1/credentials/?q=&occupation=").json()["count"] == 1


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here/", "/api/v1/programs/lower-case/", "/api/v1/credentials/1.5/", "/api/v1/programs"],
)
def test_unknown_api_paths_answer_in_json(api_client, path) -> None:
    assert api_client.get(path).status_code == 401
    api_client.force_authenticate(UserFactory())
    response = api_client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert api_client.post(path, {}, format="json").status_code == 404


def test_criterion_removal_by_the_manager_only(api_client) -> None:
    from programs.models import ScoringCriterion
    from tests.programs.factories import managed_program

    program, manager = managed_program()
    criterion = ScoringCriterion.objects.create(program=program, name="Need", weight=2)
    url = f"/api/v1/programs/{program.code}/criteria/{criterion.pk}/"
    api_client.force_authenticate(user_with_role(Role.PROGRAM_MANAGER))
    assert api_client.delete(url).status_code == 403
    assert ScoringCriterion.objects.filter(pk=criterion.pk).exists()
    api_client.force_authenticate(manager)
    assert api_client.delete(url).status_code == 204
    assert not ScoringCriterion.objects.filter(pk=criterion.pk).exists()
    assert api_client.delete(url).status_code == 404
