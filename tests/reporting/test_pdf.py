"""PDF reports: the figures are the dashboard's (worked out by hand here), suppressed cells print as the
suppressed mark, hostile text is never fetched, and each role gets what it may."""

import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from accounts.roles import Role
from core import pdf as core_pdf
from employers.models import Pledge, ProgressReport
from grants.models import Application
from programs.models import Program
from reporting.figures import ReportFilter
from reporting.pdf import (
    equity_summary_chart,
    methodology,
    program_report_pdf,
    quarter_dates,
    quarterly_report_pdf,
    report_context,
)
from reporting.published import publish
from tests.accounts.factories import user_with_role
from tests.employers.factories import EmployerFactory, PledgeFactory, ProgressReportFactory, representative_of
from tests.grants.factories import funded_setup
from tests.pdf_text import pdf_text
from tests.reporting.factories import application_row

pytestmark = pytest.mark.django_db
S = Application.Status
D = Decimal


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(pdf_text(pdf))


def rows(program, credential, status, count, days=None, awarded=None):  # type: ignore[no-untyped-def]
    return [
        application_row(
            program=program,
            credential=credential,
            status=status,
            days_to_decision=days,
            amount_awarded=awarded,
            region="North",
        )
        for _ in range(count)
    ]


@pytest.fixture
def fixture():  # type: ignore[no-untyped-def]
    """39 applications, no count between 1 and 9 anywhere (nothing suppressed):
    12 submitted, 15 approved after 2 days, 12 rejected after 10 days."""
    program, manager, credential = funded_setup(budget=D("100000.00"))
    rows(program, credential, S.SUBMITTED, 12)
    rows(program, credential, S.APPROVED, 15, days=2, awarded=D("1000"))
    rows(program, credential, S.REJECTED, 12, days=10)
    return program, manager, credential


def test_program_report_prints_the_dashboard_figures(fixture) -> None:  # type: ignore[no-untyped-def]
    program, _manager, _credential = fixture
    text = text_of(program_report_pdf(program))
    # By hand: submitted 12 + 15 + 12 = 39; decided 15 + 12 = 27; approval rate 15 / 27 = 55.6%.
    # Waits sorted: fifteen 2s then twelve 10s; nearest rank 14 of 27 is 2, rank 25 (90%) is 10.
    compact = text.replace(" ", "")
    for label, value in [
        ("Applicationssubmitted", "39"),
        ("Decided", "27"),
        ("Approved(awards)", "15"),
        ("Rejected", "12"),
        ("Approvalrate", "55.6%"),
        ("Mediantimetodecision", "2.0days"),
        ("90thpercentiletimetodecision", "10.0days"),
    ]:
        assert label + value in compact, (label, value)
    # The same numbers the dashboard publishes for the same filters.
    published = publish(ReportFilter(programs=(program.pk,)))
    assert published.applications.counts["submitted"].display() == "39"
    assert published.applications.approval_rate.display_percent() == "55.6%"
    # Structure: methodology from reporting/figures.py, the suppression note, equity, generated date.
    assert "Methodology" in text
    assert "Equity" in text
    assert any(item.split(":")[0][:30].replace(" ", "") in compact for item in methodology())
    assert "To protect privacy" in text
    assert f"{timezone.localdate():%Y}" in text
    assert "Page 1 of" in text


def test_suppressed_cells_print_as_the_mark(fixture) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = fixture
    rows(program, credential, S.IN_REVIEW, 3)  # a small cell: 3 in review
    text = text_of(program_report_pdf(program))
    compact = text.replace(" ", "")
    assert "Inreviewsuppressed" in compact
    assert "Inreview3" not in compact


def test_quarterly_report_filters_by_the_quarter_and_renders_fast(fixture) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    start, end = quarter_dates(2024, 4)
    assert (start.isoformat(), end.isoformat()) == ("2024-10-01", "2024-12-31")
    started = time.perf_counter()
    pdf = quarterly_report_pdf(2020, 1)  # no application was submitted then
    assert time.perf_counter() - started < 5
    assert "Q1 2020" in text_of(pdf)
    assert "Applicationssubmitted0" in text_of(pdf).replace(" ", "")
    del year, quarter


def test_hostile_markup_in_names_is_printed_not_fetched(fixture, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    program, _manager, _credential = fixture
    Program.objects.filter(pk=program.pk).update(
        name='<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
    )
    program.refresh_from_db()
    fetched: list[str] = []
    original = core_pdf.SafeFetcher.fetch

    def recording(self, url, headers=None):  # type: ignore[no-untyped-def]
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(core_pdf.SafeFetcher, "fetch", recording)
    pdf = program_report_pdf(program)
    text = text_of(pdf)
    assert '<img src="file:///etc/passwd">' in text  # printed as text
    assert b"root:x:0:0" not in pdf
    assert all(
        url.startswith("data:") or url.startswith(core_pdf.DOCUMENT_BASE_URL + "static/") for url in fetched
    ), fetched


def test_hostile_pledge_name_is_not_fetched(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    PledgeFactory(
        employer=employer, status=Pledge.Status.ACTIVE, framework_name='<img src="file:///etc/passwd">'
    )
    fetched: list[str] = []
    original = core_pdf.SafeFetcher.fetch
    monkeypatch.setattr(
        core_pdf.SafeFetcher,
        "fetch",
        lambda self, url, headers=None: fetched.append(url) or original(self, url, headers),
    )
    from reporting.pdf import pledge_summary_pdf

    pdf = pledge_summary_pdf(employer)
    assert '<img src="file:///etc/passwd">' in text_of(pdf)
    assert not any(url.startswith(("file:", "http:")) for url in fetched)


def test_pledge_summary_shows_verified_progress_and_attainment() -> None:
    employer = EmployerFactory()
    pledge = PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE, credential_holder_hires_target=10)
    ProgressReportFactory(
        pledge=pledge, status=ProgressReport.Status.VERIFIED, verified_hires_credential_holders=4
    )
    from reporting.pdf import pledge_summary_pdf

    compact = text_of(pledge_summary_pdf(employer)).replace(" ", "")
    # Target 10, verified 4: attainment 40%.
    assert "Hiresofcredentialholders10440%" in compact


# ---------------------------------------------------------------- access


def test_program_report_access(client, fixture) -> None:  # type: ignore[no-untyped-def]
    program, manager, _credential = fixture
    url = reverse("reports:program_report", args=[program.pk])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(user_with_role(Role.WORKER))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))  # manages no program: another party's
    assert client.get(url).status_code == 404
    for user in (manager, user_with_role(Role.OFFICIAL), user_with_role(Role.ADMINISTRATOR)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


def test_quarterly_report_access(client, fixture) -> None:  # type: ignore[no-untyped-def]
    program, manager, _credential = fixture
    url = reverse("reports:quarterly_report", args=[2025, 1])
    assert client.get(url).status_code == 302
    client.force_login(user_with_role(Role.REVIEWER))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))  # manages nothing
    assert client.get(url).status_code == 404
    assert client.get(url, {"program": program.pk}).status_code == 404
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.get(url, {"program": program.pk}).status_code == 200
    client.force_login(user_with_role(Role.OFFICIAL))
    assert client.get(url).status_code == 200
    assert client.get(reverse("reports:quarterly_report", args=[2025, 5])).status_code == 404
    assert client.get(url, {"program": "x"}).status_code == 404


def test_pledge_summary_access(client) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    url = reverse("reports:pledge_summary", args=[employer.pk])
    assert client.get(url).status_code == 302
    client.force_login(user_with_role(Role.WORKER))
    assert client.get(url).status_code == 403
    client.force_login(representative_of(EmployerFactory()))  # another employer's representative
    assert client.get(url).status_code == 404
    for user in (representative_of(employer), user_with_role(Role.PROGRAM_MANAGER)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


def _regions(program, credential) -> None:  # type: ignore[no-untyped-def]
    """North: 10 approved of 20 decided (50%); South: 20 of 30 (66.7%). North's ratio is 0.5 / 0.667."""
    for region, approved, rejected in (("North", 10, 10), ("South", 20, 10)):
        for status, count in ((S.APPROVED, approved), (S.REJECTED, rejected)):
            for _ in range(count):
                application_row(
                    program=program, credential=credential, status=status, days_to_decision=3, region=region
                )


def test_equity_has_one_summary_chart_of_each_dimensions_lowest_ratio_and_keeps_every_table() -> None:
    program, _manager, credential = funded_setup(budget=D("100000.00"))
    _regions(program, credential)
    published = publish(ReportFilter(programs=(program.pk,)))
    chart = equity_summary_chart(published)
    rows = dict(chart.table.rows)
    assert rows["Region: North"] == "0.750"
    assert len(rows) == len(published.equity)
    text = text_of(program_report_pdf(program)).replace(" ", "")
    assert "Lowestratiotothehighestapprovalrateineachdimension" in text
    assert "Approvalratebyregion" not in text  # the page's chart per dimension is not printed
    for table in published.equity:
        assert f"Applications,decisionsandresultsby{table.dimension.label}".replace(" ", "") in text
    assert "0.750(below0.8)" in text
    # Nor drawn: the report's context has every dimension's table, and none of the page's charts.
    context = report_context(ReportFilter(programs=(program.pk,)), title="Report", subtitle=program.code)
    assert context["equity"] == []
    assert len(context["equity_sections"]) == len(published.equity)


def test_a_dimension_whose_ratios_are_all_suppressed_shows_the_mark_not_a_number() -> None:
    program, _manager, credential = funded_setup(budget=D("100000.00"))
    for region, approved, rejected in (("East", 3, 2), ("West", 4, 1)):
        for status, count in ((S.APPROVED, approved), (S.REJECTED, rejected)):
            for _ in range(count):
                application_row(
                    program=program, credential=credential, status=status, days_to_decision=1, region=region
                )
    published = publish(ReportFilter(programs=(program.pk,)))
    region = next(table for table in published.equity if table.dimension.key == "region")
    assert {group: ratio.suppressed for group, ratio in region.impact.items()} == {"East": True, "West": True}
    assert dict(equity_summary_chart(published).table.rows)["Region"] == "suppressed"


def test_every_table_of_a_report_fits_the_width_of_the_page() -> None:
    """The equity tables have nine columns; laid out automatically they ran off the paper."""
    program, _manager, credential = funded_setup(budget=D("100000.00"))
    _regions(program, credential)
    context = report_context(ReportFilter(programs=(program.pk,)), title="Report", subtitle=program.code)
    html = core_pdf.render_html(template_name="reporting/pdf/program_report.html", context=context, title="R")
    document = HTML(
        string=html, base_url=core_pdf.DOCUMENT_BASE_URL, url_fetcher=core_pdf.SafeFetcher()
    ).render()
    widths = []
    for page in document.pages:
        root = page._page_box
        right = root.content_box_x() + root.width
        tables = [box for box in root.descendants() if isinstance(box, boxes.TableBox)]
        widths += [(box.position_x + box.border_width(), right) for box in tables]
    assert len(widths) >= 6 + 5  # six equity tables, five tables of figures and charts
    assert all(edge <= right + 0.5 for edge, right in widths), widths
