"""Profile each request of the load profile (benchmarks/locustfile.py) one at a time, in process, through
Django's test client: queries, Python CPU, wall time and where the CPU goes.

    make load-db     # a fresh, seeded load database (this script writes to it: run `make load-db` again
                     # before `make load`, which does so itself)
    DJANGO_DEBUG=false DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \
      DJANGO_SESSION_COOKIE_SECURE=false DJANGO_CSRF_COOKIE_SECURE=false \
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsfund_load DATABASE_CONN_MAX_AGE=60 \
      SKILLSFUND_MEDIA_ROOT=var/load/uploads LOG_LEVEL=WARNING \
      .venv/bin/python benchmarks/profile_requests.py [--repeat 10] [--top 12] [--sql "manager: approve"]

For each request type: the median of --repeat runs (after one warm-up round) of the queries, the Python
CPU (process time: the app's own share, PostgreSQL excluded) and the wall time, then the functions with
the most cumulative time under cProfile (all runs of that type together). --sql prints the SQL of one
run of the named request type. The database must be a load database (its name contains "load").
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = "127.0.0.1"
SITE = str(Path(os.__file__).parent)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", default=str(ROOT / "var" / "load" / "accounts.json"))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top", type=int, default=12, help="Functions shown per request type (0: none).")
    parser.add_argument("--sql", default="", help="Print the SQL of one run of this request type.")
    parser.add_argument("--only", default="", help="Profile only request types containing this text.")
    return parser.parse_args()


class Measure:
    """Runs requests and keeps, per request type, the queries, CPU and wall time of each, and a profile."""

    def __init__(self, *, sql: str, only: str) -> None:
        self.rows: dict[str, list[tuple[int, float, float]]] = {}
        self.profiles: dict[str, cProfile.Profile] = {}
        self.sql, self.only, self.shown_sql = sql, only, False
        self.recording = self.profiling = False

    def __call__(self, name: str, call: Callable[[], Any], expected: int) -> Any:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        profile = self.profiles.setdefault(name, cProfile.Profile())
        profiled = self.profiling and (not self.only or self.only in name)
        with CaptureQueriesContext(connection) as queries:
            cpu, wall = time.process_time(), time.perf_counter()
            if profiled:
                profile.enable()
            response = call()
            if profiled:
                profile.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != expected:
            body = getattr(response, "content", b"")[:300]
            raise SystemExit(f"{name}: {response.status_code} (expected {expected}): {body!r}")
        if self.recording:
            self.rows.setdefault(name, []).append((len(queries), cpu * 1000, wall * 1000))
            if self.sql and name == self.sql and not self.shown_sql:
                self.shown_sql = True
                print(f"\n-- SQL of one '{name}' ({len(queries)} queries)")
                for query in queries.captured_queries:
                    print(f"{query['time']:>6}s  {query['sql'][:400]}")
        return response

    def report(self, top: int) -> None:
        print(
            f"\n{'request':<34} {'queries':>7} {'CPU ms':>7} {'wall ms':>8}"
            f"   (medians of {self._runs()} runs)"
        )
        for name, rows in self.rows.items():
            queries = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            wall = statistics.median(r[2] for r in rows)
            print(f"{name:<34} {queries:>7g} {cpu:>7.1f} {wall:>8.1f}")
        if not top:
            return
        for name, profile in self.profiles.items():
            if self.only and self.only not in name:
                continue
            print(f"\n-- {name} (all profiled runs together)")
            for title, order, pattern in (
                ("own code by cumulative time", "cumulative", str(ROOT / "[a-z]") + "(?!.*benchmarks)"),
                ("any function by own time", "tottime", ""),
                ("any function by cumulative time", "cumulative", ""),
            ):
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out)
                stats.sort_stats(order).print_stats(pattern, top) if pattern else stats.sort_stats(
                    order
                ).print_stats(top)
                lines = [line for line in out.getvalue().splitlines() if re.match(r"\s*\d", line)]
                print(f"   {title}:")
                for line in lines[:top]:
                    print("    " + line.strip().replace(str(ROOT) + "/", "").replace(SITE, "")[:150])

    def _runs(self) -> int:
        return max((len(rows) for rows in self.rows.values()), default=0)


def main() -> None:
    args = _parse()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from rest_framework.test import APIClient

    database = settings.DATABASES["default"]["NAME"]
    if "load" not in str(database):
        sys.exit(f"profile_requests: {database!r} is not a load database (its name must contain 'load').")
    accounts = json.loads(Path(args.accounts).read_text())
    measure = Measure(sql=args.sql, only=args.only)

    # (worker, credential) pairs from the end, so they do not meet locust's (which start at the beginning).
    # Pairs already used by an earlier run of this script are skipped, so it can run again on the same data.
    from grants.models import Application

    used = set(Application.objects.values_list("applicant_id", "credential_id"))
    pairs = (
        (credential_index, worker_index)
        for credential_index, worker_index in itertools.product(
            reversed(range(len(accounts["credentials"]))), reversed(range(len(accounts["workers"])))
        )
        if (accounts["workers"][worker_index]["id"], accounts["credentials"][credential_index]) not in used
    )
    programs = accounts["programs"]

    # One client for every API caller (its token set per request): the middleware is loaded once, as in a
    # gunicorn worker, not once per caller.
    api = APIClient(SERVER_NAME=HOST)

    class Caller:
        def __init__(self, token: str) -> None:
            self.token = token

        def get(self, *args: Any, **kwargs: Any) -> Any:
            api.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
            return api.get(*args, **kwargs)

        def post(self, *args: Any, **kwargs: Any) -> Any:
            api.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
            return api.post(*args, **kwargs)

    def client(token: str) -> Caller:
        return Caller(token)

    official = accounts["officials"][0]
    official_api = client(official["token"])
    official_page = Client(SERVER_NAME=HOST, enforce_csrf_checks=True)

    def sign_in() -> Any:
        official_page.cookies.pop("sessionid", None)  # signed out, as locust's officials start
        page = official_page.get("/accounts/sign-in/")
        match = CSRF.search(page.content.decode())
        return official_page.post(
            "/accounts/sign-in/",
            {
                "username": official["email"],
                "password": official["password"],
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            HTTP_REFERER=f"http://{HOST}/accounts/sign-in/",
        )

    # One warm-up round, --repeat timed rounds, then (with --top) as many again under cProfile: the profiler
    # slows what it watches, so the timed rounds run without it.
    rounds = 1 + args.repeat + (args.repeat if args.top else 0)
    for round_number in range(rounds):
        measure.recording = 0 < round_number <= args.repeat
        measure.profiling = round_number > args.repeat
        program = programs[round_number % len(programs)]
        manager = client(program["manager_token"])
        credential_index, worker_index = next(pairs)
        worker = client(accounts["workers"][worker_index]["token"])
        response = measure(
            "worker: create draft",
            lambda worker=worker, program=program, credential_index=credential_index: worker.post(
                "/api/v1/applications/",
                {
                    "program": program["code"],
                    "credential": accounts["credentials"][credential_index],
                    "amount_requested": "500.00",
                    "statement": "Profiled application.",
                },
                format="json",
            ),
            201,
        )
        application_id = response.json()["id"]
        measure(
            "worker: upload document",
            lambda worker=worker, application_id=application_id: worker.post(
                f"/api/v1/applications/{application_id}/documents/",
                {"file": _upload(), "kind": "evidence"},
                format="multipart",
            ),
            201,
        )
        measure(
            "worker: submit",
            lambda worker=worker, application_id=application_id: worker.post(
                f"/api/v1/applications/{application_id}/submit/"
            ),
            200,
        )
        measure("worker: my applications", lambda worker=worker: worker.get("/api/v1/applications/"), 200)
        measure(
            "manager: review queue",
            lambda manager=manager, program=program: manager.get(
                "/api/v1/applications/",
                {"status": "submitted", "program": program["code"], "sort": "submitted"},
            ),
            200,
        )
        measure(
            "manager: begin review (assign)",
            lambda manager=manager, program=program, application_id=application_id: manager.post(
                f"/api/v1/applications/{application_id}/assign/",
                {"reviewer": program["reviewer_id"]},
                format="json",
            ),
            200,
        )
        measure(
            "manager: approve",
            lambda manager=manager, application_id=application_id: manager.post(
                f"/api/v1/applications/{application_id}/approve/",
                {"reason": "Meets the criteria."},
                format="json",
            ),
            200,
        )
        measure("official: reports summary API", lambda: official_api.get("/api/v1/reports/summary/"), 200)
        if round_number % 5 == 0:  # password hashing is slow by design: a few sign-ins are enough
            measure("official: sign in", sign_in, 302)
        measure("official: dashboard page", lambda: official_page.get("/reports/"), 200)
        measure("official: home page", lambda: official_page.get("/"), 200)
    measure.report(args.top)


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")


if __name__ == "__main__":
    main()
