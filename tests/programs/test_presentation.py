"""Programs in plain words: every eligibility rule kind, every cap scope, deadlines and co-payment."""

from decimal import Decimal

import pytest

from programs.models import CapRule, EligibilityRule, Program
from programs.presentation import (
    describe_cap,
    describe_co_payment,
    describe_deadlines,
    describe_priority_order,
    describe_rule,
    join_or,
)
from programs.rules import PARAMETER_EXAMPLES


@pytest.mark.parametrize(
    ("kind", "parameters", "sentence"),
    [
        ("residency_region", {"regions": ["North", "Central"]}, "Residents of North or Central"),
        ("residency_region", {"regions": ["North"]}, "Residents of North"),
        (
            "residency_region",
            {"regions": ["North", "Central", "South"]},
            "Residents of North, Central or South",
        ),
        ("age_between", {"minimum": 18, "maximum": 64}, "Aged 18 to 64"),
        ("age_between", {"minimum": 40}, "Aged 40 or older"),
        ("age_between", {"maximum": 24}, "Aged 24 or younger"),
        (
            "employment_status",
            {"statuses": ["unemployed", "employed_part_time"]},
            "People who are unemployed or employed part time",
        ),
        ("household_income_below", {"maximum": "45000.00"}, "Households earning under $45,000.00 a year"),
        (
            "employer_size_class",
            {"size_classes": ["1-50", "51-200"]},
            "Employers with 1–50 employees or 51–200 employees",
        ),
        ("sector", {"naics_prefixes": ["31", "32", "33"]}, "Employers in NAICS sectors 31, 32 or 33"),
        ("sector", {"naics_prefixes": ["62"]}, "Employers in NAICS sector 62"),
        ("credential_max_hours", {"maximum": 400}, "Courses of at most 400 hours"),
        ("credential_max_months", {"maximum": 12}, "Courses lasting at most 12 months"),
    ],
)
def test_describe_rule(kind: str, parameters: dict, sentence: str) -> None:
    assert describe_rule(kind, parameters) == sentence


def test_every_rule_kind_has_a_sentence_for_its_example() -> None:
    labels = dict(EligibilityRule.Kind.choices)
    assert set(PARAMETER_EXAMPLES) == set(EligibilityRule.Kind.values)
    for kind, parameters in PARAMETER_EXAMPLES.items():
        assert describe_rule(kind, parameters) != str(labels[kind]), kind


def test_household_income_uses_the_programs_currency() -> None:
    assert describe_rule("household_income_below", {"maximum": "30000.00"}, "GBP") == (
        "Households earning under £30,000.00 a year"
    )


@pytest.mark.parametrize(
    ("kind", "parameters"),
    [
        ("residency_region", {}),
        ("residency_region", {"regions": None}),
        ("age_between", {}),
        ("age_between", "not a mapping"),
        ("credential_max_hours", {"hours": 3}),
    ],
)
def test_describe_rule_falls_back_to_the_kind_for_damaged_parameters(kind: str, parameters: object) -> None:
    assert describe_rule(kind, parameters) == str(dict(EligibilityRule.Kind.choices)[kind])  # type: ignore[arg-type]


def test_describe_rule_names_an_unknown_kind_as_it_is() -> None:
    assert describe_rule("moon_phase", {"phase": "full"}) == "moon_phase"


@pytest.mark.parametrize(
    ("scope", "sentence"),
    [
        (CapRule.Scope.PER_CREDENTIAL, "Up to $2,000.00 per credential"),
        (CapRule.Scope.PER_PERSON_YEAR, "Up to $2,000.00 per person each year"),
        (CapRule.Scope.PER_PERSON_LIFETIME, "Up to $2,000.00 per person in total"),
        (CapRule.Scope.PER_EMPLOYER_ROUND, "Up to $2,000.00 per employer in each funding round"),
        (CapRule.Scope.PER_EMPLOYER_YEAR, "Up to $2,000.00 per employer each year"),
    ],
)
def test_describe_cap_covers_every_scope(scope: str, sentence: str) -> None:
    assert describe_cap(scope, Decimal("2000.00"), "USD") == sentence


def test_every_cap_scope_has_a_sentence() -> None:
    for scope in CapRule.Scope.values:
        assert describe_cap(scope, Decimal("1.00"), "EUR").startswith("Up to €1.00 per"), scope


@pytest.mark.parametrize(
    ("percent", "sentence"),
    [
        (Decimal("0"), "No co-payment: the program pays the whole cost, up to its limits."),
        (Decimal("20.00"), "You pay 20% of the cost yourself; the program pays the rest, up to its limits."),
        (
            Decimal("12.50"),
            "You pay 12.5% of the cost yourself; the program pays the rest, up to its limits.",
        ),
    ],
)
def test_describe_co_payment(percent: Decimal, sentence: str) -> None:
    assert describe_co_payment(percent) == sentence


def test_describe_deadlines_lists_only_the_deadlines_a_program_has() -> None:
    program = Program(training_window_months=12, claim_deadline_weeks=6, retention_period_months=6)
    assert describe_deadlines(program) == [
        "Training must be finished within 12 months of approval.",
        "Claims are due within 6 weeks of finishing the training.",
        "The employee must stay employed for 6 months after the training.",
    ]
    assert describe_deadlines(Program(training_window_months=9)) == [
        "Training must be finished within 9 months of approval."
    ]


def test_describe_priority_order() -> None:
    assert describe_priority_order([]) == ""
    assert describe_priority_order(["veteran"]) == "Veterans and eligible spouses first"
    assert describe_priority_order(["veteran", "low_income", "disability"]) == (
        "Veterans and eligible spouses first, then people on low incomes, then people with a disability"
    )


def test_join_or() -> None:
    assert join_or([]) == ""
    assert join_or(["A"]) == "A"
    assert join_or(["A", "B"]) == "A or B"
    assert join_or(["A", "B", "C"]) == "A, B or C"
