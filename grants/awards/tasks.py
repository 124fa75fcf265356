"""Daily background work of awards (the Django Tasks API; docs/deployment.md). The same jobs exist as
management commands (`manage.py expire_awards`, `manage.py send_outcome_follow_ups`)."""

from django_tasks import task

from grants.awards.outcomes import outcome_follow_ups_send
from grants.awards.services import awards_expire_due


@task()
def expire_awards() -> int:
    """Daily: expire awards past their training deadline and release their money."""
    return awards_expire_due()


@task()
def send_outcome_follow_ups() -> int:
    """Daily: ask the workers whose 2nd- or 4th-quarter follow-up is due."""
    return outcome_follow_ups_send()
