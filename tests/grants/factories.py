from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.roles import Role
from grants.applications import services
from grants.models import Application
from programs.models import Program
from tests.accounts.factories import user_with_role
from tests.programs.factories import CredentialFactory, ProgramCredentialFactory, open_program


def worker_with_profile(**profile: object):  # type: ignore[no-untyped-def]
    """A worker with a complete profile (region North, 36, unemployed, low income)."""
    worker = user_with_role(Role.WORKER)
    fields = {
        "region": "North",
        "date_of_birth": date(1990, 6, 1),
        "employment_status": "unemployed",
        "household_income_band": "under_25k",
        **profile,
    }
    services.worker_profile_save(user=worker, **fields)
    return worker


def funded_setup(
    *, budget: Decimal = Decimal("100000.00"), cost: Decimal = Decimal("1500.00"), **program_fields: object
):  # type: ignore[no-untyped-def]
    """An open program funding one credential, and its manager."""
    program, manager = open_program(budget=budget, **program_fields)
    credential = CredentialFactory(cost=cost)
    ProgramCredentialFactory(program=program, credential=credential)
    return program, manager, credential


def draft_application(
    *, worker=None, program: Program | None = None, credential=None, amount: str = "1500.00"
):  # type: ignore[no-untyped-def]
    if program is None:
        program, _manager, credential = funded_setup()
    worker = worker or worker_with_profile()
    return services.application_create(
        actor=worker, program=program, credential=credential, amount_requested=amount
    )


def submitted_application(**kwargs: object) -> Application:
    application = draft_application(**kwargs)
    return services.application_submit(actor=application.applicant, application=application)


def in_review_application(**kwargs: object) -> tuple[Application, object]:
    """An application in review, and a manager of its program."""
    application = submitted_application(**kwargs)
    manager = application.program.managers.first()
    return services.application_begin_review(actor=manager, application=application), manager


# ---------------------------------------------------------------- after approval (issue 5)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "certificate.pdf"):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def approved_application(**kwargs: object) -> tuple[Application, object]:
    """An approved award, and a manager of its program."""
    application, manager = in_review_application(**kwargs)
    return services.application_approve(actor=manager, application=application), manager


def enrolled_application(**kwargs: object) -> tuple[Application, object]:
    from grants.awards.services import award_enrol

    application, manager = approved_application(**kwargs)
    return award_enrol(
        actor=application.applicant, application=application, training_start_date=timezone.localdate()
    ), manager


def claimed_application(**kwargs: object):  # type: ignore[no-untyped-def]
    """An award with a completion claim (a certificate), the claim, and a manager of its program."""
    from grants.awards.services import completion_claim

    application, manager = enrolled_application(**kwargs)
    claim = completion_claim(
        actor=application.applicant,
        application=application,
        completed_on=timezone.localdate(),
        certificate=pdf_upload(),
    )
    application.refresh_from_db()
    return application, claim, manager


def verified_application(**kwargs: object):  # type: ignore[no-untyped-def]
    """An award whose completion a manager verified; returns (application, claim, manager)."""
    from grants.awards.services import completion_verify

    application, claim, manager = claimed_application(**kwargs)
    claim = completion_verify(actor=manager, claim=claim)
    application.refresh_from_db()
    return application, claim, manager


def finance_officer():  # type: ignore[no-untyped-def]
    return user_with_role(Role.FINANCE_OFFICER)


def paid_application(**kwargs: object):  # type: ignore[no-untyped-def]
    """An award paid through a batch; returns (application, payment, finance officer)."""
    from grants.payments.services import (
        payment_approve,
        payment_batch_create,
        payment_batch_export,
        payment_batch_mark_sent,
        payment_record_paid,
    )

    application, _claim, _manager = verified_application(**kwargs)
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency, payments=[payment]).batch
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    payment.refresh_from_db()
    payment, _done = payment_record_paid(actor=officer, payment=payment, paid_on=timezone.localdate())
    application.refresh_from_db()
    return application, payment, officer
