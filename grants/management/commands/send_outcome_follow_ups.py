from datetime import date
from typing import Any

from core.commands import DailyCommand
from grants.awards.outcomes import follow_ups_due, outcome_follow_ups_send


class Command(DailyCommand):
    help = (
        "Ask workers how they are doing in the 2nd and 4th quarter after completing their training "
        "(a notice and an email, once per follow-up). Run daily; running it twice sends nothing twice."
    )
    progress_label = "Asking"
    progress_unit = "follow-up"

    def due(self, day: date) -> int:
        return follow_ups_due(day).count()

    def run(self, day: date, progress: Any) -> str:
        sent = outcome_follow_ups_send(today=day, progress=progress)
        return f"{sent} follow-up question(s) sent."
