"""The kinds of eligibility rule, one function each, and the evaluation of a program's rules: each
outcome explains itself in words the applicant reads, including what would make them eligible."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from programs.rules.facts import (
    AVERAGE_DAYS_PER_MONTH,
    EMPLOYER_SIZE_CLASSES,
    EMPLOYMENT_STATUSES,
    CredentialFacts,
    EligibilityResult,
    Profile,
    RuleOutcome,
    age_on,
)


def _join(values: Sequence[str]) -> str:
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + _(" or ") + values[-1]


RuleCheck = Callable[[str, Mapping[str, Any], Profile, CredentialFacts | None, date], RuleOutcome]

# Each kind of eligibility rule, by its name: the function that judges it and says why, in words the
# applicant reads. A new kind is one function here (and its parameters in programs.rules.parameters).
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
