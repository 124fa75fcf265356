from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from grants.awards.outcomes import follow_ups_due, outcome_follow_ups_send


class Command(BaseCommand):
    help = (
        "Ask workers how they are doing in the 2nd and 4th quarter after completing their training "
        "(a notice and an email, once per follow-up). Run daily; running it twice sends nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: object, today: str | None, **options: object) -> None:
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError("Give --today as YYYY-MM-DD.") from error
        due = follow_ups_due(day).count()
        quiet = options.get("verbosity", 1) == 0
        with tqdm(total=due, desc="Asking", unit="follow-up", disable=quiet) as bar:
            sent = outcome_follow_ups_send(today=day, progress=bar)
        self.stdout.write(self.style.SUCCESS(f"{sent} follow-up question(s) sent."))
