from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from employers.services import pledges_due_count, pledges_lapse_due


class Command(BaseCommand):
    help = (
        "Close active pledges whose target date has passed: fulfilled when verified figures meet every "
        "commitment, lapsed otherwise. Safe to run again; run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Treat this date (YYYY-MM-DD) as today, e.g. to catch up.")

    def handle(self, *args: object, today: str | None, **options: object) -> None:
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today must be a date like 2026-03-31, not {today!r}.") from error
        else:
            day = timezone.localdate()
        quiet = options.get("verbosity", 1) == 0
        with tqdm(
            total=pledges_due_count(today=day), desc="Closing pledges", unit="pledge", disable=quiet
        ) as bar:

            def advance() -> None:
                bar.update(1)

            counts = pledges_lapse_due(today=day, progress=advance)
        self.stdout.write(
            self.style.SUCCESS(
                f"Pledges past their target date: {counts['fulfilled']} fulfilled, {counts['lapsed']} lapsed."
            )
        )
