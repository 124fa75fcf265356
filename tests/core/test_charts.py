"""Server-side SVG charts: safe, accessible, deterministic, and faithful to the data and its suppression."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses only our own output
from decimal import Decimal

import pytest

from core.charts import (
    PALETTE,
    TEXT_COLOUR,
    Chart,
    DataTable,
    Series,
    bar_chart,
    grouped_bar_chart,
    line_chart,
)
from core.suppression import SUPPRESSED_MARK, Cell, RateCell, suppress_breakdown

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>" onload="alert(1)'


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output


def all_charts(label: str = "Label") -> list[Chart]:
    return [
        bar_chart(label, [label, "b"], [3, Cell(None, True, "primary")]),
        bar_chart(label, [label, "b"], [3, 10], orientation="vertical"),
        grouped_bar_chart(
            label, [label, "q2"], [Series(label, [1, 2]), Series("s2", [3, Cell(None, True, "primary")])]
        ),
        grouped_bar_chart(label, [label, "q2"], [Series(label, [1, 2]), Series("s2", [3, 4])], stacked=True),
        line_chart(label, [label, "m2", "m3"], [Series(label, [1, 2, 3]), Series("s2", [3, None, 5])]),
    ]


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


# ---------------------------------------------------------------------------------------------------------
# Safety
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", all_charts(HOSTILE), ids=["bar", "column", "grouped", "stacked", "line"])
def test_hostile_labels_come_out_as_inert_text(chart):
    markup = str(chart.svg)
    assert "<script" not in markup.lower()
    assert "&lt;script&gt;" in markup
    root = parse(chart)  # well-formed XML: nothing broke out of an attribute or a text node
    for element in root.iter():
        assert element.tag.replace(SVG, "") != "script"
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    texts = [element.text for element in root.iter(f"{SVG}title")]
    assert HOSTILE in texts[0]


def test_control_characters_that_xml_forbids_are_dropped():
    chart = bar_chart("Bad\x00title\x1b", ["a\x08"], [1])
    root = parse(chart)
    assert root.find(f"{SVG}title").text == "Badtitle"


@pytest.mark.parametrize("chart", all_charts(), ids=["bar", "column", "grouped", "stacked", "line"])
def test_charts_have_no_script_handlers_or_external_resources(chart):
    markup = str(chart.svg)
    assert "script" not in markup.lower()
    assert not re.search(r"\son\w+=", markup)
    assert "href" not in markup
    assert "@import" not in markup
    assert "<style" not in markup
    assert re.findall(r"https?://[^\"' ]+", markup) == [
        "http://www.w3.org/2000/svg"
    ]  # the namespace, never fetched
    assert all(reference.startswith("#") for reference in re.findall(r"url\(([^)]*)\)", markup))


@pytest.mark.parametrize("chart", all_charts(), ids=["bar", "column", "grouped", "stacked", "line"])
def test_each_chart_is_an_image_labelled_by_its_title_and_description(chart):
    root = parse(chart)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == chart.title
    assert desc.text == chart.summary
    assert root.get("id") + "-title" == title.get("id")


def test_colours_have_enough_contrast_with_white():
    for colour in PALETTE:
        assert contrast_with_white(colour) >= 4.5, colour
    assert contrast_with_white(TEXT_COLOUR) >= 7


def test_series_are_told_apart_by_pattern_and_legend_not_colour_alone():
    chart = grouped_bar_chart(
        "Status", ["q1"], [Series("Approved", [10]), Series("Denied", [20]), Series("Other", [5])]
    )
    root = parse(chart)
    patterns = root.findall(f".//{SVG}pattern")
    assert len(patterns) == 3
    shapes = [ET.tostring(pattern[1]) if len(pattern) > 1 else b"" for pattern in patterns]
    assert len(set(shapes)) == 3
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert {"Approved", "Denied", "Other"} <= set(texts)


def test_lines_differ_by_marker_and_dash_and_are_labelled_at_their_end():
    chart = line_chart("Burn", ["Jan", "Feb"], [Series("Committed", [1, 2]), Series("Disbursed", [1, 1])])
    root = parse(chart)
    polylines = root.findall(f"{SVG}polyline")
    assert [line.get("stroke-dasharray") for line in polylines] == [None, "6 3"]
    assert root.findall(f"{SVG}circle")
    assert root.findall(f"{SVG}rect[@width='8']")
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts.count("Committed") == 2  # at the end of its line and in the legend
    assert texts.count("Disbursed") == 2


def test_a_chart_id_can_be_given_and_must_be_a_safe_id():
    assert parse(bar_chart("T", ["a"], [1], chart_id="approvals-by-sex")).get("id") == "approvals-by-sex"
    with pytest.raises(ValueError, match="chart id"):
        bar_chart("T", ["a"], [1], chart_id='x" onload="y')


# ---------------------------------------------------------------------------------------------------------
# Faithful to the data
# ---------------------------------------------------------------------------------------------------------


def test_the_table_of_a_bar_chart_equals_its_data():
    chart = bar_chart(
        "Approvals by region",
        ["North", "South", "East"],
        [1250, Decimal("12.5"), 0],
        category_label="Region",
        value_label="Approvals",
    )
    assert chart.table == DataTable(
        "Approvals by region", ("Region", "Approvals"), (("North", "1,250"), ("South", "12.5"), ("East", "0"))
    )
    assert chart.summary == ("Approvals by region: 3 categories. Highest: North (1,250). Lowest: East (0).")


def test_the_table_of_a_grouped_chart_and_a_line_chart_equals_their_data():
    series = [Series("Approved", [10, 20]), Series("Denied", [5, None])]
    grouped = grouped_bar_chart("Status", ["Q1", "Q2"], series, category_label="Quarter")
    assert grouped.table.headers == ("Quarter", "Approved", "Denied")
    assert grouped.table.rows == (("Q1", "10", "5"), ("Q2", "20", "no data"))
    line = line_chart("Burn", ["Jan", "Feb"], series, x_label="Month")
    assert line.table.headers == ("Month", "Approved", "Denied")
    assert line.table.rows == (("Jan", "10", "5"), ("Feb", "20", "no data"))
    assert line.summary == (
        "Burn, from Jan to Feb. Approved: 10 in Jan, 20 in Feb, highest 20 in Feb. "
        "Denied: 5 in Jan, 5 in Jan, highest 5 in Jan. 1 with no data."
    )


def test_a_formatter_shapes_every_figure():
    chart = bar_chart("Spend", ["a"], [Decimal("1500.00")], formatter=lambda value: f"${value:,.2f}")
    assert chart.table.rows == (("a", "$1,500.00"),)
    assert "$1,500.00" in str(chart.svg)


def test_bar_lengths_follow_the_values():
    chart = bar_chart("T", ["a", "b"], [50, 100])
    bars = [rect for rect in parse(chart).iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.2)


def test_suppressed_values_are_drawn_as_absent_labelled_and_left_out_of_the_scale():
    breakdown = suppress_breakdown({"female": 3, "male": 5000, "another": 40})
    chart = bar_chart(
        "Approvals by sex", list(dict(breakdown.items())), [cell for _, cell in breakdown.items()]
    )
    root = parse(chart)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [bar.find(f"{SVG}title").text for bar in bars] == ["male: 5,000"]  # 40 protects the 3
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts.count(SUPPRESSED_MARK) == 2
    assert "40" not in texts
    assert chart.table.rows == (("female", SUPPRESSED_MARK), ("male", "5,000"), ("another", SUPPRESSED_MARK))
    assert chart.summary.endswith("2 suppressed to protect privacy.")

    mixed = bar_chart("T", ["a", "b"], [Cell(20), Cell(None, True, "complementary")])
    ticks = [element.text for element in parse(mixed).iter(f"{SVG}text")]
    assert "20" in ticks
    assert max(int(t.replace(",", "")) for t in ticks if t and t.replace(",", "").isdigit()) <= 25


def test_suppressed_rates_and_segments_are_labelled_in_grouped_and_line_charts():
    rate = RateCell(None, True, "base")
    grouped = grouped_bar_chart(
        "Rates", ["g1"], [Series("Approval rate", [rate]), Series("Other", [Decimal("0.5")])]
    )
    assert f"{SUPPRESSED_MARK}: Approval rate" in str(grouped.svg)
    line = line_chart("Rates", ["Q1", "Q2"], [Series("Approval rate", [Decimal("0.25"), rate])])
    assert [e.text for e in parse(line).iter(f"{SVG}text")].count(SUPPRESSED_MARK) == 1
    assert line.table.rows == (("Q1", "0.25"), ("Q2", SUPPRESSED_MARK))


def test_output_is_deterministic():
    first = [str(chart.svg) for chart in all_charts()]
    second = [str(chart.svg) for chart in all_charts()]
    assert first == second
    assert bar_chart("A", ["x"], [1]).svg != bar_chart("B", ["x"], [1]).svg


@pytest.mark.parametrize(
    "chart",
    [
        bar_chart("Empty", [], []),
        bar_chart("Empty", [], [], orientation="vertical"),
        grouped_bar_chart("Empty", [], []),
        grouped_bar_chart("Empty", ["q1"], []),
        line_chart("Empty", [], []),
    ],
)
def test_empty_data_gives_a_labelled_chart_that_says_so(chart):
    root = parse(chart)
    assert root.find(f"{SVG}title").text == "Empty"
    assert chart.summary == "Empty: no data to show."
    assert [element.text for element in root.iter(f"{SVG}text")] == ["No data to show."]


def test_all_zero_and_negative_values_draw_without_error():
    assert parse(bar_chart("Zeros", ["a", "b"], [0, 0]))
    chart = bar_chart("Wage change", ["a", "b"], [Decimal("-250"), 1000], orientation="vertical")
    assert "-250" in str(chart.svg)
    with pytest.raises(ValueError, match="negative"):
        grouped_bar_chart("T", ["a"], [Series("s", [-1])], stacked=True)


def test_mismatched_lengths_and_bad_values_are_refused():
    with pytest.raises(ValueError, match="2 values for 1 labels"):
        bar_chart("T", ["a"], [1, 2])
    with pytest.raises(TypeError):
        bar_chart("T", ["a"], [True])
    with pytest.raises(ValueError, match="finite"):
        bar_chart("T", ["a"], [float("nan")])


def test_the_chart_renders_as_itself_in_templates():
    chart = bar_chart("T", ["a"], [1])
    assert chart.__html__() == str(chart) == chart.svg
