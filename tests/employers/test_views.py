"""The employer pages: registration, representatives and invitations, pledges, job roles, quarterly
reports and their evidence, the staff pages, and the public page of pledges.

Every page is tried by four callers: anonymous (sent to sign in, except the public pages), the wrong
role (403), another employer's representative (404, nothing changed) and the right party."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from employers.models import (
    Employer,
    EmployerEvent,
    JobRole,
    Pledge,
    PledgeEvent,
    ProgressReport,
    Representative,
)
from tests.accounts.factories import user_with_role
from tests.employers.factories import (
    PAYROLL_CSV,
    EmployerFactory,
    HireFactory,
    JobRoleFactory,
    PledgeFactory,
    ProgressReportFactory,
    new_representative_of,
    representative_of,
)
from tests.programs.factories import OccupationFactory, SkillFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
EXECUTABLE = b"MZ\x90\x00" + b"\x00" * 200
# Words that belong to candidates' demographics; employer-facing pages never carry them.
DEMOGRAPHIC_WORDS = ("race", "ethnicity", "veteran", "disability", "date of birth", "household income")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def assert_one_h1(html: str) -> None:
    assert html.count("<h1") == 1


def last_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def active_setup() -> tuple[Employer, Pledge, object]:
    employer = EmployerFactory()
    pledge = PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    return employer, pledge, representative_of(employer)


def employer_form(**overrides: str) -> dict[str, str]:
    data = {
        "legal_name": "Acme Widgets Inc.",
        "trading_name": "Acme",
        "registration_number": "123456789",
        "naics_code": "332",
        "size_class": "51-200",
        "region": "North",
        "address": "1 Factory Road, Springfield",
        "website": "https://acme.example.test/",
    }
    data.update(overrides)
    return data


def pledge_form(**overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "framework_name": "Skills-First Hiring Pledge",
        "start_date": today.isoformat(),
        "target_date": (today + timedelta(days=365)).isoformat(),
        "roles_converted_target": "3",
        "credential_holder_hires_target": "10",
        "non_degree_hires_target": "5",
        "priority_group_hires_target": "0",
        "wage_floor": "45000",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- who may open what


def rep_pages(employer: Employer, pledge: Pledge, report: ProgressReport, role: JobRole) -> list[str]:
    return [
        reverse("employers:employer_detail", args=[employer.pk]),
        reverse("employers:employer_edit", args=[employer.pk]),
        reverse("employers:representatives", args=[employer.pk]),
        reverse("employers:pledge_create", args=[employer.pk]),
        reverse("employers:job_role_list", args=[employer.pk]),
        reverse("employers:job_role_create", args=[employer.pk]),
        reverse("employers:job_role_edit", args=[role.pk]),
        reverse("employers:pledge_detail", args=[pledge.pk]),
        reverse("employers:pledge_withdraw", args=[pledge.pk]),
        reverse("employers:report_create", args=[pledge.pk]),
        reverse("employers:report_detail", args=[report.pk]),
        reverse("employers:report_evidence", args=[report.pk]),
    ]


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    employer, pledge, representative = active_setup()
    report = ProgressReportFactory(pledge=pledge, year=2025, quarter=1)
    role = JobRoleFactory(employer=employer, pledge=pledge)
    return employer, pledge, report, role, representative


def test_anonymous_callers_are_sent_to_sign_in(client, records) -> None:
    employer, pledge, report, role, _rep = records
    urls = rep_pages(employer, pledge, report, role) + [
        reverse("employers:my_employers"),
        reverse("employers:employer_register"),
        reverse("employers:employer_list"),
        reverse("employers:pledge_queue"),
        reverse("employers:invitation_accept", args=["some-token"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SIGN_IN), url


def test_the_wrong_role_is_refused(client, records) -> None:
    employer, pledge, report, role, _rep = records
    for role_name in (Role.WORKER, Role.REVIEWER, Role.OFFICIAL, Role.FINANCE_OFFICER):
        client.force_login(user_with_role(role_name))
        for url in rep_pages(employer, pledge, report, role) + [
            reverse("employers:employer_list"),
            reverse("employers:pledge_queue"),
            reverse("employers:employer_register"),
        ]:
            assert client.get(url).status_code == 403, (role_name, url)


def test_another_employers_representative_gets_404_and_changes_nothing(client, records) -> None:
    employer, pledge, report, role, _rep = records
    outsider = representative_of(EmployerFactory())
    client.force_login(outsider)
    for url in rep_pages(employer, pledge, report, role):
        assert client.get(url).status_code == 404, url
    before = (
        EmployerEvent.objects.count(),
        PledgeEvent.objects.count(),
        Representative.objects.count(),
        ProgressReport.objects.count(),
    )
    posts = {
        reverse("employers:employer_edit", args=[employer.pk]): employer_form(legal_name="Hijacked"),
        reverse("employers:representatives", args=[employer.pk]): {"email": "spy@example.test"},
        reverse("employers:pledge_withdraw", args=[pledge.pk]): {"reason": "mine now"},
        reverse("employers:job_role_close", args=[role.pk]): {},
        reverse("employers:pledge_create", args=[employer.pk]): pledge_form(),
        reverse("employers:report_verify", args=[report.pk]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code in (403, 404), url
    employer.refresh_from_db()
    pledge.refresh_from_db()
    role.refresh_from_db()
    assert employer.legal_name != "Hijacked"
    assert pledge.status == Pledge.Status.ACTIVE
    assert role.is_open is True
    assert before == (
        EmployerEvent.objects.count(),
        PledgeEvent.objects.count(),
        Representative.objects.count(),
        ProgressReport.objects.count(),
    )
    assert mail.outbox == []


def test_staff_pages_refuse_representatives(client, records) -> None:
    employer, pledge, report, _role, representative = records
    client.force_login(representative)
    assert client.get(reverse("employers:employer_list")).status_code == 403
    assert client.get(reverse("employers:pledge_queue")).status_code == 403
    for url, data in {
        reverse("employers:employer_suspend", args=[employer.pk]): {"suspend-reason": "x"},
        reverse("employers:pledge_fulfil", args=[pledge.pk]): {},
        reverse("employers:report_verify", args=[report.pk]): {},
        reverse("employers:report_return", args=[report.pk]): {"return-note": "x"},
    }.items():
        assert client.post(url, data).status_code == 403, url
    employer.refresh_from_db()
    report.refresh_from_db()
    assert (employer.status, report.status) == (Employer.Status.VERIFIED, ProgressReport.Status.SUBMITTED)


# ---------------------------------------------------------------- registration and the employer page


def test_register_an_employer_then_see_its_page(client) -> None:
    person = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    client.force_login(person)
    html = page(client.get(reverse("employers:my_employers")))
    assert_one_h1(html)
    assert "You do not act for an employer yet" in html
    html = page(client.get(reverse("employers:employer_register")))
    assert_one_h1(html)
    response = client.post(reverse("employers:employer_register"), employer_form())
    employer = Employer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:employer_detail", args=[employer.pk])
    assert (employer.registration_number, employer.status) == ("12-3456789", Employer.Status.PENDING)
    assert Representative.objects.filter(employer=employer, user=person, removed_at__isnull=True).exists()
    # "My employer" leads straight to the one employer.
    assert client.get(reverse("employers:my_employers"))["Location"] == response["Location"]
    html = page(client.get(response["Location"]))
    assert_one_h1(html)
    assert "Awaiting verification" in html
    assert "Agency staff are checking your registration" in html
    assert "12-3456789" in html


def test_a_duplicate_registration_number_is_refused_on_its_field(client) -> None:
    EmployerFactory(registration_number="12-3456789")
    client.force_login(user_with_role(Role.EMPLOYER_REPRESENTATIVE))
    response = client.post(reverse("employers:employer_register"), employer_form())
    assert response.status_code == 200
    html = page(response)
    assert 'id="id_registration_number_error"' in html
    assert "An employer with this registration number is already registered. Ask its representative" in html
    assert Employer.objects.count() == 1


def test_registration_errors_are_shown_beside_the_fields(client) -> None:
    client.force_login(user_with_role(Role.EMPLOYER_REPRESENTATIVE))
    response = client.post(
        reverse("employers:employer_register"),
        employer_form(registration_number="00-1234567", naics_code="99"),
    )
    html = page(response)
    assert "00 is not a prefix the IRS issues" in html
    assert "99 is not a NAICS sector" in html
    assert 'aria-invalid="true"' in html
    assert Employer.objects.count() == 0


def test_edit_the_employer_and_the_number_is_locked_once_verified(client) -> None:
    employer = EmployerFactory(status=Employer.Status.PENDING)
    client.force_login(representative_of(employer))
    url = reverse("employers:employer_edit", args=[employer.pk])
    assert 'name="registration_number"' in page(client.get(url))
    response = client.post(url, employer_form(legal_name="Renamed LLC", registration_number="201234567"))
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.legal_name, employer.registration_number) == ("Renamed LLC", "20-1234567")

    verified = EmployerFactory()
    client.force_login(representative_of(verified))
    url = reverse("employers:employer_edit", args=[verified.pk])
    html = page(client.get(url))
    assert 'name="registration_number"' not in html
    assert "cannot be changed here" in html
    data = employer_form(legal_name="")
    del data["registration_number"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'id="id_legal_name_error"' in page(response)


def test_a_suspended_employer_shows_why(client) -> None:
    employer = EmployerFactory(status=Employer.Status.SUSPENDED)
    EmployerEvent.objects.create(
        employer=employer,
        action="suspended",
        from_status="verified",
        to_status="suspended",
        reason="Tax fraud.",
    )
    client.force_login(representative_of(employer))
    html = page(client.get(reverse("employers:employer_detail", args=[employer.pk])))
    assert "Tax fraud." in html
    assert "Change the details" not in html
    assert client.get(reverse("employers:employer_edit", args=[employer.pk])).status_code == 302


# ---------------------------------------------------------------- representatives and invitations


def test_invite_a_colleague_who_accepts(client, django_capture_on_commit_callbacks) -> None:
    employer = EmployerFactory()
    client.force_login(representative_of(employer))
    url = reverse("employers:representatives", args=[employer.pk])
    assert_one_h1(page(client.get(url)))
    response = client.post(url, {"email": "not-an-email"})
    assert response.status_code == 400
    assert 'id="id_email_error"' in page(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "colleague@example.test"})
    assert response.status_code == 302
    link = re.search(r"/employers/invitations/[\w-]+/", mail.outbox[-1].body)
    assert link is not None
    assert "colleague@example.test" in page(client.get(url))

    colleague = user_with_role(Role.EMPLOYER_REPRESENTATIVE, email="colleague@example.test")
    client.force_login(colleague)
    html = page(client.get(link.group(0)))
    assert_one_h1(html)
    assert employer.display_name in html
    response = client.post(link.group(0))
    assert response.status_code == 302
    assert Representative.objects.filter(employer=employer, user=colleague, removed_at__isnull=True).exists()
    # Used once only: the page says so.
    response = client.post(link.group(0))
    assert response.status_code == 400
    assert "already been used" in page(response)


def test_an_invitation_for_someone_else_is_refused_with_a_reason(
    client, django_capture_on_commit_callbacks
) -> None:
    employer = EmployerFactory()
    client.force_login(representative_of(employer))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("employers:representatives", args=[employer.pk]), {"email": "right@example.test"})
    link = re.search(r"/employers/invitations/[\w-]+/", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    stranger = user_with_role(Role.EMPLOYER_REPRESENTATIVE, email="wrong@example.test")
    client.force_login(stranger)
    html = page(client.get(link))
    assert employer.display_name not in html
    response = client.post(link)
    assert response.status_code == 400
    assert "sent to another email address" in page(response)
    assert not Representative.objects.filter(user=stranger).exists()


def test_remove_a_representative_with_a_reason(client) -> None:
    employer = EmployerFactory()
    me = representative_of(employer)
    colleague = new_representative_of(employer)
    client.force_login(me)
    link = Representative.objects.get(employer=employer, user=colleague)
    url = reverse("employers:representative_remove", args=[employer.pk, link.pk])
    assert_one_h1(page(client.get(url)))
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Say why they are being removed." in page(response)
    link.refresh_from_db()
    assert link.removed_at is None
    response = client.post(url, {"reason": "Left the company."})
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.removal_reason, link.removed_by) == ("Left the company.", me)
    html = page(client.get(reverse("employers:representatives", args=[employer.pk])))
    assert "Left the company." in html
    assert "The last representative cannot be removed" in html
    # The last one cannot be removed.
    mine = Representative.objects.get(employer=employer, user=me)
    response = client.post(
        reverse("employers:representative_remove", args=[employer.pk, mine.pk]), {"reason": "Leaving."}
    )
    assert response.status_code == 200
    assert "at least one representative" in page(response)
    mine.refresh_from_db()
    assert mine.removed_at is None


# ---------------------------------------------------------------- pledges


def test_pledge_draft_edit_submit_then_staff_return_and_activate(client) -> None:
    employer = EmployerFactory()
    representative = representative_of(employer)
    client.force_login(representative)
    response = client.post(reverse("employers:pledge_create", args=[employer.pk]), pledge_form())
    pledge = Pledge.objects.get()
    assert response["Location"] == reverse("employers:pledge_detail", args=[pledge.pk])
    html = page(client.get(response["Location"]))
    assert_one_h1(html)
    assert "Not sent yet" in html

    edit = reverse("employers:pledge_edit", args=[pledge.pk])
    response = client.post(edit, pledge_form(target_date=timezone.localdate().isoformat()))
    assert response.status_code == 200
    assert "The target date must be after the start date." in page(response)
    assert client.post(edit, pledge_form(framework_name="Better Jobs Pledge")).status_code == 302
    pledge.refresh_from_db()
    assert pledge.framework_name == "Better Jobs Pledge"

    submit = reverse("employers:pledge_submit", args=[pledge.pk])
    assert "Confirm the commitments" in page(client.post(submit, {}))
    assert client.post(submit, {"confirm": "on"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED

    manager = user_with_role(Role.PROGRAM_MANAGER)
    client.force_login(manager)
    queue = page(client.get(reverse("employers:pledge_queue")))
    assert employer.display_name in queue
    response = client.post(reverse("employers:pledge_return", args=[pledge.pk]), {"return-reason": ""})
    assert response.status_code == 400
    assert "Give a reason." in page(response)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    client.post(reverse("employers:pledge_return", args=[pledge.pk]), {"return-reason": "Add a wage floor."})
    pledge.refresh_from_db()
    assert (pledge.status, pledge.staff_note) == (Pledge.Status.RETURNED, "Add a wage floor.")

    client.force_login(representative)
    html = page(client.get(reverse("employers:pledge_detail", args=[pledge.pk])))
    assert "Add a wage floor." in html
    client.post(submit, {"confirm": "on"})
    client.force_login(manager)
    response = client.post(reverse("employers:pledge_activate", args=[pledge.pk]), {"activate-reason": ""})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE


def test_a_pending_employers_pledge_cannot_be_activated(client) -> None:
    pledge = PledgeFactory(
        employer=EmployerFactory(status=Employer.Status.PENDING), status=Pledge.Status.SUBMITTED
    )
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(reverse("employers:pledge_activate", args=[pledge.pk]), {})
    assert response.status_code == 400
    assert "Verify the employer" in page(response)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_withdraw_a_pledge_needs_a_reason(client) -> None:
    _employer, pledge, representative = active_setup()
    client.force_login(representative)
    url = reverse("employers:pledge_withdraw", args=[pledge.pk])
    assert "Say why you are withdrawing" in page(client.post(url, {"reason": ""}))
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE
    assert client.post(url, {"reason": "Hiring freeze."}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert pledge.events.filter(action="withdrawn", reason="Hiring freeze.").exists()


def test_fulfil_only_when_verified_figures_meet_the_targets(client) -> None:
    _employer, pledge, _rep = active_setup()
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    url = reverse("employers:pledge_fulfil", args=[pledge.pk])
    assert client.post(url, {}).status_code == 400
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE
    ProgressReportFactory(
        pledge=pledge,
        status=ProgressReport.Status.VERIFIED,
        roles_converted=4,
        hires_total=10,
        hires_credential_holders=10,
        hires_without_degree=8,
        hires_priority_groups=3,
    )
    assert client.post(url, {}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.FULFILLED


def test_pledge_page_shows_verified_progress_and_unverified_hires_apart(client) -> None:
    employer, pledge, representative = active_setup()
    ProgressReportFactory(
        pledge=pledge,
        status=ProgressReport.Status.VERIFIED,
        year=2025,
        quarter=1,
        hires_total=6,
        hires_credential_holders=5,
        hires_without_degree=4,
        hires_priority_groups=1,
    )
    ProgressReportFactory(pledge=pledge, year=2025, quarter=2, hires_credential_holders=9, hires_total=9)
    HireFactory(job_role=JobRoleFactory(employer=employer, pledge=pledge))
    client.force_login(representative)
    html = page(client.get(reverse("employers:pledge_detail", args=[pledge.pk])))
    # Credential holders: 5 verified of 10 = 50 %; the submitted report's 9 does not count.
    assert re.search(
        r"Hires of credential holders</th>\s*<td[^>]*>10</td>\s*<td[^>]*>5</td>\s*<td[^>]*>50%", html
    )
    assert "Also one hire recorded by the employer, to be verified" in html
    for word in DEMOGRAPHIC_WORDS:
        assert word not in html.lower()


# ---------------------------------------------------------------- job roles


def test_add_change_and_close_a_job_role(client) -> None:
    employer, pledge, representative = active_setup()
    skills = SkillFactory.create_batch(3)
    occupation = OccupationFactory(code="15-1232.00")
    client.force_login(representative)
    url = reverse("employers:job_role_create", args=[employer.pk])
    assert_one_h1(page(client.get(url)))
    data = {
        "title": "Help desk technician",
        "occupation_code": "15-1232.00",
        "skills": [skills[0].pk, skills[2].pk],
        "degree_required_before": "on",
        "assessment_method": "work_sample",
        "wage_min": "48000",
        "wage_max": "40000",
        "open_positions": "2",
        "region": "",
        "pledge": str(pledge.pk),
    }
    response = client.post(url, data)
    assert "The highest pay must be at least the lowest pay." in page(response)
    assert JobRole.objects.count() == 0
    response = client.post(url, {**data, "occupation_code": "99-9999.99"})
    assert "is not an occupation in the catalog" in page(response)
    response = client.post(url, {**data, "wage_max": "56000"})
    assert response.status_code == 302
    role = JobRole.objects.get()
    assert (role.occupation, role.pledge, role.degree_requirement_removed) == (occupation, pledge, True)
    assert set(role.skills.all()) == {skills[0], skills[2]}

    edit = reverse("employers:job_role_edit", args=[role.pk])
    assert f'value="{skills[2].pk}" selected' in page(client.get(edit))
    client.post(edit, {**data, "wage_max": "56000", "title": "Support technician", "skills": [skills[1].pk]})
    role.refresh_from_db()
    assert role.title == "Support technician"
    assert list(role.skills.all()) == [skills[1]]

    html = page(client.get(reverse("employers:job_role_list", args=[employer.pk])))
    assert "Support technician" in html
    assert skills[1].label in html
    client.post(reverse("employers:job_role_close", args=[role.pk]))
    role.refresh_from_db()
    assert role.is_open is False


# ---------------------------------------------------------------- progress reports and evidence


def test_report_a_quarter_then_staff_correct_and_verify_it(client, media_root) -> None:
    _employer, pledge, representative = active_setup()
    year, quarter = last_quarter()
    client.force_login(representative)
    url = reverse("employers:report_create", args=[pledge.pk])
    assert_one_h1(page(client.get(url)))
    figures = {
        "year": str(year),
        "quarter": str(quarter),
        "roles_converted": "2",
        "hires_total": "5",
        "hires_credential_holders": "3",
        "hires_without_degree": "4",
        "hires_priority_groups": "1",
    }
    refused = client.post(
        url, {**figures, "evidence": SimpleUploadedFile("payroll.csv", EXECUTABLE, content_type="text/csv")}
    )
    assert refused.status_code == 400
    assert 'id="id_evidence_error"' in page(refused)
    assert ProgressReport.objects.count() == 0
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
    too_many = client.post(
        url,
        {**figures, "hires_without_degree": "9", "evidence": SimpleUploadedFile("payroll.csv", PAYROLL_CSV)},
    )
    assert "cannot be more than the hires in total" in page(too_many)
    response = client.post(url, {**figures, "evidence": SimpleUploadedFile("payroll.csv", PAYROLL_CSV)})
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("employers:report_detail", args=[report.pk])
    html = page(client.get(response["Location"]))
    assert "Submitted, awaiting verification" in html
    assert "Verify the figures" not in html

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get(response["Location"]))
    assert "Verify the figures" in html
    verify = reverse("employers:report_verify", args=[report.pk])
    bad = client.post(verify, {"verify-verified_hires_total": "-1"})
    assert bad.status_code == 400
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    response = client.post(
        verify,
        {
            "verify-verified_roles_converted": "2",
            "verify-verified_hires_total": "5",
            "verify-verified_hires_credential_holders": "3",
            "verify-verified_hires_without_degree": "2",
            "verify-verified_hires_priority_groups": "1",
            "verify-note": "Two hires hold degrees.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.verified_hires_without_degree, report.hires_without_degree) == (
        ProgressReport.Status.VERIFIED,
        2,
        4,
    )
    client.force_login(representative)
    html = page(client.get(reverse("employers:report_detail", args=[report.pk])))
    assert "Two hires hold degrees." in html
    assert "(corrected)" in html


def test_a_returned_report_is_corrected_and_sent_again(client) -> None:
    _employer, pledge, representative = active_setup()
    year, quarter = last_quarter()
    report = ProgressReportFactory(pledge=pledge, year=year, quarter=quarter)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    back = reverse("employers:report_return", args=[report.pk])
    assert client.post(back, {"return-note": ""}).status_code == 400
    client.post(back, {"return-note": "The extract is for the wrong quarter."})
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED

    client.force_login(representative)
    html = page(client.get(reverse("employers:report_detail", args=[report.pk])))
    assert "The extract is for the wrong quarter." in html
    again = reverse("employers:report_create", args=[pledge.pk]) + f"?year={year}&quarter={quarter}"
    assert f'value="{year}"' in page(client.get(again))
    client.post(
        again,
        {
            "year": str(year),
            "quarter": str(quarter),
            "roles_converted": "1",
            "hires_total": "2",
            "hires_credential_holders": "1",
            "hires_without_degree": "1",
            "hires_priority_groups": "0",
            "evidence": SimpleUploadedFile("payroll.csv", PAYROLL_CSV),
        },
    )
    report.refresh_from_db()
    assert (report.status, report.hires_total) == (ProgressReport.Status.SUBMITTED, 2)


def test_evidence_is_served_privately_to_the_employer_and_staff(client) -> None:
    employer, pledge, representative = active_setup()
    report = ProgressReportFactory(pledge=pledge)
    url = reverse("employers:report_evidence", args=[report.pk])
    for caller in (representative, user_with_role(Role.ADMINISTRATOR)):
        client.force_login(caller)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PAYROLL_CSV
        assert response["Content-Type"].startswith("text/csv")
        assert response["Cache-Control"] == "private, no-store"
        assert "attachment" in response["Content-Disposition"]
    assert "/media/" not in page(client.get(reverse("employers:report_detail", args=[report.pk])))


# ---------------------------------------------------------------- staff: employers


def test_staff_verify_suspend_and_reinstate_with_history(client) -> None:
    employer = EmployerFactory(status=Employer.Status.PENDING)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    detail = reverse("employers:employer_detail", args=[employer.pk])
    html = page(client.get(detail))
    assert_one_h1(html)
    assert "Verify the employer" in html
    assert (
        client.post(
            reverse("employers:employer_verify", args=[employer.pk]), {"verify-reason": ""}
        ).status_code
        == 302
    )
    employer.refresh_from_db()
    assert employer.status == Employer.Status.VERIFIED

    suspend = reverse("employers:employer_suspend", args=[employer.pk])
    response = client.post(suspend, {"suspend-reason": ""})
    assert response.status_code == 400
    assert "Give a reason." in page(response)
    employer.refresh_from_db()
    assert employer.status == Employer.Status.VERIFIED
    client.post(suspend, {"suspend-reason": "Registration lapsed."})
    employer.refresh_from_db()
    assert employer.status == Employer.Status.SUSPENDED

    reinstate = reverse("employers:employer_reinstate", args=[employer.pk])
    assert client.post(reinstate, {"reinstate-reason": ""}).status_code == 400
    client.post(reinstate, {"reinstate-reason": "Registration renewed."})
    employer.refresh_from_db()
    assert employer.status == Employer.Status.VERIFIED
    html = page(client.get(detail))
    assert "Registration lapsed." in html
    assert "Registration renewed." in html
    # A stale second verify is refused with the service's message, nothing changes.
    events = employer.events.count()
    response = client.post(reverse("employers:employer_verify", args=[employer.pk]), {})
    assert response.status_code == 400
    assert employer.events.count() == events


def test_reinstating_is_only_for_a_suspended_employer(client) -> None:
    employer = EmployerFactory(status=Employer.Status.PENDING)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    reinstate = reverse("employers:employer_reinstate", args=[employer.pk])
    response = client.post(reinstate, {"reinstate-reason": "Looks fine."})
    assert response.status_code == 400  # refused by the service, as a stale verify is
    employer.refresh_from_db()
    assert employer.status == Employer.Status.PENDING
    assert employer.events.count() == 0


def test_employer_list_filters(client) -> None:
    EmployerFactory(legal_name="Alpha Metals LLC", trading_name="", naics_code="331110", size_class="201+")
    EmployerFactory(legal_name="Beta Clinics LLC", trading_name="", naics_code="621111", status="pending")
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    url = reverse("employers:employer_list")
    html = page(client.get(url))
    assert_one_h1(html)
    assert "Alpha Metals LLC" in html
    assert "Beta Clinics LLC" in html
    html = page(client.get(url, {"status": "pending"}))
    assert "Beta Clinics LLC" in html
    assert "Alpha Metals LLC" not in html
    html = page(client.get(url, {"sector": "33"}))
    assert "Alpha Metals LLC" in html
    assert "Beta Clinics LLC" not in html
    html = page(client.get(url, {"size_class": "201+", "q": "alpha"}))
    assert "Alpha Metals LLC" in html
    assert "Beta Clinics LLC" not in html
    assert client.get(url, {"status": "nonsense"}).status_code == 400


def test_the_queue_shows_pledges_flagged_in_name_only(client) -> None:
    flagged = PledgeFactory(
        status=Pledge.Status.ACTIVE, employer=EmployerFactory(legal_name="Hollow Corp", trading_name="")
    )
    for quarter in (1, 2):
        ProgressReportFactory(
            pledge=flagged,
            year=2025,
            quarter=quarter,
            status=ProgressReport.Status.VERIFIED,
            roles_converted=2,
            hires_total=10,
            hires_credential_holders=0,
            hires_without_degree=0,
            hires_priority_groups=0,
        )
    honest = PledgeFactory(
        status=Pledge.Status.ACTIVE, employer=EmployerFactory(legal_name="Real Corp", trading_name="")
    )
    for quarter in (1, 2):
        ProgressReportFactory(
            pledge=honest,
            year=2025,
            quarter=quarter,
            status=ProgressReport.Status.VERIFIED,
            roles_converted=2,
            hires_total=10,
            hires_credential_holders=5,
            hires_without_degree=6,
            hires_priority_groups=0,
        )
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get(reverse("employers:pledge_queue"), {"show": "flagged"}))
    assert "Hollow Corp" in html
    assert "Real Corp" not in html
    assert "In name only?" in html
    assert "Flag: degree requirements dropped in name only?" in page(
        client.get(reverse("employers:pledge_detail", args=[flagged.pk]))
    )


# ---------------------------------------------------------------- public


def test_public_pledges_show_only_public_pledges_and_verified_figures(client) -> None:
    shown = PledgeFactory(
        status=Pledge.Status.ACTIVE, employer=EmployerFactory(legal_name="Open Corp", trading_name="")
    )
    ProgressReportFactory(
        pledge=shown,
        year=2025,
        quarter=1,
        status=ProgressReport.Status.VERIFIED,
        hires_total=7,
        hires_credential_holders=7,
        hires_without_degree=3,
        hires_priority_groups=1,
    )
    ProgressReportFactory(pledge=shown, year=2025, quarter=2, hires_total=9, hires_credential_holders=9)
    done = PledgeFactory(
        status=Pledge.Status.FULFILLED, employer=EmployerFactory(legal_name="Done Corp", trading_name="")
    )
    hidden = [
        PledgeFactory(
            status=status, employer=EmployerFactory(legal_name=f"Hidden {status} Corp", trading_name="")
        )
        for status in ("draft", "submitted", "returned", "lapsed", "withdrawn")
    ]
    hidden.append(
        PledgeFactory(
            status=Pledge.Status.ACTIVE,
            employer=EmployerFactory(legal_name="Suspended Corp", trading_name="", status="suspended"),
        )
    )
    html = page(client.get(reverse("employers:public_pledge_list")))
    assert_one_h1(html)
    assert "Open Corp" in html
    assert "Done Corp" in html
    assert "Hidden" not in html
    assert "Suspended Corp" not in html
    assert "Hires of credential holders: 7 / 10" in html
    detail = page(client.get(reverse("employers:public_pledge_detail", args=[shown.pk])))
    assert_one_h1(detail)
    assert re.search(r"Hires of credential holders</th>\s*<td[^>]*>10</td>\s*<td[^>]*>7</td>", detail)
    assert ">16<" not in detail  # the unverified report's 9 is not added
    assert "to be verified" not in detail
    assert client.get(reverse("employers:public_pledge_detail", args=[done.pk])).status_code == 200
    for pledge in hidden:
        assert client.get(reverse("employers:public_pledge_detail", args=[pledge.pk])).status_code == 404
    landing = page(client.get(reverse("home")))
    assert reverse("employers:public_pledge_list") in landing


# ---------------------------------------------------------------- navigation


def test_navigation_items(client) -> None:
    client.force_login(user_with_role(Role.EMPLOYER_REPRESENTATIVE))
    html = page(client.get(reverse("employers:my_employers")))
    assert f'href="{reverse("employers:my_employers")}" aria-current="page">My employer' in html
    assert f'href="{reverse("employers:employer_list")}"' not in html
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    html = page(client.get(reverse("employers:employer_list")))
    assert f'href="{reverse("employers:pledge_queue")}">Pledges' in html


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("size", [2, 12])
def test_list_pages_query_counts_do_not_grow(client, django_assert_num_queries, size: int) -> None:
    employer = EmployerFactory()
    representative = representative_of(employer)
    skills = SkillFactory.create_batch(3)
    for index in range(size):
        other = EmployerFactory()
        pledge = PledgeFactory(
            employer=other, status=Pledge.Status.ACTIVE if index % 2 else Pledge.Status.SUBMITTED
        )
        ProgressReportFactory(pledge=pledge, year=2025, quarter=1, status=ProgressReport.Status.VERIFIED)
        HireFactory(job_role=JobRoleFactory(employer=other, pledge=pledge))
        JobRoleFactory(employer=employer, skills=skills[: 1 + index % 3], occupation=OccupationFactory())

    # The page of pledges with their verified sums (one query) and the count.
    with django_assert_num_queries(2):
        assert client.get(reverse("employers:public_pledge_list")).status_code == 200

    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    # Session, user, groups (role checks), count, the page.
    with django_assert_num_queries(5):
        assert client.get(reverse("employers:employer_list")).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("employers:pledge_queue"), {"show": "all"}).status_code == 200

    client.force_login(representative)
    # Session, user, groups, the employer, the representative check, count, the page, its skills.
    with django_assert_num_queries(8):
        assert client.get(reverse("employers:job_role_list", args=[employer.pk])).status_code == 200
