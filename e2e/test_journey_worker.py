"""The worker's journey, end to end through the pages, with the mouse and again with the keyboard only.

A worker signs up (and meets the sign-up form's error state), confirms their email from the message we
send, completes a profile (meeting the profile form's error state), applies for a funded credential with a
PDF document and submits; a reviewer declares no conflict of interest and scores; the program manager asks
for more information; the worker answers with a document; the manager approves; the worker downloads the
decision letter. Every page on the way is scanned by axe and photographed at phone and desktop widths.

The keyboard-only run does every one of the worker's steps with Tab / Shift+Tab / arrows / Space / Enter
(no clicks; the focus must be visible on everything it lands on). The reviewer's and manager's steps in
between are other people's and use the mouse; e2e/test_journey_staff.py covers their side in full.

Only the starting point is made with factories: an open, funded, scored program, its manager, a reviewer.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from e2e.conftest import PDF_PATH, assert_accessible, mail_outbox, sign_in, sign_out
from e2e.drivers import Driver, KeyboardDriver, type_date
from programs.models import Program, ScoringCriterion
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup

WORKER_PASSWORD = "a long and unusual passphrase 42"
VERIFY_LINK = re.compile(r"https?://\S+/accounts/verify-email/\S+/")


def _starting_point():  # type: ignore[no-untyped-def]
    program, manager, credential = funded_setup(
        name="Green Jobs Training Fund", selection_method=Program.SelectionMethod.SCORED
    )
    ScoringCriterion.objects.create(program=program, name="Job outlook", weight=Decimal("2"))
    manager.full_name = "Maria Manager"
    manager.save(update_fields=["full_name"])
    reviewer = user_with_role(Role.REVIEWER, full_name="Rita Reviewer")
    return program, manager, credential, reviewer


def _scan(page: Page, driver: Driver, name: str) -> None:
    """Every page is scanned in both runs; the keyboard run (the same pages) takes no screenshots."""
    assert_accessible(page, name, screenshots=not isinstance(driver, KeyboardDriver))


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def _nav(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def _field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.locator("main").get_by_label(label, exact=False).first


def _button(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("main").get_by_role("button", name=name, exact=True)


def _link(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("main").get_by_role("link", name=name, exact=True).first


def _expect_message(page: Page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def worker_signs_up(page: Page, driver: Driver, email: str) -> None:
    page.goto("/")
    _heading(page, "")
    _scan(page, driver, "01-home")
    driver.press(page.locator("header").get_by_role("link", name="Create an account"))
    _heading(page, "Create")
    _scan(page, driver, "02-sign-up")

    driver.check(page.get_by_label("As a worker, to apply for training funding"))
    driver.fill(_field(page, "Full name"), "Wanda Worker")
    driver.fill(page.get_by_label("Email address", exact=False), email)
    driver.fill(page.get_by_label("Password (required)", exact=True), "short")
    driver.fill(page.get_by_label("Password again", exact=False), "short")
    driver.press(page.locator("main form").get_by_role("button"))
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("Password")
    _scan(page, driver, "03-sign-up-error")

    driver.fill(page.get_by_label("Password (required)", exact=True), WORKER_PASSWORD)
    driver.fill(page.get_by_label("Password again", exact=False), WORKER_PASSWORD)
    driver.press(page.locator("main form").get_by_role("button"))
    _heading(page, "Check your email")
    _scan(page, driver, "04-check-your-email")

    messages = [m for m in mail_outbox() if email in m.to]
    assert messages, "no verification mail was sent"
    link = VERIFY_LINK.search(messages[-1].body)
    assert link, messages[-1].body
    page.goto(link.group(0))  # the person follows the link in the message
    _expect_message(page, "your email address is confirmed")
    _scan(page, driver, "05-sign-in-after-verification")

    driver.fill(page.get_by_label("Email address", exact=False), email)
    driver.fill(page.get_by_label("Password", exact=False).first, WORKER_PASSWORD)
    driver.press(page.locator("main form").get_by_role("button", name="Sign in"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _scan(page, driver, "06-home-signed-in")


def worker_completes_profile(page: Page, driver: Driver) -> None:
    driver.press(_nav(page, "My profile"))
    _heading(page, "profile")
    _scan(page, driver, "07-profile")
    driver.fill(_field(page, "Region you live in"), "North")
    type_date(driver, _field(page, "Date of birth"), 6, 1, 2999)
    driver.select(_field(page, "Employment status"), "Unemployed")
    driver.press(page.locator("main form").get_by_role("button").last)
    expect(page.locator(".error-summary")).to_contain_text("cannot be in the future")
    _scan(page, driver, "08-profile-error")

    type_date(driver, _field(page, "Date of birth"), 6, 1, 1990)
    driver.press(page.locator("main form").get_by_role("button").last)
    _expect_message(page, "Your profile is saved")
    _scan(page, driver, "09-profile-saved")

    driver.press(_link(page, "About you (voluntary)"))
    _heading(page, "About you")
    _scan(page, driver, "09a-about-you")
    driver.check(page.locator("main").get_by_label("Female", exact=True))
    driver.press(_button(page, "Save answers"))
    _expect_message(page, "Your answers are saved")
    _scan(page, driver, "09b-about-you-saved")


def worker_applies(page: Page, driver: Driver, program: Program, credential) -> str:  # type: ignore[no-untyped-def]
    driver.press(_nav(page, "Programs"))
    _heading(page, "")
    _scan(page, driver, "10-programs")
    driver.press(_link(page, program.name))
    _heading(page, program.name)
    _scan(page, driver, "11-program")
    driver.press(_link(page, "Apply"))
    _heading(page, "")
    _scan(page, driver, "12-apply")
    driver.select(_field(page, "Course"), credential.title)
    driver.fill(_field(page, "Amount"), "1500.00")
    driver.fill(
        _field(page, "Why this training"), "I want to install heat pumps; local firms are hiring technicians."
    )
    driver.press(_button(page, "Save draft"))
    _expect_message(page, "Your draft is saved")
    _scan(page, driver, "13-draft")

    driver.upload(page.locator("main input[type=file]"), PDF_PATH)
    driver.select(_field(page, "What is it?"), "Quote or enrolment offer from the provider")
    driver.press(_button(page, "Upload"))
    _expect_message(page, "is added")
    _scan(page, driver, "14-draft-with-document")

    driver.press(_link(page, "Review and submit"))
    _heading(page, "")
    _scan(page, driver, "15-review-and-submit")
    driver.check(page.locator("main input[type=checkbox]"))
    driver.press(_button(page, "Submit application"))
    _expect_message(page, "Your application is submitted")
    _scan(page, driver, "16-submitted")
    return page.url


def worker_signs_out(page: Page, driver: Driver) -> None:
    driver.press(page.locator("header").get_by_role("button", name="Sign out"))
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()


def reviewer_and_manager_review(
    page: Page, driver: Driver, live_server, manager, reviewer, application_url: str
) -> None:  # type: ignore[no-untyped-def]
    """Staff steps in the worker's journey (with the mouse; the staff journey covers their side fully)."""
    staff_url = application_url
    sign_in(page, live_server, manager)
    page.goto(staff_url)
    _button(page, "Begin the review without assigning a reviewer")  # offered, but we assign instead
    page.locator("#id_assign-reviewer").select_option(label=f"{reviewer.full_name} ({reviewer.email})")
    _button(page, "Assign").click()
    _expect_message(page, "is assigned to review")
    _scan(page, driver, "17-manager-assigned")
    sign_out(page)

    sign_in(page, live_server, reviewer)
    page.goto(staff_url)
    _scan(page, driver, "18-reviewer-conflict")
    page.get_by_label("I have no conflict of interest").check()
    _button(page, "Send my declaration").click()
    _expect_message(page, "You can now review")
    _scan(page, driver, "19-reviewer-review-form")
    review = page.locator("main form", has=page.get_by_role("button", name="Submit my review"))
    for group in review.locator("fieldset").all():
        radios = group.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
    review.get_by_role("button", name="Submit my review").click()
    _expect_message(page, "Your review is submitted")
    _scan(page, driver, "20-reviewer-reviewed")
    sign_out(page)

    sign_in(page, live_server, manager)
    page.goto(staff_url)
    page.get_by_label("What do you need from the applicant?").fill("Please send the course start date.")
    _button(page, "Send the question").click()
    _expect_message(page, "asked for more information")
    _scan(page, driver, "21-manager-asked")
    sign_out(page)


def worker_answers(page: Page, driver: Driver, email: str, application_url: str) -> None:
    driver.press(page.locator("header").get_by_role("link", name="Sign in"))
    driver.fill(page.get_by_label("Email address", exact=False), email)
    driver.fill(page.get_by_label("Password", exact=False).first, WORKER_PASSWORD)
    driver.press(page.locator("main form").get_by_role("button", name="Sign in"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    driver.press(_nav(page, "Notices"))
    _heading(page, "Notices")
    expect(page.locator("main table")).to_be_visible()
    _scan(page, driver, "21a-notices")
    driver.press(_nav(page, "My applications"))
    _heading(page, "")
    _scan(page, driver, "22-my-applications")
    driver.press(page.locator("main table a").first)
    _heading(page, "")
    _scan(page, driver, "23-application-question")
    driver.press(_link(page, "Answer our question"))
    _scan(page, driver, "24-answer")
    driver.press(_button(page, "Send answer"))
    expect(page.locator(".error-summary")).to_be_visible()
    _scan(page, driver, "25-answer-error")
    driver.fill(_field(page, "Your answer"), "The course starts on the first Monday of next month.")
    driver.upload(page.locator("main input[type=file]"), PDF_PATH)
    driver.press(_button(page, "Send answer"))
    _expect_message(page, "back in review")
    _scan(page, driver, "26-answered")
    assert page.url == application_url
    worker_signs_out(page, driver)


def manager_approves(page: Page, driver: Driver, live_server, manager, application_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server, manager)
    page.goto(application_url)
    approve = page.locator("main form", has=page.get_by_role("button", name="Approve", exact=True))
    approve.get_by_label("Amount to award").fill("1500.00")
    approve.get_by_role("button", name="Approve", exact=True).click()
    _expect_message(page, "Approved")
    _scan(page, driver, "27-manager-approved")
    sign_out(page)


def worker_downloads_letter(page: Page, driver: Driver, email: str) -> None:
    driver.press(page.locator("header").get_by_role("link", name="Sign in"))
    driver.fill(page.get_by_label("Email address", exact=False), email)
    driver.fill(page.get_by_label("Password", exact=False).first, WORKER_PASSWORD)
    driver.press(page.locator("main form").get_by_role("button", name="Sign in"))
    driver.press(_nav(page, "My applications"))
    driver.press(page.locator("main table a").first)
    expect(page.locator("main")).to_contain_text("approved")
    _scan(page, driver, "28-approved")
    letter = page.locator("main").get_by_role("link", name="Download your decision letter (PDF)")
    with page.expect_download() as download_info:
        driver.press(letter)
    download = download_info.value
    path = download.path()
    assert path is not None
    assert path.read_bytes().startswith(b"%PDF-"), "the decision letter is not a PDF"
    assert download.suggested_filename.endswith(".pdf")
    response = page.request.get(letter.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"


def _journey(page: Page, live_server, driver: Driver, email: str) -> None:  # type: ignore[no-untyped-def]
    program, manager, credential, reviewer = _starting_point()
    worker_signs_up(page, driver, email)
    worker_completes_profile(page, driver)
    application_url = worker_applies(page, driver, program, credential)
    worker_signs_out(page, driver)
    reviewer_and_manager_review(page, driver, live_server, manager, reviewer, application_url)
    worker_answers(page, driver, email, application_url)
    manager_approves(page, driver, live_server, manager, application_url)
    worker_downloads_letter(page, driver, email)


def test_worker(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    _journey(page, live_server, Driver(page), "wanda@example.test")


def test_worker_keyboard_only(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    _journey(page, live_server, KeyboardDriver(page), "kim@example.test")


pytestmark = pytest.mark.django_db(transaction=True)
