from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.demographics import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    INCOME_BAND_BOUNDS,
    INCOME_BANDS,
    RACE_ETHNICITY_CATEGORIES,
    RACE_ETHNICITY_DETAILS,
    RACE_ETHNICITY_LABELS,
    REPORTING_GROUP_LABELS,
    age_band,
    alone_or_in_combination,
    income_band_below,
    income_band_upper_bound,
    minimum_categories,
    race_ethnicity_choices,
    reporting_group,
    validate_race_ethnicity,
)

# --- vocabulary -----------------------------------------------------------------------------------------


def test_the_seven_minimum_categories_in_form_order() -> None:
    assert [code for code, _label in RACE_ETHNICITY_CATEGORIES] == [
        "aian",
        "asian",
        "black",
        "hispanic",
        "mena",
        "nhpi",
        "white",
    ]
    assert list(RACE_ETHNICITY_DETAILS) == [code for code, _label in RACE_ETHNICITY_CATEGORIES]


def test_details_are_the_sample_form_checkboxes_and_named_under_their_category() -> None:
    assert [str(label) for _code, label in RACE_ETHNICITY_DETAILS["asian"]] == [
        "Chinese",
        "Asian Indian",
        "Filipino",
        "Vietnamese",
        "Korean",
        "Japanese",
    ]
    assert RACE_ETHNICITY_DETAILS["aian"] == []
    for category, details in RACE_ETHNICITY_DETAILS.items():
        assert len(details) == (0 if category == "aian" else 6)
        assert all(code.startswith(f"{category}.") for code, _label in details)
    assert list(RACE_ETHNICITY_LABELS)[-1] == "prefer_not_to_say"
    assert len(RACE_ETHNICITY_LABELS) == 7 + 36 + 1


def test_choices_work_in_a_multiple_choice_field_with_checkboxes() -> None:
    choices = race_ethnicity_choices()
    assert choices[1][0] == "Asian"
    assert choices[1][1][:2] == [("asian", "Asian"), ("asian.chinese", "Chinese")]
    assert choices[-1] == ("prefer_not_to_say", "Prefer not to say")

    field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, required=False)
    assert field.clean(["asian", "mena.iraqi", "aian"]) == ["asian", "mena.iraqi", "aian"]
    with pytest.raises(ValidationError):
        field.clean(["martian"])
    assert 'value="asian.chinese"' in field.widget.render("race_ethnicity", ["asian.chinese"])


# --- validate_race_ethnicity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        ([], []),
        (["white"], ["white"]),
        (["prefer_not_to_say"], ["prefer_not_to_say"]),
        (["prefer_not_to_say", "prefer_not_to_say"], ["prefer_not_to_say"]),
        (["asian.chinese"], ["asian", "asian.chinese"]),
        (["asian", "asian.chinese"], ["asian", "asian.chinese"]),
        (["white", "aian"], ["aian", "white"]),
        (["asian.japanese", "asian.chinese"], ["asian", "asian.chinese", "asian.japanese"]),
        (["white.irish", "black.haitian", "white.irish"], ["black", "black.haitian", "white", "white.irish"]),
        (["nhpi.samoan", "hispanic", "mena"], ["hispanic", "mena", "nhpi", "nhpi.samoan"]),
    ],
)
def test_validate_race_ethnicity_normalises(answers: list[str], stored: list[str]) -> None:
    assert validate_race_ethnicity(answers) == stored


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        (["martian"], "martian"),
        (["asian", "asian.martian"], "asian.martian"),
        (["Asian"], "Asian"),
        (["aian.navajo_nation"], "aian.navajo_nation"),
        (["x", "white", "y", "x"], "x, y"),
        ([""], ""),
    ],
)
def test_validate_race_ethnicity_refuses_unknown_codes_naming_them(answers: list[str], named: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_race_ethnicity(answers)
    assert raised.value.code == "unknown_race_ethnicity"
    assert raised.value.messages == [f"These race and ethnicity answers are not on the form: {named}."]


@pytest.mark.parametrize(
    "answers",
    [
        ["prefer_not_to_say", "white"],
        ["asian.korean", "prefer_not_to_say"],
        ["prefer_not_to_say", "prefer_not_to_say", "mena"],
    ],
)
def test_validate_race_ethnicity_refuses_prefer_not_to_say_with_other_answers(answers: list[str]) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_race_ethnicity(answers)
    assert raised.value.code == "prefer_not_to_say_combined"
    assert raised.value.messages == ["Choose either “Prefer not to say” or one or more answers, not both."]


# --- roll-ups and reporting groups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "categories"),
    [
        ([], []),
        (["prefer_not_to_say"], []),
        (["asian"], ["asian"]),
        (["asian.chinese"], ["asian"]),
        (["asian", "asian.chinese", "asian.korean"], ["asian"]),
        (["white.polish", "black"], ["black", "white"]),
        (["hispanic.cuban", "white", "aian"], ["aian", "hispanic", "white"]),
    ],
)
def test_minimum_categories_roll_details_up(answers: list[str], categories: list[str]) -> None:
    assert minimum_categories(answers) == categories
    assert alone_or_in_combination(answers) == categories


def test_roll_ups_refuse_unknown_stored_codes() -> None:
    with pytest.raises(ValueError, match="Unknown race and ethnicity codes: asian.martian"):
        minimum_categories(["asian", "asian.martian"])
    with pytest.raises(ValueError, match="Unknown race and ethnicity codes: zz"):
        reporting_group(["zz"])


@pytest.mark.parametrize(
    ("answers", "group"),
    [
        (["white"], "white"),
        (["mena"], "mena"),
        (["nhpi.tongan"], "nhpi"),
        (["asian", "asian.filipino", "asian.vietnamese"], "asian"),
        (["hispanic", "white"], "multiracial"),
        (["black.somali", "mena.egyptian"], "multiracial"),
        (["aian", "asian", "black", "hispanic", "mena", "nhpi", "white"], "multiracial"),
        ([], "not_reported"),
        (["prefer_not_to_say"], "not_reported"),
    ],
)
def test_reporting_group(answers: list[str], group: str) -> None:
    assert reporting_group(answers) == group
    assert group in REPORTING_GROUP_LABELS


def test_reporting_group_labels() -> None:
    assert list(REPORTING_GROUP_LABELS) == [
        "aian",
        "asian",
        "black",
        "hispanic",
        "mena",
        "nhpi",
        "white",
        "multiracial",
        "not_reported",
    ]
    assert str(REPORTING_GROUP_LABELS["multiracial"]) == "Multiracial and/or multiethnic"


@pytest.mark.parametrize(
    ("answers", "categories"),
    [
        (["hispanic.mexican", "white"], ["hispanic", "white"]),
        (["black.nigerian"], ["black"]),
        (["prefer_not_to_say"], []),
    ],
)
def test_alone_or_in_combination_counts_every_category(answers: list[str], categories: list[str]) -> None:
    assert alone_or_in_combination(answers) == categories


# --- age bands ------------------------------------------------------------------------------------------

ON = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("date_of_birth", "band"),
    [
        (None, "not_reported"),
        (date(2025, 6, 15), "under_18"),
        (date(2007, 6, 16), "under_18"),  # 17, turns 18 tomorrow
        (date(2007, 6, 15), "18_24"),  # 18th birthday today
        (date(2000, 6, 16), "18_24"),  # 24
        (date(2000, 6, 15), "25_34"),  # 25th birthday today
        (date(1990, 6, 16), "25_34"),
        (date(1990, 6, 15), "35_44"),
        (date(1980, 6, 15), "45_54"),
        (date(1970, 6, 15), "55_64"),
        (date(1960, 6, 16), "55_64"),  # 64
        (date(1960, 6, 15), "65_plus"),  # 65th birthday today
        (date(1925, 1, 1), "65_plus"),
    ],
)
def test_age_band_boundaries(date_of_birth: date | None, band: str) -> None:
    assert age_band(date_of_birth, on=ON) == band


def test_age_band_for_a_29_february_birthday_changes_on_1_march() -> None:
    assert age_band(date(2004, 2, 29), on=date(2022, 2, 28)) == "under_18"
    assert age_band(date(2004, 2, 29), on=date(2022, 3, 1)) == "18_24"


def test_age_band_refuses_a_birth_after_the_day() -> None:
    with pytest.raises(ValueError, match="after"):
        age_band(date(2025, 6, 16), on=ON)


def test_age_bands_are_ordered_and_labelled() -> None:
    assert AGE_BANDS == ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "not_reported")
    assert str(AGE_BAND_LABELS["65_plus"]) == "65 and over"


# --- income bands ---------------------------------------------------------------------------------------


def test_income_bands_tile_the_amounts_without_gaps() -> None:
    assert INCOME_BANDS == ("under_25k", "25k_50k", "50k_75k", "75k_100k", "100k_plus", "prefer_not_to_say")
    bounds = [INCOME_BAND_BOUNDS[band] for band in INCOME_BANDS[:-1]]
    assert bounds[0][0] is None
    assert bounds[-1][1] is None
    assert all(upper == next_lower for (_, upper), (next_lower, _) in zip(bounds, bounds[1:], strict=False))


@pytest.mark.parametrize(
    ("band", "upper"),
    [
        ("under_25k", Decimal("25000")),
        ("25k_50k", Decimal("50000")),
        ("75k_100k", Decimal("100000")),
        ("100k_plus", None),
        ("prefer_not_to_say", None),
    ],
)
def test_income_band_upper_bound(band: str, upper: Decimal | None) -> None:
    assert income_band_upper_bound(band) == upper


@pytest.mark.parametrize(
    ("band", "limit", "below"),
    [
        # below: every income in the band is under the limit
        ("under_25k", Decimal("25000"), True),
        ("under_25k", Decimal("60000"), True),
        ("25k_50k", Decimal("50000"), True),
        ("50k_75k", Decimal("75000.01"), True),
        # above: no income in the band is under the limit
        ("25k_50k", Decimal("25000"), False),
        ("50k_75k", Decimal("40000"), False),
        ("100k_plus", Decimal("100000"), False),
        # straddling
        ("under_25k", Decimal("24999.99"), None),
        ("under_25k", Decimal("0"), None),
        ("25k_50k", Decimal("25000.01"), None),
        ("25k_50k", Decimal("49999.99"), None),
        ("100k_plus", Decimal("150000"), None),
        # unknown
        ("prefer_not_to_say", Decimal("50000"), None),
    ],
)
def test_income_band_below(band: str, limit: Decimal, below: bool | None) -> None:
    assert income_band_below(band, limit) is below


def test_income_band_functions_refuse_unknown_bands_and_float_limits() -> None:
    with pytest.raises(ValueError, match="Unknown household income band: '30k'"):
        income_band_below("30k", Decimal("25000"))
    with pytest.raises(ValueError, match="Unknown household income band: ''"):
        income_band_upper_bound("")
    with pytest.raises(TypeError, match="not a floating-point number"):
        income_band_below("under_25k", 25000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        income_band_below("under_25k", Decimal("NaN"))
