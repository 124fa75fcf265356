"""Eligibility and cap rules as pure functions over plain data: no database, no request.

Rule parameters are validated here (so staff cannot save a rule that cannot be evaluated), and the
evaluation explains itself in plain language, one reason per rule, including what would make the
applicant eligible.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


# ---------------------------------------------------------------- parameter validation


def _only_keys(parameters: Mapping[str, Any], allowed: set[str], required: set[str]) -> None:
    if not isinstance(parameters, Mapping):
        raise ValidationError({"parameters": _("Rule parameters must be an object of named values.")})
    unknown = set(parameters) - allowed
    if unknown:
        raise ValidationError(
            {
                "parameters": _("Unknown parameter(s): %(names)s. This rule takes: %(allowed)s.")
                % {"names": ", ".join(sorted(unknown)), "allowed": ", ".join(sorted(allowed))}
            }
        )
    missing = required - set(parameters)
    if missing:
        raise ValidationError(
            {"parameters": _("Missing parameter(s): %(names)s.") % {"names": ", ".join(sorted(missing))}}
        )


def _string_list(
    value: Any, name: str, allowed: Iterable[str] | None = None, pattern: re.Pattern[str] | None = None
) -> list[str]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise ValidationError(
            {"parameters": _("“%(name)s” must be a non-empty list of text values.") % {"name": name}}
        )
    items = [item.strip() for item in value]
    if allowed is not None:
        allowed_set = set(allowed)
        wrong = [item for item in items if item not in allowed_set]
        if wrong:
            raise ValidationError(
                {
                    "parameters": _(
                        "“%(name)s” has values that are not allowed: %(wrong)s. Choose from: %(allowed)s."
                    )
                    % {"name": name, "wrong": ", ".join(wrong), "allowed": ", ".join(sorted(allowed_set))}
                }
            )
    if pattern is not None:
        wrong = [item for item in items if not pattern.match(item)]
        if wrong:
            raise ValidationError(
                {
                    "parameters": _("“%(name)s” has values in the wrong form: %(wrong)s.")
                    % {"name": name, "wrong": ", ".join(wrong)}
                }
            )
    return sorted(set(items))


def _whole_number(value: Any, name: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationError(
            {
                "parameters": _("“%(name)s” must be a whole number from %(min)d to %(max)d.")
                % {"name": name, "min": minimum, "max": maximum}
            }
        )
    return value


def _positive_decimal(value: Any, name: str) -> str:
    if isinstance(value, bool | float):
        raise ValidationError(
            {
                "parameters": _('“%(name)s” must be a decimal amount written as text, e.g. "45000.00".')
                % {"name": name}
            }
        )
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"parameters": _("“%(name)s” must be an amount.") % {"name": name}}) from error
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {
                "parameters": _("“%(name)s” must be more than zero, with at most two decimal places.")
                % {"name": name}
            }
        )
    return str(amount.quantize(Decimal("0.01")))


def _validate_region(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"regions"}, {"regions"})
    return {"regions": _string_list(p["regions"], "regions")}


def _validate_age(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"minimum", "maximum"}, set())
    if "minimum" not in p and "maximum" not in p:
        raise ValidationError({"parameters": _("Give a minimum age, a maximum age, or both.")})
    cleaned: dict[str, Any] = {}
    for key in ("minimum", "maximum"):
        if key in p:
            cleaned[key] = _whole_number(p[key], key, minimum=14, maximum=120)
    if "minimum" in cleaned and "maximum" in cleaned and cleaned["minimum"] > cleaned["maximum"]:
        raise ValidationError({"parameters": _("The minimum age must not be above the maximum age.")})
    return cleaned


def _validate_employment(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"statuses"}, {"statuses"})
    return {"statuses": _string_list(p["statuses"], "statuses", allowed=EMPLOYMENT_STATUSES)}


def _validate_income(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"maximum"}, {"maximum"})
    return {"maximum": _positive_decimal(p["maximum"], "maximum")}


def _validate_size(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"size_classes"}, {"size_classes"})
    return {"size_classes": _string_list(p["size_classes"], "size_classes", allowed=EMPLOYER_SIZE_CLASSES)}


def _validate_sector(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"naics_prefixes"}, {"naics_prefixes"})
    return {"naics_prefixes": _string_list(p["naics_prefixes"], "naics_prefixes", pattern=NAICS_PATTERN)}


def _validate_hours(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"maximum"}, {"maximum"})
    return {"maximum": _whole_number(p["maximum"], "maximum", minimum=1, maximum=10000)}


def _validate_months(p: Mapping[str, Any]) -> dict[str, Any]:
    _only_keys(p, {"maximum"}, {"maximum"})
    return {"maximum": _whole_number(p["maximum"], "maximum", minimum=1, maximum=120)}


PARAMETER_VALIDATORS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "residency_region": _validate_region,
    "age_between": _validate_age,
    "employment_status": _validate_employment,
    "household_income_below": _validate_income,
    "employer_size_class": _validate_size,
    "sector": _validate_sector,
    "credential_max_hours": _validate_hours,
    "credential_max_months": _validate_months,
}

# Example parameters, shown to staff beside the rule form and in the API docs.
PARAMETER_EXAMPLES: dict[str, dict[str, Any]] = {
    "residency_region": {"regions": ["North", "Central"]},
    "age_between": {"minimum": 18, "maximum": 64},
    "employment_status": {"statuses": ["unemployed", "employed_part_time"]},
    "household_income_below": {"maximum": "45000.00"},
    "employer_size_class": {"size_classes": ["1-50", "51-200"]},
    "sector": {"naics_prefixes": ["31", "32", "33", "62"]},
    "credential_max_hours": {"maximum": 400},
    "credential_max_months": {"maximum": 12},
}


def validate_rule_parameters(kind: str, parameters: Any) -> dict[str, Any]:
    """The cleaned parameters of a rule, or a ValidationError that says what is wrong."""
    validator = PARAMETER_VALIDATORS.get(kind)
    if validator is None:
        raise ValidationError({"kind": _("“%(kind)s” is not a kind of eligibility rule.") % {"kind": kind}})
    if not isinstance(parameters, Mapping):
        raise ValidationError({"parameters": _("Rule parameters must be an object of named values.")})
    return validator(parameters)


# ---------------------------------------------------------------- evaluation


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _join(values: Sequence[str]) -> str:
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + _(" or ") + values[-1]


RuleCheck = Callable[[str, Mapping[str, Any], Profile, CredentialFacts | None, date], RuleOutcome]

# Each kind of eligibility rule, by its name: the function that judges it and says why, in words the
# applicant reads. A new kind is one function here (and its parameters in validate_rule_parameters).
RULE_KINDS: dict[str, RuleCheck] = {}
CREDENTIAL_RULE_KINDS: set[str] = set()


def rule_kind(name: str, *, needs_credential: bool = False) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        RULE_KINDS[name] = check
        if needs_credential:
            CREDENTIAL_RULE_KINDS.add(name)
        return check

    return register


@rule_kind("residency_region")
def _residency_region(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    regions = p["regions"]
    if not profile.region:
        return RuleOutcome(
            kind,
            False,
            _("Tell us the region you live in: this program is for residents of %(regions)s.")
            % {"regions": _join(regions)},
        )
    if profile.region in regions:
        return RuleOutcome(
            kind,
            True,
            _("You live in %(region)s, which this program covers.") % {"region": profile.region},
        )
    return RuleOutcome(
        kind,
        False,
        _("This program is for residents of %(regions)s; you told us you live in %(region)s.")
        % {"regions": _join(regions), "region": profile.region},
    )


@rule_kind("age_between")
def _age_between(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    low, high = p.get("minimum"), p.get("maximum")
    band = (
        _("%(low)d to %(high)d") % {"low": low, "high": high}
        if low is not None and high is not None
        else _("%(low)d or older") % {"low": low}
        if low is not None
        else _("%(high)d or younger") % {"high": high}
    )
    if profile.date_of_birth is None:
        return RuleOutcome(
            kind,
            False,
            _("Tell us your date of birth: this program is for people aged %(band)s.") % {"band": band},
        )
    age = age_on(profile.date_of_birth, today)
    if (low is None or age >= low) and (high is None or age <= high):
        return RuleOutcome(
            kind, True, _("You are %(age)d, within the age range %(band)s.") % {"age": age, "band": band}
        )
    if low is not None and age < low:
        return RuleOutcome(
            kind,
            False,
            _(
                "This program is for people aged %(band)s; you are %(age)d, so you could apply from age %(low)d."
            )
            % {"band": band, "age": age, "low": low},
        )
    return RuleOutcome(
        kind,
        False,
        _("This program is for people aged %(band)s; you are %(age)d.") % {"band": band, "age": age},
    )


@rule_kind("employment_status")
def _employment_status(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    statuses = p["statuses"]
    labels = [EMPLOYMENT_STATUSES[s] for s in statuses]
    if not profile.employment_status:
        return RuleOutcome(
            kind,
            False,
            _("Tell us your employment status: this program is for people who are %(labels)s.")
            % {"labels": _join(labels)},
        )
    current = EMPLOYMENT_STATUSES.get(profile.employment_status, profile.employment_status)
    if profile.employment_status in statuses:
        return RuleOutcome(
            kind, True, _("You are %(status)s, which this program accepts.") % {"status": current}
        )
    return RuleOutcome(
        kind,
        False,
        _("This program is for people who are %(labels)s; you told us you are %(status)s.")
        % {"labels": _join(labels), "status": current},
    )


@rule_kind("household_income_below")
def _household_income_below(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    maximum = Decimal(p["maximum"])
    if profile.household_income is None:
        return RuleOutcome(
            kind,
            False,
            _("Tell us your household income: this program is for households earning under %(max)s a year.")
            % {"max": f"{maximum:,.2f}"},
        )
    if profile.household_income < maximum:
        return RuleOutcome(
            kind,
            True,
            _("Your household income is under the limit of %(max)s.") % {"max": f"{maximum:,.2f}"},
        )
    return RuleOutcome(
        kind,
        False,
        _("This program is for households earning under %(max)s a year; you told us %(income)s.")
        % {"max": f"{maximum:,.2f}", "income": f"{profile.household_income:,.2f}"},
    )


@rule_kind("employer_size_class")
def _employer_size_class(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    classes = p["size_classes"]
    labels = [EMPLOYER_SIZE_CLASSES[c] for c in classes]
    if not profile.employer_size_class:
        return RuleOutcome(
            kind,
            False,
            _("Tell us the employer's size: this program is for employers with %(labels)s.")
            % {"labels": _join(labels)},
        )
    if profile.employer_size_class in classes:
        return RuleOutcome(
            kind,
            True,
            _("The employer's size (%(size)s) is within the program's limits.")
            % {"size": EMPLOYER_SIZE_CLASSES.get(profile.employer_size_class, profile.employer_size_class)},
        )
    return RuleOutcome(
        kind,
        False,
        _("This program is for employers with %(labels)s; this employer has %(size)s.")
        % {
            "labels": _join(labels),
            "size": EMPLOYER_SIZE_CLASSES.get(profile.employer_size_class, profile.employer_size_class),
        },
    )


@rule_kind("sector")
def _sector(kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date) -> RuleOutcome:
    prefixes = p["naics_prefixes"]
    if not profile.employer_sector:
        return RuleOutcome(
            kind,
            False,
            _("Tell us the employer's sector (NAICS code): this program covers NAICS %(codes)s.")
            % {"codes": _join(prefixes)},
        )
    if any(profile.employer_sector.startswith(prefix) for prefix in prefixes):
        return RuleOutcome(
            kind,
            True,
            _("The employer's sector (NAICS %(code)s) is covered.") % {"code": profile.employer_sector},
        )
    return RuleOutcome(
        kind,
        False,
        _("This program covers employers in NAICS %(codes)s; this employer is in %(code)s.")
        % {"codes": _join(prefixes), "code": profile.employer_sector},
    )


@rule_kind("credential_max_hours", needs_credential=True)
def _credential_max_hours(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    maximum = p["maximum"]
    if credential.hours <= maximum:
        return RuleOutcome(
            kind,
            True,
            _("The course takes %(hours)d hours, within the limit of %(max)d.")
            % {"hours": credential.hours, "max": maximum},
        )
    return RuleOutcome(
        kind,
        False,
        _(
            "This program funds courses of at most %(max)d hours; this one takes %(hours)d. Choose a shorter course."
        )
        % {"max": maximum, "hours": credential.hours},
    )


@rule_kind("credential_max_months", needs_credential=True)
def _credential_max_months(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: Any, today: date
) -> RuleOutcome:
    maximum = p["maximum"]
    months = (Decimal(credential.duration_weeks) * 7 / AVERAGE_DAYS_PER_MONTH).quantize(Decimal("0.1"))
    if months <= maximum:
        return RuleOutcome(
            kind,
            True,
            _("The course lasts about %(months)s months, within the limit of %(max)d.")
            % {"months": months, "max": maximum},
        )
    return RuleOutcome(
        kind,
        False,
        _(
            "This program funds courses of at most %(max)d months; this one lasts about %(months)s. Choose a shorter course."
        )
        % {"max": maximum, "months": months},
    )


def _evaluate(
    kind: str, p: Mapping[str, Any], profile: Profile, credential: CredentialFacts | None, today: date
) -> RuleOutcome:
    check = RULE_KINDS.get(kind)
    if check is None:
        raise ValueError(f"unknown rule kind {kind!r}")  # validate_rule_parameters keeps this from happening
    if kind in CREDENTIAL_RULE_KINDS and credential is None:
        return RuleOutcome(kind, False, _("Choose a credential to check this rule."))
    return check(kind, p, profile, credential, today)


def evaluate_eligibility(
    rules: Iterable[tuple[str, Mapping[str, Any]]],
    profile: Profile,
    credential: CredentialFacts | None = None,
    *,
    today: date,
) -> EligibilityResult:
    """Check a profile (and optionally a credential) against (kind, parameters) rules.

    A program with no rules is open to everyone. Missing information fails its rule with a reason
    that says what to tell us.
    """
    return EligibilityResult(
        [_evaluate(kind, parameters, profile, credential, today) for kind, parameters in rules]
    )


# ---------------------------------------------------------------- caps


@dataclass(frozen=True)
class Usage:
    """Amounts already awarded (committed or paid) that count against each cap scope."""

    person_year: Decimal = Decimal("0")
    person_lifetime: Decimal = Decimal("0")
    employer_round: Decimal = Decimal("0")
    employer_year: Decimal = Decimal("0")


@dataclass(frozen=True)
class CapLimit:
    name: str
    limit: Decimal
    remaining: Decimal
    explanation: str


@dataclass(frozen=True)
class CapResult:
    maximum: Decimal
    binding: str
    explanation: str
    limits: list[CapLimit] = field(default_factory=list)


SCOPE_LABELS = {
    "per_credential": "the cap per credential",
    "per_person_year": "the cap per person per year",
    "per_person_lifetime": "the lifetime cap per person",
    "per_employer_round": "the cap per employer per round",
    "per_employer_year": "the cap per employer per year",
}
_USAGE_BY_SCOPE = {
    "per_credential": None,
    "per_person_year": "person_year",
    "per_person_lifetime": "person_lifetime",
    "per_employer_round": "employer_round",
    "per_employer_year": "employer_year",
}
EMPLOYER_SCOPES = {"per_employer_round", "per_employer_year"}
PERSON_SCOPES = {"per_person_year", "per_person_lifetime"}


def maximum_award(
    *,
    cost: Decimal,
    co_payment_percent: Decimal,
    caps: Iterable[tuple[str, Decimal]],
    usage: Usage,
    credential_maximum: Decimal | None = None,
    employer_applies: bool = False,
) -> CapResult:
    """The most an applicant may receive for a credential now, and the cap that binds.

    Limits considered: the cost less the co-payment, the program's maximum for this credential, and
    each cap rule less what is already used in its scope. Employer caps apply only when an employer
    applies. The smallest limit binds; on a tie the first in that order is named.
    """
    money = Decimal("0.01")
    funded_share = (Decimal(100) - co_payment_percent) / Decimal(100)
    cost_after_copay = (cost * funded_share).quantize(money)
    limits = [
        CapLimit(
            "cost",
            cost_after_copay,
            cost_after_copay,
            _("the course cost less your %(pct)s%% co-payment")
            % {"pct": format(co_payment_percent.normalize(), "f")}
            if co_payment_percent
            else _("the course cost"),
        )
    ]
    if credential_maximum is not None:
        limits.append(
            CapLimit(
                "credential_maximum",
                credential_maximum,
                credential_maximum,
                _("the program's maximum for this credential"),
            )
        )
    for scope, amount in caps:
        if scope in EMPLOYER_SCOPES and not employer_applies:
            continue
        usage_field = _USAGE_BY_SCOPE[scope]
        used = getattr(usage, usage_field) if usage_field else Decimal("0")
        remaining = max(Decimal("0"), amount - used)
        explanation = _(SCOPE_LABELS[scope]) + f" ({amount:,.2f}"
        explanation += _(", of which %(used)s is already used)") % {"used": f"{used:,.2f}"} if used else ")"
        limits.append(CapLimit(scope, amount, remaining, explanation))
    binding = min(limits, key=lambda limit: limit.remaining)
    return CapResult(
        maximum=binding.remaining,
        binding=binding.name,
        explanation=_("The most you can receive is %(amount)s, set by %(why)s.")
        % {"amount": f"{binding.remaining:,.2f}", "why": binding.explanation},
        limits=limits,
    )
