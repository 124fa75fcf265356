"""Small-cell suppression: the rule, and attackers who try to undo it from what is published."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.suppression import (
    NOT_APPLICABLE_MARK,
    SUPPRESSED_MARK,
    SUPPRESSION_NOTE,
    Cell,
    RateCell,
    Table,
    _determined,
    adverse_impact,
    note,
    suppress_breakdown,
    suppress_count,
    suppress_system,
    suppress_table,
    suppressed_rate,
    threshold_or_default,
)

# ---------------------------------------------------------------------------------------------------------
# The attackers. They see only what is published: cell values (None when suppressed) and the equations
# any reader can write down from the table's shape ("the cells of a row add up to its total").
# ---------------------------------------------------------------------------------------------------------


def published_system(table: Table) -> tuple[dict[tuple, int | None], list[tuple[list[tuple], tuple]]]:
    """Published values by position, and the equations (parts, whole) a reader can write."""
    values: dict[tuple, int | None] = {}
    rows, columns = table.row_labels, table.column_labels
    for row in rows:
        for column in columns:
            values[("cell", row, column)] = table.cell(row, column).value
    equations = []
    if table.row_totals is not None:
        for row in rows:
            values[("row", row)] = table.row_totals[row].value
            equations.append(([("cell", row, column) for column in columns], ("row", row)))
    if table.column_totals is not None:
        for column in columns:
            values[("column", column)] = table.column_totals[column].value
            equations.append(([("cell", row, column) for row in rows], ("column", column)))
    if table.grand_total is not None:
        values[("grand",)] = table.grand_total.value
        equations.append(([("column", column) for column in columns], ("grand",)))
        equations.append(([("row", row) for row in rows], ("grand",)))
    return values, equations


def breakdown_system(breakdown) -> tuple[dict[tuple, int | None], list[tuple[list[tuple], tuple]]]:
    values: dict[tuple, int | None] = {("cell", label): cell.value for label, cell in breakdown.items()}
    values[("total",)] = breakdown.total.value
    return values, [([key for key in values if key != ("total",)], ("total",))]


def subtraction_attack(values, equations) -> dict[tuple, int]:
    """Solve every equation with a single unknown, over and over, feeding each answer back in."""
    known = {key: value for key, value in values.items() if value is not None}
    recovered: dict[tuple, int] = {}
    progress = True
    while progress:
        progress = False
        for parts, whole in equations:
            unknown = [key for key in (*parts, whole) if key not in known]
            if len(unknown) != 1:
                continue
            (target,) = unknown
            parts_known = sum(known[key] for key in parts if key in known)
            solved = known[whole] - parts_known if target != whole else parts_known
            known[target] = recovered[target] = solved
            progress = True
    return recovered


def linear_attack(values, equations) -> set[tuple]:
    """Every unknown that any combination of the equations pins down.

    The equations form a graph: an unknown joins the (one or two) equations it appears in, or an equation
    to a free "ground" node when it appears in one. An unknown is determined exactly when it is a bridge
    (removing it disconnects its ends); otherwise it lies on a cycle along which values can be shifted
    (+d, -d, ...) without changing anything published. This is a different method from the module's
    Gaussian elimination on purpose.
    """
    unknown = [key for key, value in values.items() if value is None]
    ends: dict[tuple, list[int]] = {key: [] for key in unknown}
    for index, (parts, whole) in enumerate(equations):
        for key in (*parts, whole):
            if key in ends:
                ends[key].append(index)
    ground = -1
    edges = {key: (nodes + [ground])[:2] for key, nodes in ends.items() if nodes}

    def connected(start: int, goal: int, without: tuple) -> bool:
        seen, frontier = {start}, [start]
        while frontier:
            node = frontier.pop()
            if node == goal:
                return True
            for key, (a, b) in edges.items():
                if key != without and node in (a, b):
                    other = b if node == a else a
                    if other not in seen:
                        seen.add(other)
                        frontier.append(other)
        return False

    return {key for key, (a, b) in edges.items() if not connected(a, b, key)}


def assert_protected(values, equations):
    assert subtraction_attack(values, equations) == {}
    assert linear_attack(values, equations) == set()


def original_system(rows, row_totals, column_totals):
    table = Table(
        row_labels=tuple(rows),
        column_labels=tuple(next(iter(rows.values()))),
        cells={r: {c: Cell(v) for c, v in row.items()} for r, row in rows.items()},
        row_totals={r: Cell(sum(row.values())) for r, row in rows.items()} if row_totals else None,
        column_totals=(
            {c: Cell(sum(row[c] for row in rows.values())) for c in next(iter(rows.values()))}
            if column_totals
            else None
        ),
        grand_total=(
            Cell(sum(sum(row.values()) for row in rows.values())) if row_totals and column_totals else None
        ),
        threshold=10,
    )
    return published_system(table)


def check_table(rows, table: Table, threshold: int):
    """Everything published is true; every small count is hidden; nothing hidden can be recovered."""
    truth, equations = original_system(rows, table.row_totals is not None, table.column_totals is not None)
    published, published_equations = published_system(table)
    assert published_equations == equations
    for key, value in published.items():
        if value is not None:
            assert value == truth[key]
        assert not (0 < truth[key] < threshold) or value is None, key
    for parts, whole in equations:
        hidden = [key for key in (*parts, whole) if published[key] is None]
        assert len(hidden) != 1
        if hidden and published[whole] is not None:
            assert sum(truth[key] for key in hidden) >= max(threshold, len(hidden) + 1)
    assert_protected(published, equations)


# ---------------------------------------------------------------------------------------------------------
# The attackers work: they undo primary-only suppression
# ---------------------------------------------------------------------------------------------------------


def test_the_attackers_recover_cells_when_only_small_counts_are_hidden():
    values = {("cell", "f"): None, ("cell", "m"): 50, ("cell", "x"): 0, ("total",): 53}
    equations = [([("cell", "f"), ("cell", "m"), ("cell", "x")], ("total",))]
    assert subtraction_attack(values, equations) == {("cell", "f"): 3}
    assert linear_attack(values, equations) == {("cell", "f")}


def test_the_linear_attacker_finds_a_cell_that_single_equations_do_not_give_away():
    # Two protected rectangles joined by one hidden cell (r2, c3): each row and column has two unknowns,
    # yet rows r1+r2 minus columns c1+c2 leave (r2, c3) alone.
    grid = {
        ("cell", r, c): None
        for r, c in [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (4, 4)]
    }
    equations = [([("cell", r, c) for c in range(1, 5)], ("row", r)) for r in range(1, 5)]
    equations += [([("cell", r, c) for r in range(1, 5)], ("column", c)) for c in range(1, 5)]
    values = {("cell", r, c): grid.get(("cell", r, c), 20) for r in range(1, 5) for c in range(1, 5)}
    values |= {("row", r): 100 for r in range(1, 5)} | {("column", c): 100 for c in range(1, 5)}
    assert subtraction_attack(values, equations) == {}
    assert linear_attack(values, equations) == {("cell", 2, 3)}
    # The module's own check agrees (positions there are (row, column) pairs).
    positions = {(r, c): index for index, (r, c) in enumerate((r, c) for r in range(5) for c in range(5))}
    module_equations = [(tuple((r, c) for c in range(4)), (r, 4)) for r in range(4)]
    module_equations += [(tuple((r, c) for r in range(4)), (4, c)) for c in range(4)]
    hidden = [(r - 1, c - 1) for (_, r, c) in grid]
    assert _determined(hidden, module_equations, positions) == [(1, 2)]


# ---------------------------------------------------------------------------------------------------------
# Primary suppression and zeros
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (1, SUPPRESSED_MARK), (9, SUPPRESSED_MARK), (10, "10"), (1234, "1234")]
)
def test_a_standalone_count_is_hidden_from_1_to_9_and_zero_is_shown(value, shown):
    cell = suppress_count(value)
    assert cell.display() == shown
    assert str(cell) == shown
    if shown == SUPPRESSED_MARK:
        assert cell == Cell(None, True, "primary")
    else:
        assert cell == Cell(value)


def test_the_threshold_comes_from_settings_and_can_be_overridden_per_call(settings):
    assert threshold_or_default() == 10
    assert suppress_count(7, threshold=5) == Cell(7)
    settings.REPORTING_SUPPRESSION_THRESHOLD = 5
    assert threshold_or_default() == 5
    assert suppress_count(7) == Cell(7)
    assert suppress_count(4).suppressed
    assert "from 1 to 4" in str(SUPPRESSION_NOTE)


@pytest.mark.parametrize("bad", [0, -1, True, "10", 2.5])
def test_a_threshold_that_is_not_a_whole_number_of_1_or_more_is_refused(bad):
    with pytest.raises(ValueError, match="threshold"):
        threshold_or_default(bad)


@pytest.mark.parametrize("bad", [-1, True, 2.0, "3"])
def test_counts_must_be_whole_and_not_negative(bad):
    with pytest.raises(ValueError, match="Counts are whole numbers"):
        suppress_breakdown({"a": bad})
    with pytest.raises(ValueError, match="Counts are whole numbers"):
        suppress_table({"r": {"a": bad}})


def test_a_threshold_of_1_suppresses_nothing():
    breakdown = suppress_breakdown({"a": 1, "b": 2}, threshold=1)
    assert [cell.value for _, cell in breakdown.items()] == [1, 2]
    assert breakdown.total == Cell(3)
    assert note(1) == "No counts are suppressed in this report."


def test_the_note_states_the_rule_with_the_threshold():
    text = note(10)
    assert "counts from 1 to 9 are not shown" in text
    assert "“suppressed”" in text
    assert "fewer than 10 people" in text
    assert "A zero is shown as 0" in text
    assert str(SUPPRESSION_NOTE) == text


# ---------------------------------------------------------------------------------------------------------
# One-way breakdowns
# ---------------------------------------------------------------------------------------------------------


def displayed(breakdown):
    return {label: cell.display() for label, cell in breakdown.items()} | {"total": breakdown.total.display()}


def test_a_breakdown_with_nothing_small_is_published_as_is():
    breakdown = suppress_breakdown({"female": 40, "male": 35, "not_reported": 0})
    assert displayed(breakdown) == {"female": "40", "male": "35", "not_reported": "0", "total": "75"}
    assert not breakdown.any_suppressed


def test_one_small_cell_takes_the_next_smallest_non_zero_cell_with_it():
    breakdown = suppress_breakdown({"female": 3, "male": 50, "another": 12, "not_reported": 0})
    assert displayed(breakdown) == {
        "female": SUPPRESSED_MARK,
        "male": "50",
        "another": SUPPRESSED_MARK,
        "not_reported": "0",
        "total": "65",
    }
    assert breakdown["female"].reason == "primary"
    assert breakdown["another"].reason == "complementary"
    assert_protected(*breakdown_system(breakdown))


def test_two_small_cells_that_add_up_to_less_than_the_threshold_take_a_third_with_them():
    # 3 + 4 = 7 would tell readers that fewer than 10 people are in the two groups together.
    breakdown = suppress_breakdown({"a": 3, "b": 4, "c": 50, "d": 60})
    assert displayed(breakdown) == {
        "a": SUPPRESSED_MARK,
        "b": SUPPRESSED_MARK,
        "c": SUPPRESSED_MARK,
        "d": "60",
        "total": "117",
    }
    assert [cell.reason for _, cell in breakdown.items()] == ["primary", "primary", "complementary", ""]


def test_two_small_cells_that_reach_the_threshold_together_are_enough():
    breakdown = suppress_breakdown({"a": 4, "b": 6, "c": 50})
    assert displayed(breakdown) == {"a": SUPPRESSED_MARK, "b": SUPPRESSED_MARK, "c": "50", "total": "60"}


def test_a_small_total_is_suppressed_with_its_small_cells_and_zeros_stay():
    breakdown = suppress_breakdown({"a": 3, "b": 0, "c": 2})
    assert displayed(breakdown) == {
        "a": SUPPRESSED_MARK,
        "b": "0",
        "c": SUPPRESSED_MARK,
        "total": SUPPRESSED_MARK,
    }
    assert breakdown.total.reason == "primary"


def test_a_single_small_cell_beside_zeros_hides_the_total_not_the_zeros():
    breakdown = suppress_breakdown({"a": 0, "b": 5, "c": 0})
    assert displayed(breakdown) == {"a": "0", "b": SUPPRESSED_MARK, "c": "0", "total": SUPPRESSED_MARK}


def test_when_every_cell_is_1_the_total_is_hidden_too():
    # Ten hidden cells adding up to a published 10 could only all be 1.
    breakdown = suppress_breakdown({str(index): 1 for index in range(10)})
    assert breakdown.total.suppressed
    assert all(cell.suppressed for _, cell in breakdown.items())


def test_a_given_total_is_used_and_protected_as_if_the_cells_added_up_to_it():
    # Several answers allowed: categories add up to more than the number of people.
    breakdown = suppress_breakdown({"asian": 30, "black": 4, "white": 40}, total=70)
    assert displayed(breakdown) == {
        "asian": SUPPRESSED_MARK,
        "black": SUPPRESSED_MARK,
        "white": "40",
        "total": "70",
    }


def test_an_empty_breakdown_has_a_zero_total():
    breakdown = suppress_breakdown({})
    assert dict(breakdown.items()) == {}
    assert breakdown.total == Cell(0)


# ---------------------------------------------------------------------------------------------------------
# Two-way tables
# ---------------------------------------------------------------------------------------------------------


def shown(table: Table) -> list[list[str]]:
    grid = []
    for row in table.row_labels:
        line = [table.cell(row, column).display() for column in table.column_labels]
        if table.row_totals is not None:
            line.append(table.row_totals[row].display())
        grid.append(line)
    if table.column_totals is not None:
        line = [table.column_totals[column].display() for column in table.column_labels]
        if table.grand_total is not None:
            line.append(table.grand_total.display())
        grid.append(line)
    return grid


S = SUPPRESSED_MARK


def test_a_small_cell_in_a_table_is_protected_by_a_rectangle_of_four():
    rows = {
        "r1": {"a": 3, "b": 20, "c": 30},
        "r2": {"a": 15, "b": 25, "c": 35},
        "r3": {"a": 40, "b": 12, "c": 11},
    }
    table = suppress_table(rows)
    assert shown(table) == [
        [S, S, "30", "53"],
        [S, S, "35", "75"],
        ["40", "12", "11", "63"],
        ["58", "57", "76", "191"],
    ]
    assert table.cell("r1", "a").reason == "primary"
    assert {table.cell(r, c).reason for r, c in [("r1", "b"), ("r2", "a"), ("r2", "b")]} == {"complementary"}
    check_table(rows, table, 10)


def test_a_small_column_total_is_hidden_and_protected_in_the_total_row():
    # Column "withdrawn" adds up to 7: its total is small, so another column total must go with it.
    rows = {
        "north": {"approved": 40, "denied": 30, "withdrawn": 4},
        "south": {"approved": 50, "denied": 20, "withdrawn": 3},
        "east": {"approved": 45, "denied": 25, "withdrawn": 0},
    }
    table = suppress_table(rows)
    assert table.column_totals is not None
    assert table.column_totals["withdrawn"].suppressed
    assert table.column_totals["withdrawn"].reason == "primary"
    assert table.cell("east", "withdrawn").display() == "0"
    check_table(rows, table, 10)


def test_a_group_by_measure_table_protects_columns_only():
    rows = {
        "veteran": {"applications": 60, "approvals": 5, "completions": 4},
        "not_veteran": {"applications": 900, "approvals": 400, "completions": 300},
        "not_reported": {"applications": 40, "approvals": 20, "completions": 15},
    }
    table = suppress_table(rows, row_totals=False)
    assert table.row_totals is None
    assert table.grand_total is None
    assert shown(table) == [
        ["60", S, S],
        ["900", "400", "300"],
        ["40", S, S],
        ["1000", "425", "319"],
    ]
    check_table(rows, table, 10)


def test_a_table_without_margins_hides_only_small_counts():
    table = suppress_table({"r": {"a": 3, "b": 50}}, row_totals=False, column_totals=False)
    assert shown(table) == [[S, "50"]]


def test_columns_can_be_ordered_and_missing_cells_count_as_zero():
    table = suppress_table({"r1": {"b": 20}, "r2": {"a": 30, "b": 40}}, columns=["a", "b"])
    assert table.column_labels == ("a", "b")
    assert shown(table) == [["0", "20", "20"], ["30", "40", "70"], ["30", "60", "90"]]
    with pytest.raises(ValueError, match="not in the table"):
        suppress_table({"r1": {"c": 20}}, columns=["a", "b"])


HAND_WRITTEN_TABLES = [
    {"r1": {"a": 1, "b": 1}, "r2": {"a": 1, "b": 1}},
    {"r1": {"a": 9, "b": 100}, "r2": {"a": 100, "b": 100}},
    {"r1": {"a": 5, "b": 5, "c": 5}, "r2": {"a": 50, "b": 50, "c": 50}},
    {"r1": {"a": 0, "b": 0, "c": 7}, "r2": {"a": 0, "b": 0, "c": 80}, "r3": {"a": 30, "b": 40, "c": 50}},
    {"r1": {"a": 2}, "r2": {"a": 30}, "r3": {"a": 40}},
    {"only": {"a": 3, "b": 30, "c": 40, "d": 50}},
    {
        "r1": {"a": 3, "b": 50, "c": 60, "d": 70},
        "r2": {"a": 50, "b": 60, "c": 70, "d": 80},
        "r3": {"a": 60, "b": 70, "c": 4, "d": 90},
        "r4": {"a": 70, "b": 80, "c": 90, "d": 100},
    },
]


@pytest.mark.parametrize("rows", HAND_WRITTEN_TABLES)
@pytest.mark.parametrize(("row_totals", "column_totals"), [(True, True), (False, True), (True, False)])
def test_no_hidden_cell_of_a_hand_written_table_can_be_recovered(rows, row_totals, column_totals):
    table = suppress_table(rows, row_totals=row_totals, column_totals=column_totals)
    check_table(rows, table, 10)


def test_the_same_table_always_gets_the_same_suppression():
    rows = HAND_WRITTEN_TABLES[-1]
    assert suppress_table(rows) == suppress_table(rows)


counts = st.one_of(st.integers(0, 12), st.integers(0, 80), st.just(0))


@st.composite
def tables(draw):
    row_count = draw(st.integers(1, 5))
    column_count = draw(st.integers(1, 5))
    return {f"r{r}": {f"c{c}": draw(counts) for c in range(column_count)} for r in range(row_count)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=tables(),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    threshold=st.sampled_from([3, 5, 10]),
)
def test_no_hidden_cell_of_a_random_table_can_be_recovered(rows, row_totals, column_totals, threshold):
    table = suppress_table(rows, row_totals=row_totals, column_totals=column_totals, threshold=threshold)
    check_table(rows, table, threshold)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(counts, max_size=8), threshold=st.sampled_from([3, 5, 10]))
def test_no_hidden_cell_of_a_random_breakdown_can_be_recovered(values, threshold):
    labels = [f"g{index}" for index in range(len(values))]
    breakdown = suppress_breakdown(dict(zip(labels, values, strict=True)), threshold=threshold)
    published, equations = breakdown_system(breakdown)
    truth = dict(zip([("cell", label) for label in labels], values, strict=True)) | {("total",): sum(values)}
    for key, value in published.items():
        assert value is None or value == truth[key]
        assert not (0 < truth[key] < threshold) or value is None
    hidden = [key for key, value in published.items() if value is None]
    assert len(hidden) != 1
    assert_protected(published, equations)


# ---------------------------------------------------------------------------------------------------------
# Rates and the four-fifths rule
# ---------------------------------------------------------------------------------------------------------


def test_a_rate_on_published_counts_is_rounded_half_up():
    rate = suppressed_rate(Cell(2), Cell(3000), threshold=10)
    assert rate == RateCell(Decimal("0.001"), numerator=2, denominator=3000)
    assert suppressed_rate(Cell(25), Cell(40)).display() == "0.625"
    assert suppressed_rate(Cell(25), Cell(40), places=2).display() == "0.63"
    assert suppressed_rate(Cell(1), Cell(2000)).value == Decimal("0.001")  # 0.0005, half up
    assert suppressed_rate(Cell(1), Cell(3000)).value == Decimal("0.000")
    assert suppressed_rate(Cell(25), Cell(40)).display_percent() == "62.5%"
    assert suppressed_rate(Cell(1), Cell(30)).display_percent(2) == "3.33%"


def test_a_rate_is_suppressed_when_its_numerator_or_base_is_hidden_or_small():
    assert suppressed_rate(Cell(None, True, "primary"), Cell(100)) == RateCell(None, True, "numerator")
    assert suppressed_rate(Cell(50), Cell(None, True, "complementary")) == RateCell(None, True, "base")
    assert suppressed_rate(Cell(0), Cell(9), threshold=10) == RateCell(None, True, "base")
    assert suppressed_rate(Cell(0), Cell(10)).display() == "0.000"
    assert suppressed_rate(Cell(None, True, "primary"), Cell(100)).display() == SUPPRESSED_MARK
    assert suppressed_rate(Cell(None, True, "primary"), Cell(100)).display_percent() == SUPPRESSED_MARK


def test_a_rate_on_a_zero_base_is_not_applicable_rather_than_suppressed():
    rate = suppressed_rate(Cell(0), Cell(0))
    assert rate.value is None
    assert not rate.suppressed
    assert rate.display() == NOT_APPLICABLE_MARK
    assert rate.display_percent() == NOT_APPLICABLE_MARK


def test_each_group_is_compared_with_the_highest_published_rate_and_flagged_below_four_fifths():
    rates = {
        "a": suppressed_rate(Cell(30), Cell(100)),  # 0.300, the reference
        "b": suppressed_rate(Cell(20), Cell(100)),  # 0.200 / 0.300 = 0.667, flagged
        "c": suppressed_rate(Cell(24), Cell(100)),  # exactly 0.8, not flagged
        "d": suppressed_rate(Cell(27), Cell(100)),  # 0.900
        "e": suppressed_rate(Cell(None, True, "primary"), Cell(100)),
        "f": suppressed_rate(Cell(9), Cell(9)),  # base below 10: suppressed, never the reference
        "g": suppressed_rate(Cell(0), Cell(0)),  # no base
    }
    ratios = adverse_impact(rates)
    assert {label: ratio.display() for label, ratio in ratios.items()} == {
        "a": "1.000",
        "b": "0.667",
        "c": "0.800",
        "d": "0.900",
        "e": SUPPRESSED_MARK,
        "f": SUPPRESSED_MARK,
        "g": NOT_APPLICABLE_MARK,
    }
    assert {label for label, ratio in ratios.items() if ratio.flagged} == {"b"}
    assert {ratio.reference for ratio in ratios.values()} == {"a"}
    assert ratios["e"].suppressed
    assert not ratios["e"].flagged


def test_the_four_fifths_flag_uses_the_exact_ratio():
    ratios = adverse_impact(
        {"high": suppressed_rate(Cell(10000), Cell(10000)), "low": suppressed_rate(Cell(7996), Cell(10000))}
    )
    assert ratios["low"].display() == "0.800"
    assert ratios["low"].flagged
    assert str(ratios["high"]) == "1.000"


def test_no_ratio_is_defined_when_the_highest_published_rate_is_zero_or_none_is_published():
    ratios = adverse_impact(
        {"a": suppressed_rate(Cell(0), Cell(50)), "b": suppressed_rate(Cell(0), Cell(20))}
    )
    assert [ratio.display() for ratio in ratios.values()] == [NOT_APPLICABLE_MARK, NOT_APPLICABLE_MARK]
    assert not any(ratio.flagged for ratio in ratios.values())
    only_hidden = adverse_impact({"a": RateCell(None, True, "base")})
    assert only_hidden["a"].suppressed
    assert only_hidden["a"].reference is None
    assert adverse_impact({}) == {}


def test_ties_for_the_highest_rate_take_the_first_group_as_reference():
    ratios = adverse_impact(
        {"x": suppressed_rate(Cell(10), Cell(20)), "y": suppressed_rate(Cell(20), Cell(40))}
    )
    assert ratios["y"].reference == "x"
    assert ratios["y"].display() == "1.000"


# ---------------------------------------------------------------------------------------------------------
# A system of sums that is neither a breakdown nor a table (statuses and the overlapping counts built
# from them, as the published dashboard has)
# ---------------------------------------------------------------------------------------------------------


def _overlapping_sums() -> tuple[dict[tuple[int, int], int], list]:
    # Five statuses; "decided" = approved + refused, "open" = submitted + in review, "all" = every status.
    values = {(0, 0): 40, (0, 1): 3, (0, 2): 25, (0, 3): 12, (0, 4): 30}
    values[(1, 0)] = values[(0, 1)] + values[(0, 2)]
    values[(1, 1)] = values[(0, 3)] + values[(0, 4)]
    values[(1, 2)] = sum(values[(0, i)] for i in range(5))
    equations = [
        (((0, 1), (0, 2)), (1, 0)),
        (((0, 3), (0, 4)), (1, 1)),
        (tuple((0, i) for i in range(5)), (1, 2)),
    ]
    return values, equations


def test_a_system_of_overlapping_sums_hides_its_small_count_so_that_no_one_can_recover_it():
    values, equations = _overlapping_sums()
    hidden = suppress_system(values, equations, 10)
    assert (0, 1) in hidden
    assert len(hidden) >= 2
    published = {key: None if key in hidden else value for key, value in values.items()}
    assert_protected(published, [(list(parts), whole) for parts, whole in equations])


def test_a_system_is_suppressed_the_same_way_as_the_breakdown_it_describes():
    counts = {"a": 40, "b": 3, "c": 25, "d": 0}
    values = {(0, index): value for index, value in enumerate(counts.values())}
    values[(1, 0)] = sum(counts.values())
    hidden = suppress_system(values, [(tuple(key for key in values if key != (1, 0)), (1, 0))], 10)
    breakdown = suppress_breakdown(counts, threshold=10)
    assert {label for index, label in enumerate(counts) if (0, index) in hidden} == {
        label for label, cell in breakdown.items() if cell.suppressed
    }
    assert ((1, 0) in hidden) is breakdown.total.suppressed


def test_a_system_without_small_counts_hides_nothing_and_the_threshold_defaults_to_settings(settings):
    values, equations = _overlapping_sums()
    assert suppress_system(values, equations, 3) == frozenset()
    settings.REPORTING_SUPPRESSION_THRESHOLD = 2
    assert suppress_system(values, equations) == frozenset()


@pytest.mark.parametrize(
    ("values", "equations"),
    [
        ({(0, 0): -1, (0, 1): 4}, []),
        ({(0, 0): 1.5, (0, 1): 4}, []),
        ({(0, 0): 1, (0, 1): 4}, [(((0, 0), (0, 2)), (0, 1))]),
    ],
)
def test_a_system_with_bad_counts_or_equations_naming_unknown_positions_is_refused(values, equations):
    with pytest.raises(ValueError, match="whole numbers|no value"):
        suppress_system(values, equations, 10)
