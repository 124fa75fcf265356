"""The official's journey, end to end through the pages.

An official opens the dashboard from the navigation, filters it by program and by dates (meeting the
filter form's error state: an end date before the start date) and downloads the quarterly PDF report from
the exports and reports page (the download is checked). Every page on the way is scanned by axe and
photographed at phone and desktop widths.

Only the starting point is made with factories and services: two funded programs with applications in
several states (submitted, approved, paid).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.roles import Role
from e2e.conftest import assert_accessible, sign_in
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    approved_application,
    funded_setup,
    paid_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _starting_point() -> tuple[Any, Any, Any]:
    """Two programs (budgets 100,000 and 40,000) with applications in several states, and an official."""
    digital, _manager, course = funded_setup(name="Digital Skills Fund", budget=Decimal("100000.00"))
    care, _care_manager, care_course = funded_setup(name="Care Careers Fund", budget=Decimal("40000.00"))
    paid_application(program=digital, credential=course)
    approved_application(program=digital, credential=course)
    submitted_application(program=digital, credential=course)
    submitted_application(program=care, credential=care_course)
    official = user_with_role(Role.OFFICIAL, full_name="Olivia Official")
    return official, digital, care


def _main(page: Page) -> Locator:
    return page.locator("main")


def _figure(page: Page, label: str) -> Locator:
    return _main(page).locator("tr", has=page.get_by_role("rowheader", name=label, exact=True))


def test_official(page: Page, live_server: Any) -> None:
    official, digital, care = _starting_point()
    page.set_default_timeout(10_000)
    today = timezone.localdate()
    sign_in(page, live_server, official)

    # ---- The dashboard, every program.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(_figure(page, "Total budget")).to_contain_text("$140,000.00")
    assert_accessible(page, "01-dashboard")

    # ---- Filtered by program and dates: first with the dates the wrong way round.
    filters = _main(page).locator("form.dashboard-filters")
    filters.get_by_label(re.compile(re.escape(digital.name))).check()
    filters.get_by_label("Submitted from").fill(today.isoformat())
    filters.get_by_label("Submitted up to").fill((today - timedelta(days=30)).isoformat())
    filters.get_by_role("button", name="Show").click()
    expect(_main(page).get_by_text("The end date must be on or after the start date.").first).to_be_visible()
    expect(_main(page).get_by_text("Correct the filters above to see the figures.")).to_be_visible()
    assert_accessible(page, "02-dashboard-filter-errors")

    filters = _main(page).locator("form.dashboard-filters")
    expect(filters.get_by_label(re.compile(re.escape(digital.name)))).to_be_checked()
    filters.get_by_label("Submitted from").fill((today - timedelta(days=30)).isoformat())
    filters.get_by_label("Submitted up to").fill(today.isoformat())
    filters.get_by_role("button", name="Show").click()
    expect(_figure(page, "Total budget")).to_contain_text("$100,000.00")
    assert f"program={digital.pk}" in page.url
    assert f"date_to={today.isoformat()}" in page.url
    expect(filters.get_by_label(re.compile(re.escape(care.name)))).not_to_be_checked()
    assert_accessible(page, "03-dashboard-filtered")

    # ---- The quarterly PDF report, from the exports and reports page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports and reports")
    assert_accessible(page, "04-exports-and-reports")
    quarter = (today.month - 1) // 3 + 1
    with page.expect_download() as download_info:
        _main(page).get_by_role("link", name=f"Quarter {quarter} of {today.year} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"quarterly-report-{today.year}-q{quarter}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(content) > 1000
