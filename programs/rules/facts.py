"""The plain data the rules judge and answer with, and the fixed vocabularies they use."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

EMPLOYMENT_STATUSES = {
    "employed_full_time": "employed full time",
    "employed_part_time": "employed part time",
    "self_employed": "self-employed",
    "unemployed": "unemployed",
    "not_in_labour_force": "not working and not looking for work",
}
EMPLOYER_SIZE_CLASSES = {
    "1-50": "1–50 employees",
    "51-200": "51–200 employees",
    "201+": "201 or more employees",
}
NAICS_PATTERN = re.compile(r"^\d{2,6}$")
AVERAGE_DAYS_PER_MONTH = Decimal("30.4375")


# ---------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Profile:
    """What the rules may ask about an applicant (and their employer, for employer programs)."""

    region: str | None = None
    date_of_birth: date | None = None
    employment_status: str | None = None
    household_income: Decimal | None = None
    employer_size_class: str | None = None
    employer_sector: str | None = None  # NAICS code


@dataclass(frozen=True)
class CredentialFacts:
    hours: int
    duration_weeks: int
    cost: Decimal


@dataclass(frozen=True)
class RuleOutcome:
    kind: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class EligibilityResult:
    outcomes: list[RuleOutcome]

    @property
    def eligible(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def failing(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
