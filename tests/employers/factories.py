"""Factories for employers' records. Statuses passed here are fixtures, not moves: tests of the moves
go through the services."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from employers.models import (
    CandidateInvitation,
    Employer,
    Hire,
    JobRole,
    Pledge,
    ProgressReport,
    Representative,
)
from tests.accounts.factories import UserFactory, user_with_role

PAYROLL_CSV = (
    b"employee_id,hired_on,annual_wage,four_year_degree\n"
    b"1001,2026-01-12,52000,no\n"
    b"1002,2026-02-02,48000,yes\n"
)


def _ein(n: int) -> str:
    # Prefixes 10..16 and 20..27 are all issued by the IRS; enough room for tests.
    prefixes = ["10", "11", "12", "13", "14", "15", "16", "20", "21", "22", "23", "24", "25", "26", "27"]
    return f"{prefixes[n % len(prefixes)]}-{n // len(prefixes) + 1000000:07d}"


class EmployerFactory(factory.django.DjangoModelFactory):
    """An employer (verified unless status= says otherwise), created by a representative.

    The creator is its first active representative; get them with representative_of(employer).
    """

    class Meta:
        model = Employer
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Employer {n} LLC")
    trading_name = factory.Sequence(lambda n: f"Employer {n}")
    registration_number = factory.Sequence(_ein)
    naics_code = "541511"
    size_class = Employer.SizeClass.MEDIUM
    region = "North"
    address = "1 Main Street, Springfield"
    website = "https://employer.example.test/"
    status = Employer.Status.VERIFIED
    verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Employer.Status.VERIFIED else None
    )
    created_by = factory.LazyFunction(lambda: user_with_role(Role.EMPLOYER_REPRESENTATIVE))

    @factory.post_generation
    def with_representative(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            Representative.objects.create(employer=self, user=self.created_by, added_by=self.created_by)


def representative_of(employer: Employer, **kwargs: object) -> User:
    """An active representative of the employer: the first existing one, or a new one when asked."""
    if not kwargs:
        existing = (
            Representative.objects.filter(employer=employer, removed_at__isnull=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing.user
    user = user_with_role(Role.EMPLOYER_REPRESENTATIVE, **kwargs)
    Representative.objects.create(employer=employer, user=user, added_by=user)
    return user


def new_representative_of(employer: Employer) -> User:
    """Another active representative (a colleague)."""
    user = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    Representative.objects.create(employer=employer, user=user, added_by=user)
    return user


class PledgeFactory(factory.django.DjangoModelFactory):
    """A pledge (draft unless status= says otherwise) running from last year to next year."""

    class Meta:
        model = Pledge

    employer = factory.SubFactory(EmployerFactory)
    framework_name = "Skills-First Hiring Pledge"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    target_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    roles_converted_target = 4
    credential_holder_hires_target = 10
    non_degree_hires_target = 8
    priority_group_hires_target = 3
    wage_floor = Decimal("45000.00")
    status = Pledge.Status.DRAFT
    created_by = factory.LazyAttribute(lambda o: o.employer.created_by)
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status not in (Pledge.Status.DRAFT,) else None
    )
    activated_at = factory.LazyAttribute(
        lambda o: (
            timezone.now()
            if o.status in (Pledge.Status.ACTIVE, Pledge.Status.FULFILLED, Pledge.Status.LAPSED)
            else None
        )
    )


class JobRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRole
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    pledge = None
    title = factory.Sequence(lambda n: f"Network technician {n}")
    occupation = None
    degree_required_before = True
    degree_required_after = False
    assessment_method = JobRole.AssessmentMethod.WORK_SAMPLE
    wage_min = Decimal("45000.00")
    wage_max = Decimal("60000.00")
    open_positions = 2
    is_open = True

    @factory.post_generation
    def skills(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.skills.add(*extracted)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A submitted report; with status=VERIFIED the verified figures equal the reported ones unless given."""

    class Meta:
        model = ProgressReport

    pledge = factory.SubFactory(PledgeFactory, status=Pledge.Status.ACTIVE)
    year = 2025
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    roles_converted = 1
    hires_total = 10
    hires_credential_holders = 4
    hires_without_degree = 6
    hires_priority_groups = 2
    evidence = factory.LazyFunction(lambda: ContentFile(PAYROLL_CSV, name="payroll.csv"))
    evidence_name = "payroll.csv"
    evidence_sha256 = "0" * 64
    status = ProgressReport.Status.SUBMITTED
    submitted_by = factory.LazyAttribute(lambda o: o.pledge.created_by)
    submitted_at = factory.LazyFunction(timezone.now)
    verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == ProgressReport.Status.VERIFIED else None
    )

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> ProgressReport:
        if kwargs.get("status") == ProgressReport.Status.VERIFIED:
            for figure in ProgressReport.FIGURES:
                kwargs.setdefault(f"verified_{figure}", kwargs[figure])
        return super()._create(model_class, *args, **kwargs)


class HireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hire

    job_role = factory.SubFactory(JobRoleFactory)
    employer = factory.LazyAttribute(lambda o: o.job_role.employer)
    pledge = factory.LazyAttribute(lambda o: o.job_role.pledge)
    worker = factory.LazyFunction(lambda: user_with_role(Role.WORKER))
    hired_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    annual_wage = Decimal("52000.00")
    has_four_year_degree = False
    source = Hire.Source.EMPLOYER_REPORTED
    recorded_by = factory.LazyAttribute(lambda o: o.employer.created_by)


class CandidateInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateInvitation

    job_role = factory.SubFactory(JobRoleFactory)
    worker = factory.LazyFunction(lambda: user_with_role(Role.WORKER))
    invited_by = factory.LazyAttribute(lambda o: o.job_role.employer.created_by)
    message = "We would like you to apply."


__all__ = [
    "CandidateInvitationFactory",
    "EmployerFactory",
    "HireFactory",
    "JobRoleFactory",
    "PAYROLL_CSV",
    "PledgeFactory",
    "ProgressReportFactory",
    "UserFactory",
    "new_representative_of",
    "representative_of",
]
