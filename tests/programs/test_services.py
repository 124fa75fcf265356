from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.exceptions import Conflict, NotAllowed
from programs import services
from programs.models import (
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    LedgerEntry,
    Program,
    ProgramEvent,
)
from programs.selectors import ledger_reconcile
from tests.accounts.factories import user_with_role
from tests.programs.factories import (
    CredentialFactory,
    FundingRoundFactory,
    SkillFactory,
    TrainingProviderFactory,
    managed_program,
)

pytestmark = pytest.mark.django_db

S = Program.Status
PROGRAM_FIELDS = {
    "name": "TechCred Reimbursement",
    "summary": "Employers are reimbursed for employees' tech credentials.",
    "funding_agency": "Department of Development",
    "payment_model": Program.PaymentModel.REIMBURSEMENT,
    "applicant_type": Program.ApplicantType.EMPLOYER,
}


def test_program_create_opens_a_budget_through_the_ledger() -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    program = services.program_create(
        actor=manager, code="techcred-26", currency="USD", total_budget="2500000.00", **PROGRAM_FIELDS
    )
    assert program.code == "TECHCRED-26"
    assert program.status == S.DRAFT
    assert list(program.managers.all()) == [manager]
    assert program.budget.total == Decimal("2500000.00")
    entry = LedgerEntry.objects.get(budget__program=program)
    assert (entry.kind, entry.amount, entry.actor) == ("adjustment", Decimal("2500000.00"), manager)
    assert ProgramEvent.objects.filter(program=program, action="created").exists()
    assert ledger_reconcile() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "bad code!"}, "code"),
        ({"currency": "XYZ"}, "currency"),
        ({"total_budget": "-1"}, "total_budget"),
        ({"total_budget": "10.555"}, "total_budget"),
        ({"co_payment_percent": Decimal("150")}, "__all__"),
        ({"priority_order": ["royalty"]}, "priority_order"),
        ({"payment_model": "barter"}, "payment_model"),
        ({"training_window_months": 0}, "training_window_months"),
    ],
)
def test_program_create_refuses_bad_input_and_writes_nothing(changes, field) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    data = {"code": "GOOD-1", "currency": "USD", "total_budget": "1000.00", **PROGRAM_FIELDS, **changes}
    with pytest.raises(ValidationError) as error:
        services.program_create(actor=manager, **data)
    assert field in error.value.message_dict
    assert not Program.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_program_create_needs_the_program_manager_role() -> None:
    with pytest.raises(NotAllowed):
        services.program_create(
            actor=user_with_role(Role.OFFICIAL),
            code="X-1",
            currency="USD",
            total_budget="1",
            **PROGRAM_FIELDS,
        )
    assert not Program.objects.exists()


def _program_in(status: str) -> tuple[Program, object]:
    program, manager = managed_program(budget=Decimal("1000.00"))
    FundingRoundFactory(program=program)
    Program.objects.filter(pk=program.pk).update(status=status)  # fixture: put it in the starting state
    program.refresh_from_db()
    return program, manager


ALL_MOVES = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_MOVES)
def test_every_program_move_is_allowed_or_refused_by_the_table(from_status, to_status) -> None:
    program, manager = _program_in(from_status)
    allowed = to_status in Program.TRANSITIONS[from_status]
    if allowed:
        services.program_transition(actor=manager, program=program, to_status=to_status, reason="Test")
        program.refresh_from_db()
        assert program.status == to_status
        event = ProgramEvent.objects.get(program=program, action="status")
        assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, manager)
    else:
        with pytest.raises(Conflict):
            services.program_transition(actor=manager, program=program, to_status=to_status)
        program.refresh_from_db()
        assert program.status == from_status
        assert not ProgramEvent.objects.filter(program=program, action="status").exists()


def test_the_transition_table_is_the_agreed_lifecycle() -> None:
    assert {
        "draft": {"open", "archived"},
        "open": {"closed"},
        "closed": {"open", "archived"},
        "archived": set(),
    } == Program.TRANSITIONS


def test_opening_needs_a_round_and_a_budget() -> None:
    program, manager = managed_program()
    with pytest.raises(ValidationError, match="funding round"):
        services.program_transition(actor=manager, program=program, to_status=S.OPEN)
    FundingRoundFactory(program=program)
    with pytest.raises(ValidationError, match="budget"):
        services.program_transition(actor=manager, program=program, to_status=S.OPEN)
    program.refresh_from_db()
    assert program.status == S.DRAFT


def test_only_the_programs_managers_may_change_it() -> None:
    program, _manager = _program_in(S.DRAFT)
    other_manager = user_with_role(Role.PROGRAM_MANAGER)
    for actor in (other_manager, user_with_role(Role.WORKER)):
        with pytest.raises(NotAllowed):
            services.program_transition(actor=actor, program=program, to_status=S.OPEN)
        with pytest.raises(NotAllowed):
            services.program_update(actor=actor, program=program, name="Hijacked")
        with pytest.raises(NotAllowed):
            services.cap_rule_add(actor=actor, program=program, scope="per_credential", amount="1")
    program.refresh_from_db()
    assert (program.status, program.name) != (S.OPEN, "Hijacked")
    assert not CapRule.objects.exists()


def test_unknown_status_is_a_validation_error() -> None:
    program, manager = _program_in(S.DRAFT)
    with pytest.raises(ValidationError):
        services.program_transition(actor=manager, program=program, to_status="paused")


def test_program_update_records_what_changed_and_refuses_protected_fields() -> None:
    program, manager = managed_program()
    services.program_update(actor=manager, program=program, name="New name", co_payment_percent=Decimal("10"))
    event = ProgramEvent.objects.get(program=program, action="updated")
    assert set(event.payload["changed"]) == {"name", "co_payment_percent"}
    with pytest.raises(ValidationError):
        services.program_update(actor=manager, program=program, status="open")
    with pytest.raises(ValidationError):
        services.program_update(actor=manager, program=program, currency="EUR")


def test_archived_programs_cannot_be_changed() -> None:
    program, manager = _program_in(S.ARCHIVED)
    with pytest.raises(Conflict):
        services.program_update(actor=manager, program=program, name="x")
    with pytest.raises(Conflict):
        services.cap_rule_add(actor=manager, program=program, scope="per_credential", amount="1")


# ---------------------------------------------------------------- rounds

NOW = timezone.now()


def test_rounds_are_validated_and_may_not_overlap() -> None:
    program, manager = managed_program()
    services.round_save(
        actor=manager, program=program, name="Spring", opens_at=NOW, closes_at=NOW + timedelta(days=30)
    )
    with pytest.raises(ValidationError) as error:
        services.round_save(
            actor=manager,
            program=program,
            name="Late spring",
            opens_at=NOW + timedelta(days=20),
            closes_at=NOW + timedelta(days=60),
        )
    assert "overlaps “Spring”" in error.value.message_dict["opens_at"][0]
    with pytest.raises(ValidationError) as error:
        services.round_save(
            actor=manager,
            program=program,
            name="Backwards",
            opens_at=NOW + timedelta(days=90),
            closes_at=NOW + timedelta(days=80),
        )
    assert error.value.message_dict["closes_at"] == ["The round must close after it opens."]
    with pytest.raises(ValidationError) as error:
        services.round_save(
            actor=manager,
            program=program,
            name="Summer",
            opens_at=NOW + timedelta(days=30),
            closes_at=NOW + timedelta(days=60),
            budget_share="0",
        )
    assert "budget_share" in error.value.message_dict
    # Back to back is fine.
    services.round_save(
        actor=manager,
        program=program,
        name="Summer",
        opens_at=NOW + timedelta(days=30),
        closes_at=NOW + timedelta(days=60),
        budget_share="5000.00",
    )
    assert list(FundingRound.objects.filter(program=program).values_list("name", flat=True)) == [
        "Spring",
        "Summer",
    ]


def test_editing_a_round_does_not_clash_with_itself() -> None:
    program, manager = managed_program()
    round_ = services.round_save(
        actor=manager, program=program, name="A", opens_at=NOW, closes_at=NOW + timedelta(days=5)
    )
    services.round_save(
        actor=manager,
        program=program,
        name="A",
        opens_at=NOW,
        closes_at=NOW + timedelta(days=9),
        funding_round=round_,
    )
    round_.refresh_from_db()
    assert round_.closes_at == NOW + timedelta(days=9)
    assert round_.is_open_at(NOW + timedelta(days=1)) is True
    assert round_.is_open_at(NOW + timedelta(days=9)) is False


# ---------------------------------------------------------------- rules and criteria


def test_caps_rules_and_criteria_are_validated() -> None:
    program, manager = managed_program()
    cap = services.cap_rule_add(actor=manager, program=program, scope="per_employer_round", amount="30000.00")
    assert cap.amount == Decimal("30000.00")
    for scope, amount in [("per_galaxy", "1"), ("per_credential", "0"), ("per_credential", "1.234")]:
        with pytest.raises(ValidationError):
            services.cap_rule_add(actor=manager, program=program, scope=scope, amount=amount)
    rule = services.eligibility_rule_add(
        actor=manager, program=program, kind="age_between", parameters={"minimum": 25}
    )
    assert rule.parameters == {"minimum": 25}
    with pytest.raises(ValidationError):
        services.eligibility_rule_add(
            actor=manager, program=program, kind="age_between", parameters={"min": 25}
        )
    with pytest.raises(ValidationError):
        services.scoring_criterion_add(actor=manager, program=program, name="Need", weight="0")
    services.scoring_criterion_add(
        actor=manager, program=program, name="Need", weight="2.5", guidance="Higher for..."
    )
    assert CapRule.objects.count() == 1
    assert EligibilityRule.objects.count() == 1
    services.cap_rule_remove(actor=manager, rule=cap)
    services.eligibility_rule_remove(actor=manager, rule=rule)
    assert not CapRule.objects.exists()
    actions = list(
        ProgramEvent.objects.filter(program=program).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "cap_added",
        "eligibility_added",
        "criterion_added",
        "cap_removed",
        "eligibility_removed",
    ]


def test_program_credentials_with_an_optional_maximum() -> None:
    program, manager = managed_program()
    credential = CredentialFactory()
    link = services.program_credential_set(
        actor=manager, program=program, credential=credential, maximum_amount="7500"
    )
    assert link.maximum_amount == Decimal("7500.00")
    services.program_credential_set(actor=manager, program=program, credential=credential, maximum_amount="")
    link.refresh_from_db()
    assert link.maximum_amount is None
    with pytest.raises(ValidationError):
        services.program_credential_set(
            actor=manager, program=program, credential=credential, maximum_amount="-1"
        )
    services.program_credential_remove(actor=manager, program=program, credential=credential)
    assert not program.funded_credentials.exists()


# ---------------------------------------------------------------- catalog


def test_credential_save_checks_codes_and_ctid() -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    provider = TrainingProviderFactory()
    skill = SkillFactory()
    base = {
        "title": "CompTIA A+",
        "provider": provider,
        "hours": 120,
        "duration_weeks": 12,
        "cost": "1200.00",
        "delivery_mode": "online",
    }
    credential = services.credential_save(
        actor=manager,
        occupation_codes=["15-1232.00", "15-1232.00"],
        skills=[skill],
        ctid="ce-0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        **base,
    )
    assert [o.code for o in credential.occupations.all()] == ["15-1232.00"]
    assert list(credential.skills.all()) == [skill]
    for bad, field in [
        ({"occupation_codes": ["151232"]}, "occupation_codes"),
        ({"occupation_codes": ["15-1232"]}, "occupation_codes"),
        ({"ctid": "ce-NOT-A-UUID"}, "ctid"),
        ({"ctid": "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}, "ctid"),
        ({"cost": "-5"}, "cost"),
        ({"hours": 0}, "hours"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.credential_save(actor=manager, **{**base, "title": "Other", **bad})
        assert field in error.value.message_dict, bad
    assert Credential.objects.count() == 1


def test_skills_are_unique_per_taxonomy_version_and_code() -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    data = {
        "taxonomy": "onet",
        "taxonomy_version": "29.0",
        "code": "2.A.1.a",
        "label": "Reading comprehension",
    }
    services.skill_save(actor=manager, **data)
    with pytest.raises(ValidationError):
        services.skill_save(actor=manager, **data)
    services.skill_save(actor=manager, **{**data, "taxonomy_version": "30.0"})


def test_catalog_changes_need_a_program_manager() -> None:
    with pytest.raises(NotAllowed):
        services.provider_save(actor=user_with_role(Role.WORKER), name="Sneaky Academy")


def test_credential_request_is_decided_once_with_events() -> None:
    worker = user_with_role(Role.WORKER)
    manager = user_with_role(Role.PROGRAM_MANAGER)
    request = services.credential_request_submit(
        actor=worker,
        title="Drone Pilot (FAA Part 107)",
        provider_name="SkyTrain",
        skills_taught="Airspace rules",
    )
    assert request.status == CredentialRequest.Status.PENDING
    with pytest.raises(ValidationError):
        services.credential_request_decline(actor=manager, request=request, reason="")
    with pytest.raises(NotAllowed):
        services.credential_request_decline(actor=worker, request=request, reason="I changed my mind")
    credential = CredentialFactory(title="Drone Pilot (FAA Part 107)")
    services.credential_request_approve(actor=manager, request=request, credential=credential, reason="Added")
    request.refresh_from_db()
    assert (request.status, request.credential, request.decided_by) == ("approved", credential, manager)
    with pytest.raises(Conflict):
        services.credential_request_decline(actor=manager, request=request, reason="Too late")
    assert list(request.events.values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "approved"),
    ]


def test_officials_cannot_request_credentials() -> None:
    with pytest.raises(NotAllowed):
        services.credential_request_submit(
            actor=user_with_role(Role.OFFICIAL), title="x", provider_name="y", skills_taught="z"
        )
