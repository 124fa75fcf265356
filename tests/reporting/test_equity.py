"""Equity breakdowns: exact group counts, rates and the four-fifths flag, and suppression applied."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from grants.models import Application
from reporting.equity import DIMENSIONS, equity_report, equity_table
from reporting.figures import ReportFilter
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup
from tests.reporting.factories import application_row, demographics_row, outcome_row

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    """White women: 2 paid, 1 rejected, 1 submitted. Black men: 1 approved, 2 rejected. Two people who gave
    no answers: 1 approved, 1 submitted."""
    program, _manager, credential = funded_setup()

    def person(race: str, sex: str, status: str, *, region: str, band: str) -> Application:
        user = user_with_role(Role.WORKER)
        if race:
            demographics_row(user, race_group=race, sex=sex, veteran="no", disability="prefer_not_to_say")
        decided = 3 if status not in (S.SUBMITTED,) else None
        awarded = Decimal("500") if status in (S.PAID, S.APPROVED) else None
        paid = Decimal("500") if status == S.PAID else Decimal("0")
        return application_row(
            program=program,
            credential=credential,
            status=status,
            applicant=user,
            days_to_decision=decided,
            amount_awarded=awarded,
            amount_paid=paid,
            region=region,
            age_band=band,
        )

    first = person("white", "female", S.PAID, region="North", band="25_34")
    person("white", "female", S.PAID, region="North", band="25_34")
    person("white", "female", S.REJECTED, region="South", band="35_44")
    person("white", "female", S.SUBMITTED, region="South", band="35_44")
    for status in (S.APPROVED, S.REJECTED, S.REJECTED):
        person("black", "male", status, region="North", band="45_54")
    person("", "", S.APPROVED, region="", band="")
    person("", "", S.SUBMITTED, region="", band="")
    outcome_row(first, quarter=2, status="employed", wage=Decimal("41000"))
    return program


def test_race_groups_counted_exactly_without_suppression(people) -> None:  # type: ignore[no-untyped-def]
    table = equity_table(ReportFilter(programs=(people.pk,)), "race_ethnicity", threshold=1)
    assert table.groups == ("black", "white", "not_reported")  # the SPD 15 form's order, then not reported
    cell = table.table.cell
    assert [
        cell("white", m).value for m in ("submitted", "decided", "awarded", "completed", "employed_q2")
    ] == [
        4,
        3,
        2,
        2,
        1,
    ]
    assert [
        cell("black", m).value for m in ("submitted", "decided", "awarded", "completed", "employed_q2")
    ] == [
        3,
        3,
        1,
        0,
        0,
    ]
    assert cell("not_reported", "submitted").value == 2
    assert table.table.column_totals is not None
    assert table.table.column_totals["submitted"].value == 9
    assert table.approval_rates["white"].value == Decimal("0.667")
    assert table.approval_rates["black"].value == Decimal("0.333")
    assert table.approval_rates["not_reported"].value == Decimal("1.000")
    # Four-fifths: black 1/3 against white 2/3 is 0.5, flagged; "not reported" is not compared.
    assert table.impact["white"].value == Decimal("1.000")
    assert not table.impact["white"].flagged
    assert table.impact["black"].value == Decimal("0.500")
    assert table.impact["black"].flagged
    assert "not_reported" not in table.impact
    assert table.flagged == ["black"]
    assert table.label("not_reported") == "Not reported"


def test_other_dimensions_group_the_same_people(people) -> None:  # type: ignore[no-untyped-def]
    filters = ReportFilter(programs=(people.pk,))
    sex = equity_table(filters, "sex", threshold=1)
    assert sex.groups == ("female", "male", "not_reported")
    assert sex.table.cell("female", "submitted").value == 4
    region = equity_table(filters, "region", threshold=1)
    assert region.groups == ("North", "South", "not_reported")
    assert region.table.cell("North", "awarded").value == 3  # 2 paid + 1 approved
    bands = equity_table(filters, "age_band", threshold=1)
    assert bands.table.cell("45_54", "decided").value == 3
    disability = equity_table(filters, "disability", threshold=1)
    assert disability.groups == ("prefer_not_to_say", "not_reported")


def test_small_groups_are_suppressed_with_the_default_threshold(people) -> None:  # type: ignore[no-untyped-def]
    table = equity_table(ReportFilter(programs=(people.pk,)), "race_ethnicity")
    for group in table.groups:
        assert table.table.cell(group, "submitted").suppressed
        assert table.table.cell(group, "submitted").value is None
        assert table.approval_rates[group].suppressed
    assert all(ratio.suppressed and not ratio.flagged for ratio in table.impact.values())
    assert table.table.column_totals is not None
    assert table.table.column_totals["submitted"].suppressed  # 9 is below 10 too


def test_report_covers_every_dimension_with_one_query_each(people, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(len(DIMENSIONS)):
        report = equity_report(ReportFilter(programs=(people.pk,)))
    assert [table.dimension.key for table in report] == list(DIMENSIONS)


@pytest.mark.parametrize("extra", [0, 12])
def test_equity_query_count_does_not_grow(django_assert_num_queries, extra: int) -> None:
    program, _manager, credential = funded_setup()
    for _ in range(extra):
        user = user_with_role(Role.WORKER)
        demographics_row(user, race_group="asian", sex="male")
        application_row(
            program=program, credential=credential, status=S.REJECTED, applicant=user, days_to_decision=2
        )
    with django_assert_num_queries(1):
        equity_table(ReportFilter(programs=(program.pk,)), "race_ethnicity")


def test_nested_measures_never_reveal_a_small_difference() -> None:
    """White: 12 pending, 3 rejected, 12 approved; Black: 15 pending, 11 rejected, 10 approved. Publishing a
    group's "decided" and "approved" together would give away its 3 rejections: at most one of them shows,
    and whatever pair of nested measures does show differs by 0 or by at least the threshold."""
    program, _manager, credential = funded_setup()

    def add(race: str, status: str, count: int) -> None:
        for _ in range(count):
            user = user_with_role(Role.WORKER)
            demographics_row(user, race_group=race)
            decided = None if status == S.SUBMITTED else 2
            awarded = Decimal("100") if status == S.APPROVED else None
            application_row(
                program=program,
                credential=credential,
                status=status,
                applicant=user,
                days_to_decision=decided,
                amount_awarded=awarded,
            )

    add("white", S.SUBMITTED, 12)
    add("white", S.REJECTED, 3)
    add("white", S.APPROVED, 12)
    add("black", S.SUBMITTED, 15)
    add("black", S.REJECTED, 11)
    add("black", S.APPROVED, 10)
    table = equity_table(ReportFilter(programs=(program.pk,)), "race_ethnicity", threshold=10)
    chain = ["submitted", "decided", "awarded", "completed", "employed_q2"]
    truth = {"white": [27, 15, 12, 0, 0], "black": [36, 21, 10, 0, 0]}
    for group, values in truth.items():
        published = [
            (measure, table.table.cell(group, measure).value)
            for measure in chain
            if not table.table.cell(group, measure).suppressed
        ]
        for measure, value in published:
            assert value == values[chain.index(measure)], (group, measure)
        for (_m1, outer), (_m2, inner) in zip(published, published[1:], strict=False):
            assert outer - inner == 0 or outer - inner >= 10, (group, published)
    assert not (
        not table.table.cell("white", "decided").suppressed
        and not table.table.cell("white", "awarded").suppressed
    )
