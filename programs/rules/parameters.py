"""Rule parameters, validated so staff cannot save a rule that cannot be evaluated."""

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programs.rules.facts import EMPLOYER_SIZE_CLASSES, EMPLOYMENT_STATUSES, NAICS_PATTERN


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
