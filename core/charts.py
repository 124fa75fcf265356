"""Charts drawn on the server as plain SVG: no script, no external resource, one markup for pages and PDFs.

Each chart function returns a ``Chart``: the SVG (marked safe, every piece of text escaped), its title, a
one-paragraph text summary and a data table with the same figures, so pages and PDFs can show the table
beside or instead of the picture (see docs/adr/0008-server-side-svg-charts.md).

Accessibility: the SVG has role="img" and is labelled by its own <title> and <desc>; series are told apart
by fill patterns, marker shapes and dash styles as well as colour, with a legend and direct value labels;
every colour has at least 4.5:1 contrast against white. A suppressed value (a ``Cell`` or ``RateCell``
from core.suppression) is drawn as absent with the word "suppressed", and left out of the scale, so a bar's
length cannot give it away. Output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.safestring import SafeString, mark_safe

from core.suppression import NOT_APPLICABLE_MARK, SUPPRESSED_MARK, Cell, RateCell

Value = int | float | Decimal | Cell | RateCell | None
Formatter = Callable[[Decimal], str]

NO_DATA_MARK = "no data"
# Dark colours: each has at least 4.5:1 contrast with white (3:1 is the minimum for graphics).
PALETTE = ("#1f4e79", "#9a3d00", "#2e6930", "#6b3fa0", "#a3123a", "#3d3d3d")
TEXT_COLOUR = "#1b1b1b"
GRID_COLOUR = "#c8c8c8"
WIDTH = 640
FONT = 'font-family="sans-serif"'
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Characters XML 1.0 forbids even when escaped.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Value]


@dataclass(frozen=True)
class DataTable:
    """The figures behind a chart, already formatted: render with <th scope="col"> and <th scope="row">."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    summary: str
    table: DataTable

    def __str__(self) -> str:
        return self.svg

    def __html__(self) -> str:
        return self.svg


# ---------------------------------------------------------------------------------------------------------
# Public chart functions
# ---------------------------------------------------------------------------------------------------------


def bar_chart(
    title: str,
    categories: Sequence[str],
    values: Sequence[Value],
    *,
    orientation: Literal["horizontal", "vertical"] = "horizontal",
    category_label: str = "Category",
    value_label: str = "Count",
    formatter: Formatter | None = None,
    chart_id: str | None = None,
) -> Chart:
    """One bar per category. Horizontal suits long labels (groups); vertical suits periods."""
    _same_length(categories, values, "values")
    fmt = formatter or format_number
    points = [_point(value) for value in values]
    table = DataTable(
        title,
        (category_label, value_label),
        tuple((c, _shown(p, fmt)) for c, p in zip(categories, points, strict=True)),
    )
    summary = _bar_summary(title, categories, points, fmt)
    ident = _chart_id(chart_id, title, table)
    if not categories:
        return _empty(ident, title, summary, table)
    numbers = [p for p in points if isinstance(p, Decimal)]
    scale = _Scale(numbers)
    body: list[str] = []
    if orientation == "horizontal":
        left, top, row_height = 190, 20, 30
        plot = WIDTH - left - 80
        height: float = top + row_height * len(categories) + 40
        body += _value_axis_horizontal(scale, left, plot, top, height - 40, fmt)
        for index, (category, point) in enumerate(zip(categories, points, strict=True)):
            y = float(top + index * row_height)
            body.append(_text(left - 8, y + 19, _truncate(category, 26), anchor="end"))
            if isinstance(point, Decimal):
                start, end = sorted((scale.at(Decimal(0), plot), scale.at(point, plot)))
                body.append(
                    _rect(
                        left + start,
                        y + 5,
                        max(end - start, 0.5),
                        row_height - 10,
                        PALETTE[0],
                        f"{category}: {fmt(point)}",
                    )
                )
                body.append(_text(left + end + 6, y + 19, fmt(point)))
            else:
                body.append(_text(left + scale.at(Decimal(0), plot) + 6, y + 19, point, italic=True))
    else:
        left, top, plot_height = 70, 30, 240
        slot = (WIDTH - left - 20) / len(categories)
        height = top + plot_height + 50
        body += _value_axis_vertical(scale, left, WIDTH - 20, top, plot_height, fmt)
        base = top + plot_height - scale.at(Decimal(0), plot_height)
        for index, (category, point) in enumerate(zip(categories, points, strict=True)):
            x = left + index * slot
            body.append(
                _text(
                    x + slot / 2, top + plot_height + 20, _truncate(category, int(slot / 7)), anchor="middle"
                )
            )
            if isinstance(point, Decimal):
                y = top + plot_height - scale.at(point, plot_height)
                body.append(
                    _rect(
                        x + slot * 0.2,
                        min(y, base),
                        slot * 0.6,
                        max(abs(base - y), 0.5),
                        PALETTE[0],
                        f"{category}: {fmt(point)}",
                    )
                )
                body.append(_text(x + slot / 2, min(y, base) - 5, fmt(point), anchor="middle"))
            else:
                body.append(_text(x + slot / 2, base - 5, point, anchor="middle", italic=True, size=11))
    return _finish(ident, title, summary, table, height, body)


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    category_label: str = "Category",
    formatter: Formatter | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Vertical bars per category, one per series side by side, or stacked (e.g. applications by status
    per quarter). Values must not be negative when stacked. Series are told apart by pattern and legend."""
    fmt = formatter or format_number
    grid = [[_point(value) for value in _same_length(categories, s.values, s.name)] for s in series]
    headers = (category_label, *(s.name for s in series))
    rows = tuple(
        (c, *(_shown(grid[i][j], fmt) for i in range(len(series)))) for j, c in enumerate(categories)
    )
    table = DataTable(title, headers, rows)
    ident = _chart_id(chart_id, title, table)
    summary = _grouped_summary(title, categories, series, grid, fmt, stacked)
    if not categories or not series:
        return _empty(ident, title, summary, table)
    if stacked and any(isinstance(p, Decimal) and p < 0 for column in grid for p in column):
        raise ValueError("A stacked bar chart cannot show negative values; use a grouped one.")
    if stacked:
        numbers = [
            sum((p for p in (grid[i][j] for i in range(len(series))) if isinstance(p, Decimal)), Decimal(0))
            for j in range(len(categories))
        ]
    else:
        numbers = [p for column in grid for p in column if isinstance(p, Decimal)]
    scale = _Scale(numbers)
    left, top, plot_height = 70, 30, 240
    legend_top = top + plot_height + 40
    height = legend_top + 22 * len(series) + 10
    slot = (WIDTH - left - 20) / len(categories)
    body = [_patterns(ident, len(series))]
    body += _value_axis_vertical(scale, left, WIDTH - 20, top, plot_height, fmt)
    base = top + plot_height - scale.at(Decimal(0), plot_height)
    for j, category in enumerate(categories):
        x = left + j * slot
        body.append(
            _text(x + slot / 2, top + plot_height + 20, _truncate(category, int(slot / 7)), anchor="middle")
        )
        absent = [series[i].name for i in range(len(series)) if not isinstance(grid[i][j], Decimal)]
        running = Decimal(0)
        bar_width = slot * 0.7 / (1 if stacked else len(series))
        for i, s in enumerate(series):
            point = grid[i][j]
            if not isinstance(point, Decimal):
                continue
            fill = f"url(#{ident}-p{i})"
            label = f"{category}, {s.name}: {fmt(point)}"
            if stacked:
                y0 = top + plot_height - scale.at(running, plot_height)
                running += point
                y1 = top + plot_height - scale.at(running, plot_height)
                body.append(_rect(x + slot * 0.15, y1, bar_width, max(y0 - y1, 0), fill, label, outline=True))
            else:
                bx = x + slot * 0.15 + i * bar_width
                y = top + plot_height - scale.at(point, plot_height)
                body.append(
                    _rect(bx, min(y, base), bar_width, max(abs(base - y), 0.5), fill, label, outline=True)
                )
                if bar_width >= 24:
                    body.append(
                        _text(bx + bar_width / 2, min(y, base) - 4, fmt(point), anchor="middle", size=11)
                    )
        if stacked:
            y_top = top + plot_height - scale.at(running, plot_height)
            body.append(_text(x + slot / 2, y_top - 5, fmt(running), anchor="middle", size=11))
        if absent:
            marks = {
                _shown(grid[i][j], fmt) for i in range(len(series)) if not isinstance(grid[i][j], Decimal)
            }
            note = " / ".join(sorted(marks)) + ": " + ", ".join(absent)
            body.append(
                _text(
                    x + slot / 2,
                    top + plot_height + 34,
                    _truncate(note, int(slot / 6)),
                    anchor="middle",
                    italic=True,
                    size=10,
                )
            )
    body += _legend(ident, series, left, legend_top)
    return _finish(ident, title, summary, table, height, body)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str = "Period",
    formatter: Formatter | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Lines over time (e.g. budget burned by month). A suppressed or missing point breaks the line."""
    fmt = formatter or format_number
    grid = [[_point(value) for value in _same_length(x_labels, s.values, s.name)] for s in series]
    table = DataTable(
        title,
        (x_label, *(s.name for s in series)),
        tuple((x, *(_shown(grid[i][j], fmt) for i in range(len(series)))) for j, x in enumerate(x_labels)),
    )
    ident = _chart_id(chart_id, title, table)
    summary = _line_summary(title, x_labels, series, grid, fmt)
    if not x_labels or not series:
        return _empty(ident, title, summary, table)
    scale = _Scale([p for line in grid for p in line if isinstance(p, Decimal)])
    left, top, plot_height, right = 80, 30, 240, 130
    legend_top = top + plot_height + 50
    height = legend_top + 22 * len(series) + 10
    step = (WIDTH - left - right) / max(len(x_labels) - 1, 1)
    body = _value_axis_vertical(scale, left, WIDTH - right, top, plot_height, fmt)
    every = max(1, round(len(x_labels) / 8))
    for j, label in enumerate(x_labels):
        if j % every == 0 or j == len(x_labels) - 1:
            body.append(_text(left + j * step, top + plot_height + 20, _truncate(label, 12), anchor="middle"))
    dashes = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        coordinates: list[tuple[float, float] | None] = []
        for j, point in enumerate(grid[i]):
            if isinstance(point, Decimal):
                coordinates.append((left + j * step, top + plot_height - scale.at(point, plot_height)))
            else:
                coordinates.append(None)
                mark_y = top + plot_height - 6 - 12 * i
                body.append(_text(left + j * step, mark_y, f"{point}", anchor="middle", italic=True, size=10))
        for run in _runs(coordinates):
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                dash = f' stroke-dasharray="{dashes[i % len(dashes)]}"' if dashes[i % len(dashes)] else ""
                body.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
                )
        for j, coordinate in enumerate(coordinates):
            if coordinate is not None:
                body.append(_marker(i, *coordinate, colour, f"{x_labels[j]}, {s.name}: {fmt(grid[i][j])}"))  # type: ignore[arg-type]
        last = next(((j, c) for j, c in reversed(list(enumerate(coordinates))) if c is not None), None)
        if last is not None:
            body.append(_text(last[1][0] + 10, last[1][1] + 4, _truncate(s.name, 16), size=11))
    body += _legend(ident, series, left, legend_top, lines=True)
    return _finish(ident, title, summary, table, height, body)


def format_number(value: Decimal) -> str:
    """1234 -> "1,234"; 0.25 -> "0.25". Plain and locale-free, like the data table."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,}"


# ---------------------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------------------

_Point = Decimal | str  # a number, or the mark that says why there is none


def _point(value: Value) -> _Point:
    if isinstance(value, Cell | RateCell):
        if value.suppressed:
            return SUPPRESSED_MARK
        if value.value is None:
            return NOT_APPLICABLE_MARK
        return Decimal(value.value)
    if value is None:
        return NO_DATA_MARK
    if isinstance(value, bool):
        raise TypeError("A chart value cannot be a boolean.")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError("A chart value must be a finite number.")
    return number


def _shown(point: _Point, fmt: Formatter) -> str:
    return fmt(point) if isinstance(point, Decimal) else point


class _Scale:
    """A value axis from min(0, lowest) to max(0, highest), on round steps."""

    def __init__(self, numbers: Sequence[Decimal]) -> None:
        low = min([Decimal(0), *numbers])
        high = max([Decimal(0), *numbers])
        span = high - low or Decimal(1)
        raw = span / 4
        magnitude = Decimal(1).scaleb(raw.adjusted())
        self.step = next(
            m * magnitude
            for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
            if m * magnitude >= raw
        )
        self.low = (low / self.step).to_integral_value(rounding="ROUND_FLOOR") * self.step
        self.high = (high / self.step).to_integral_value(rounding="ROUND_CEILING") * self.step
        if self.high == self.low:
            self.high = self.low + self.step

    def at(self, value: Decimal, length: float) -> float:
        return float((value - self.low) / (self.high - self.low)) * length

    def ticks(self) -> list[Decimal]:
        count = int((self.high - self.low) / self.step)
        return [self.low + self.step * k for k in range(count + 1)]


def _value_axis_horizontal(
    scale: _Scale, left: float, plot: float, top: float, bottom: float, fmt: Formatter
) -> list[str]:
    parts = []
    for tick in scale.ticks():
        x = left + scale.at(tick, plot)
        parts.append(_line(x, top, x, bottom, GRID_COLOUR))
        parts.append(_text(x, bottom + 16, fmt(tick), anchor="middle", size=11))
    zero = left + scale.at(Decimal(0), plot)
    parts.append(_line(zero, top, zero, bottom, TEXT_COLOUR))
    return parts


def _value_axis_vertical(
    scale: _Scale, left: float, right: float, top: float, plot_height: float, fmt: Formatter
) -> list[str]:
    parts = []
    for tick in scale.ticks():
        y = top + plot_height - scale.at(tick, plot_height)
        parts.append(_line(left, y, right, y, GRID_COLOUR))
        parts.append(_text(left - 6, y + 4, fmt(tick), anchor="end", size=11))
    zero = top + plot_height - scale.at(Decimal(0), plot_height)
    parts.append(_line(left, zero, right, zero, TEXT_COLOUR))
    return parts


def _patterns(ident: str, count: int) -> str:
    """One fill per series: its colour plus a distinct white hatch, so print and colour-blind readers can tell
    series apart."""
    hatches = (
        "",
        '<path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2"/>',
        '<path d="M0,4 L8,4" stroke="#ffffff" stroke-width="2"/>',
        '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
        '<path d="M0,0 L8,8 M0,8 L8,0" stroke="#ffffff" stroke-width="1.5"/>',
        '<path d="M4,0 L4,8" stroke="#ffffff" stroke-width="2"/>',
    )
    parts = ["<defs>"]
    for i in range(count):
        parts.append(
            f'<pattern id="{ident}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f"{hatches[i % len(hatches)]}</pattern>"
        )
    parts.append("</defs>")
    return "".join(parts)


def _legend(
    ident: str, series: Sequence[Series], left: float, top: float, *, lines: bool = False
) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        y = top + 22 * i
        if lines:
            parts.append(_marker(i, left + 8, y + 7, PALETTE[i % len(PALETTE)], None))
        else:
            parts.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="16" height="14" fill="url(#{ident}-p{i})"'
                f' stroke="{TEXT_COLOUR}" stroke-width="0.5"/>'
            )
        parts.append(_text(left + 24, y + 12, _truncate(s.name, 60)))
    return parts


def _marker(index: int, x: float, y: float, colour: str, label: str | None) -> str:
    shape = index % 4
    tip = f"<title>{_escape(label)}</title>" if label else ""
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{tip}</circle>'
    if shape == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{tip}</rect>'
    if shape == 2:
        triangle = f"M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z"
        return f'<path d="{triangle}" fill="{colour}">{tip}</path>'
    diamond = f"M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z"
    return f'<path d="{diamond}" fill="#ffffff" stroke="{colour}" stroke-width="2">{tip}</path>'


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="1"/>'
    )


def _rect(
    x: float, y: float, width: float, height: float, fill: str, label: str, *, outline: bool = False
) -> str:
    stroke = f' stroke="{TEXT_COLOUR}" stroke-width="0.5"' if outline else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"{stroke}>'
        f"<title>{_escape(label)}</title></rect>"
    )


def _text(
    x: float, y: float, content: str, *, anchor: str = "start", italic: bool = False, size: int = 12
) -> str:
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"'
        f' fill="{TEXT_COLOUR}"{style}>'
        f"{_escape(content)}</text>"
    )


def _escape(text: object) -> str:
    return html.escape(_CONTROL.sub("", str(text)), quote=True)


def _truncate(text: str, length: int) -> str:
    length = max(length, 3)
    return text if len(text) <= length else text[: length - 1] + "…"


def _runs(coordinates: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for coordinate in coordinates:
        if coordinate is None:
            runs.append([])
        else:
            runs[-1].append(coordinate)
    return [run for run in runs if run]


def _same_length(labels: Sequence[str], values: Sequence[Value], name: str) -> Sequence[Value]:
    if len(labels) != len(values):
        raise ValueError(f"{name!r} has {len(values)} values for {len(labels)} labels.")
    return values


def _chart_id(chart_id: str | None, title: str, table: DataTable) -> str:
    if chart_id is not None:
        if not _ID.match(chart_id):
            raise ValueError("A chart id starts with a letter and has only letters, digits, - and _.")
        return chart_id
    digest = hashlib.sha256(repr((title, table.headers, table.rows)).encode()).hexdigest()[:12]
    return f"chart-{digest}"


def _empty(ident: str, title: str, summary: str, table: DataTable) -> Chart:
    return _finish(
        ident,
        title,
        summary,
        table,
        80,
        [_text(WIDTH / 2, 45, NO_DATA_MARK.capitalize() + " to show.", anchor="middle")],
    )


def _finish(ident: str, title: str, summary: str, table: DataTable, height: float, body: list[str]) -> Chart:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="img" aria-labelledby="{ident}-title {ident}-desc" id="{ident}" {FONT}>'
        f'<title id="{ident}-title">{_escape(title)}</title><desc id="{ident}-desc">{_escape(summary)}</desc>'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>{"".join(body)}</svg>'
    )
    return Chart(svg=mark_safe(svg), title=title, summary=summary, table=table)  # noqa: S308 - every text is escaped


# ---------------------------------------------------------------------------------------------------------
# Summaries: what a sighted reader takes from the picture, in words
# ---------------------------------------------------------------------------------------------------------


def _absent_note(points: Sequence[_Point]) -> str:
    suppressed = sum(1 for p in points if p == SUPPRESSED_MARK)
    missing = sum(1 for p in points if p in (NO_DATA_MARK, NOT_APPLICABLE_MARK))
    parts = []
    if suppressed:
        parts.append(f"{suppressed} suppressed to protect privacy")
    if missing:
        parts.append(f"{missing} with no data")
    return f" {'; '.join(parts).capitalize()}." if parts else ""


def _bar_summary(title: str, categories: Sequence[str], points: Sequence[_Point], fmt: Formatter) -> str:
    if not categories:
        return f"{title}: no data to show."
    shown = [(c, p) for c, p in zip(categories, points, strict=True) if isinstance(p, Decimal)]
    text = f"{title}: {len(categories)} categories."
    if shown:
        high = max(shown, key=lambda item: item[1])
        low = min(shown, key=lambda item: item[1])
        text += f" Highest: {high[0]} ({fmt(high[1])}). Lowest: {low[0]} ({fmt(low[1])})."
    return text + _absent_note(points)


def _grouped_summary(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    grid: list[list[_Point]],
    fmt: Formatter,
    stacked: bool,
) -> str:
    if not categories or not series:
        return f"{title}: no data to show."
    kind = "stacked" if stacked else "side by side"
    names = ", ".join(s.name for s in series)
    text = f"{title}: {names} ({kind}) for {len(categories)} categories, {categories[0]} to {categories[-1]}."
    for s, line in zip(series, grid, strict=True):
        shown = [(c, p) for c, p in zip(categories, line, strict=True) if isinstance(p, Decimal)]
        if shown:
            high = max(shown, key=lambda item: item[1])
            text += f" {s.name} is highest in {high[0]} ({fmt(high[1])})."
    return text + _absent_note([p for line in grid for p in line])


def _line_summary(
    title: str, x_labels: Sequence[str], series: Sequence[Series], grid: list[list[_Point]], fmt: Formatter
) -> str:
    if not x_labels or not series:
        return f"{title}: no data to show."
    text = f"{title}, from {x_labels[0]} to {x_labels[-1]}."
    for s, line in zip(series, grid, strict=True):
        shown = [(x, p) for x, p in zip(x_labels, line, strict=True) if isinstance(p, Decimal)]
        if shown:
            high = max(shown, key=lambda item: item[1])
            text += (
                f" {s.name}: {fmt(shown[0][1])} in {shown[0][0]}, {fmt(shown[-1][1])} in {shown[-1][0]},"
                f" highest {fmt(high[1])} in {high[0]}."
            )
    return text + _absent_note([p for line in grid for p in line])
