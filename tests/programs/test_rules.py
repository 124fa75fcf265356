"""Eligibility and caps: pure functions, table-driven, every rule kind and every cap scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programs.rules import (
    CredentialFacts,
    Profile,
    Usage,
    evaluate_eligibility,
    maximum_award,
    validate_rule_parameters,
)

TODAY = date(2026, 11, 26)
COURSE = CredentialFacts(hours=120, duration_weeks=26, cost=Decimal("3000.00"))

FULL_PROFILE = Profile(
    region="North",
    date_of_birth=date(1990, 6, 1),  # 36 on TODAY
    employment_status="unemployed",
    household_income=Decimal("30000.00"),
    employer_size_class="1-50",
    employer_sector="334111",
)

ELIGIBILITY_CASES = [
    # (kind, parameters, profile changes, passed, words in the reason)
    ("residency_region", {"regions": ["North", "Central"]}, {}, True, "You live in North"),
    (
        "residency_region",
        {"regions": ["Central", "South"]},
        {},
        False,
        "residents of Central or South; you told us you live in North",
    ),
    ("residency_region", {"regions": ["North"]}, {"region": None}, False, "Tell us the region you live in"),
    ("age_between", {"minimum": 18, "maximum": 64}, {}, True, "You are 36, within the age range 18 to 64"),
    ("age_between", {"minimum": 40}, {}, False, "you could apply from age 40"),
    ("age_between", {"maximum": 24}, {}, False, "aged 24 or younger; you are 36"),
    ("age_between", {"minimum": 36, "maximum": 36}, {}, True, "You are 36"),
    ("age_between", {"minimum": 18}, {"date_of_birth": None}, False, "Tell us your date of birth"),
    ("employment_status", {"statuses": ["unemployed", "employed_part_time"]}, {}, True, "You are unemployed"),
    (
        "employment_status",
        {"statuses": ["employed_full_time"]},
        {},
        False,
        "people who are employed full time; you told us you are unemployed",
    ),
    (
        "employment_status",
        {"statuses": ["unemployed"]},
        {"employment_status": None},
        False,
        "Tell us your employment status",
    ),
    ("household_income_below", {"maximum": "45000.00"}, {}, True, "under the limit of 45,000.00"),
    (
        "household_income_below",
        {"maximum": "30000.00"},
        {},
        False,
        "under 30,000.00 a year; you told us 30,000.00",
    ),
    (
        "household_income_below",
        {"maximum": "30000.00"},
        {"household_income": None},
        False,
        "Tell us your household income",
    ),
    ("employer_size_class", {"size_classes": ["1-50", "51-200"]}, {}, True, "within the program's limits"),
    (
        "employer_size_class",
        {"size_classes": ["201+"]},
        {},
        False,
        "employers with 201 or more employees; this employer has 1–50 employees",
    ),
    (
        "employer_size_class",
        {"size_classes": ["201+"]},
        {"employer_size_class": None},
        False,
        "Tell us the employer's size",
    ),
    ("sector", {"naics_prefixes": ["33", "62"]}, {}, True, "NAICS 334111"),
    ("sector", {"naics_prefixes": ["62"]}, {}, False, "employers in NAICS 62; this employer is in 334111"),
    ("sector", {"naics_prefixes": ["62"]}, {"employer_sector": None}, False, "Tell us the employer's sector"),
    ("credential_max_hours", {"maximum": 120}, {}, True, "takes 120 hours, within the limit of 120"),
    (
        "credential_max_hours",
        {"maximum": 100},
        {},
        False,
        "at most 100 hours; this one takes 120. Choose a shorter course",
    ),
    ("credential_max_months", {"maximum": 6}, {}, True, "about 6.0 months"),
    ("credential_max_months", {"maximum": 5}, {}, False, "at most 5 months; this one lasts about 6.0"),
]


@pytest.mark.parametrize(("kind", "parameters", "changes", "passed", "reason"), ELIGIBILITY_CASES)
def test_each_rule_kind_passes_or_fails_with_a_plain_reason(
    kind, parameters, changes, passed, reason
) -> None:
    profile = Profile(**{**FULL_PROFILE.__dict__, **changes})
    cleaned = validate_rule_parameters(kind, parameters)
    result = evaluate_eligibility([(kind, cleaned)], profile, COURSE, today=TODAY)
    assert result.eligible is passed
    [outcome] = result.outcomes
    assert (outcome.kind, outcome.passed) == (kind, passed)
    assert reason in outcome.reason


def test_every_rule_kind_is_covered_by_the_table() -> None:
    from programs.models import EligibilityRule

    assert {case[0] for case in ELIGIBILITY_CASES} == set(EligibilityRule.Kind.values)


def test_a_program_without_rules_is_open_to_everyone() -> None:
    assert evaluate_eligibility([], Profile(), None, today=TODAY).eligible is True


def test_one_reason_per_rule_and_all_must_pass() -> None:
    rules = [("residency_region", {"regions": ["North"]}), ("age_between", {"minimum": 40})]
    result = evaluate_eligibility(rules, FULL_PROFILE, COURSE, today=TODAY)
    assert result.eligible is False
    assert [o.passed for o in result.outcomes] == [True, False]
    assert [o.kind for o in result.failing] == ["age_between"]


def test_credential_rules_without_a_credential_ask_for_one() -> None:
    result = evaluate_eligibility(
        [("credential_max_hours", {"maximum": 10})], FULL_PROFILE, None, today=TODAY
    )
    assert result.outcomes[0].reason == "Choose a credential to check this rule."


def test_age_counts_the_birthday_exactly() -> None:
    rules = [("age_between", {"minimum": 25})]
    day_before = Profile(date_of_birth=date(2001, 11, 27))
    on_the_day = Profile(date_of_birth=date(2001, 11, 26))
    assert evaluate_eligibility(rules, day_before, today=TODAY).eligible is False
    assert evaluate_eligibility(rules, on_the_day, today=TODAY).eligible is True


BAD_PARAMETERS = [
    ("residency_region", {"regions": []}, "non-empty list"),
    ("residency_region", {"regions": "North"}, "non-empty list"),
    ("residency_region", {"regions": ["North"], "county": "X"}, "Unknown parameter(s): county"),
    ("residency_region", {}, "Missing parameter(s): regions"),
    ("age_between", {}, "Give a minimum age, a maximum age, or both"),
    ("age_between", {"minimum": 65, "maximum": 18}, "must not be above"),
    ("age_between", {"minimum": "18"}, "whole number"),
    ("age_between", {"minimum": 18.5}, "whole number"),
    ("age_between", {"minimum": True}, "whole number"),
    ("employment_status", {"statuses": ["retired"]}, "not allowed: retired"),
    ("household_income_below", {"maximum": "-5"}, "more than zero"),
    ("household_income_below", {"maximum": "100.001"}, "two decimal places"),
    ("household_income_below", {"maximum": 45000.5}, "decimal amount written as text"),
    ("household_income_below", {"maximum": "lots"}, "must be an amount"),
    ("employer_size_class", {"size_classes": ["huge"]}, "not allowed: huge"),
    ("sector", {"naics_prefixes": ["3X"]}, "wrong form: 3X"),
    ("credential_max_hours", {"maximum": 0}, "from 1 to 10000"),
    ("credential_max_months", {"maximum": 500}, "from 1 to 120"),
]


@pytest.mark.parametrize(("kind", "parameters", "message"), BAD_PARAMETERS)
def test_invalid_rule_parameters_are_refused_with_a_clear_message(kind, parameters, message) -> None:
    with pytest.raises(ValidationError) as error:
        validate_rule_parameters(kind, parameters)
    assert message in " ".join(error.value.message_dict["parameters"])


def test_unknown_rule_kind_and_non_object_parameters_are_refused() -> None:
    with pytest.raises(ValidationError) as error:
        validate_rule_parameters("star_sign", {})
    assert "not a kind of eligibility rule" in error.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as error:
        validate_rule_parameters("residency_region", ["North"])
    assert "object of named values" in error.value.message_dict["parameters"][0]


def test_parameters_are_normalised() -> None:
    assert validate_rule_parameters("residency_region", {"regions": [" South", "North", "North"]}) == {
        "regions": ["North", "South"]
    }
    assert validate_rule_parameters("household_income_below", {"maximum": "45000"}) == {"maximum": "45000.00"}


# ---------------------------------------------------------------- caps

D = Decimal
CAP_CASES = [
    # (caps, usage, credential_maximum, employer_applies, co-pay %, expected maximum, binding cap)
    ([], Usage(), None, False, D("0"), D("3000.00"), "cost"),
    ([], Usage(), None, False, D("25"), D("2250.00"), "cost"),
    ([("per_credential", D("2000"))], Usage(), None, False, D("0"), D("2000.00"), "per_credential"),
    (
        [("per_credential", D("5000"))],
        Usage(),
        D("1200.00"),
        False,
        D("0"),
        D("1200.00"),
        "credential_maximum",
    ),
    (
        [("per_person_year", D("5000"))],
        Usage(person_year=D("4000")),
        None,
        False,
        D("0"),
        D("1000"),
        "per_person_year",
    ),
    (
        [("per_person_lifetime", D("500"))],
        Usage(person_lifetime=D("200")),
        None,
        False,
        D("0"),
        D("300"),
        "per_person_lifetime",
    ),
    (
        [("per_person_lifetime", D("500"))],
        Usage(person_lifetime=D("900")),
        None,
        False,
        D("0"),
        D("0"),
        "per_person_lifetime",
    ),
    (
        [("per_employer_round", D("30000"))],
        Usage(employer_round=D("29500")),
        None,
        True,
        D("0"),
        D("500"),
        "per_employer_round",
    ),
    (
        [("per_employer_year", D("50000"))],
        Usage(employer_year=D("48000")),
        None,
        True,
        D("0"),
        D("2000"),
        "per_employer_year",
    ),
    # Employer caps do not apply to a worker's own application.
    (
        [("per_employer_year", D("100"))],
        Usage(employer_year=D("0")),
        None,
        False,
        D("0"),
        D("3000.00"),
        "cost",
    ),
    # Several caps: the smallest remaining binds.
    (
        [("per_credential", D("2000")), ("per_person_year", D("5000")), ("per_person_lifetime", D("10000"))],
        Usage(person_year=D("3500"), person_lifetime=D("3500")),
        None,
        False,
        D("0"),
        D("1500"),
        "per_person_year",
    ),
    # A tie names the first limit in order: cost, then the credential maximum, then the caps.
    ([("per_credential", D("3000"))], Usage(), None, False, D("0"), D("3000.00"), "cost"),
]


@pytest.mark.parametrize(
    ("caps", "usage", "credential_max", "employer", "copay", "expected", "binding"), CAP_CASES
)
def test_maximum_award_names_the_binding_cap(
    caps, usage, credential_max, employer, copay, expected, binding
) -> None:
    result = maximum_award(
        cost=COURSE.cost,
        co_payment_percent=copay,
        caps=caps,
        usage=usage,
        credential_maximum=credential_max,
        employer_applies=employer,
    )
    assert result.maximum == expected
    assert result.binding == binding


def test_every_cap_scope_is_covered_by_the_table() -> None:
    from programs.models import CapRule

    scopes = {scope for case in CAP_CASES for scope, _amount in case[0]}
    assert scopes == set(CapRule.Scope.values)


def test_the_explanation_says_what_binds_and_what_is_used() -> None:
    result = maximum_award(
        cost=D("3000.00"),
        co_payment_percent=D("0"),
        caps=[("per_person_year", D("5000"))],
        usage=Usage(person_year=D("4000")),
    )
    assert result.explanation == (
        "The most you can receive is 1,000.00, set by the cap per person per year "
        "(5,000.00, of which 4,000.00 is already used)."
    )
    copay = maximum_award(cost=D("3000.00"), co_payment_percent=D("10"), caps=[], usage=Usage())
    assert (
        copay.explanation
        == "The most you can receive is 2,700.00, set by the course cost less your 10% co-payment."
    )


def test_every_rule_kind_a_program_can_choose_has_its_check_and_no_other() -> None:
    from programs.models import EligibilityRule
    from programs.rules import CREDENTIAL_RULE_KINDS, RULE_KINDS

    assert set(RULE_KINDS) == set(EligibilityRule.Kind.values)
    assert {"credential_max_hours", "credential_max_months"} == CREDENTIAL_RULE_KINDS
