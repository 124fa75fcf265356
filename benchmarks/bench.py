"""Time the reporting and list operations on the benchmark database (see benchmarks/generate.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsfund_bench \
      DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/bench.py

For each operation: the median wall time of --repeat warm runs (after one warm-up run), the number of
queries it sends (CaptureQueriesContext), and what PostgreSQL alone takes for those same queries, two ways:
"raw SQL" re-runs the captured statements through a plain cursor and fetches every row (median of the same
number of runs), "PG exec" is the planning plus execution time EXPLAIN (ANALYZE, TIMING OFF) reports for
them. The ratio is median / raw SQL. The CSV export also shows rows per second and the peak Python memory
(tracemalloc, in a separate run). `make bench` fills the database first if it is empty.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


@dataclass
class Result:
    name: str
    median_ms: float
    queries: int
    raw_ms: float | None
    pg_ms: float | None
    note: str = ""


HEADER = f"{'operation':<46} {'median':>9} {'queries':>7} {'raw SQL':>9} {'PG exec':>9} {'ratio':>6}"


def _print(result: Result) -> None:
    raw = f"{result.raw_ms:9.1f}" if result.raw_ms is not None else f"{'-':>9}"
    pg = f"{result.pg_ms:9.1f}" if result.pg_ms is not None else f"{'-':>9}"
    ratio = f"{result.median_ms / result.raw_ms:6.2f}" if result.raw_ms else f"{'-':>6}"
    print(f"{result.name:<46} {result.median_ms:9.1f} {result.queries:>7} {raw} {pg} {ratio}", flush=True)
    if result.note:
        print(f"{'':<4}{result.note}", flush=True)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per operation (default 3).")
    parser.add_argument("--deep-page", type=int, default=5000, help="The deep page to fetch (default 5000).")
    parser.add_argument("--skip-export", action="store_true", help="Leave out the CSV export of everything.")
    parser.add_argument("--skip-dashboard", action="store_true", help="Leave out the dashboards.")
    parser.add_argument(
        "--skip-current", action="store_true", help="Leave out the list API with the current queue selector."
    )
    parser.add_argument(
        "--skip-proposed", action="store_true", help="Leave out the proposed queue selector's rows."
    )
    parser.add_argument("--skip-pdf", action="store_true", help="Leave out the quarterly PDF.")
    return parser.parse_args()


def _median_ms(run: Callable[[], object], repeat: int, *, warm_up: bool = True) -> float:
    if warm_up:  # caches, query plans
        run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _capture(run: Callable[[], object]) -> list[str]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"] for query in captured.captured_queries]


def _selects(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def _raw_ms(statements: list[str], repeat: int) -> float:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in _selects(statements):
                cursor.execute(sql)
                cursor.fetchall()

    return _median_ms(run, repeat, warm_up=False)  # the operation's own runs warmed the same queries


def _pg_ms(statements: list[str] | list[tuple[str, Any]]) -> float:
    from django.db import connection

    total = 0.0
    with connection.cursor() as cursor:
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, None)
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
    return total


def measure(name: str, run: Callable[[], object], repeat: int, *, raw: bool = True) -> Result:
    statements = _capture(run)  # also the warm-up run
    median = _median_ms(run, repeat, warm_up=False)
    result = Result(
        name,
        median,
        len(statements),
        _raw_ms(statements, repeat) if raw else None,
        _pg_ms(statements),
    )
    _print(result)
    return result


# ---------------------------------------------------------------- operations


def _dashboard(filters: Any) -> Callable[[], object]:
    from reporting.equity import equity_report
    from reporting.figures import dashboard

    return lambda: (dashboard(filters), equity_report(filters))


def _api(client: Any, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.content

    return run


@contextlib.contextmanager
def _queue_count_as_subquery() -> Iterator[None]:
    """The review queue with its assignment count as a correlated subquery instead of JOIN + GROUP BY:
    the change this benchmark proposes for grants.selectors.review_queue, measured here before it is made.
    With GROUP BY over every visible application, PostgreSQL must group them all before it can sort and
    take a page; with a subquery it reads the page from the queue index and counts 25 times."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from grants import selectors
    from grants.models import Application, ReviewAssignment

    original = selectors.review_queue

    def review_queue(visible: Any, params: Any, *, request: Any = None) -> Any:
        assignments = (
            ReviewAssignment.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(n=Count("pk"))
            .values("n")
        )
        base = (
            visible.exclude(status=Application.Status.DRAFT)
            .select_related("program", "credential", "funding_round", "applicant")
            .annotate(assignment_count=Subquery(assignments, output_field=IntegerField()))
            .order_by("priority_rank", "submitted_at", "id")
        )
        filterset = selectors.QueueFilter(params, queryset=base, request=request)
        if not filterset.is_valid():
            return filterset, Application.objects.none()
        return filterset, filterset.qs

    selectors.review_queue = review_queue  # type: ignore[assignment]
    try:
        yield
    finally:
        selectors.review_queue = original  # type: ignore[assignment]


def _deep_cursor(page: int, size: int) -> str:
    """The cursor the API would hand out after `page - 1` pages of the administrator's queue."""
    import base64

    from grants.models import Application

    values = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .order_by("priority_rank", "submitted_at", "id")
        .values_list("priority_rank", "submitted_at", "id")[(page - 1) * size - 1]
    )
    raw = json.dumps([str(value) for value in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _export(admin: Any, repeat: int) -> Result:
    from reporting.exports import csv_lines, export_query, stream_rows
    from reporting.figures import ReportFilter

    def run() -> int:
        headers, query = export_query(admin, "applications", ReportFilter(), personal=True)
        count = -1  # the header line
        for _line in csv_lines(headers, stream_rows(query)):
            count += 1
        return count

    statements = _capture(run)
    samples = []
    rows = 0
    for _ in range(max(1, min(repeat, 3))):
        start = time.perf_counter()
        rows = run()
        samples.append(time.perf_counter() - start)
    seconds = statistics.median(samples)
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _headers, query = export_query(admin, "applications", ReportFilter(), personal=True)
    result = Result(
        "CSV export, all applications",
        seconds * 1000,
        len(statements),
        None,
        _pg_ms([query.query.sql_with_params()]) if rows else None,
        f"{rows:,} rows, {rows / seconds:,.0f} rows/s, peak {peak / 2**20:.0f} MB (tracemalloc)",
    )
    _print(result)
    return result


def _pdf(repeat: int) -> Result:
    import datetime as dt

    from django.utils import timezone

    from reporting.pdf import quarterly_report_pdf

    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)) if today.month in (1, 4, 7, 10) else today
    year, quarter = last.year, (last.month - 1) // 3 + 1
    if quarter == (today.month - 1) // 3 + 1 and year == today.year:  # the last finished quarter
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    result = measure(
        f"quarterly PDF ({year} Q{quarter})",
        lambda: quarterly_report_pdf(year, quarter),
        max(1, min(repeat, 3)),
    )
    return result


def main() -> None:
    args = _parse()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.roles import Role
    from benchmarks.generate import fill_record, guard_database
    from grants.models import Application
    from programs.models import Program
    from reporting.figures import ReportFilter

    guard_database()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    applications = Application.objects.count()
    if not applications:
        raise SystemExit("The benchmark database is empty: run benchmarks/generate.py first (or make bench).")
    admin = User.objects.filter(groups__name=Role.ADMINISTRATOR).order_by("pk").first()
    program = Program.objects.order_by("code").first()
    if admin is None or program is None:
        raise SystemExit("No administrator or program in the benchmark database: regenerate it.")
    client = APIClient()
    client.force_authenticate(admin)
    repeat = args.repeat
    size = 25
    deep = min(args.deep_page, Application.objects.exclude(status=Application.Status.DRAFT).count() // size)
    print(f"{applications:,} applications; printing each operation as it is measured\n{HEADER}", flush=True)
    results: list[Result] = []
    if not args.skip_dashboard:
        results += [
            measure("dashboard + equity, all programs", _dashboard(ReportFilter()), repeat),
            measure(
                f"dashboard + equity, program {program.code}",
                _dashboard(ReportFilter(programs=(program.pk,))),
                repeat,
            ),
        ]
    if not args.skip_proposed:
        with _queue_count_as_subquery():
            results += [
                measure(
                    "applications API, page 1 (proposed queue)", _api(client, "/api/v1/applications/"), repeat
                ),
                measure(
                    "applications API, cursor first (proposed queue)",
                    _api(client, "/api/v1/applications/?cursor="),
                    repeat,
                ),
                measure(
                    f"applications API, cursor p.{deep:,} (proposed queue)",
                    _api(client, f"/api/v1/applications/?cursor={_deep_cursor(deep, size)}"),
                    repeat,
                ),
            ]
    if not args.skip_current:
        results += [
            measure("applications API, page 1", _api(client, "/api/v1/applications/"), repeat),
            measure("applications API, cursor, first", _api(client, "/api/v1/applications/?cursor="), repeat),
            measure(
                f"applications API, cursor at page {deep:,}",
                _api(client, f"/api/v1/applications/?cursor={_deep_cursor(deep, size)}"),
                repeat,
            ),
            measure(
                f"applications API, page {deep:,}", _api(client, f"/api/v1/applications/?page={deep}"), repeat
            ),
        ]
    notes = []
    if args.skip_export:
        notes.append("CSV export: skipped (--skip-export).")
    else:
        try:
            results.append(_export(admin, repeat))
        except ImportError as error:
            notes.append(f"CSV export: skipped, reporting.exports is not there ({error}).")
    if args.skip_pdf:
        notes.append("Quarterly PDF: skipped (--skip-pdf).")
    else:
        try:
            results.append(_pdf(repeat))
        except ImportError as error:
            notes.append(f"Quarterly PDF: skipped, reporting.pdf is not there ({error}).")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"\n{applications:,} applications, PostgreSQL {version}, {os.cpu_count()} CPUs; "
        f"median of {repeat} warm runs (export and PDF: up to 3); times in ms\n"
    )
    print(HEADER)
    print("-" * len(HEADER))
    for result in results:
        _print(result)
    if fill_record().exists():
        fill = json.loads(fill_record().read_text())
        print(
            f"\nfilling: {fill['applications']:,} applications, {fill['rows']:,} rows in "
            f"{fill['load_seconds']:.0f} s ({fill['total_seconds']:.0f} s with VACUUM ANALYZE), "
            f"{fill['date']}"
        )
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
