"""360Giving open data: validates against the standard's schema, holds no personal data, and suppresses
small programs and regions (expected numbers worked out by hand below)."""

import copy
import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from grants.models import Application, WorkerProfile
from reporting.opendata import PREFIX, anonymous_id, package
from tests.grants.factories import funded_setup
from tests.reporting.factories import application_row, demographics_row

pytestmark = pytest.mark.django_db
S = Application.Status
SCHEMA_DIR = Path(__file__).parent / "schema"
GRANT_SCHEMA_URL = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/master/schema/360-giving-schema.json"
)


def schema_1_4() -> dict[str, Any]:
    """The shipped grant schema with version 1.4's change (see schema/README.md): a recipient is an
    organisation or an individual."""
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    grant = copy.deepcopy(grant)
    grant["properties"]["recipientIndividual"] = {
        "type": "object",
        "title": "Recipient Individual",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    }
    grant["required"].remove("recipientOrganization")
    grant["oneOf"] = [{"required": ["recipientOrganization"]}, {"required": ["recipientIndividual"]}]
    return grant


def validator() -> Draft4Validator:
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    registry: Registry = Registry().with_resource(
        GRANT_SCHEMA_URL, Resource.from_contents(schema_1_4(), default_specification=DRAFT4)
    )
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:  # RFC 3339: a date, "T", a time (and an offset)
        return not isinstance(value, str) or ("T" in value and bool(dt.datetime.fromisoformat(value)))

    return Draft4Validator(package_schema, registry=registry, format_checker=checker)


def awards(program, credential, region: str, count: int) -> list[Application]:  # type: ignore[no-untyped-def]
    return [
        application_row(
            program=program,
            credential=credential,
            status=S.APPROVED,
            days_to_decision=3,
            amount_awarded=Decimal("1250.50"),
            region=region,
        )
        for _ in range(count)
    ]


@pytest.fixture
def fixture():  # type: ignore[no-untyped-def]
    """Program A: 23 awards (East 11, North 10, South 2) and 4 undecided or rejected applications.
    Program B: 3 awards, fewer than the threshold of 10."""
    program_a, _manager, credential_a = funded_setup()
    program_b, _manager_b, credential_b = funded_setup()
    east = awards(program_a, credential_a, "East", 11)
    north = awards(program_a, credential_a, "North", 10)
    south = awards(program_a, credential_a, "South", 2)
    application_row(program=program_a, credential=credential_a, status=S.SUBMITTED, region="East")
    for _ in range(3):
        application_row(program=program_a, credential=credential_a, status=S.REJECTED, days_to_decision=4)
    small = awards(program_b, credential_b, "East", 3)
    for application in east + north + south + small:
        demographics_row(
            application.applicant, race_group="asian", sex="female", veteran="yes", disability="no"
        )
        WorkerProfile.objects.update_or_create(
            user=application.applicant,
            defaults={"date_of_birth": dt.date(1987, 4, 23), "address": "9 Elm Road"},
        )
    return {"a": program_a, "b": program_b, "east": east, "north": north, "south": south, "small": small}


def test_the_package_validates_against_the_360giving_schema(fixture) -> None:  # type: ignore[no-untyped-def]
    data = package()
    errors = sorted(validator().iter_errors(data), key=str)
    assert errors == []
    # The validator does catch a broken record (so the test above means something).
    broken = copy.deepcopy(data)
    del broken["grants"][0]["recipientIndividual"]
    broken["grants"][1]["awardDate"] = "26/11/2026"
    assert len(list(validator().iter_errors(broken))) >= 2


def test_one_record_per_published_award_with_suppression(fixture) -> None:  # type: ignore[no-untyped-def]
    grants = package()["grants"]
    # By hand: program B has 3 awards (< 10): left out. Program A: 23 awards, the 4 others are not awards.
    assert len(grants) == 23
    assert {g["id"] for g in grants} == {
        PREFIX + a.reference for a in fixture["east"] + fixture["north"] + fixture["south"]
    }
    # Regions of A: South (2) is suppressed, and North (10), the smallest other, to protect it; East shows.
    located = {g["id"]: g.get("beneficiaryLocation") for g in grants}
    for application in fixture["east"]:
        assert located[PREFIX + application.reference] == [{"name": "East"}]
    for application in fixture["north"] + fixture["south"]:
        assert located[PREFIX + application.reference] is None
    assert "(3 awards in all)" in package()["description"]
    record = grants[0]
    assert record["amountAwarded"] == 1250.5
    assert record["currency"] == fixture["a"].currency
    assert record["grantProgramme"] == [{"code": fixture["a"].code, "title": fixture["a"].name}]


def test_no_personal_data_in_the_package(fixture) -> None:  # type: ignore[no-untyped-def]
    data = package()
    text = json.dumps(data)
    people = [a.applicant for a in fixture["east"] + fixture["north"] + fixture["south"] + fixture["small"]]
    for person in people:
        assert person.email not in text
        assert person.full_name not in text
    assert "1987-04-23" not in text
    assert "Elm Road" not in text

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    forbidden = {
        "email",
        "name_of_applicant",
        "dateOfBirth",
        "date_of_birth",
        "sex",
        "race",
        "ethnicity",
        "veteran",
        "disability",
        "age",
        "address",
        "streetAddress",
        "postalCode",
    }
    assert keys(data) & forbidden == set()
    individuals = {g["recipientIndividual"]["name"] for g in data["grants"]}
    assert individuals == {"Individual Recipient"}
    first = fixture["east"][0]
    assert data["grants"][0]["recipientIndividual"]["id"] == anonymous_id(first.applicant_id)
    assert anonymous_id(first.applicant_id) != anonymous_id(fixture["east"][1].applicant_id)


def test_public_json_and_csv_downloads(client, fixture, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(2):  # awards per program and region, then the awards: any data size
        response = client.get(reverse("reports:open_data_json"))
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert len(json.loads(body)["grants"]) == 23
    awards(fixture["a"], fixture["east"][0].credential, "East", 5)
    with django_assert_num_queries(2):
        body = b"".join(client.get(reverse("reports:open_data_json")).streaming_content)
    assert len(json.loads(body)["grants"]) == 28
    response = client.get(reverse("reports:open_data_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Identifier", "Title", "Description"]
    assert len(rows) == 1 + 28
    assert {row[rows[0].index("Recipient Ind:Name")] for row in rows[1:]} == {"Individual Recipient"}
