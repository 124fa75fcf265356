"""Seed an empty, migrated database for the load test (benchmarks/locustfile.py), through the services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsfund_load DJANGO_SECRET_KEY=... \
      .venv/bin/python benchmarks/load_setup.py --out var/load/accounts.json

Creates one administrator (the bootstrap account, as seed_demo does: there is no service for the first
one), then through the services: program managers (each creates and opens one program with a big budget,
one open round and every load credential listed), reviewers, officials (invited and activated, so they
have a password for the dashboard page), and workers with profiles. Every account gets a DRF token.
Writes the tokens, ids and program codes to a JSON file, and the row counts right after seeding (the
baseline the run's counts are compared against).

Accounts are created with an unusable password (no password hashing, so hundreds take seconds) except
the officials, who sign in to the dashboard page.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

OFFICIAL_PASSWORD = "load-test-official-Passw0rd"  # noqa: S105 - a throwaway account of a throwaway database


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--managers", type=int, default=4, help="One program each (default 4).")
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--officials", type=int, default=4)
    parser.add_argument("--credentials", type=int, default=150, help="Listed by every program.")
    parser.add_argument(
        "--budget",
        default="2000000.00",
        help="Each program's budget (default 2,000,000: ample for a 5-minute run at 500 per award).",
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "load" / "accounts.json"))
    return parser.parse_args()


def counts() -> dict[str, int]:
    """The rows the load run creates; compared before and after the run."""
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Notice
    from grants.models import Application, ApplicationDocument, ApplicationEvent, ReviewAssignment
    from programs.models import LedgerEntry

    return {
        "applications": Application.objects.count(),
        "application_events": ApplicationEvent.objects.count(),
        "documents": ApplicationDocument.objects.count(),
        "assignments": ReviewAssignment.objects.count(),
        "ledger_entries": LedgerEntry.objects.count(),
        "notices": Notice.objects.count(),
        "tasks": DBTaskResult.objects.count(),
    }


def main() -> None:
    args = _parse()
    import django

    django.setup()

    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import RoleChange, User
    from accounts.roles import Role
    from accounts.services import invited_user_activate, invited_user_create, staff_user_create
    from grants.applications.services import worker_profile_save
    from programs.models import Program
    from programs.services import (
        credential_save,
        program_create,
        program_credential_set,
        program_transition,
        provider_save,
        round_save,
    )

    if User.objects.exists():
        sys.exit("load_setup: the database already has users; give it an empty, migrated database.")
    started = time.perf_counter()
    now = timezone.now()

    with transaction.atomic():
        admin = User(email="admin@load.skillsfund.test", full_name="Load Administrator")
        admin.email_verified_at = now
        admin.set_unusable_password()
        admin.save()
        admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
        RoleChange.objects.create(
            user=admin,
            role=Role.ADMINISTRATOR,
            action=RoleChange.Action.GRANTED,
            actor=None,
            reason="Load test",
        )

    def staff(prefix: str, index: int, role: Role) -> User:
        return staff_user_create(
            actor=admin,
            email=f"{prefix}{index:04d}@load.skillsfund.test",
            full_name=f"Load {prefix.capitalize()} {index}",
            roles=[role],
        )

    def token(user: User) -> str:
        return Token.objects.get_or_create(user=user)[0].key

    managers = [staff("manager", i, Role.PROGRAM_MANAGER) for i in range(args.managers)]
    reviewers = [staff("reviewer", i, Role.REVIEWER) for i in range(args.reviewers)]

    officials = []
    for i in range(args.officials):
        invited = invited_user_create(
            email=f"official{i:04d}@load.skillsfund.test",
            full_name=f"Load Official {i}",
            role=Role.OFFICIAL,
            invited_by=admin,
            reason="Load test",
        )
        officials.append(invited_user_activate(user=invited, password=OFFICIAL_PASSWORD))

    catalog_manager = managers[0]
    provider = provider_save(
        actor=catalog_manager,
        name="Load Test Technical College",
        registration_number="LOAD-0001",
        eligible_from=date(2020, 1, 1),
    )
    credentials = [
        credential_save(
            actor=catalog_manager,
            title=f"Load Credential {i:04d}",
            provider=provider,
            hours=40,
            duration_weeks=6,
            cost="2000.00",
            currency="USD",
            delivery_mode="online",
        )
        for i in range(args.credentials)
    ]

    programs = []
    for i, manager in enumerate(managers):
        program = program_create(
            actor=manager,
            code=f"LOAD-{i:02d}",
            currency="USD",
            total_budget=args.budget,
            name=f"Load Program {i}",
            summary="A program for the load test.",
            funding_agency="Load Test Agency",
            payment_model=Program.PaymentModel.VOUCHER,
            applicant_type=Program.ApplicantType.WORKER,
            selection_method=Program.SelectionMethod.FIRST_COME,
        )
        round_save(
            actor=manager,
            program=program,
            name="Load round",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=60),
        )
        for credential in credentials:
            program_credential_set(actor=manager, program=program, credential=credential)
        program_transition(actor=manager, program=program, to_status=Program.Status.OPEN, reason="Load test")
        programs.append(program)

    workers = []
    regions = ["North", "Central", "South", "Coastal", "Metro"]
    for i in range(args.workers):
        worker = staff("worker", i, Role.WORKER)
        worker_profile_save(
            user=worker,
            region=regions[i % len(regions)],
            date_of_birth=date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
            employment_status="employed_full_time" if i % 3 else "unemployed",
        )
        workers.append(worker)

    data = {
        "programs": [
            {
                "code": p.code,
                "id": p.pk,
                "manager_token": token(m),
                "reviewer_id": reviewers[i % len(reviewers)].pk,
            }
            for i, (p, m) in enumerate(zip(programs, managers, strict=True))
        ],
        "credentials": [c.pk for c in credentials],
        "workers": [{"id": w.pk, "token": token(w)} for w in workers],
        "officials": [
            {"email": o.email, "password": OFFICIAL_PASSWORD, "token": token(o)} for o in officials
        ],
        "baseline": counts(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1))
    print(
        f"load_setup: {len(programs)} programs, {len(credentials)} credentials, {len(workers)} workers, "
        f"{len(reviewers)} reviewers, {len(officials)} officials "
        f"in {time.perf_counter() - started:.1f} s -> {out}"
    )


if __name__ == "__main__":
    main()
