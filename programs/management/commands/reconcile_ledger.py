from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from programs.models import Program
from programs.selectors import ledger_reconcile


class Command(BaseCommand):
    help = "Recompute every program's budget totals from its ledger entries and report any mismatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", help="Only this program code.")
        parser.add_argument("--batch", type=int, default=200, help="Programs checked per query.")

    def handle(self, *args: object, program: str | None, batch: int, **options: object) -> None:
        codes = list(Program.objects.order_by("code").values_list("code", flat=True))
        if program:
            if program not in codes:
                raise CommandError(f"No program has the code {program!r}.")
            codes = [program]
        mismatches = []
        quiet = options.get("verbosity", 1) == 0
        with tqdm(total=len(codes), desc="Reconciling", unit="program", disable=quiet) as bar:
            for start in range(0, len(codes), batch):
                chunk = codes[start : start + batch]
                mismatches += ledger_reconcile(Program.objects.filter(code__in=chunk))
                bar.update(len(chunk))
        if mismatches:
            for m in mismatches:
                self.stderr.write(
                    f"{m.program_code}: {m.field} is {m.recorded} but the entries add up to {m.recomputed}"
                )
            raise CommandError(f"{len(mismatches)} mismatch(es) between budgets and the ledger.")
        self.stdout.write(self.style.SUCCESS(f"Ledger reconciles: {len(codes)} program(s), no mismatch."))
