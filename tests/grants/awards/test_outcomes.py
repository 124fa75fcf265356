"""Outcomes: follow-ups in the 2nd and 4th quarter, self-reported answers, verified figures."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from core.exceptions import Conflict, NotAllowed
from grants.awards.outcomes import outcome_follow_ups_send, outcome_report, outcome_verify
from grants.models import Outcome, OutcomeFollowUp
from tests.accounts.factories import user_with_role
from tests.grants.factories import enrolled_application, verified_application, worker_with_profile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_worker_answers_a_follow_up() -> None:
    application, _claim, _manager = verified_application()
    follow_up = OutcomeFollowUp.objects.get(application=application, quarter_after_completion=2)
    outcome = outcome_report(
        actor=application.applicant,
        application=application,
        follow_up=follow_up,
        employment_status="employed",
        employer_name="Acme Logistics",
        occupation_code="15-1212.00",
        annual_wage="52000",
    )
    follow_up.refresh_from_db()
    assert outcome.source == Outcome.Source.SELF_REPORTED
    assert outcome.quarter_after_completion == 2
    assert outcome.annual_wage == Decimal("52000.00")
    assert follow_up.answered_at is not None
    assert follow_up.outcome == outcome
    assert application.events.filter(action="outcome_reported").exists()
    with pytest.raises(Conflict):
        outcome_report(
            actor=application.applicant,
            application=application,
            follow_up=follow_up,
            employment_status="unemployed",
        )


def test_outcome_answers_are_validated_and_change_nothing_when_wrong() -> None:
    application, _claim, _manager = verified_application()
    with pytest.raises(ValidationError) as error:
        outcome_report(
            actor=application.applicant,
            application=application,
            employment_status="astronaut",
            occupation_code="15-12",
            annual_wage="-3",
            observed_on=(TODAY + timedelta(days=3)).isoformat(),
        )
    assert set(error.value.message_dict) >= {
        "employment_status",
        "occupation_code",
        "annual_wage",
        "observed_on",
    }
    with pytest.raises(ValidationError) as error:
        outcome_report(actor=application.applicant, application=application, employment_status="employed")
    assert "employer_name" in error.value.message_dict
    assert not Outcome.objects.exists()


def test_only_the_worker_reports_and_only_after_verified_completion() -> None:
    application, _claim, manager = verified_application()
    for actor in (manager, worker_with_profile(), user_with_role(Role.FINANCE_OFFICER)):
        with pytest.raises(NotAllowed):
            outcome_report(actor=actor, application=application, employment_status="unemployed")
    enrolled, _manager = enrolled_application()
    with pytest.raises(Conflict):
        outcome_report(actor=enrolled.applicant, application=enrolled, employment_status="unemployed")
    assert not Outcome.objects.exists()


def test_a_follow_up_of_another_award_is_refused() -> None:
    application, _claim, _manager = verified_application()
    other, _claim2, _manager2 = verified_application(worker=application.applicant)
    follow_up = OutcomeFollowUp.objects.get(application=other, quarter_after_completion=2)
    with pytest.raises(ValidationError):
        outcome_report(
            actor=application.applicant,
            application=application,
            follow_up=follow_up,
            employment_status="unemployed",
        )


def test_manager_records_a_verified_outcome_as_a_new_record() -> None:
    application, _claim, manager = verified_application()
    first = outcome_report(
        actor=application.applicant, application=application, employment_status="unemployed"
    )
    verified = outcome_verify(
        actor=manager,
        application=application,
        employment_status="employed",
        employer_name="Acme",
        annual_wage="48000",
        quarter_after_completion=2,
    )
    assert verified.source == Outcome.Source.VERIFIED
    first.refresh_from_db()
    assert first.source == Outcome.Source.SELF_REPORTED
    with pytest.raises(NotAllowed):
        outcome_verify(
            actor=user_with_role(Role.PROGRAM_MANAGER), application=application, employment_status="employed"
        )
    with pytest.raises(ValidationError):
        outcome_verify(
            actor=manager, application=application, employment_status="unemployed", quarter_after_completion=3
        )


def test_due_follow_ups_are_sent_once(capsys) -> None:  # type: ignore[no-untyped-def]
    application, _claim, _manager = verified_application()
    follow_ups = OutcomeFollowUp.objects.filter(application=application).order_by("due_on")
    second_quarter = follow_ups[0]
    assert outcome_follow_ups_send(today=second_quarter.due_on - timedelta(days=1)) == 0
    assert outcome_follow_ups_send(today=second_quarter.due_on) == 1
    assert outcome_follow_ups_send(today=second_quarter.due_on) == 0
    second_quarter.refresh_from_db()
    assert second_quarter.sent_at is not None
    assert application.applicant.notices.filter(subject__icontains="since your training").count() == 1
    call_command("send_outcome_follow_ups", today=follow_ups[1].due_on.isoformat())
    assert "1 follow-up question(s) sent" in capsys.readouterr().out
