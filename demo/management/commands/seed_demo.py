from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.test.utils import override_settings
from tqdm import tqdm

from accounts.models import User
from demo.accounts import DEMO_ACCOUNTS, seed_demo_accounts
from demo.applications import seed_demo_applications
from demo.awards import AFTER_APPROVAL, demo_tampered_badge, seed_demo_awards
from demo.history import DEFAULT_COUNT as HISTORY_COUNT
from demo.history import seed_demo_history
from demo.matching import seed_demo_matching
from demo.programs import DEMO_PROGRAM_CODES, seed_demo_programs
from employers.models import Employer, Hire, Pledge
from grants.models import Application, Outcome, Payment, PaymentBatch
from programs.models import Credential, CredentialRequest, Program
from reporting.refresh import refresh_summaries


class Command(BaseCommand):
    help = "Load realistic demo data: one account per role, and (as the issues land) programs and more."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="skillsfund-demo", help="Password for every demo account.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a real deployment)."
        )
        parser.add_argument(
            "--applications", type=int, default=300, help="How many fictional applicants to create (0: none)."
        )
        parser.add_argument(
            "--history",
            type=int,
            default=HISTORY_COUNT,
            help="How many fictional people applied in the programs' earlier rounds (0: no history; "
            "only with applications).",
        )

    def handle(
        self, *args: object, password: str, force: bool, applications: int, history: int, **options: object
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password, so it refuses to run with DEBUG off. "
                "Use --force only on a throwaway database."
            )
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The demo password is too weak: " + " ".join(error.messages)) from error
        steps: list[tuple[str, Callable[[], object]]] = [
            ("accounts", lambda: seed_demo_accounts(password=password)),
            (
                "programs",
                lambda: seed_demo_programs(manager=User.objects.get(email="manager@demo.skillsfund.test")),
            ),
        ]
        if applications > 0:
            # History first: its ledger entries are dated in the past, before today's awards.
            steps.append(("history", lambda: seed_demo_history(count=history)))
            steps.append(("applications", lambda: seed_demo_applications(count=applications)))
            steps.append(("awards", lambda: seed_demo_awards()))
            steps.append(("employers", lambda: seed_demo_matching()))
        # Seeding sends no mail and queues no work: the tasks backend is a dummy while it runs (letters the
        # demo needs are made directly; others are made when first downloaded).
        with (
            override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}),
            tqdm(
                steps, desc="Seeding demo data", unit="step", disable=options.get("verbosity", 1) == 0
            ) as bar,
        ):
            for name, step in bar:
                bar.set_postfix_str(name)
                step()
        refresh_summaries()  # the dashboards' summary tables, as the scheduler would rebuild them
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/sign-in/ with:"))
        width = max(len(account.email) for account in DEMO_ACCOUNTS)
        for account in DEMO_ACCOUNTS:
            roles = ", ".join(str(role.label) for role in account.roles)
            self.stdout.write(f"  {account.email.ljust(width)}  {password}  ({roles})")
        programs = Program.objects.filter(code__in=DEMO_PROGRAM_CODES).order_by("code")
        listed = ", ".join(f"{program.code} ({program.get_status_display().lower()})" for program in programs)
        self.stdout.write(
            f"Programs: {listed}; {Credential.objects.count()} credentials in the catalog; "
            f"{CredentialRequest.objects.filter(status=CredentialRequest.Status.PENDING).count()} "
            "credential requests waiting for review."
        )
        by_status = dict(
            Application.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        counts = ", ".join(
            f"{by_status.get(status, 0)} {label.lower()}" for status, label in Application.Status.choices
        )
        self.stdout.write(f"Applications: {sum(by_status.values())} ({counts}).")
        self._awards_summary()
        self._employers_summary()

    def _awards_summary(self) -> None:
        """Awards, payments, batches and outcomes (issue 5), and the tampered badge to try."""
        awards = Application.objects.filter(status__in=AFTER_APPROVAL).count()
        payments = dict(
            Payment.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        batches = dict(
            PaymentBatch.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        outcomes = Outcome.objects.count()
        verified = Outcome.objects.filter(source=Outcome.Source.VERIFIED).count()
        if not (awards or payments or batches or outcomes):
            return
        paid = ", ".join(
            f"{payments.get(value, 0)} {label.lower()}" for value, label in Payment.Status.choices
        )
        batched = ", ".join(
            f"{n} {PaymentBatch.Status(value).label.lower()}" for value, n in sorted(batches.items())
        )
        self.stdout.write(
            f"Awards after approval: {awards}; payments: {sum(payments.values())} ({paid}); "
            f"payment batches: {sum(batches.values())} ({batched}); "
            f"outcomes: {outcomes} ({verified} verified)."
        )
        tampered = demo_tampered_badge()
        if tampered:
            self.stdout.write(
                "A tampered Open Badges credential: paste it into the completion claim of "
                "worker@demo.skillsfund.test's enrolled award to see it refused at the signature check:"
            )
            self.stdout.write(tampered)

    def _employers_summary(self) -> None:
        """Employers, pledges and hires (issue 6)."""
        employers = dict(
            Employer.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        if not employers:
            return
        pledges = dict(
            Pledge.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        by_status = ", ".join(
            f"{employers.get(value, 0)} {label.lower()}" for value, label in Employer.Status.choices
        )
        pledged = ", ".join(
            f"{pledges.get(value, 0)} {label.lower()}" for value, label in Pledge.Status.choices
        )
        self.stdout.write(
            f"Employers: {sum(employers.values())} ({by_status}); "
            f"pledges: {sum(pledges.values())} ({pledged}); "
            f"hires recorded: {Hire.objects.count()} ({Outcome.objects.filter(hire__isnull=False).count()} "
            "employer-reported outcomes)."
        )
