from datetime import date
from decimal import Decimal

from accounts.roles import Role
from grants import services
from grants.models import Application, WorkerProfile
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
        "household_income_band": WorkerProfile.IncomeBand.UNDER_25K,
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
