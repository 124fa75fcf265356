# ruff: noqa: S603, S607 - runs our own fixed commands (gunicorn, locust, pg_ctlcluster, ps) by design
"""Fault tests against a live gunicorn on PostgreSQL (see docs/quality.md). `make faults` runs both.

    python benchmarks/faults.py db-restart   # the load database of `make load-db`, its environment set
    python benchmarks/faults.py worker-kill  # a benchmark database filled by benchmarks/generate.py

db-restart: gunicorn (3 workers) under the locust profile; after FAULT_AT seconds PostgreSQL is restarted
(pg_ctlcluster ... restart). Meanwhile a probe asks /health/ every 0.2 s. Passes when: every answer was
200, or 503 from /health/, or a 5xx with our error page; no connection error or timeout (no hung or dead
worker); gunicorn's workers are the same processes before and after (none timed out or was replaced);
requests fail only around the outage and succeed again by themselves afterwards (no restart); a new
draft can be created after the run; and benchmarks/load_check.py finds the database equal to what the
successful requests logged (nothing lost, nothing doubled: a write that committed but answered an error
shows as "unlogged") and the ledger reconciled; its table is kept in var/faults/db_load_check.txt.

worker-kill: an administrator's XLSX export of every application is started, the task worker
(`manage.py db_worker`) is killed with SIGKILL once the job is running and has written rows, a new worker
is started, and the job's fate is reported: retried, marked failed, or left "running" (and then whether
the app shows it as failed once stale, and whether the owner can start it again and the new worker
finishes that).

Processes started here are stopped here, by their own ids.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "faults"
FAULT_AT = float(os.environ.get("FAULT_AT", "15"))
RUN_SECONDS = int(os.environ.get("FAULT_RUN_SECONDS", "45"))
OUR_ERROR_PAGE = "Sorry, something went wrong"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, str]:
    """(status, body); status 0 with the error for a connection error or timeout."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own local server
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (OSError, urllib.error.URLError) as error:
        return 0, repr(error)


def post_json(url: str, body: dict, headers: dict[str, str]) -> tuple[int, str]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310
        url, data=data, headers={**headers, "Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (OSError, urllib.error.URLError) as error:
        return 0, repr(error)


def children(pid: int) -> set[int]:
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return {int(line) for line in found.stdout.split()}


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pg_restart() -> float:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )
    for _ in range(100):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
            break
        time.sleep(0.1)
    return time.monotonic() - started


# ---------------------------------------------------------------- PostgreSQL restarted under load


def db_restart() -> bool:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "db-access.log").unlink(missing_ok=True)  # gunicorn appends: this run's requests only
    accounts_path = Path(os.environ.get("LOAD_ACCOUNTS", ROOT / "var" / "load" / "accounts.json"))
    accounts = json.loads(accounts_path.read_text())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "30",
            "--access-logfile",
            str(OUT / "db-access.log"),
            "--error-logfile",
            str(OUT / "db-gunicorn.log"),
        ],
        cwd=ROOT,
    )
    locust = None
    probes: list[tuple[float, int, str, float]] = []
    stop_probe = threading.Event()
    try:
        for _ in range(120):
            if get(f"{base}/health/", timeout=2)[0] == 200:
                break
            time.sleep(0.5)
        # Warm every worker (the first request of each imports the app).
        for _ in range(12):
            get(f"{base}/", timeout=30)
        workers_before = children(gunicorn.pid)
        log_dir = OUT / "db-log"
        for old in log_dir.glob("*"):
            old.unlink()
        locust = subprocess.Popen(
            [
                str(BIN / "locust"),
                "--headless",
                "-u",
                os.environ.get("LOAD_USERS", "30"),
                "-r",
                "30",
                "-t",
                f"{RUN_SECONDS}s",
                "--stop-timeout",
                "30",
                "--host",
                base,
                "-f",
                "benchmarks/locustfile.py",
                "--csv",
                str(OUT / "db"),
                "--csv-full-history",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_ACCOUNTS": str(accounts_path), "LOAD_LOG_DIR": str(log_dir)},
            stdout=(OUT / "db-locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        t0 = time.monotonic()

        def probe() -> None:
            while not stop_probe.is_set():
                started = time.monotonic()
                status, body = get(f"{base}/health/", timeout=10)
                probes.append((started - t0, status, body[:120], time.monotonic() - started))
                time.sleep(0.2)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        time.sleep(FAULT_AT)
        outage_start = time.monotonic() - t0
        restart_seconds = pg_restart()
        outage_end = time.monotonic() - t0
        locust.wait(timeout=RUN_SECONDS + 120)
        stop_probe.set()
        prober.join(timeout=15)
        workers_after = children(gunicorn.pid)

        # After the run, without touching gunicorn: health, and a new draft.
        after_health = get(f"{base}/health/")[0]
        worker = accounts["workers"][-1]
        program = accounts["programs"][0]
        after_create, created = post_json(
            f"{base}/api/v1/applications/",
            {
                "program": program["code"],
                "credential": accounts["credentials"][-1],
                "amount_requested": "500.00",
            },
            {"Authorization": f"Token {worker['token']}"},
        )
        if after_create == 201:  # logged like locust's writes, so the counts below include it
            with (log_dir / "creates-after-the-run.jsonl").open("w") as handle:
                handle.write(
                    json.dumps({"action": "create", "application": json.loads(created)["id"]}) + "\n"
                )
    finally:
        stop_probe.set()
        if locust is not None:
            stop(locust)
        stop(gunicorn)

    # The probe's view of the outage.
    bad_probes = [p for p in probes if p[1] not in (200, 503)]
    unavailable = [p for p in probes if p[1] == 503]
    recovered_at = next((p[0] for p in probes if p[0] > outage_end and p[1] == 200), None)
    after_recovery_bad = [
        p for p in probes if recovered_at is not None and p[0] > recovered_at and p[1] != 200
    ]
    slowest_probe = max((p[3] for p in probes), default=0.0)

    # Locust's failures: what kind, and when.
    failures = []
    with (OUT / "db_failures.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            failures.append((row["Name"], row["Error"], int(row["Occurrences"])))
    unclean = [
        f
        for f in failures
        if not any(code in f[1] for code in (": 500 ", ": 502 ", ": 503 "))
        or (": 500 " in f[1] and OUR_ERROR_PAGE not in f[1] and "{" not in f[1])
    ]
    history_failures = []
    with (OUT / "db_stats_history.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Name"] == "Aggregated"]
    first = int(rows[0]["Timestamp"]) if rows else 0
    previous = 0
    for r in rows:
        total = int(r["Total Failure Count"])
        if total > previous:
            history_failures.append(int(r["Timestamp"]) - first)
        previous = total
    stats = {r["Name"]: r for r in csv.DictReader((OUT / "db_stats.csv").open(newline=""))}["Aggregated"]
    gunicorn_log = (OUT / "db-gunicorn.log").read_text()
    timeouts = gunicorn_log.count("WORKER TIMEOUT")

    checks = [
        ("PostgreSQL restart took", f"{restart_seconds:.1f} s at t={outage_start:.1f} s", True),
        ("health probes", f"{len(probes)} ({len(unavailable)} answered 503)", True),
        ("probe answers other than 200/503", str(len(bad_probes)), not bad_probes),
        ("slowest probe answer", f"{slowest_probe:.2f} s", slowest_probe < 10),
        (
            "first 200 after the restart",
            f"t={recovered_at:.1f} s" if recovered_at else "never",
            recovered_at is not None and recovered_at - outage_end < 10,
        ),
        ("probe failures after recovery", str(len(after_recovery_bad)), not after_recovery_bad),
        ("locust requests / failures", f"{stats['Request Count']} / {stats['Failure Count']}", True),
        ("failures that were not a clean 5xx", str(sum(f[2] for f in unclean)), not unclean),
        (
            "seconds (from start) with new failures",
            str(sorted(set(history_failures))),
            all(second <= outage_end + 10 for second in history_failures),
        ),
        (
            "gunicorn workers replaced / timed out",
            f"{len(workers_before ^ workers_after) // 2} / {timeouts}",
            workers_before == workers_after and timeouts == 0,
        ),
        (
            "after the run: /health/, new draft",
            f"{after_health}, {after_create}",
            after_health == 200 and after_create == 201,
        ),
    ]
    # The database against what the successful requests logged: nothing lost, nothing doubled, the
    # ledger reconciled (load_check.py; its speed targets and failure count do not apply here). A write
    # that committed but answered an error would show as "unlogged".
    judged = subprocess.run(
        [
            str(BIN / "python"),
            str(ROOT / "benchmarks" / "load_check.py"),
            "--stats",
            str(OUT / "db_stats.csv"),
            "--accounts",
            str(accounts_path),
            "--log-dir",
            str(log_dir),
            "--allow-failures",
            "--min-rps",
            "0",
            "--max-p95",
            "1e12",
            "--access-log",
            str(OUT / "db-access.log"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    (OUT / "db_load_check.txt").write_text(judged.stdout + judged.stderr)
    unmet = [line for line in judged.stdout.splitlines() if line.rstrip().endswith("MISSED")]
    checks.append(
        (
            "nothing lost or doubled; ledger reconciles",  # ambiguous commits matched to their 5xx
            "yes" if judged.returncode == 0 else f"no: {'; '.join(unmet)[:120]}",
            judged.returncode == 0,
        )
    )
    print("\nFault: PostgreSQL restarted in the middle of the load run")
    width = max(len(c[0]) for c in checks)
    for name, value, passed in checks:
        print(f"  {name:<{width}}  {value:<40} {'ok' if passed else 'FAILED'}")
    for name, error, count in failures:
        print(f"  failure x{count}: {name}: {error[:150]}")
    return all(c[2] for c in checks)


# ---------------------------------------------------------------- task worker killed during an export


def worker_kill() -> bool:
    import django

    django.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from accounts.roles import Role
    from reporting.exports import (
        export_is_stale,
        export_job_create,
        export_job_retry,
        export_jobs_sweep,
        export_status,
    )
    from reporting.models import ExportJob

    OUT.mkdir(parents=True, exist_ok=True)
    owner = User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True).order_by("pk").first()
    if owner is None:
        sys.exit("worker-kill: no administrator in this database; fill it with benchmarks/generate.py first.")
    # Only this test's tasks in the queue: older ones of earlier runs would keep the worker busy.
    pending = DBTaskResult.objects.filter(status="READY").count()
    job = export_job_create(actor=owner, kind="applications", format="xlsx", filters={})
    command = [str(BIN / "python"), "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    log = (OUT / "worker.log").open("w")
    worker = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    killed_at_rows = None
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == ExportJob.Status.RUNNING and job.rows_done > 0:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                killed_at_rows = (job.rows_done, job.rows_total)
                break
            if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                break
            time.sleep(0.05)
    finally:
        stop(worker)
    if killed_at_rows is None:
        print(f"worker-kill: the export ended ({job.status}) before it could be killed; use more rows.")
        return False

    # A new worker: does it pick the job up again, or mark it failed?
    worker = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(float(os.environ.get("FAULT_WORKER_WAIT", "15")))
        job.refresh_from_db()
        task = DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).first()
        status_in_db = job.status
        shown_now = export_status(job)
        shown_after_stale = export_is_stale(job, now=timezone.now() + timezone.timedelta(minutes=31))
        # The scheduled sweep (`manage.py sweep_exports`, every few minutes) once EXPORT_STALE_MINUTES
        # have passed: run here with the clock moved 31 minutes on.
        swept = export_jobs_sweep(now=timezone.now() + timezone.timedelta(minutes=31))
        job.refresh_from_db()
        status_after_sweep, error_after_sweep = job.status, job.error
        retried = None
        if job.status == ExportJob.Status.FAILED:
            retry = export_job_retry(actor=owner, job=job)
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                retry.refresh_from_db()
                if retry.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                    break
                time.sleep(0.5)
            retried = (retry.pk, retry.status, retry.rows_done)
    finally:
        stop(worker)

    print("\nFault: the task worker killed (SIGKILL) in the middle of an export")
    print(f"  queued tasks before the test            {pending}")
    print(f"  export job #{job.pk} killed at rows           {killed_at_rows[0]} of {killed_at_rows[1]}")
    print(
        f"  job status in the database after a new worker ran {status_in_db!r} "
        f"(task {task.status if task else '?'})"
    )
    print(f"  status the app shows now                {shown_now!r}")
    print(f"  shown as failed once stale (30 min)     {shown_after_stale}")
    print(
        f"  the sweep 31 minutes on                 swept {[j.pk for j in swept]}: "
        f"{status_after_sweep!r} ({error_after_sweep!r})"
    )
    print(f"  owner's retry (new job id, status, rows) {retried}")
    marked_failed = job.pk in [j.pk for j in swept] and status_after_sweep == ExportJob.Status.FAILED
    never_spinning = (
        shown_after_stale and marked_failed and retried is not None and retried[1] == ExportJob.Status.DONE
    )
    print(f"  marked failed in the database by the sweep {marked_failed}")
    print(f"  never left running forever; retry completes {never_spinning}")
    return never_spinning


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which == "db-restart":
        sys.exit(0 if db_restart() else 1)
    if which == "worker-kill":
        sys.exit(0 if worker_kill() else 1)
    sys.exit("usage: faults.py db-restart | worker-kill")
