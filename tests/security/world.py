"""A small world for hostile-input tests: two of every party, so each test can act as one party and aim
at the other's records. Built with the ordinary factories and services; `build_world()` takes ~1-2 s."""

from dataclasses import dataclass, field
from typing import Any

from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import Role
from employers.models import Employer, JobRole, Pledge, ProgressReport
from grants.applications import services
from grants.models import Application, Payment
from programs.models import Credential, Program
from tests.accounts.factories import user_with_role
from tests.employers.factories import (
    EmployerFactory,
    HireFactory,
    JobRoleFactory,
    PledgeFactory,
    ProgressReportFactory,
    representative_of,
)
from tests.grants.factories import (
    draft_application,
    enrolled_application,
    funded_setup,
    in_review_application,
    paid_application,
    submitted_application,
    worker_with_profile,
)


@dataclass
class Side:
    """One party's corner of the world: a program with its manager, applications, an employer."""

    program: Program
    manager: User
    credential: Credential
    worker: User  # owns `draft` and `in_review`
    draft: Application
    submitted: Application
    in_review: Application
    paid: Application
    payment: Payment
    reviewer: User  # assigned to `in_review`
    employer: Employer
    representative: User
    pledge: Pledge
    job_role: JobRole
    report: ProgressReport
    hire: Any


@dataclass
class World:
    mine: Side
    theirs: Side
    finance: User
    official: User
    admin: User
    enrolled: Application  # mine.program; its own applicant (enrolled_application's worker)
    tokens: dict[str, str] = field(default_factory=dict)

    def user_for(self, role: Role) -> User:
        return {
            Role.WORKER: self.mine.worker,
            Role.EMPLOYER_REPRESENTATIVE: self.mine.representative,
            Role.REVIEWER: self.mine.reviewer,
            Role.PROGRAM_MANAGER: self.mine.manager,
            Role.FINANCE_OFFICER: self.finance,
            Role.OFFICIAL: self.official,
            Role.ADMINISTRATOR: self.admin,
        }[role]


def _side(label: str) -> Side:
    program, manager, credential = funded_setup()
    Program.objects.filter(pk=program.pk).update(name=f"{label} program")  # fixture naming, not a move
    program.refresh_from_db()
    kwargs = {"program": program, "credential": credential}
    worker = worker_with_profile()
    draft = draft_application(worker=worker, amount="1000.00", **kwargs)
    submitted = submitted_application(amount="900.00", **kwargs)
    in_review, _manager = in_review_application(worker=worker_with_profile(), amount="800.00", **kwargs)
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=in_review, reviewer=reviewer)
    paid, payment, _officer = paid_application(amount="700.00", **kwargs)
    employer = EmployerFactory()
    representative = representative_of(employer)
    pledge = PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    job_role = JobRoleFactory(employer=employer, pledge=pledge)
    report = ProgressReportFactory(pledge=pledge)
    hire = HireFactory(job_role=job_role, worker=paid.applicant)
    return Side(
        program=program,
        manager=manager,
        credential=credential,
        worker=worker,
        draft=draft,
        submitted=submitted,
        in_review=in_review,
        paid=paid,
        payment=payment,
        reviewer=reviewer,
        employer=employer,
        representative=representative,
        pledge=pledge,
        job_role=job_role,
        report=report,
        hire=hire,
    )


def build_world() -> World:
    world = World(
        mine=_side("Mine"),
        theirs=_side("Theirs"),
        finance=user_with_role(Role.FINANCE_OFFICER),
        official=user_with_role(Role.OFFICIAL),
        admin=user_with_role(Role.ADMINISTRATOR),
        enrolled=Application(),
    )
    world.enrolled, _manager = enrolled_application(
        program=world.mine.program, credential=world.mine.credential, amount="600.00"
    )
    for role in Role:
        world.tokens[str(role)] = Token.objects.create(user=world.user_for(role)).key
    return world


__all__ = ["Side", "World", "build_world"]
