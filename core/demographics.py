"""Voluntary, self-identified demographics: the answer vocabulary and the pure functions reports need.

Every question can be left unanswered or answered "prefer not to say"; reports show both as not reported.
Race and ethnicity follow the 2024 OMB Statistical Policy Directive No. 15 (SPD 15): one combined
question, several answers allowed, with detailed answers that roll up to the seven minimum categories.
Plain data and functions only, so forms, services and reports can share it without importing an app.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    Choices = list[tuple[str, StrOrPromise]]

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_REPORTED = "not_reported"
PREFER_NOT_TO_SAY_LABEL = _("Prefer not to say")
NOT_REPORTED_LABEL = _("Not reported")

# ---------------------------------------------------------------------------------------------------------
# Race and ethnicity (SPD 15, 2024)
# ---------------------------------------------------------------------------------------------------------

# The seven minimum categories, in the order of the SPD 15 sample form.
RACE_ETHNICITY_CATEGORIES: Choices = [
    ("aian", _("American Indian or Alaska Native")),
    ("asian", _("Asian")),
    ("black", _("Black or African American")),
    ("hispanic", _("Hispanic or Latino")),
    ("mena", _("Middle Eastern or North African")),
    ("nhpi", _("Native Hawaiian or Pacific Islander")),
    ("white", _("White")),
]

# The detailed checkboxes of the SPD 15 sample form (Figure 1), in its order. The form gives American
# Indian or Alaska Native no checkboxes: the Tribes and peoples it names (Navajo Nation, Blackfeet Tribe of
# the Blackfeet Indian Reservation of Montana, Native Village of Barrow Inupiat Traditional Government,
# Nome Eskimo Community, Aztec, Maya) are examples for a write-in box, and this form collects no free text.
RACE_ETHNICITY_DETAILS: dict[str, Choices] = {
    "aian": [],
    "asian": [
        ("asian.chinese", _("Chinese")),
        ("asian.asian_indian", _("Asian Indian")),
        ("asian.filipino", _("Filipino")),
        ("asian.vietnamese", _("Vietnamese")),
        ("asian.korean", _("Korean")),
        ("asian.japanese", _("Japanese")),
    ],
    "black": [
        ("black.african_american", _("African American")),
        ("black.jamaican", _("Jamaican")),
        ("black.haitian", _("Haitian")),
        ("black.nigerian", _("Nigerian")),
        ("black.ethiopian", _("Ethiopian")),
        ("black.somali", _("Somali")),
    ],
    "hispanic": [
        ("hispanic.mexican", _("Mexican")),
        ("hispanic.puerto_rican", _("Puerto Rican")),
        ("hispanic.salvadoran", _("Salvadoran")),
        ("hispanic.cuban", _("Cuban")),
        ("hispanic.dominican", _("Dominican")),
        ("hispanic.guatemalan", _("Guatemalan")),
    ],
    "mena": [
        ("mena.lebanese", _("Lebanese")),
        ("mena.iranian", _("Iranian")),
        ("mena.egyptian", _("Egyptian")),
        ("mena.syrian", _("Syrian")),
        ("mena.iraqi", _("Iraqi")),
        ("mena.israeli", _("Israeli")),
    ],
    "nhpi": [
        ("nhpi.native_hawaiian", _("Native Hawaiian")),
        ("nhpi.samoan", _("Samoan")),
        ("nhpi.chamorro", _("Chamorro")),
        ("nhpi.tongan", _("Tongan")),
        ("nhpi.fijian", _("Fijian")),
        ("nhpi.marshallese", _("Marshallese")),
    ],
    "white": [
        ("white.english", _("English")),
        ("white.german", _("German")),
        ("white.irish", _("Irish")),
        ("white.italian", _("Italian")),
        ("white.polish", _("Polish")),
        ("white.scottish", _("Scottish")),
    ],
}

# Every answer a person can give, in form order: each category followed by its details, then "prefer not
# to say". The order is also the order answers are stored and shown in.
RACE_ETHNICITY_LABELS: dict[str, StrOrPromise] = {}
for _category, _category_label in RACE_ETHNICITY_CATEGORIES:
    RACE_ETHNICITY_LABELS[_category] = _category_label
    RACE_ETHNICITY_LABELS.update(RACE_ETHNICITY_DETAILS[_category])
RACE_ETHNICITY_LABELS[PREFER_NOT_TO_SAY] = PREFER_NOT_TO_SAY_LABEL
del _category, _category_label

_FORM_ORDER = {code: position for position, code in enumerate(RACE_ETHNICITY_LABELS)}
_CATEGORY_OF = {
    detail: category for category, details in RACE_ETHNICITY_DETAILS.items() for detail, _label in details
} | {category: category for category, _label in RACE_ETHNICITY_CATEGORIES}

MULTIRACIAL = "multiracial"

# One row per person in a table: a single minimum category, multiracial, or not reported.
REPORTING_GROUP_LABELS: dict[str, StrOrPromise] = {
    **dict(RACE_ETHNICITY_CATEGORIES),
    MULTIRACIAL: _("Multiracial and/or multiethnic"),
    NOT_REPORTED: NOT_REPORTED_LABEL,
}


def race_ethnicity_choices() -> list[tuple[StrOrPromise, Choices] | tuple[str, StrOrPromise]]:
    """Grouped choices for a MultipleChoiceField with CheckboxSelectMultiple.

    One group per minimum category, headed by its label; the category itself is the group's first choice,
    so a person can answer with the category alone. "Prefer not to say" comes last, outside any group.
    """
    choices: list[tuple[StrOrPromise, Choices] | tuple[str, StrOrPromise]] = [
        (label, [(category, label), *RACE_ETHNICITY_DETAILS[category]])
        for category, label in RACE_ETHNICITY_CATEGORIES
    ]
    choices.append((PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL))
    return choices


def _in_form_order(codes: Iterable[str]) -> list[str]:
    return sorted(set(codes), key=_FORM_ORDER.__getitem__)


def race_ethnicity_codes() -> list[str]:
    """Every answer the race and ethnicity question offers, in form order (categories, details and
    "prefer not to say")."""
    return list(_FORM_ORDER)


def _unknown(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(code for code in codes if code not in _FORM_ORDER))


def validate_race_ethnicity(codes: Iterable[str]) -> list[str]:
    """Check a person's race and ethnicity answers and return them in stored form.

    Refuses codes that are not on the form and "prefer not to say" combined with any other answer. Returns
    the answers without repeats, in form order, with the minimum category added for every detail chosen
    (choosing `asian.chinese` implies `asian`). No answers at all is allowed: the question is voluntary.
    Raises ValidationError with a message a person can act on.
    """
    codes = list(codes)
    unknown = _unknown(codes)
    if unknown:
        raise ValidationError(
            _("These race and ethnicity answers are not on the form: %(codes)s."),
            code="unknown_race_ethnicity",
            params={"codes": ", ".join(unknown)},
        )
    if PREFER_NOT_TO_SAY in codes and any(code != PREFER_NOT_TO_SAY for code in codes):
        raise ValidationError(
            _("Choose either “Prefer not to say” or one or more answers, not both."),
            code="prefer_not_to_say_combined",
        )
    implied_categories = [_CATEGORY_OF[code] for code in codes if code != PREFER_NOT_TO_SAY]
    return _in_form_order([*codes, *implied_categories])


def minimum_categories(codes: Iterable[str]) -> list[str]:
    """The minimum categories a person's answers roll up to, in form order, without repeats.

    Details count for their category; "prefer not to say" counts for none. Stored answers have been
    validated, so an unknown code is a fault in the data: raises ValueError rather than miscounting.
    """
    codes = list(codes)
    unknown = _unknown(codes)
    if unknown:
        raise ValueError(f"Unknown race and ethnicity codes: {', '.join(unknown)}")
    return _in_form_order(_CATEGORY_OF[code] for code in codes if code != PREFER_NOT_TO_SAY)


def alone_or_in_combination(codes: Iterable[str]) -> list[str]:
    """Every minimum category a person selected, for "alone or in combination" tables.

    A person with two categories counts once in each, so these counts add up to more than the people.
    """
    return minimum_categories(codes)


def reporting_group(codes: Iterable[str]) -> str:
    """The one reporting group a person is counted in, a key of REPORTING_GROUP_LABELS.

    One minimum category gives that category; two or more give `multiracial` (Hispanic or Latino counts as
    a category like any other in the combined question); none or "prefer not to say" gives `not_reported`.
    """
    categories = minimum_categories(codes)
    if not categories:
        return NOT_REPORTED
    if len(categories) == 1:
        return categories[0]
    return MULTIRACIAL


# ---------------------------------------------------------------------------------------------------------
# Sex, veteran status, disability
# ---------------------------------------------------------------------------------------------------------

SEX_CHOICES: Choices = [
    ("female", _("Female")),
    ("male", _("Male")),
    ("another", _("Another answer")),
    (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL),
]
SEX_LABELS: dict[str, StrOrPromise] = dict(SEX_CHOICES)

VETERAN_STATUS_CHOICES: Choices = [
    ("yes", _("Veteran or eligible spouse")),
    ("no", _("No")),
    (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL),
]
VETERAN_STATUS_LABELS: dict[str, StrOrPromise] = dict(VETERAN_STATUS_CHOICES)

DISABILITY_CHOICES: Choices = [
    ("yes", _("Yes")),
    ("no", _("No")),
    (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL),
]
DISABILITY_LABELS: dict[str, StrOrPromise] = dict(DISABILITY_CHOICES)

# ---------------------------------------------------------------------------------------------------------
# Age bands
# ---------------------------------------------------------------------------------------------------------

AGE_BAND_LABELS: dict[str, StrOrPromise] = {
    "under_18": _("Under 18"),
    "18_24": _("18 to 24"),
    "25_34": _("25 to 34"),
    "35_44": _("35 to 44"),
    "45_54": _("45 to 54"),
    "55_64": _("55 to 64"),
    "65_plus": _("65 and over"),
    NOT_REPORTED: NOT_REPORTED_LABEL,
}
AGE_BANDS: tuple[str, ...] = tuple(AGE_BAND_LABELS)

# (youngest age in the band, band), oldest first, so the first band the age reaches is the answer.
_AGE_BAND_STARTS = [
    (65, "65_plus"),
    (55, "55_64"),
    (45, "45_54"),
    (35, "35_44"),
    (25, "25_34"),
    (18, "18_24"),
]


def age_in_years(date_of_birth: date, on: date) -> int:
    """Completed years of age on a day. Someone born on 29 February turns a year older on 1 March."""
    if date_of_birth > on:
        raise ValueError(f"The date of birth {date_of_birth} is after {on}.")
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def age_band(date_of_birth: date | None, on: date) -> str:
    """The age band, a key of AGE_BAND_LABELS, of a person on a day; `not_reported` with no date of birth.

    A person moves into the next band on the birthday itself. Raises ValueError for a birth after `on`.
    """
    if date_of_birth is None:
        return NOT_REPORTED
    age = age_in_years(date_of_birth, on)
    for youngest, band in _AGE_BAND_STARTS:
        if age >= youngest:
            return band
    return "under_18"


# ---------------------------------------------------------------------------------------------------------
# Household income bands (annual, USD)
# ---------------------------------------------------------------------------------------------------------

INCOME_BAND_LABELS: dict[str, StrOrPromise] = {
    "under_25k": _("Under $25,000"),
    "25k_50k": _("$25,000 to $49,999"),
    "50k_75k": _("$50,000 to $74,999"),
    "75k_100k": _("$75,000 to $99,999"),
    "100k_plus": _("$100,000 or more"),
    PREFER_NOT_TO_SAY: PREFER_NOT_TO_SAY_LABEL,
}
INCOME_BANDS: tuple[str, ...] = tuple(INCOME_BAND_LABELS)
INCOME_BAND_CHOICES: Choices = list(INCOME_BAND_LABELS.items())

# (lower inclusive, upper exclusive); None is an open end. "Prefer not to say" has no bounds: it is unknown.
INCOME_BAND_BOUNDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "under_25k": (None, Decimal("25000")),
    "25k_50k": (Decimal("25000"), Decimal("50000")),
    "50k_75k": (Decimal("50000"), Decimal("75000")),
    "75k_100k": (Decimal("75000"), Decimal("100000")),
    "100k_plus": (Decimal("100000"), None),
}


def _check_income_band(band: str) -> None:
    if band not in INCOME_BAND_LABELS:
        raise ValueError(f"Unknown household income band: {band!r}")


def income_band_upper_bound(band: str) -> Decimal | None:
    """The smallest income not in the band (25000 for `under_25k`); None when the band has no upper end
    (`100k_plus`) or the income is unknown (`prefer_not_to_say`). Raises ValueError for an unknown band."""
    _check_income_band(band)
    return INCOME_BAND_BOUNDS.get(band, (None, None))[1]


def income_band_below(band: str, limit: Decimal) -> bool | None:
    """Whether a household in the band is below an income limit.

    True if every income in the band is below the limit, False if none is, None if the band straddles the
    limit or the income is unknown (`prefer_not_to_say`): the answer alone cannot settle eligibility.
    Raises ValueError for an unknown band, TypeError for a float limit (money is never float).
    """
    _check_income_band(band)
    if isinstance(limit, float):
        raise TypeError("Give the income limit as a Decimal, not a floating-point number.")
    if not Decimal(limit).is_finite():
        raise ValueError(f"The income limit must be a finite amount, not {limit}.")
    if band not in INCOME_BAND_BOUNDS:
        return None
    lower, upper = INCOME_BAND_BOUNDS[band]
    if upper is not None and upper <= limit:
        return True
    if lower is not None and lower >= limit:
        return False
    return None
