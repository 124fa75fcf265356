"""Scheduled work for pledges (run daily by the task worker's scheduler or `manage.py lapse_pledges`)."""

from django.utils import timezone
from django_tasks import task


@task()
def lapse_due_pledges() -> dict[str, int]:
    """Close active pledges whose target date has passed: fulfilled if met, lapsed otherwise."""
    from employers.services import pledges_lapse_due

    return pledges_lapse_due(today=timezone.localdate())
