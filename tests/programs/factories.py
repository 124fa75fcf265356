from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.roles import Role
from programs.models import (
    CapRule,
    Credential,
    EligibilityRule,
    FundingRound,
    Occupation,
    Program,
    ProgramBudget,
    ProgramCredential,
    Skill,
    TrainingProvider,
)
from programs.services import budget_adjust
from tests.accounts.factories import user_with_role


class ProgramFactory(factory.django.DjangoModelFactory):
    """A program with a budget row. Pass `budget=Decimal(...)` to fund it through the ledger."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PROG-{n:03d}")
    name = factory.Sequence(lambda n: f"Skills program {n}")
    summary = "Funding for short, job-focused training."
    description = "A program for tests."
    funding_agency = "Department of Workforce Development"
    currency = "USD"
    status = Program.Status.DRAFT
    payment_model = Program.PaymentModel.VOUCHER
    applicant_type = Program.ApplicantType.WORKER
    selection_method = Program.SelectionMethod.FIRST_COME

    @factory.post_generation
    def budget(self, create: bool, extracted: Decimal | None, **kwargs: object) -> None:
        if not create:
            return
        ProgramBudget.objects.create(program=self, currency=self.currency)
        if extracted:
            budget_adjust(
                program=self,
                delta=str(extracted),
                idempotency_key=f"test-budget-{self.pk}",
                reason="Test budget",
            )

    @factory.post_generation
    def managers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.managers.add(*extracted)


def managed_program(**kwargs: object) -> tuple[Program, object]:
    """A program and a program manager who manages it."""
    manager = user_with_role(Role.PROGRAM_MANAGER)
    return ProgramFactory(managers=[manager], **kwargs), manager


class FundingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRound

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=50))


class TrainingProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProvider

    name = factory.Sequence(lambda n: f"Provider {n} Technical College")
    registration_number = factory.Sequence(lambda n: f"ETPL-{n:05d}")
    website = "https://provider.example.test/"
    eligible_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    taxonomy = Skill.Taxonomy.ESCO
    taxonomy_version = "1.2.0"
    code = factory.Sequence(lambda n: f"http://data.europa.eu/esco/skill/test-{n}")
    label = factory.Sequence(lambda n: f"Skill {n}")


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    code = factory.Sequence(lambda n: f"{15 + n // 10000 % 80:02d}-{n % 10000:04d}.00")
    title = factory.Sequence(lambda n: f"Occupation {n}")


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Credential {n}")
    provider = factory.SubFactory(TrainingProviderFactory)
    description = "Hands-on training."
    hours = 120
    duration_weeks = 12
    cost = Decimal("1500.00")
    currency = "USD"
    delivery_mode = Credential.DeliveryMode.HYBRID

    @factory.post_generation
    def skills(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.skills.add(*extracted)

    @factory.post_generation
    def occupations(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.occupations.add(*extracted)


class ProgramCredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCredential

    program = factory.SubFactory(ProgramFactory)
    credential = factory.SubFactory(CredentialFactory)


class CapRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapRule

    program = factory.SubFactory(ProgramFactory)
    scope = CapRule.Scope.PER_CREDENTIAL
    amount = Decimal("2000.00")


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    program = factory.SubFactory(ProgramFactory)
    kind = EligibilityRule.Kind.RESIDENCY_REGION
    parameters = factory.LazyFunction(lambda: {"regions": ["North"]})


def open_program(**kwargs: object) -> tuple[Program, object]:
    """An open, funded, managed program with a current round (status set directly: a fixture, not a move)."""
    program, manager = managed_program(budget=kwargs.pop("budget", Decimal("100000.00")), **kwargs)
    FundingRoundFactory(program=program)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.OPEN)  # fixture setup, not a move
    program.refresh_from_db()
    return program, manager
