"""The employer's journey, end to end through the pages.

An employer representative signs up (meeting the sign-up form's error state), confirms their email from the
message we send, and registers their employer (meeting the registration form's error state); a program
manager verifies the employer; the representative makes a pledge with commitments and submits it (meeting
the confirmation's error state); the manager activates it; the representative lists a job role and, on its
candidates page, records the hire of a worker who opted in to be contacted and holds a verified credential
teaching the role's skills (meeting the hire form's error state). Every page on the way is scanned by axe
and photographed at phone and desktop widths.

Only the starting point is made with factories: a program manager, and the opted-in worker with a verified
award whose credential teaches the skills.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from accounts.roles import Role
from e2e.conftest import PASSWORD, assert_accessible, mail_outbox, sign_in
from employers.models import Employer, Hire, JobRole, Pledge
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup, verified_application, worker_with_profile
from tests.programs.factories import SkillFactory

pytestmark = pytest.mark.django_db(transaction=True)

REP_EMAIL = "dana.rep@northwind.example.test"
EIN = "27-4455667"
EMPLOYER = "Northwind Networks LLC"
ROLE_TITLE = "Network support technician"
VERIFY_PATH = re.compile(r"/accounts/verify-email/[^/\s]+/")


def _starting_point() -> tuple[Any, Any, Any]:
    """A program manager, and a worker who opted in and holds a verified award teaching two skills."""
    manager = user_with_role(Role.PROGRAM_MANAGER, full_name="Morgan Manager")
    networking = SkillFactory(label="Network troubleshooting")
    support = SkillFactory(label="Help desk support")
    program, _program_manager, credential = funded_setup(name="Digital Skills Fund")
    credential.skills.add(networking, support)
    worker = worker_with_profile(contact_by_employers=True)
    worker.full_name = "Casey Candidate"
    worker.save(update_fields=["full_name"])
    verified_application(worker=worker, program=program, credential=credential)
    return manager, worker, networking


def _main(page: Page) -> Locator:
    return page.locator("main")


def _problem(page: Page) -> None:
    expect(page.get_by_role("heading", name="There is a problem").first).to_be_visible()


def _candidate(page: Page, name: str) -> Locator:
    return page.locator("li.card", has=page.get_by_role("heading", name=name))


def test_employer(page: Page, new_context: Any, live_server: Any) -> None:
    manager, worker, networking = _starting_point()
    page.on("dialog", lambda dialog: dialog.accept())
    today = timezone.localdate()

    # ---- The representative signs up, confirms their address and signs in.
    page.goto("/accounts/sign-up/")
    assert_accessible(page, "01-sign-up")
    _main(page).get_by_role("button", name="Create account").click()
    _problem(page)
    assert_accessible(page, "02-sign-up-errors")
    _main(page).get_by_label("For an employer").check()
    _main(page).get_by_label("Full name").fill("Dana Rep")
    _main(page).get_by_label("Email address").fill(REP_EMAIL)
    _main(page).get_by_label("Password", exact=False).first.fill(PASSWORD)
    _main(page).get_by_label("Password again").fill(PASSWORD)
    _main(page).get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("email")
    assert_accessible(page, "03-check-your-email")
    message = next(mail for mail in reversed(mail_outbox()) if REP_EMAIL in mail.to)
    link = VERIFY_PATH.search(message.body)
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    representative = User.objects.get(email=REP_EMAIL)
    sign_in(page, live_server, representative)

    # ---- They register the employer, first with a mistake in the EIN.
    page.goto("/employers/register/")
    assert_accessible(page, "04-register-employer")
    _main(page).get_by_label("Legal name").fill(EMPLOYER)
    _main(page).get_by_label("Employer Identification Number").fill("12-34")
    _main(page).get_by_label("Sector (NAICS code)").fill("541512")
    _main(page).get_by_label("51").check()
    _main(page).get_by_label("Region", exact=False).fill("North")
    _main(page).get_by_label("Address").fill("1 Harbour Road, Springfield")
    _main(page).get_by_role("button", name="Register the employer").click()
    _problem(page)
    assert_accessible(page, "05-register-employer-errors")
    _main(page).get_by_label("Employer Identification Number").fill(EIN)
    _main(page).get_by_role("button", name="Register the employer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EMPLOYER)
    assert_accessible(page, "06-employer-pending")
    employer = Employer.objects.get(registration_number=EIN)
    assert employer.status == Employer.Status.PENDING

    # ---- A program manager verifies it.
    staff = new_context().new_page()
    staff.on("dialog", lambda dialog: dialog.accept())
    sign_in(staff, live_server, manager)
    staff.goto("/employers/")
    assert_accessible(staff, "07-staff-employer-list")
    _main(staff).get_by_role("link", name=EMPLOYER).click()
    assert_accessible(staff, "08-staff-employer")
    _main(staff).get_by_role("button", name="Verify", exact=True).click()
    expect(staff.get_by_text("The employer is verified.")).to_be_visible()
    employer.refresh_from_db()
    assert employer.status == Employer.Status.VERIFIED

    # ---- The representative makes a pledge with commitments and submits it.
    page.goto(f"/employers/{employer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(EMPLOYER)
    _main(page).get_by_role("link", name="Start a pledge").click()
    assert_accessible(page, "09-pledge-form")
    _main(page).get_by_label("Framework or initiative").fill("Skills-First Hiring Pledge")
    _main(page).get_by_label("Start date").fill(today.isoformat())
    _main(page).get_by_label("Target date").fill((today + timedelta(days=365)).isoformat())
    _main(page).get_by_label("Roles whose degree requirement you remove").fill("2")
    _main(page).get_by_label("Hires of people holding a skills credential").fill("5")
    _main(page).get_by_label("Hires of people without a four-year degree").fill("4")
    _main(page).get_by_label("Hires from priority groups").fill("1")
    _main(page).get_by_label("Wage floor").fill("45000")
    _main(page).get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Your draft pledge is saved.")).to_be_visible()
    assert_accessible(page, "10-pledge-draft")
    _main(page).get_by_role("link", name="Review and submit").click()
    _main(page).get_by_role("button", name="Submit the pledge").click()
    _problem(page)
    assert_accessible(page, "11-pledge-submit-errors")
    _main(page).get_by_label("These commitments are ours").check()
    _main(page).get_by_role("button", name="Submit the pledge").click()
    expect(page.get_by_text("Your pledge is submitted.")).to_be_visible()
    pledge = Pledge.objects.get(employer=employer)
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.credential_holder_hires_target == 5

    # ---- The program manager activates it from the queue of pledges waiting for a decision.
    staff.goto("/employers/pledges/")
    assert_accessible(staff, "12-pledge-queue")
    _main(staff).get_by_role("link", name=EMPLOYER).click()
    assert_accessible(staff, "13-staff-pledge")
    _main(staff).get_by_role("button", name="Activate").click()
    expect(staff.get_by_text("The pledge is active and public.")).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE

    # ---- The representative lists a job role that needs one of the worker's verified skills.
    page.goto(f"/employers/{employer.pk}/")
    _main(page).get_by_role("link", name=re.compile(r"^Job roles")).click()
    _main(page).get_by_role("link", name="Add a job role").click()
    assert_accessible(page, "14-job-role-form")
    _main(page).get_by_label("Job title").fill(ROLE_TITLE)
    _main(page).get_by_label("Skills the role needs").select_option(label=networking.label)
    _main(page).get_by_label("The role required a four-year degree before the pledge").check()
    _main(page).get_by_label("Work sample").check()
    _main(page).get_by_label("Lowest annual pay").fill("48000")
    _main(page).get_by_label("Highest annual pay").fill("60000")
    _main(page).get_by_role("combobox", name=re.compile(r"^Pledge")).select_option(value=str(pledge.pk))
    _main(page).get_by_role("button", name="Save the job role").click()
    expect(page.get_by_text(f"Job role “{ROLE_TITLE}” saved.")).to_be_visible()
    assert_accessible(page, "15-job-roles")
    role = JobRole.objects.get(employer=employer)
    assert list(role.skills.all()) == [networking]

    # ---- ... finds the opted-in candidate and records the hire, first without the start date.
    _main(page).get_by_role("link", name=f"Candidates for {ROLE_TITLE}").click()
    expect(_candidate(page, worker.full_name)).to_be_visible()
    assert_accessible(page, "16-candidates")
    card = _candidate(page, worker.full_name)
    card.get_by_text("Record a hire").click()
    card.get_by_label("Annual pay in USD").fill("52000")
    card.get_by_role("button", name=re.compile(r"^Record the hire")).click()
    _problem(page)
    assert_accessible(page, "17-hire-errors")
    assert not Hire.objects.exists()
    card = _candidate(page, worker.full_name)
    card.get_by_label("Date the person started").fill(today.isoformat())
    card.get_by_label("Annual pay in USD").fill("52000")
    card.get_by_label("No", exact=True).check()
    card.get_by_role("button", name=re.compile(r"^Record the hire")).click()
    expect(page.get_by_text(f"The hire of {worker.full_name} as {ROLE_TITLE} is recorded.")).to_be_visible()
    expect(_candidate(page, worker.full_name).get_by_text("Hired on")).to_be_visible()
    assert_accessible(page, "18-hire-recorded")
    hire = Hire.objects.get(worker=worker)
    assert (hire.employer_id, hire.pledge_id, hire.job_role_id) == (employer.pk, pledge.pk, role.pk)
    assert hire.has_four_year_degree is False
