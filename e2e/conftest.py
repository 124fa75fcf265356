"""Shared fixtures and helpers for the browser journeys in e2e/ (run them with `make e2e`).

Stable API for every journey file (P1 and P2 rely on it; extend, do not change):

- Fixtures from pytest-playwright: `page`, `context`, `browser`, `new_context`. Chromium is Debian's
  /usr/bin/chromium, headless, no sandbox. `base_url` is the live server URL: `page.goto("/path/")` works.
- `live_server` (pytest-django): a real server in a thread on an isolated, transactional test database.
  Data is set up in the test with the factories in tests/*/factories.py (e.g.
  `tests.accounts.factories.user_with_role(Role.REVIEWER)`, `tests.grants.factories.funded_setup()`);
  the role groups are re-created before every test (the transactional flush removes them).
- `assert_accessible(page, name, *, screenshots=True)`: runs axe-core (WCAG 2.0/2.1/2.2 A and AA tags)
  on the current page at phone (360 px) and desktop (1280 px) widths, asserts zero violations (readable
  failure: rule id, impact, help, targets), and saves var/e2e-screenshots/<journey>/<name>-phone.png and
  -desktop.png, where <journey> is the running test function's name without its `test_` prefix
  (screenshots=False: scan only). Call it after waiting for something on the new page (an `expect`).
- `e2e.drivers.Driver(page)` / `KeyboardDriver(page)`: fill, check, select, upload, press — with the mouse,
  or with the keyboard only (Tab/Shift+Tab/arrows/Space/Enter, asserting the focus is visible).
- `sign_in(page, live_server, user, password=PASSWORD)`: signs in through the real sign-in page.
- `sign_out(page)`: signs out with the header's "Sign out" button.
- `PASSWORD`: the password the user factories give everyone.
- `mail_outbox()`: the messages sent so far (locmem backend; tasks run immediately).
- `PDF_PATH`: a small, valid PDF file to upload (`page.set_input_files(selector, PDF_PATH)`).
- `url(live_server, path)`: absolute URL helper (rarely needed: relative `page.goto` works).

Settings for every e2e test (as in tests/conftest.py): immediate tasks, locmem mail, fast password hashing,
plain static storage, uploads into a temporary folder, and non-Secure cookies (the live server is plain HTTP).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright need it

from axe_playwright_python.base import AXE_SCRIPT  # noqa: E402  (axe-core, bundled in the wheel)
from playwright.sync_api import Page, expect  # noqa: E402

from tests.accounts.factories import PASSWORD  # noqa: E402

__all__ = [
    "PASSWORD",
    "PDF_PATH",
    "assert_accessible",
    "mail_outbox",
    "sign_in",
    "sign_out",
    "url",
]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = ROOT / "var" / "e2e-screenshots"
PDF_PATH = Path(__file__).resolve().parent / "files" / "evidence.pdf"

CHROMIUM = os.environ.get("SKILLSFUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-US", "timezone_id": "UTC"}


@pytest.fixture(autouse=True)
def _e2e_settings(settings: Any, tmp_path: Path, live_server: Any) -> None:
    """Settings for the browser journeys, and the role groups the transactional flush removed."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SITE_URL = str(live_server.url)

    from django.contrib.auth.models import Group

    from accounts.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=str(role))


def url(live_server: Any, path: str) -> str:
    return f"{live_server.url}{path}"


def mail_outbox() -> list[Any]:
    from django.core import mail

    return list(getattr(mail, "outbox", []))


def _journey_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "unknown::test_unknown (call)")
    test = current.split("::")[-1].split(" ")[0].split("[")[0]
    return test.removeprefix("test_") or "unknown"


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation.get("nodes", [])[:8]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str, *, screenshots: bool = True) -> None:
    """Scan the current page with axe (WCAG 2.x A + AA) at phone and desktop widths; save screenshots."""
    page.wait_for_load_state("load")
    folder = SCREENSHOT_DIR / _journey_name()
    if screenshots:
        folder.mkdir(parents=True, exist_ok=True)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    original = page.viewport_size or DESKTOP
    problems = []
    try:
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
            if violations:
                problems.append(f"at {label} width ({size['width']} px):\n{_describe(violations)}")
            if screenshots:
                page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    finally:
        page.set_viewport_size(original)
    assert not problems, f"axe found accessibility violations on {name!r} ({page.url}):\n" + "\n".join(
        problems
    )


def sign_in(page: Page, live_server: Any, user: Any, password: str = PASSWORD) -> None:
    """Sign `user` in through the real sign-in page (the email and password fields and the button)."""
    page.goto(url(live_server, "/accounts/sign-in/"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=False).first.fill(password)
    page.locator("main form").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    """Sign out with the header's button (a POST with the CSRF token, as a person would)."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
