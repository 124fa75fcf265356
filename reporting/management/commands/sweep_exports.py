from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from reporting.exports import export_jobs_sweep, stale_jobs, stale_minutes


class Command(BaseCommand):
    help = (
        "Mark failed the export jobs left queued or running longer than EXPORT_STALE_MINUTES (no worker took "
        "them, or the worker died), so their owners can start them again. Run every few minutes, or at "
        "least daily (cron or the task reporting.tasks.sweep_exports); running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="Jobs per transaction (default 500).")

    def handle(self, *args: object, batch: int, **options: object) -> None:
        quiet = options.get("verbosity", 1) == 0
        size = max(1, batch)
        swept = 0
        with tqdm(total=stale_jobs().count(), desc="Sweeping", unit="job", disable=quiet) as bar:
            while True:
                jobs = export_jobs_sweep(limit=size)
                for job in jobs:
                    self.stdout.write(
                        f"export #{job.pk} ({job.kind}.{job.format}, owner {job.owner_id}): {job.error}"
                    )
                bar.update(len(jobs))
                swept += len(jobs)
                if len(jobs) < size:  # a full batch may have more behind it
                    break
        self.stdout.write(
            self.style.SUCCESS(
                f"{swept} export job(s) queued or running for more than {stale_minutes()} minutes: "
                "marked failed."
            )
        )
