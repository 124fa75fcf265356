from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from accounts.demo import DEMO_ACCOUNTS, seed_demo_accounts


class Command(BaseCommand):
    help = "Load realistic demo data: one account per role, and (as the issues land) programs and more."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="skillsfund-demo", help="Password for every demo account.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a real deployment)."
        )

    def handle(self, *args: object, password: str, force: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password, so it refuses to run with DEBUG off. "
                "Use --force only on a throwaway database."
            )
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The demo password is too weak: " + " ".join(error.messages)) from error
        steps = [("accounts", lambda: seed_demo_accounts(password=password))]
        with tqdm(
            steps, desc="Seeding demo data", unit="step", disable=options.get("verbosity", 1) == 0
        ) as bar:
            for name, step in bar:
                bar.set_postfix_str(name)
                step()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/sign-in/ with:"))
        width = max(len(account.email) for account in DEMO_ACCOUNTS)
        for account in DEMO_ACCOUNTS:
            roles = ", ".join(str(role.label) for role in account.roles)
            self.stdout.write(f"  {account.email.ljust(width)}  {password}  ({roles})")
