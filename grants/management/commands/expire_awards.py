from datetime import date
from typing import Any

from core.commands import DailyCommand
from grants.awards.services import awards_due_to_expire, awards_expire_due


class Command(DailyCommand):
    help = (
        "Expire awards not enrolled or completed by their training deadline, releasing their money. "
        "Run daily (cron or the task grants.awards.tasks.expire_awards); running it twice changes nothing."
    )
    progress_label = "Expiring"
    progress_unit = "award"

    def due(self, day: date) -> int:
        return awards_due_to_expire(day).count()

    def run(self, day: date, progress: Any) -> str:
        expired = awards_expire_due(today=day, progress=progress)
        return f"{expired} award(s) expired and their funds released."
