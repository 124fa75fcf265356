"""Rows for report tests: applications in a given state, written directly as fixtures (the services that
move them are tested in tests/grants; reports only read)."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.roles import Role
from grants.models import Application, Demographics, Outcome
from tests.accounts.factories import user_with_role

_numbers = itertools.count(1)


def application_row(
    *,
    program,  # type: ignore[no-untyped-def]
    credential,
    status: str,
    days_to_decision: int | None = None,
    amount_awarded: Decimal | None = None,
    amount_paid: Decimal = Decimal("0"),
    amount_clawed_back: Decimal = Decimal("0"),
    region: str = "",
    age_band: str = "",
    applicant=None,
    employer=None,
    submitted_days_ago: int = 30,
) -> Application:
    applicant = applicant or user_with_role(Role.WORKER)
    now = timezone.now()
    submitted_at = None if status == Application.Status.DRAFT else now - dt.timedelta(days=submitted_days_ago)
    decided_at = submitted_at + dt.timedelta(days=days_to_decision) if days_to_decision is not None else None
    return Application.objects.create(
        reference=f"SF-T-{next(_numbers):08d}",
        applicant=applicant,
        filed_by=applicant,
        employer=employer,
        program=program,
        funding_round=program.rounds.first(),
        credential=credential,
        status=status,
        amount_requested=amount_awarded or Decimal("1000"),
        amount_awarded=amount_awarded,
        amount_paid=amount_paid,
        amount_clawed_back=amount_clawed_back,
        applicant_region=region,
        applicant_age_band=age_band,
        submitted_at=submitted_at,
        decided_at=decided_at,
    )


def outcome_row(
    application: Application,
    *,
    quarter: int,
    status: str,
    wage: Decimal | None = None,
    source: str = Outcome.Source.SELF_REPORTED,
) -> Outcome:
    return Outcome.objects.create(
        application=application,
        worker=application.applicant,
        source=source,
        quarter_after_completion=quarter,
        employment_status=status,
        employer_name="Acme" if status in Outcome.EMPLOYED else "",
        annual_wage=wage,
        observed_on=timezone.localdate(),
        recorded_by=application.applicant,
    )


def demographics_row(
    user,
    *,
    race_group: str = "",
    sex: str = "",
    veteran: str = "",  # type: ignore[no-untyped-def]
    disability: str = "",
) -> Demographics:
    return Demographics.objects.create(
        user=user, race_ethnicity=[], race_group=race_group, sex=sex, veteran=veteran, disability=disability
    )
