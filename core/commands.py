"""The shape of a daily job's management command, written once."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm


class DailyCommand(BaseCommand):
    """A job run daily (by cron or its task) that is safe to run twice: `--today` acts as of another date,
    e.g. to catch up, and a progress bar counts the rows due. A subclass says how many are due, does the
    work, and returns the line that reports it."""

    progress_label = "Working"
    progress_unit = "row"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up.")

    def due(self, day: date) -> int:
        raise NotImplementedError

    def run(self, day: date, progress: Any) -> str:
        raise NotImplementedError

    def handle(self, *args: object, today: str | None = None, **options: object) -> None:
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                f"--today must be a date like 2026-03-31 (YYYY-MM-DD), not {today!r}."
            ) from error
        quiet = options.get("verbosity", 1) == 0
        with tqdm(
            total=self.due(day), desc=self.progress_label, unit=self.progress_unit, disable=quiet
        ) as bar:
            summary = self.run(day, bar)
        self.stdout.write(self.style.SUCCESS(summary))
