"""The agency staff's journey through the pages: a program manager finds a submitted application in the
review queue (filtering it), assigns two reviewers; one declares a conflict of interest and is recused,
the other declares none, meets the review form's error state and then scores; the manager meets the
request-for-information and approval error states, and approves; the decision letter is on the staff page.

Starting point made with services: an open, funded, scored program, its manager, two reviewers and a
worker's submitted application. Every page is scanned by axe and photographed at phone and desktop widths.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from e2e.conftest import assert_accessible, sign_in, sign_out
from programs.models import Program, ScoringCriterion
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup, submitted_application, worker_with_profile

pytestmark = pytest.mark.django_db(transaction=True)


def _starting_point():  # type: ignore[no-untyped-def]
    program, manager, credential = funded_setup(
        name="Advanced Manufacturing Fund", selection_method=Program.SelectionMethod.SCORED
    )
    ScoringCriterion.objects.create(
        program=program, name="Job outlook", weight=Decimal("2"), guidance="5: strong local demand."
    )
    ScoringCriterion.objects.create(program=program, name="Readiness", weight=Decimal("1"))
    manager.full_name = "Maria Manager"
    manager.save(update_fields=["full_name"])
    worker = worker_with_profile()
    application = submitted_application(worker=worker, program=program, credential=credential)
    reviewers = (
        user_with_role(Role.REVIEWER, full_name="Rita Reviewer"),
        user_with_role(Role.REVIEWER, full_name="Ravi Recused"),
    )
    return program, manager, application, reviewers


def _messages(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".messages")


def _open_from_queue(page: Page, reference: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    page.locator("main").get_by_role("link", name=reference).click()


def test_staff(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    program, manager, application, (reviewer, recused) = _starting_point()
    reference = application.reference

    # The manager finds the application in the queue, with a filter, and assigns both reviewers.
    sign_in(page, live_server, manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    assert_accessible(page, "01-queue")
    page.locator("main").get_by_label("Program code").fill(program.code)
    page.locator("main").get_by_label("Submitted", exact=True).check()
    page.locator("main").get_by_role("button", name="Show").click()
    expect(page.locator("main table")).to_contain_text(reference)
    assert_accessible(page, "02-queue-filtered")
    page.locator("main").get_by_label("Submitted from").fill("2999-01-01")
    page.locator("main").get_by_role("button", name="Show").click()
    expect(page.locator("main")).not_to_contain_text(reference)
    assert_accessible(page, "03-queue-no-match")

    _open_from_queue(page, reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    assert_accessible(page, "04-application-submitted")
    assign = page.locator("#id_assign-reviewer")
    page.locator("main").get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "05-assign-error")
    for person in (reviewer, recused):
        assign.select_option(label=f"{person.full_name} ({person.email})")
        page.locator("main").get_by_role("button", name="Assign", exact=True).click()
        expect(_messages(page)).to_contain_text("is assigned to review")
    assert_accessible(page, "06-reviewers-assigned")
    sign_out(page)

    # One reviewer has a conflict: the note is needed, then they are recused.
    sign_in(page, live_server, recused)
    _open_from_queue(page, reference)
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare any conflict of interest")
    assert_accessible(page, "07-conflict")
    page.get_by_label("I have a conflict of interest").check()
    page.locator("main").get_by_role("button", name="Send my declaration").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "08-conflict-error")
    page.get_by_label("I have a conflict of interest").check()
    page.locator("main").get_by_label("What is the conflict?").fill("The applicant is my neighbour.")
    page.locator("main").get_by_role("button", name="Send my declaration").click()
    expect(_messages(page)).to_contain_text("you are recused")
    assert_accessible(page, "09-recused")
    sign_out(page)

    # The other declares none, meets the review form's errors, then scores.
    sign_in(page, live_server, reviewer)
    _open_from_queue(page, reference)
    page.get_by_label("I have no conflict of interest").check()
    page.locator("main").get_by_role("button", name="Send my declaration").click()
    expect(_messages(page)).to_contain_text("You can now review")
    review = page.locator("main form", has=page.get_by_role("button", name="Submit my review"))
    review.get_by_role("button", name="Submit my review").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "10-review-error")
    review = page.locator("main form", has=page.get_by_role("button", name="Submit my review"))
    for group in review.locator("fieldset").all():
        legend = group.locator("legend").inner_text()
        if legend.startswith("Score"):
            group.get_by_label("4", exact=True).check()
        elif legend.startswith("Recommendation"):
            group.get_by_label("Approve", exact=True).check()
        else:
            group.get_by_label("Yes", exact=True).check()
    review.get_by_role("button", name="Submit my review").click()
    expect(_messages(page)).to_contain_text("Your review is submitted")
    assert_accessible(page, "11-reviewed")
    sign_out(page)

    # The manager sees the scores, meets the errors of asking and approving, and approves.
    sign_in(page, live_server, manager)
    _open_from_queue(page, reference)
    expect(page.locator("main")).to_contain_text("Rita Reviewer")
    page.locator("main").get_by_role("button", name="Send the question").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "12-question-error")
    approve = page.locator("main form", has=page.get_by_role("button", name="Approve", exact=True))
    approve.get_by_label("Amount to award").fill("999999.00")
    approve.get_by_role("button", name="Approve", exact=True).click()
    expect(_messages(page)).to_contain_text("Not approved; nothing changed")
    assert_accessible(page, "13-approve-error")
    approve = page.locator("main form", has=page.get_by_role("button", name="Approve", exact=True))
    approve.get_by_label("Amount to award").fill("")
    approve.get_by_label("Note on the decision").fill("Strong local demand for this skill.")
    approve.get_by_role("button", name="Approve", exact=True).click()
    expect(_messages(page)).to_contain_text("Approved")
    expect(page.locator("main")).to_contain_text("Decision letters")
    assert_accessible(page, "14-approved")
