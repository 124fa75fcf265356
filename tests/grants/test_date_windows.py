"""The dates people enter about workers and awards fall in plausible windows (grants/date_windows.py): a
course start, a completion, an outcome, a payment and a date of birth. The day on each edge is accepted,
the day beyond is refused with a message naming the window (or, where a bound was already a rule, that
rule's own message), by the service and, for the course and the date of birth, the API and the page; a
refusal changes nothing."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from core.dates import add_months
from grants.applications import services
from grants.awards.outcomes import outcome_report, outcome_verify
from grants.awards.services import award_enrol, completion_claim
from grants.models import Application, ApplicationEvent, CompletionClaim, Outcome, Payment, WorkerProfile
from grants.payments.services import payment_batch_reconcile, payment_record_paid
from programs.models import LedgerEntry
from tests.grants.factories import (
    approved_application,
    enrolled_application,
    finance_officer,
    funded_setup,
    pdf_upload,
    verified_application,
    worker_with_profile,
)

pytestmark = pytest.mark.django_db

S = Application.Status
FAR = date(9999, 12, 31)


def written(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def window(earliest: date, latest: date) -> str:
    return f"Give a date between {written(earliest)} and {written(latest)}."


def today() -> date:
    return timezone.localdate()


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def inline_error(field: str, message: str) -> str:
    return f'id="id_{field}_error"><p><span class="visually-hidden">Error:</span> {message}</p>'


def award_state(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.training_start_date,
        application.completed_on,
        application.amount_paid,
        ApplicationEvent.objects.filter(application=application).count(),
        CompletionClaim.objects.filter(application=application).count(),
        Outcome.objects.filter(application=application).count(),
        LedgerEntry.objects.count(),
    )


# ---------------------------------------------------------------- the course start


def long_window_award() -> Application:
    """An approved award of a program giving three years to train: its deadline is beyond two years."""
    program, _manager, credential = funded_setup(training_window_months=36)
    application, _manager = approved_application(program=program, credential=credential)
    return application


def start_window(application: Application) -> str:
    return window(application.submitted_at.date(), add_months(today(), 24))


def test_a_course_starting_two_years_ahead_is_accepted() -> None:
    application = long_window_award()
    latest = add_months(today(), 24)
    enrolled = award_enrol(actor=application.applicant, application=application, training_start_date=latest)
    assert (enrolled.status, enrolled.training_start_date) == (S.ENROLLED, latest)


def test_a_course_starting_a_day_later_is_refused_naming_the_window() -> None:
    application = long_window_award()
    before = award_state(application)
    with pytest.raises(ValidationError) as caught:
        award_enrol(
            actor=application.applicant,
            application=application,
            training_start_date=add_months(today(), 24) + timedelta(days=1),
        )
    assert caught.value.message_dict == {"training_start_date": [start_window(application)]}
    assert award_state(application) == before


def test_a_course_starting_before_the_application_keeps_its_own_message() -> None:
    application = long_window_award()
    before = award_state(application)
    with pytest.raises(ValidationError) as caught:
        award_enrol(
            actor=application.applicant,
            application=application,
            training_start_date=application.submitted_at.date() - timedelta(days=1),
        )
    assert caught.value.message_dict == {
        "training_start_date": ["The training cannot start before the application was submitted."]
    }
    assert award_state(application) == before


def test_the_api_and_the_page_refuse_a_course_beyond_the_window_or_the_deadline(client) -> None:  # type: ignore[no-untyped-def]
    application = long_window_award()
    before = award_state(application)
    api = api_as(application.applicant)
    url = f"/api/v1/applications/{application.pk}/enrol/"
    beyond = (add_months(today(), 24) + timedelta(days=1)).isoformat()
    response = api.post(url, {"training_start_date": beyond}, format="json")
    assert response.status_code == 400
    assert response.json() == {"training_start_date": [start_window(application)]}
    # In the year 9999 the training deadline (three years on, here) is passed first, and said so.
    response = api.post(url, {"training_start_date": "9999-12-30"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "training_start_date": [
            f"The training must be completed by {application.training_deadline.isoformat()}; "
            "it cannot start after it."
        ]
    }
    client.force_login(application.applicant)
    response = client.post(
        reverse("grants:award_enrol", args=[application.pk]), {"training_start_date": beyond}
    )
    assert response.status_code == 200
    assert inline_error("training_start_date", start_window(application)) in response.content.decode()
    assert award_state(application) == before


# ---------------------------------------------------------------- the completion


def claim(application: Application, day: date) -> CompletionClaim:
    return completion_claim(
        actor=application.applicant, application=application, completed_on=day, certificate=pdf_upload()
    )


def test_a_completion_runs_from_the_start_to_today_with_the_rules_own_messages() -> None:
    application, _manager = enrolled_application()
    start = today() - timedelta(days=20)
    Application.objects.filter(pk=application.pk).update(training_start_date=start)
    before = award_state(application)
    for day, message in (
        (start - timedelta(days=1), "The training cannot end before it started."),
        (today() + timedelta(days=1), "The completion date cannot be in the future."),
    ):
        with pytest.raises(ValidationError) as caught:
            claim(application, day)
        assert caught.value.message_dict == {"completed_on": [message]}
    assert award_state(application) == before
    assert claim(application, start).completed_on == start


def test_with_no_start_on_record_a_completion_is_not_before_the_application() -> None:
    application, _manager = enrolled_application()
    submitted = today() - timedelta(days=30)
    Application.objects.filter(pk=application.pk).update(
        training_start_date=None, submitted_at=timezone.now() - timedelta(days=30)
    )
    before = award_state(application)
    with pytest.raises(ValidationError) as caught:
        claim(application, submitted - timedelta(days=1))
    assert caught.value.message_dict == {"completed_on": [window(submitted, today())]}
    assert award_state(application) == before
    assert claim(application, submitted).completed_on == submitted


# ---------------------------------------------------------------- the outcome


def completed_award(days_ago: int = 60) -> Application:
    application, _claim, _manager = verified_application()
    Application.objects.filter(pk=application.pk).update(completed_on=today() - timedelta(days=days_ago))
    application.refresh_from_db()
    return application


def report(application: Application, day: date | str) -> Outcome:
    return outcome_report(
        actor=application.applicant, application=application, employment_status="unemployed", observed_on=day
    )


def test_an_outcome_is_observed_from_the_completion_to_today() -> None:
    application = completed_award()
    assert report(application, application.completed_on).observed_on == application.completed_on
    assert report(application, today()).observed_on == today()


def test_an_outcome_observed_before_the_completion_or_in_the_future_is_refused() -> None:
    application = completed_award()
    before = award_state(application)
    with pytest.raises(ValidationError) as caught:
        report(application, application.completed_on - timedelta(days=1))
    assert caught.value.message_dict == {"observed_on": [window(application.completed_on, today())]}
    with pytest.raises(ValidationError) as caught:
        report(application, today() + timedelta(days=1))
    assert caught.value.message_dict == {"observed_on": ["This date cannot be in the future."]}
    with pytest.raises(ValidationError) as caught:
        outcome_verify(
            actor=application.program.managers.first(),
            application=application,
            employment_status="unemployed",
            observed_on="1999-12-31",
        )
    assert caught.value.message_dict == {"observed_on": [window(application.completed_on, today())]}
    assert award_state(application) == before


def test_the_api_refuses_an_outcome_observed_before_the_completion() -> None:
    application = completed_award()
    before = award_state(application)
    response = api_as(application.applicant).post(
        "/api/v1/outcomes/",
        {"application": application.pk, "employment_status": "unemployed", "observed_on": "2000-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"observed_on": [window(application.completed_on, today())]}
    assert award_state(application) == before


# ---------------------------------------------------------------- the payment


def sent_payment(days_since_submission: int = 30) -> tuple[Application, Payment, Any, Any]:
    from grants.payments.services import (
        payment_approve,
        payment_batch_create,
        payment_batch_export,
        payment_batch_mark_sent,
    )

    application, _claim, _manager = verified_application()
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=days_since_submission)
    )
    officer = finance_officer()
    payment, _done = payment_approve(actor=officer, application=application)
    batch = payment_batch_create(actor=officer, currency=payment.currency, payments=[payment]).batch
    payment_batch_export(actor=officer, batch=batch)
    payment_batch_mark_sent(actor=officer, batch=batch)
    payment.refresh_from_db()
    return application, payment, batch, officer


def test_a_payment_dated_the_day_the_application_was_submitted_is_recorded() -> None:
    _application, payment, _batch, officer = sent_payment()
    paid, recorded = payment_record_paid(actor=officer, payment=payment, paid_on=today() - timedelta(days=30))
    assert (paid.status, paid.paid_on, recorded) == (Payment.Status.PAID, today() - timedelta(days=30), True)


def test_a_payment_dated_before_the_application_is_refused_naming_the_window() -> None:
    application, payment, batch, officer = sent_payment()
    submitted = today() - timedelta(days=30)
    before = award_state(application)
    with pytest.raises(ValidationError) as caught:
        payment_record_paid(actor=officer, payment=payment, paid_on=submitted - timedelta(days=1))
    assert caught.value.message_dict == {"paid_on": [window(submitted, today())]}
    with pytest.raises(ValidationError) as caught:
        payment_record_paid(actor=officer, payment=payment, paid_on=today() + timedelta(days=1))
    assert caught.value.message_dict == {"paid_on": ["The payment date cannot be in the future."]}
    # The finance system's results file is told the same, row by row.
    content = f"payment_reference,result,paid_on\n{payment.reference},paid,1999-12-31\n".encode()
    result = payment_batch_reconcile(actor=officer, batch=batch, content=content)
    assert [(item.ok, item.message) for item in result.items] == [(False, window(submitted, today()))]
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (Payment.Status.SENT, None)
    assert award_state(application) == before


# ---------------------------------------------------------------- the date of birth


def birth_window() -> tuple[date, date]:
    return add_months(today(), -12 * 111) + timedelta(days=1), add_months(today(), -12 * 14)


def test_a_worker_aged_14_to_110_gives_their_date_of_birth() -> None:
    oldest, youngest = birth_window()
    worker = worker_with_profile(date_of_birth=oldest)
    assert WorkerProfile.objects.get(user=worker).date_of_birth == oldest
    services.worker_profile_save(user=worker, date_of_birth=youngest)
    assert WorkerProfile.objects.get(user=worker).date_of_birth == youngest


@pytest.mark.parametrize("beyond", ["older", "younger"])
def test_a_date_of_birth_a_day_beyond_the_ages_is_refused_naming_the_window(beyond: str) -> None:
    oldest, youngest = birth_window()
    worker = worker_with_profile()
    day = oldest - timedelta(days=1) if beyond == "older" else youngest + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.worker_profile_save(user=worker, date_of_birth=day, region="South")
    assert caught.value.message_dict == {"date_of_birth": [window(oldest, youngest)]}
    profile = WorkerProfile.objects.get(user=worker)
    assert (profile.date_of_birth, profile.region) == (date(1990, 6, 1), "North")


def test_a_future_date_of_birth_keeps_its_own_message() -> None:
    worker = worker_with_profile()
    with pytest.raises(ValidationError) as caught:
        services.worker_profile_save(user=worker, date_of_birth=FAR)
    assert caught.value.message_dict == {"date_of_birth": ["The date of birth cannot be in the future."]}


def test_a_date_of_birth_kept_unchanged_is_not_judged_again() -> None:
    oldest, _youngest = birth_window()
    worker = worker_with_profile()
    # Entered when the worker was 110; a birthday later they change their region only.
    WorkerProfile.objects.filter(user=worker).update(date_of_birth=oldest - timedelta(days=1))
    services.worker_profile_save(user=worker, region="South")
    assert WorkerProfile.objects.get(user=worker).region == "South"


def test_the_api_and_the_page_refuse_a_date_of_birth_in_1800(client) -> None:  # type: ignore[no-untyped-def]
    worker = worker_with_profile()
    message = window(*birth_window())
    body = {
        "region": "North",
        "address": "1 Main St",
        "date_of_birth": "1800-01-01",
        "employment_status": "unemployed",
        "household_income_band": "under_25k",
        "contact_by_employers": False,
    }
    response = api_as(worker).put("/api/v1/me/worker-profile/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"date_of_birth": [message]}
    client.force_login(worker)
    response = client.post(
        reverse("grants:worker_profile"), {**body, "phone": "", "contact_by_employers": ""}
    )
    assert response.status_code == 200
    assert inline_error("date_of_birth", message) in response.content.decode()
    assert WorkerProfile.objects.get(user=worker).date_of_birth == date(1990, 6, 1)
