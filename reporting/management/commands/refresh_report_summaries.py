from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reporting.refresh import STEPS, refresh_summaries


class Command(BaseCommand):
    help = (
        "Rebuild the report summary tables the dashboards of a large system read (reporting.summaries). "
        "Safe to run at any time and again; schedule it every 15 minutes."
    )

    def handle(self, *args: object, **options: object) -> None:
        quiet = options.get("verbosity", 1) == 0
        with tqdm(total=len(STEPS), desc="Summarising", unit="table", disable=quiet) as bar:
            started: list[str] = []

            def advance(name: str) -> None:  # called as each table starts: the one before is done
                if started:
                    bar.update(1)
                started.append(name)
                bar.set_postfix_str(name)

            try:
                run = refresh_summaries(progress=advance)
            except Exception as error:
                raise CommandError(f"The summaries were not rebuilt: {error}") from error
            bar.update(len(STEPS) - bar.n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Report summaries rebuilt (run {run.pk}): {run.applications} applications "
                f"in {run.seconds or 0:.1f} s."
            )
        )
