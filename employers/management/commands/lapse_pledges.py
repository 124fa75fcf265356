from datetime import date
from typing import Any

from core.commands import DailyCommand
from employers.services import pledges_due_count, pledges_lapse_due


class Command(DailyCommand):
    help = (
        "Close active pledges whose target date has passed: fulfilled when verified figures meet every "
        "commitment, lapsed otherwise. Safe to run again; run it daily."
    )
    progress_label = "Closing pledges"
    progress_unit = "pledge"

    def due(self, day: date) -> int:
        return pledges_due_count(today=day)

    def run(self, day: date, progress: Any) -> str:
        counts = pledges_lapse_due(today=day, progress=lambda: progress.update(1))
        return f"Pledges past their target date: {counts['fulfilled']} fulfilled, {counts['lapsed']} lapsed."
