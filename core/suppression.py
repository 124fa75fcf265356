"""Small-cell suppression for every published figure: the one place the rule lives.

Pages, PDFs, CSVs, the API and the open-data export all publish counts through this module, so a reader
sees the same cells suppressed everywhere. Plain data in, frozen dataclasses out; no database, no app.

The rule (``note()`` says it in plain language for readers):

* Primary suppression. A count from 1 to ``threshold - 1`` is suppressed. Zero is shown: a true zero
  describes no one, so it discloses nothing about a person, and hiding it would make every empty category
  look like a privacy risk (common practice, e.g. CMS and the Department of Education, shows zeros).
  Totals are counts too: a total below the threshold is suppressed.
* Complementary suppression. A group of cells that adds up to a total (a breakdown and its total, a row
  or a column of a table and its margin) is an equation a reader can solve by subtraction. In every such
  equation that has a suppressed cell:
    - at least two of its cells (counting the total) are suppressed, so no single unknown is left; and
    - when its total is published, the suppressed cells add up to at least the threshold (so together
      they do not form a small group) and to more than their number (so they cannot all be 1).
  Cells are added smallest first, skipping zeros (a suppressed zero would protect nothing, as the rule
  that zeros are shown lets a reader guess it); a total is suppressed only when no cell is left to add.
  Then a linear-algebra check finds any suppressed cell that a combination of several equations still
  pins down (a "bridge" between two protected blocks of a table) and suppresses one more cell to
  close it. The passes repeat until nothing changes, so no suppressed cell can be recovered exactly
  from the published cells and totals.
* Rates. A rate is suppressed when its numerator or denominator is suppressed, or its denominator is
  below the threshold. A ratio that uses a suppressed rate is suppressed.

Limits a caller must respect: suppress a set of figures once and publish that same result everywhere
those figures appear (two differently suppressed copies of one table can be combined to undo both); and
the guarantee is against exact recovery, not against every bound (a reader still knows that a primary
cell lies between 1 and ``threshold - 1``).

The ``reason`` on a cell ("primary" or "complementary") is for tests and audit; never publish it, as it
would tell a reader which suppressed cells are the small ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final, Literal

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext

DEFAULT_THRESHOLD = 10
SUPPRESSED_MARK = "suppressed"
NOT_APPLICABLE_MARK = "n/a"
FOUR_FIFTHS = Fraction(4, 5)

Reason = Literal["primary", "complementary", ""]
PRIMARY: Final = "primary"
COMPLEMENTARY: Final = "complementary"
RateReason = Literal["numerator", "base", ""]


def threshold_or_default(threshold: int | None = None) -> int:
    """The threshold to use: the one given, else REPORTING_SUPPRESSION_THRESHOLD (default 10)."""
    value = (
        getattr(settings, "REPORTING_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)
        if threshold is None
        else threshold
    )
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"The suppression threshold must be a whole number of 1 or more, not {value!r}.")
    return value


def note(threshold: int | None = None) -> str:
    """The plain-language explanation of the rule, for pages, PDFs and CSVs."""
    limit = threshold_or_default(threshold)
    if limit <= 1:
        return gettext("No counts are suppressed in this report.")
    return gettext(
        "To protect privacy, counts from 1 to %(largest)d are not shown; they appear as “%(mark)s”. "
        "Where a hidden count could be worked out by subtracting other figures from a total, more counts "
        "(and sometimes totals) are hidden too, so that no hidden count can be recovered. Rates and ratios "
        "are not shown when they rest on a hidden count or on fewer than %(threshold)d people. "
        "A zero is shown as 0, because it describes no one."
    ) % {"largest": limit - 1, "threshold": limit, "mark": SUPPRESSED_MARK}


# The note with the configured threshold, evaluated when it is used (so settings overrides apply).
SUPPRESSION_NOTE: str = lazy(note, str)()


# ---------------------------------------------------------------------------------------------------------
# Published values
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A published count. A suppressed cell carries no value at all, so it cannot leak by accident."""

    value: int | None
    suppressed: bool = False
    reason: Reason = ""

    def display(self) -> str:
        return SUPPRESSED_MARK if self.suppressed or self.value is None else str(self.value)

    def __str__(self) -> str:
        return self.display()


@dataclass(frozen=True)
class RateCell:
    """A published rate (numerator / denominator), rounded half up to ``places`` decimal places.

    ``numerator`` and ``denominator`` are kept (only when published) so ratios can be computed exactly.
    ``value`` is None and ``suppressed`` False when the denominator is 0: the rate is not defined.
    """

    value: Decimal | None
    suppressed: bool = False
    reason: RateReason = ""
    numerator: int | None = None
    denominator: int | None = None

    @property
    def exact(self) -> Fraction | None:
        if self.suppressed or self.numerator is None or not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)

    def display(self) -> str:
        if self.suppressed:
            return SUPPRESSED_MARK
        return NOT_APPLICABLE_MARK if self.value is None else str(self.value)

    def display_percent(self, places: int = 1) -> str:
        exact = self.exact
        if exact is None:
            return self.display()
        return f"{_round(exact * 100, places)}%"

    def __str__(self) -> str:
        return self.display()


@dataclass(frozen=True)
class ImpactRatio:
    """A group's rate divided by the highest published rate; ``flagged`` when below four-fifths."""

    value: Decimal | None
    suppressed: bool = False
    flagged: bool = False
    reference: str | None = None

    def display(self) -> str:
        if self.suppressed:
            return SUPPRESSED_MARK
        return NOT_APPLICABLE_MARK if self.value is None else str(self.value)

    def __str__(self) -> str:
        return self.display()


@dataclass(frozen=True)
class Breakdown:
    """A suppressed one-way breakdown: ``cells`` in the order given, and its total."""

    cells: Mapping[str, Cell]
    total: Cell
    threshold: int

    def __getitem__(self, label: str) -> Cell:
        return self.cells[label]

    def items(self) -> Iterable[tuple[str, Cell]]:
        return self.cells.items()

    @property
    def any_suppressed(self) -> bool:
        return self.total.suppressed or any(cell.suppressed for cell in self.cells.values())


@dataclass(frozen=True)
class Table:
    """A suppressed two-way table; a margin is None when that dimension does not add up."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: Mapping[str, Mapping[str, Cell]]
    row_totals: Mapping[str, Cell] | None
    column_totals: Mapping[str, Cell] | None
    grand_total: Cell | None
    threshold: int

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[row][column]

    @property
    def any_suppressed(self) -> bool:
        every = [cell for row in self.cells.values() for cell in row.values()]
        every += list((self.row_totals or {}).values()) + list((self.column_totals or {}).values())
        every += [self.grand_total] if self.grand_total else []
        return any(cell.suppressed for cell in every)


# ---------------------------------------------------------------------------------------------------------
# Public helpers
# ---------------------------------------------------------------------------------------------------------


def suppress_count(value: int, *, threshold: int | None = None) -> Cell:
    """One standalone count (a headline figure that is part of no published breakdown): primary rule only."""
    limit = threshold_or_default(threshold)
    _check_count(value, "count")
    return Cell(None, True, PRIMARY) if 0 < value < limit else Cell(value)


def suppress_breakdown(
    counts: Mapping[str, int], *, total: int | None = None, threshold: int | None = None
) -> Breakdown:
    """Suppress a one-way breakdown (e.g. approvals by sex) and its total.

    ``total`` defaults to the sum of ``counts``. Pass it when it differs (a question allowing several
    answers, so people count in more than one category): the cells are then protected as if they added up
    to it, which is the cautious choice. The total is always part of the result, because headline totals
    are published elsewhere on the same dashboard even when a table does not show them.
    """
    limit = threshold_or_default(threshold)
    labels = list(counts)
    for label in labels:
        _check_count(counts[label], label)
    whole = sum(counts.values()) if total is None else total
    _check_count(whole, "total")
    values: dict[tuple[int, int], int] = {(0, index): counts[label] for index, label in enumerate(labels)}
    total_key = (1, 0)
    values[total_key] = whole
    reasons = _protect(values, [(tuple(key for key in values if key != total_key), total_key)], limit)
    return Breakdown(
        cells={label: _cell(values, reasons, (0, index)) for index, label in enumerate(labels)},
        total=_cell(values, reasons, total_key),
        threshold=limit,
    )


def suppress_table(
    rows: Mapping[str, Mapping[str, int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    columns: Sequence[str] | None = None,
    threshold: int | None = None,
) -> Table:
    """Suppress a two-way table (group x status, group x quarter...) with its margins.

    ``row_totals`` says each row's cells add up to a meaningful total (e.g. statuses of one group), which is
    then published and protected; ``column_totals`` the same for columns. A group x measure table
    (applications, approvals, completions) has column totals only: measures do not add up across a row.
    The grand total exists when both do. ``columns`` fixes the column order (default: first seen); a
    missing cell counts as 0.
    """
    limit = threshold_or_default(threshold)
    row_labels = tuple(rows)
    column_labels = tuple(columns) if columns is not None else tuple(_first_seen(rows.values()))
    for row_label, row in rows.items():
        unknown = set(row) - set(column_labels)
        if unknown:
            raise ValueError(f"Row {row_label!r} has columns not in the table: {sorted(unknown)!r}.")
    values: dict[tuple[int, int], int] = {}
    for r, row_label in enumerate(row_labels):
        for c, column_label in enumerate(column_labels):
            value = rows[row_label].get(column_label, 0)
            _check_count(value, f"{row_label} / {column_label}")
            values[(r, c)] = value
    total_row, total_column = len(row_labels), len(column_labels)
    equations: list[_Equation] = []
    if row_totals:
        for r in range(total_row):
            values[(r, total_column)] = sum(values[(r, c)] for c in range(total_column))
            equations.append((tuple((r, c) for c in range(total_column)), (r, total_column)))
    if column_totals:
        for c in range(total_column):
            values[(total_row, c)] = sum(values[(r, c)] for r in range(total_row))
            equations.append((tuple((r, c) for r in range(total_row)), (total_row, c)))
    if row_totals and column_totals:
        values[(total_row, total_column)] = sum(
            values[(r, c)] for r in range(total_row) for c in range(total_column)
        )
        grand = (total_row, total_column)
        equations.append((tuple((total_row, c) for c in range(total_column)), grand))
        equations.append((tuple((r, total_column) for r in range(total_row)), grand))
    reasons = _protect(values, equations, limit)
    return Table(
        row_labels=row_labels,
        column_labels=column_labels,
        cells={
            row_label: {
                column_label: _cell(values, reasons, (r, c)) for c, column_label in enumerate(column_labels)
            }
            for r, row_label in enumerate(row_labels)
        },
        row_totals=(
            {label: _cell(values, reasons, (r, total_column)) for r, label in enumerate(row_labels)}
            if row_totals
            else None
        ),
        column_totals=(
            {label: _cell(values, reasons, (total_row, c)) for c, label in enumerate(column_labels)}
            if column_totals
            else None
        ),
        grand_total=_cell(values, reasons, (total_row, total_column))
        if row_totals and column_totals
        else None,
        threshold=limit,
    )


def suppress_system(
    values: Mapping[tuple[int, int], int],
    equations: Sequence[tuple[Sequence[tuple[int, int]], tuple[int, int]]],
    threshold: int | None = None,
) -> frozenset[tuple[int, int]]:
    """Suppress a set of counts related by sums that neither a breakdown nor a table describes.

    ``values`` holds every published count by position (any (int, int) key); each equation
    ``(parts, whole)`` says the counts at ``parts`` add up to the count at ``whole`` (a reader can write
    it down, so subtraction must recover nothing). The same engine and rule as ``suppress_breakdown`` and
    ``suppress_table`` apply (primary, then complementary, then the linear-algebra check). Returns the
    positions to suppress, without reasons (never publish which suppressed cells are the small ones).
    Raises ValueError for a count that is not a whole number of 0 or more, or an equation naming a
    position that has no value.
    """
    limit = threshold_or_default(threshold)
    for key, value in values.items():
        _check_count(value, str(key))
    system: list[_Equation] = []
    for parts, whole in equations:
        unknown = [key for key in (*parts, whole) if key not in values]
        if unknown:
            raise ValueError(f"An equation names positions that have no value: {unknown!r}.")
        system.append((tuple(parts), whole))
    return frozenset(_protect(values, system, limit))


def suppressed_rate(
    numerator: Cell, denominator: Cell, *, places: int = 3, threshold: int | None = None
) -> RateCell:
    """numerator / denominator, suppressed when either is suppressed or the base is below the threshold."""
    limit = threshold_or_default(threshold)
    if denominator.suppressed or denominator.value is None:
        return RateCell(None, True, "base")
    if numerator.suppressed or numerator.value is None:
        return RateCell(None, True, "numerator")
    if denominator.value == 0:
        return RateCell(None, numerator=numerator.value, denominator=0)
    if denominator.value < limit:
        return RateCell(None, True, "base")
    exact = Fraction(numerator.value, denominator.value)
    return RateCell(_round(exact, places), numerator=numerator.value, denominator=denominator.value)


def adverse_impact(rates: Mapping[str, RateCell], *, places: int = 3) -> dict[str, ImpactRatio]:
    """Each group's rate over the highest published rate; flagged when below four-fifths (0.8).

    The comparison uses exact fractions, so a ratio of 0.7996 is flagged even though it shows as 0.800.
    Suppressed rates are neither a reference nor compared. When the highest published rate is 0 (or no
    rate is published) no ratio is defined. Note the reference is the highest *published* rate: a
    suppressed group might have a higher one.
    """
    published = {label: rate.exact for label, rate in rates.items() if rate.exact is not None}
    reference = max(published, key=lambda label: (published[label], -list(rates).index(label)), default=None)
    highest = published[reference] if reference is not None else None
    result: dict[str, ImpactRatio] = {}
    for label, rate in rates.items():
        exact = published.get(label)
        if rate.suppressed:
            result[label] = ImpactRatio(None, suppressed=True, reference=reference)
        elif exact is None or not highest:
            result[label] = ImpactRatio(None, reference=reference)
        else:
            ratio = exact / highest
            result[label] = ImpactRatio(
                _round(ratio, places), flagged=ratio < FOUR_FIFTHS, reference=reference
            )
    return result


# ---------------------------------------------------------------------------------------------------------
# The engine: counts keyed by position, equations "parts add up to whole"
# ---------------------------------------------------------------------------------------------------------

_Equation = tuple[tuple[tuple[int, int], ...], tuple[int, int]]


def _protect(
    values: Mapping[tuple[int, int], int], equations: Sequence[_Equation], threshold: int
) -> dict[tuple[int, int], str]:
    """Return {position: reason} for every suppressed position."""
    order = {key: index for index, key in enumerate(values)}
    reasons: dict[tuple[int, int], str] = {
        key: PRIMARY for key, value in values.items() if 0 < value < threshold
    }
    if not reasons:
        return reasons
    equations_of: dict[tuple[int, int], list[_Equation]] = {key: [] for key in values}
    for equation in equations:
        for key in (*equation[0], equation[1]):
            equations_of[key].append(equation)

    def unknowns(equation: _Equation) -> list[tuple[int, int]]:
        return [key for key in (*equation[0], equation[1]) if key in reasons]

    def safe(equation: _Equation) -> bool:
        hidden = unknowns(equation)
        if not hidden:
            return True
        if len(hidden) < 2:
            return False
        parts, whole = equation
        if whole in reasons:
            return True
        hidden_sum = sum(values[key] for key in hidden)
        return hidden_sum >= max(threshold, len(hidden) + 1)

    def rank(key: tuple[int, int], current: _Equation | None = None) -> tuple[bool, bool, int, int]:
        # Non-zero first; then one whose other equation has a single unknown (one cell fixes both, which
        # keeps the number of suppressed cells down); then the smallest.
        helps = any(other is not current and len(unknowns(other)) == 1 for other in equations_of[key])
        return (values[key] == 0, not helps, values[key], order[key])

    while True:
        changed = False
        for equation in equations:
            while not safe(equation):
                parts, whole = equation
                candidates = [key for key in parts if key not in reasons]
                if not candidates and whole not in reasons:
                    candidates = [whole]
                if not candidates:  # pragma: no cover - every part and the total are already suppressed
                    break
                reasons[min(candidates, key=lambda key: rank(key, equation))] = COMPLEMENTARY
                changed = True
        if changed:
            continue
        pinned = _determined(list(reasons), equations, order)
        if not pinned:
            return reasons
        target = pinned[0]
        published = sorted((key for key in values if key not in reasons), key=rank)
        for candidate in published:
            if target not in _determined([*reasons, candidate], equations, order):
                reasons[candidate] = COMPLEMENTARY
                break
        else:  # pragma: no cover - a full table always has a cell that closes the gap
            neighbours = [key for eq in equations_of[target] for key in (*eq[0], eq[1]) if key not in reasons]
            if not neighbours:
                return reasons
            reasons[min(neighbours, key=rank)] = COMPLEMENTARY


def _determined(
    hidden: Sequence[tuple[int, int]], equations: Sequence[_Equation], order: Mapping[tuple[int, int], int]
) -> list[tuple[int, int]]:
    """Hidden positions whose value follows from the equations (exact Gaussian elimination).

    A hidden value is determined exactly when its unit vector lies in the row space of the equations'
    coefficients over the hidden positions: in reduced row echelon form, a row with a single non-zero.
    """
    columns = sorted(set(hidden), key=order.__getitem__)
    index = {key: i for i, key in enumerate(columns)}
    matrix: list[list[Fraction]] = []
    for parts, whole in equations:
        row = [Fraction(0)] * len(columns)
        for key in parts:
            if key in index:
                row[index[key]] += 1
        if whole in index:
            row[index[whole]] -= 1
        if any(row):
            matrix.append(row)
    pivot_row = 0
    for column in range(len(columns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column]), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        pivot = matrix[pivot_row][column]
        matrix[pivot_row] = [value / pivot for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    determined = []
    for row in matrix[:pivot_row]:
        non_zero = [i for i, value in enumerate(row) if value]
        if len(non_zero) == 1:
            determined.append(columns[non_zero[0]])
    return sorted(determined, key=order.__getitem__)


def _cell(
    values: Mapping[tuple[int, int], int], reasons: Mapping[tuple[int, int], str], key: tuple[int, int]
) -> Cell:
    reason = reasons.get(key)
    if reason == PRIMARY:
        return Cell(None, True, PRIMARY)
    if reason == COMPLEMENTARY:
        return Cell(None, True, COMPLEMENTARY)
    return Cell(values[key])


def _check_count(value: object, label: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"Counts are whole numbers of 0 or more; {label!r} is {value!r}.")


def _first_seen(rows: Iterable[Mapping[str, int]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _round(value: Fraction, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)
