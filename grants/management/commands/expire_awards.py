from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from grants.awards.services import awards_due_to_expire, awards_expire_due


class Command(BaseCommand):
    help = (
        "Expire awards not enrolled or completed by their training deadline, releasing their money. "
        "Run daily (cron or the task grants.awards.tasks.expire_awards); running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: object, today: str | None, **options: object) -> None:
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError("Give --today as YYYY-MM-DD.") from error
        due = awards_due_to_expire(day).count()
        quiet = options.get("verbosity", 1) == 0
        with tqdm(total=due, desc="Expiring", unit="award", disable=quiet) as bar:
            expired = awards_expire_due(today=day, progress=bar)
        self.stdout.write(self.style.SUCCESS(f"{expired} award(s) expired and their funds released."))
