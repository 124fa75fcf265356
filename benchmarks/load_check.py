"""Judge a load run (see `make load`): throughput, latency and failures from locust's CSV, the ledger
reconciliation, and the database counts against what the successful requests created.

    DATABASE_URL=postgres://.../skillsfund_load .venv/bin/python benchmarks/load_check.py \
      --stats var/load/out_stats.csv --accounts var/load/accounts.json --log-dir var/load/log

Prints a summary table and exits 1 if any target is missed. With --verdict FILE it also writes one word
there: `ok`, `slow` (only the speed targets, requests/s and the 95th percentile, were missed: every
correctness check passed, so `make load LOAD_ATTEMPTS=N` may measure again on a fresh database) or
`broken` (a failure, a mismatch, something lost or doubled: never measured again).

Targets: at least --min-rps requests per second over the run, a 95th percentile under --max-p95 ms, no
failure; `reconcile_ledger` reports no mismatch; every count equals what the logged requests created
(nothing lost, nothing doubled).

Each successful request of the locustfile writes one line (action, application id) to the log; what each
action writes to the database (see grants/applications/services.py):
- create: an application (draft) and its "created" event;
- upload: a document and a "document_added" event;
- submit: a "submitted" event and a notice to the applicant;
- assign: a review assignment, "review_started" and "reviewer_assigned" events, a notice to the reviewer;
- approve: an "approved" event, a ledger commitment of the amount, a notice to the applicant.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

AMOUNT = Decimal("500.00")  # what the locustfile requests and the manager approves
SPEED_CHECKS = {"requests/s", "p95 ms"}  # the rest are correctness checks


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stats", default=str(ROOT / "var" / "load" / "out_stats.csv"))
    parser.add_argument("--accounts", default=str(ROOT / "var" / "load" / "accounts.json"))
    parser.add_argument("--log-dir", default=str(ROOT / "var" / "load" / "log"))
    parser.add_argument("--min-rps", type=float, default=100.0)
    parser.add_argument("--max-p95", type=float, default=500.0, help="Milliseconds.")
    parser.add_argument(
        "--app-cpu-seconds", type=float, help="CPU time gunicorn's workers used (shown per request)."
    )
    parser.add_argument("--allow-failures", action="store_true", help="Report failures without failing.")
    parser.add_argument("--verdict", help="Write ok, slow or broken to this file.")
    parser.add_argument(
        "--access-log",
        help="gunicorn's access log of the run (the fault runs): a write the database holds that no logged "
        "success explains is accepted, and counted apart, only if this log shows that very request "
        "answering 5xx (an ambiguous commit: it reached the disk as the connection died).",
    )
    return parser.parse_args()


def read_log(log_dir: Path) -> list[dict]:
    lines = []
    for path in sorted(log_dir.glob("creates-*.jsonl")):
        lines += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return lines


# What each logged action writes, and the order the locust profile takes an application through.
STATUS_AFTER = {"create": "draft", "submit": "submitted", "assign": "in_review", "approve": "approved"}
STEPS = ["create", "submit", "assign", "approve"]
WRITE = re.compile(
    r'"POST /api/v1/applications/(?:(?P<id>\d+)/(?P<action>documents|submit|assign|approve)/)? HTTP/[\d.]+" '
    r"(?P<status>\d{3}) "
)


def ambiguous_commits(log: list[dict], access_log: Path) -> tuple[Counter, list[str]]:
    """The writes the database holds that no logged success explains, each matched to a request for the
    same action on the same application that answered 5xx; and what could not be matched."""
    from django.db.models import Count

    from grants.models import Application

    failed: Counter = Counter()  # (action, application id or None for a create) -> 5xx answers
    for line in access_log.read_text().splitlines():
        match = WRITE.search(line)
        if match and match["status"].startswith("5"):
            action = {"documents": "upload"}.get(match["action"], match["action"]) or "create"
            failed[(action, int(match["id"]) if match["id"] else None)] += 1
    logged: dict[int, Counter] = {}
    for line in log:
        logged.setdefault(line["application"], Counter())[line["action"]] += 1
    explained: Counter = Counter()
    unexplained: list[str] = []

    def explain(action: str, pk: int | None, what: str) -> None:
        if failed[(action, pk)] > 0:
            failed[(action, pk)] -= 1
            explained[action] += 1
        else:
            unexplained.append(what)

    rows = Application.objects.values_list("pk", "status").annotate(documents=Count("documents"))
    for pk, status, documents in rows:
        mine = logged.get(pk)
        if mine is None:  # never logged as created: its create answered 5xx, or it is unexplained
            explain("create", None, f"application {pk} ({status}) was never logged")
            mine = Counter({"create": 1})
        for _extra in range(documents - mine["upload"]):
            explain("upload", pk, f"application {pk}: a document no logged upload explains")
        # Every step up to the status it holds happened; each one no logged success explains, gaps
        # included (a submit answered 5xx but saved, then a logged assign and approve), needs its 5xx.
        if status in STATUS_AFTER.values():
            for step in STEPS[1 : list(STATUS_AFTER.values()).index(status) + 1]:
                if not mine[step]:
                    explain(step, pk, f"application {pk}: {status} without a logged {step}")
    return explained, unexplained


def _database_cpu_seconds() -> float | None:
    """CPU time of the other PostgreSQL backends connected to this database (gunicorn's persistent
    connections, DATABASE_CONN_MAX_AGE), read from /proc: only when PostgreSQL runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total if pids else None


def main() -> int:
    args = _parse()
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db.models import Sum

    from benchmarks.load_setup import counts
    from grants.models import Application
    from programs.models import LedgerEntry

    rows: list[tuple[str, str, str, bool]] = []  # (check, measured, target, passed)

    with open(args.stats, newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    total = stats["Aggregated"]
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    rps, p50, p95, p99 = (float(total[k]) for k in ("Requests/s", "50%", "95%", "99%"))
    rows.append(("requests/s", f"{rps:.1f}", f">= {args.min_rps:g}", rps >= args.min_rps))
    rows.append(("p50 ms", f"{p50:.0f}", "", True))
    rows.append(("p95 ms", f"{p95:.0f}", f"< {args.max_p95:g}", p95 < args.max_p95))
    rows.append(("p99 ms", f"{p99:.0f}", "", True))
    if args.app_cpu_seconds:
        per_request = args.app_cpu_seconds * 1000 / max(requests, 1)
        rows.append(("gunicorn CPU ms/request", f"{per_request:.0f}", "(information)", True))
    database_cpu = _database_cpu_seconds()
    if database_cpu is not None:
        per_request = database_cpu * 1000 / max(requests, 1)
        rows.append(("PostgreSQL CPU ms/request", f"{per_request:.0f}", "(information)", True))
    rows.append(("failures", f"{failures} of {requests}", "0", failures == 0 or args.allow_failures))

    out = io.StringIO()
    try:
        call_command("reconcile_ledger", verbosity=0, stdout=out, stderr=out)
        rows.append(("reconcile_ledger", "no mismatch", "no mismatch", True))
    except CommandError as error:
        rows.append(("reconcile_ledger", str(error), "no mismatch", False))

    accounts = json.loads(Path(args.accounts).read_text())
    baseline = accounts["baseline"]
    log = read_log(Path(args.log_dir))
    done = Counter(line["action"] for line in log)
    if args.access_log:
        explained, unexplained = ambiguous_commits(log, Path(args.access_log))
        rows.append(
            (
                "saved although answered 5xx",
                f"{sum(explained.values())} {dict(explained)}" if explained else "0",
                "each matched to its 5xx",
                not unexplained,
            )
        )
        for what in unexplained[:10]:
            rows.append(("  unexplained", what, "", False))
        done = done + explained
    expected = {
        "applications": done["create"],
        "documents": done["upload"],
        "application_events": done["create"]
        + done["upload"]
        + done["submit"]
        + 2 * done["assign"]
        + done["approve"],
        "assignments": done["assign"],
        "ledger_entries": done["approve"],
        "notices": done["submit"] + done["assign"] + done["approve"],
    }
    now = counts()
    for name, want in expected.items():
        got = now[name] - baseline[name]
        rows.append((f"db {name} (new)", str(got), f"= {want} logged", got == want))

    # The same application ids, each once: creates logged once each, and exactly those rows in the database.
    created = [line["application"] for line in log if line["action"] == "create"]
    in_db = set(Application.objects.values_list("pk", flat=True))
    doubled = len(created) - len(set(created))
    missing = len(set(created) - in_db)
    # Creates that answered 5xx yet were saved are counted above (ambiguous commits), not here.
    unexpected = len(in_db - set(created)) - (done["create"] - len(created))
    rows.append(
        (
            "applications lost/doubled/unlogged",
            f"{missing}/{doubled}/{unexpected}",
            "0/0/0",
            missing == doubled == unexpected == 0,
        )
    )
    by_status = Counter(Application.objects.values_list("status", flat=True))
    status_want = {
        "draft": done["create"] - done["submit"],
        "submitted": done["submit"] - done["assign"],
        "in_review": done["assign"] - done["approve"],
        "approved": done["approve"],
    }
    status_got = {name: by_status.get(name, 0) for name in status_want}
    rows.append(
        (
            "applications by status",
            json.dumps(status_got),
            json.dumps(status_want),
            status_got == status_want and sum(by_status.values()) == sum(status_want.values()),
        )
    )
    committed = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.COMMITMENT).aggregate(total=Sum("amount"))[
        "total"
    ]
    committed = committed or Decimal("0")
    rows.append(
        (
            "money committed",
            f"{committed:,.2f}",
            f"= {AMOUNT * done['approve']:,.2f}",
            committed == AMOUNT * done["approve"],
        )
    )

    width = max(len(r[0]) for r in rows)
    measured_width = max(len(r[1]) for r in rows)
    print(f"\n{'check':<{width}}  {'measured':<{measured_width}}  {'target':<24} result")
    for name, measured, target, passed in rows:
        print(f"{name:<{width}}  {measured:<{measured_width}}  {target:<24} {'ok' if passed else 'MISSED'}")
    print(f"\nactions (logged successes, plus any ambiguous commits): {dict(done)}")
    missed = [r[0] for r in rows if not r[3]]
    verdict = "ok" if not missed else "slow" if set(missed) <= SPEED_CHECKS else "broken"
    if args.verdict:
        Path(args.verdict).write_text(verdict + "\n")
    if missed:
        print(f"\nload: MISSED {len(missed)} target(s): {', '.join(missed)}")
        return 1
    print("\nload: every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
