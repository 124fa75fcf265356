"""The scanner itself: axe runs in the page under our Content-Security-Policy and reports what it finds,
so a journey's "zero violations" means something."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from e2e.conftest import WCAG_TAGS, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PLANTED = """
document.querySelector("main").insertAdjacentHTML("beforeend",
  '<img src="/static/img/favicon.svg"><input type="text" name="unlabelled">' +
  '<button type="button" class="button" style="all: unset; width: 10px; height: 10px"></button>');
"""


def test_scanner_reports_planted_violations(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    assert "wcag22aa" in WCAG_TAGS
    page.goto("/")
    page.evaluate(PLANTED)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "planted", screenshots=False)
    report = str(failure.value)
    assert "image-alt (critical)" in report
    assert "label (critical)" in report
    assert "at phone width (360 px)" in report
    assert "at desktop width (1280 px)" in report
