"""An employer representative files for an employee: the employee is named and invited to link their
account, the employer is the payee, and the program's employer caps and employer rules apply."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.exceptions import Conflict, NotAllowed
from employers.models import Employer
from grants.applications import services
from grants.applications.employer import (
    employee_link_confirm,
    employee_link_decline,
    employee_link_token,
    employer_application_create,
)
from grants.models import Application
from grants.payments.services import payee_for
from grants.permissions import applications_visible_to
from programs.models import Program
from programs.services import cap_rule_add, eligibility_rule_add
from tests.accounts.factories import PASSWORD, user_with_role
from tests.employers.factories import EmployerFactory, new_representative_of, representative_of
from tests.grants.factories import funded_setup, worker_with_profile

pytestmark = pytest.mark.django_db
S = Application.Status


def _employer_program(**fields: object):  # type: ignore[no-untyped-def]
    return funded_setup(
        applicant_type=Program.ApplicantType.EMPLOYER,
        payment_model=Program.PaymentModel.REIMBURSEMENT,
        cost=Decimal("1500.00"),
        **fields,
    )


def _file(employer: Employer, program, credential, email: str = "pat.employee@example.test", **kwargs):  # type: ignore[no-untyped-def]
    return employer_application_create(
        actor=representative_of(employer),
        employer=employer,
        program=program,
        credential=credential,
        amount_requested=kwargs.pop("amount", "1500.00"),
        employee_email=email,
        employee_name="Pat Employee",
        **kwargs,
    )


def test_filing_for_a_new_employee_opens_an_inactive_account_and_invites_them(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = _employer_program()
    employer = EmployerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application = _file(employer, program, credential)
    employee = application.applicant
    assert employee.email == "pat.employee@example.test"
    assert not employee.is_active
    assert not employee.has_usable_password()
    assert Role.WORKER in employee.role_names
    assert application.employer == employer
    assert application.filed_by == representative_of(employer)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat.employee@example.test"]
    assert (
        employee_link_token(application)[:10] in mail.outbox[0].body
        or "/applications/link/" in mail.outbox[0].body
    )


def test_filing_for_an_existing_worker_links_their_account_when_they_confirm() -> None:
    program, _manager, credential = _employer_program()
    worker = worker_with_profile()
    employer = EmployerFactory()
    application = _file(employer, program, credential, email=worker.email.upper())
    assert application.applicant == worker
    assert worker.notices.filter(subject__icontains="applied for training funding").exists()
    with pytest.raises(NotAllowed):
        employee_link_confirm(actor=representative_of(employer), application=application)
    linked = employee_link_confirm(actor=worker, application=application)
    assert linked.employee_linked_at is not None


def test_the_employee_may_decline_and_the_application_is_withdrawn() -> None:
    program, _manager, credential = _employer_program()
    worker = worker_with_profile()
    employer = EmployerFactory()
    application = _file(employer, program, credential, email=worker.email)
    employee_link_decline(actor=worker, application=application, reason="I do not work there.")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.filed_by.notices.filter(subject__icontains="declined").exists()


@pytest.mark.parametrize(
    "case", ["pending_employer", "other_rep", "worker_program", "staff_email", "own_email"]
)
def test_refusals_change_nothing(case: str) -> None:
    program, _manager, credential = _employer_program()
    employer = EmployerFactory(
        status=Employer.Status.PENDING if case == "pending_employer" else Employer.Status.VERIFIED
    )
    actor = representative_of(EmployerFactory()) if case == "other_rep" else representative_of(employer)
    if case == "worker_program":
        program, _manager, credential = funded_setup()
    email = {
        "staff_email": user_with_role(Role.PROGRAM_MANAGER).email,
        "own_email": actor.email,
    }.get(case, "someone@example.test")
    users_before = User.objects.count()
    with pytest.raises((ValidationError, NotAllowed, Conflict)):
        employer_application_create(
            actor=actor,
            employer=employer,
            program=program,
            credential=credential,
            amount_requested="1500.00",
            employee_email=email,
            employee_name="Someone",
        )
    assert not Application.objects.exists()
    assert User.objects.count() == users_before


def test_a_worker_cannot_use_the_employer_path_nor_the_worker_path_for_an_employer_program() -> None:
    program, _manager, credential = _employer_program()
    worker = worker_with_profile()
    with pytest.raises(NotAllowed):
        employer_application_create(
            actor=worker,
            employer=EmployerFactory(),
            program=program,
            credential=credential,
            amount_requested="100",
            employee_email="x@example.test",
            employee_name="X",
        )
    with pytest.raises(ValidationError):
        services.application_create(
            actor=worker, program=program, credential=credential, amount_requested="100"
        )


def test_employer_caps_bind_and_the_employer_is_the_payee() -> None:
    program, manager, credential = _employer_program()
    cap_rule_add(actor=manager, program=program, scope="per_employer_round", amount="2000.00")
    employer = EmployerFactory()
    first = _file(employer, program, credential, email="one@example.test")
    services.application_submit(actor=first.filed_by, application=first)
    services.application_begin_review(actor=manager, application=first)
    services.application_approve(actor=manager, application=first)
    second = _file(employer, program, credential, email="two@example.test")
    caps = services.assess(second)["caps"]
    assert caps.maximum == Decimal("500.00")
    assert "employer" in caps.explanation
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=second.filed_by, application=second)
    assert "amount_requested" in error.value.message_dict
    # Another employer has its own allowance.
    other = _file(EmployerFactory(), program, credential, email="three@example.test")
    assert services.assess(other)["caps"].maximum == Decimal("1500.00")
    first.refresh_from_db()
    first = Application.objects.select_related("program", "credential__provider", "employer").get(pk=first.pk)
    assert payee_for(first)[:2] == ("employer", employer.legal_name)


def test_employer_rules_read_the_employer() -> None:
    program, manager, credential = _employer_program()
    eligibility_rule_add(
        actor=manager, program=program, kind="employer_size_class", parameters={"size_classes": ["1-50"]}
    )
    small = _file(EmployerFactory(size_class="1-50"), program, credential, email="a@example.test")
    large = _file(EmployerFactory(size_class="201+"), program, credential, email="b@example.test")
    assert services.assess(small)["eligibility"].eligible
    assert not services.assess(large)["eligibility"].eligible


def test_colleagues_share_the_employers_applications_and_others_do_not_see_them() -> None:
    program, _manager, credential = _employer_program()
    employer = EmployerFactory()
    application = _file(employer, program, credential)
    colleague = new_representative_of(employer)
    stranger = representative_of(EmployerFactory())
    assert applications_visible_to(colleague).filter(pk=application.pk).exists()
    assert not applications_visible_to(stranger).filter(pk=application.pk).exists()
    services.application_update(actor=colleague, application=application, statement="Updated by a colleague")
    with pytest.raises(NotAllowed):
        services.application_update(actor=stranger, application=application, statement="No")


def test_retention_claim_is_confirmed_by_the_employer() -> None:
    from datetime import timedelta

    from grants.awards.services import award_enrol, completion_claim
    from tests.grants.factories import pdf_upload

    program, manager, credential = _employer_program(retention_period_months=6)
    employer = EmployerFactory()
    application = _file(employer, program, credential)
    rep = application.filed_by
    services.application_submit(actor=rep, application=application)
    services.application_begin_review(actor=manager, application=application)
    services.application_approve(actor=manager, application=application)
    today = timezone.localdate()
    award_enrol(actor=rep, application=application, training_start_date=today)
    Application.objects.filter(pk=application.pk).update(training_start_date=today - timedelta(days=300))
    completed = today - timedelta(days=200)
    with pytest.raises(ValidationError) as error:
        completion_claim(
            actor=rep,
            application=application,
            completed_on=completed,
            certificate=pdf_upload(),
            employed_through=today - timedelta(days=100),
        )
    assert "employed_through" in error.value.message_dict
    claim = completion_claim(
        actor=rep,
        application=application,
        completed_on=completed,
        certificate=pdf_upload(),
        employed_through=today,
    )
    assert claim.retention_confirmed_by == rep


# ---------------------------------------------------------------- pages


def test_representative_starts_an_employee_application_from_the_page(client) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = _employer_program()
    employer = EmployerFactory()
    rep = representative_of(employer)
    client.force_login(rep)
    url = reverse("grants:employer_application_start", args=[program.code])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="employee_email"' in page.content.decode()
    bad = client.post(
        url,
        {
            "employer": employer.pk,
            "employee_name": "",
            "employee_email": "nope",
            "credential": credential.pk,
            "amount_requested": "1500.00",
        },
    )
    assert bad.status_code == 200
    assert not Application.objects.exists()
    done = client.post(
        url,
        {
            "employer": employer.pk,
            "employee_name": "Pat Employee",
            "employee_email": "pat@example.test",
            "credential": credential.pk,
            "amount_requested": "1500.00",
            "statement": "",
        },
    )
    application = Application.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("grants:application_edit", args=[application.pk])
    assert application.employer == employer
    # A worker is refused the page.
    client.force_login(worker_with_profile())
    assert client.get(url).status_code == 403


def test_new_employee_activates_their_account_from_the_invitation(client) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = _employer_program()
    application = _file(EmployerFactory(), program, credential)
    url = reverse("grants:employee_link", args=[employee_link_token(application)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Activate" in page.content.decode()
    mismatch = client.post(url, {"password": PASSWORD, "password_again": PASSWORD + "x"})
    assert mismatch.status_code == 200
    application.applicant.refresh_from_db()
    assert not application.applicant.is_active
    done = client.post(url, {"password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302
    employee = User.objects.get(pk=application.applicant_id)
    assert employee.is_active
    assert employee.email_verified_at is not None
    application.refresh_from_db()
    assert application.employee_linked_at is not None
    assert client.get(reverse("grants:application_detail", args=[application.pk])).status_code == 200


def test_invitation_links_refuse_strangers_and_forgeries(client) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = _employer_program()
    worker = worker_with_profile()
    application = _file(EmployerFactory(), program, credential, email=worker.email)
    url = reverse("grants:employee_link", args=[employee_link_token(application)])
    assert client.get(reverse("grants:employee_link", args=["forged-token"])).status_code == 404
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(worker_with_profile())
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "decline"}).status_code == 404
    application.refresh_from_db()
    assert application.status == S.DRAFT
    client.force_login(worker)
    assert client.post(url, {"action": "confirm"}).status_code == 302
    application.refresh_from_db()
    assert application.employee_linked_at is not None


# ---------------------------------------------------------------- API


def test_api_representative_files_for_an_employee(api_client) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = _employer_program()
    employer = EmployerFactory()
    api_client.force_authenticate(representative_of(employer))
    body = {
        "program": program.code,
        "credential": credential.pk,
        "amount_requested": "1500.00",
        "employer": employer.pk,
        "employee_email": "sam@example.test",
        "employee_name": "Sam Employee",
    }
    missing = {key: value for key, value in body.items() if key != "employee_name"}
    assert api_client.post("/api/v1/applications/", missing, format="json").status_code == 400
    stranger = {**body, "employer": EmployerFactory().pk}
    other = api_client.post("/api/v1/applications/", stranger, format="json")
    assert other.status_code == 400
    assert "employer" in str(other.json())
    assert not Application.objects.exists()
    created = api_client.post("/api/v1/applications/", body, format="json")
    assert created.status_code == 201, created.json()
    application = Application.objects.get()
    assert application.employer == employer
    assert application.applicant.email == "sam@example.test"


def test_api_a_worker_cannot_file_for_an_employer(api_client) -> None:  # type: ignore[no-untyped-def]
    program, _manager, credential = _employer_program()
    employer = EmployerFactory()
    api_client.force_authenticate(worker_with_profile())
    response = api_client.post(
        "/api/v1/applications/",
        {
            "program": program.code,
            "credential": credential.pk,
            "amount_requested": "1500.00",
            "employer": employer.pk,
            "employee_email": "sam@example.test",
            "employee_name": "Sam",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Application.objects.exists()
