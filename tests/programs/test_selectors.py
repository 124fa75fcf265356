from decimal import Decimal

import pytest

from programs.models import Program
from programs.rules import Profile
from programs.selectors import catalog_search, program_eligibility
from tests.programs.factories import (
    CredentialFactory,
    EligibilityRuleFactory,
    OccupationFactory,
    ProgramCredentialFactory,
    ProgramFactory,
    SkillFactory,
    TrainingProviderFactory,
)

pytestmark = pytest.mark.django_db


def titles(params: dict) -> list[str]:
    filterset, credentials = catalog_search(params)
    assert filterset.is_valid(), filterset.errors
    return [credential.title for credential in credentials]


def test_catalog_filters_each_narrow_the_results() -> None:
    welding, security = SkillFactory(label="Welding"), SkillFactory(label="Network security")
    machinist = OccupationFactory(code="51-4041.00", title="Machinists")
    college = TrainingProviderFactory(name="Lakeshore Technical College")
    CredentialFactory(
        title="AWS Certified Welder",
        skills=[welding],
        occupations=[machinist],
        provider=college,
        cost=Decimal("900.00"),
        hours=80,
        delivery_mode="in_person",
    )
    CredentialFactory(
        title="CompTIA Security+",
        skills=[security],
        cost=Decimal("2400.00"),
        hours=160,
        delivery_mode="online",
    )
    CredentialFactory(title="Hidden", skills=[welding], is_listed=False)
    program = ProgramFactory(code="ITA-26", status=Program.Status.OPEN)
    ProgramCredentialFactory(
        program=program, credential=CredentialFactory(title="CNA", cost=Decimal("1300.00"))
    )

    assert titles({}) == ["AWS Certified Welder", "CNA", "CompTIA Security+"]
    assert titles({"skill": welding.pk}) == ["AWS Certified Welder"]
    assert titles({"q": "security comptia"}) == ["CompTIA Security+"]
    assert titles({"q": "welding"}) == ["AWS Certified Welder"]  # matches the skill label
    assert titles({"occupation": "51-4041.00"}) == ["AWS Certified Welder"]
    assert titles({"provider": college.pk}) == ["AWS Certified Welder"]
    assert titles({"delivery_mode": "online"}) == ["CompTIA Security+"]
    assert titles({"cost_min": "1000", "cost_max": "2000"}) == ["CNA"]
    assert titles({"hours_max": "100"}) == ["AWS Certified Welder"]
    assert titles({"program": "ITA-26"}) == ["CNA"]


def test_invalid_filters_give_errors_and_no_results() -> None:
    CredentialFactory()
    filterset, credentials = catalog_search({"cost_max": "lots", "delivery_mode": "by pigeon"})
    assert set(filterset.errors) == {"cost_max", "delivery_mode"}
    assert list(credentials) == []


def test_program_eligibility_reads_the_stored_rules() -> None:
    program = ProgramFactory()
    EligibilityRuleFactory(program=program, kind="residency_region", parameters={"regions": ["North"]})
    assert program_eligibility(program, Profile(region="North")).eligible is True
    result = program_eligibility(program, Profile(region="South"))
    assert result.eligible is False
    assert "residents of North" in result.outcomes[0].reason


def test_absurd_numbers_in_filters_are_refused_not_crashed() -> None:
    filterset, credentials = catalog_search({"hours_max": "1e30", "cost_max": "-6.9e229"})
    assert set(filterset.errors) == {"hours_max", "cost_max"}
    assert list(credentials) == []
