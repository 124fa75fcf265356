"""The windows the dates people enter about workers and awards must fall in, with the reason for each.
The services check them with core.dates.check_within (so the API and the pages refuse the same dates with
the same message); each window is counted from the day the date is entered.

Rules kept beside these in the services: a training starts on or after the application's submission and
by the training deadline; it ends on or after its start, by the deadline and not in the future; retention
runs to the end of the retention period and not into the future; nothing is paid or observed in the future.
"""

from datetime import date, timedelta

from django.utils import timezone

from core.dates import add_months
from grants.models import Application

# Courses are booked months ahead, rarely more than a year; two years ahead is the furthest a start date
# can plausibly be when the applicant confirms enrolment (awards without a training deadline included).
TRAINING_START_YEARS_AHEAD = 2
# A worker's age: 14 is the youngest age at which US workforce programs (WIOA youth) serve anyone, and
# nobody applying is older than 110. A date of birth outside is a typing error, such as the year of today.
YOUNGEST_AGE = 14
OLDEST_AGE = 110


def date_of_birth_window(today: date) -> tuple[date, date]:
    """The earliest and latest date of birth of someone aged YOUNGEST_AGE to OLDEST_AGE today."""
    return add_months(today, -12 * (OLDEST_AGE + 1)) + timedelta(days=1), add_months(
        today, -12 * YOUNGEST_AGE
    )


def training_start_latest(today: date) -> date:
    return add_months(today, 12 * TRAINING_START_YEARS_AHEAD)


def award_began_on(application: Application) -> date:
    """The day the application was submitted (created, if it never was): nothing of the award (its
    training, its payment, its outcomes) can happen before."""
    moment = application.submitted_at or application.created_at
    return timezone.localdate(moment) if moment is not None else date.min


def outcome_earliest(application: Application) -> date:
    """An outcome is the situation after the training: not observed before the training was completed (or,
    for an award whose completion date is unknown, before the application)."""
    return application.completed_on or award_began_on(application)
