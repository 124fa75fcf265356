"""Time the reporting and list operations on the benchmark database (see benchmarks/generate.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsfund_bench \
      DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/bench.py

For each operation: the median wall time of --repeat warm runs (after one warm-up run), the number of
queries it sends (CaptureQueriesContext), and what PostgreSQL alone takes for those same queries, two ways:
"raw SQL" re-runs the captured statements through a plain cursor and fetches every row (median of the same
number of runs), "PG exec" is the planning plus execution time EXPLAIN (ANALYZE, TIMING OFF) reports for
them. The ratio is median / raw SQL. The CSV export also shows rows per second and the peak Python memory
(tracemalloc, in a separate run). `make bench` fills the database first if it is empty.

The applications list API is timed for the administrator (every application visible) and for a program
manager of 2 of the 20 programs, with the default order and with the queue's common filters (a status, a
program, both): the first numbered page, the deepest one (page numbers stop at core.pagination's
COUNT_LIMIT rows), the first keyset page (`cursor=`) and the keyset page at --deep-page. If no manager
manages exactly 2 programs, one is made for the run inside a transaction that is rolled back, so the
database is left as it was. --explain prints EXPLAIN (ANALYZE, BUFFERS) of each list page's query.
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
    parser.add_argument(
        "--export-python", action="store_true", help="Also time the CSV export through the csv module."
    )
    parser.add_argument("--skip-dashboard", action="store_true", help="Leave out the dashboards.")
    parser.add_argument("--skip-current", action="store_true", help="Leave out the applications list API.")
    parser.add_argument(
        "--skip-manager", action="store_true", help="List API: leave out the program manager's rows."
    )
    parser.add_argument(
        "--skip-filters", action="store_true", help="List API: leave out the rows with filters."
    )
    parser.add_argument(
        "--explain", action="store_true", help="List API: print the plan of each page's query."
    )
    parser.add_argument("--skip-pdf", action="store_true", help="Leave out the quarterly PDF.")
    parser.add_argument(
        "--live-dashboard",
        action="store_true",
        help="Also time the dashboard from the live tables (tens of seconds at 1,000,000 applications).",
    )
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


def _dashboard(filters: Any, *, live: bool = False) -> Callable[[], object]:
    """The published dashboard (figures, equity tables, suppression) as pages, PDFs and the API build it:
    from the report summaries when they cover the filters, or (live=True) from the live tables."""
    from reporting.equity import equity_report
    from reporting.figures import dashboard
    from reporting.published import publish

    if live:
        return lambda: (dashboard(filters), equity_report(filters))
    return lambda: publish(filters)


def _refresh() -> Result:
    """One rebuild of the report summaries (reporting.refresh), which the dashboards then read."""
    from reporting.refresh import refresh_summaries

    start = time.perf_counter()
    run = refresh_summaries()
    result = Result(
        "refresh report summaries (every 15 min)",
        (time.perf_counter() - start) * 1000,
        0,
        None,
        None,
        f"run {run.pk}: {run.applications:,} applications summarised",
    )
    _print(result)
    return result


def _api(client: Any, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.content

    return run


KEYS = ("priority_rank", "submitted_at", "id")  # the review queue's default order


def _cursor_at(user: Any, params: str, page: int, size: int) -> tuple[str | None, int]:
    """The cursor the API hands out after `page - 1` pages of the user's queue with these filters (or
    of its last page, when there are fewer), and that page's number; None when there is one page."""
    import base64

    from django.http import QueryDict

    from grants.applications.selectors import review_queue
    from grants.permissions import applications_visible_to

    _filterset, rows = review_queue(applications_visible_to(user), QueryDict(params))
    total = rows.count()  # once, untimed
    page = max(1, min(page, -(-total // size)))
    if page == 1:
        return None, page
    values = rows.values_list(*KEYS)[(page - 1) * size - 1]
    raw = json.dumps([str(value) for value in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("="), page


def _explain(run: Callable[[], object]) -> None:
    """The plan of each query that reads a page of applications (the one with a LIMIT)."""
    from django.db import connection

    for sql in _selects(_capture(run)):
        if 'FROM "grants_application"' not in sql or " LIMIT " not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(f"    {row[0]}" for row in cursor.fetchall()), flush=True)


@contextlib.contextmanager
def _manager_of_two() -> Iterator[Any]:
    """A program manager of exactly 2 of the programs (the largest and the smallest): an existing one, or
    one made for the run in a transaction that is rolled back afterwards."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.db.models import Count

    from accounts.models import User
    from accounts.roles import Role
    from programs.models import Program

    existing = (
        User.objects.filter(groups__name=Role.PROGRAM_MANAGER, is_active=True)
        .annotate(programs=Count("managed_programs", distinct=True))
        .filter(programs=2)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        yield existing
        return
    by_size = list(Program.objects.annotate(n=Count("applications")).order_by("-n", "code"))
    with transaction.atomic():
        manager = User.objects.create_user("bench-manager-of-two@example.invalid", full_name="Bench Manager")
        manager.groups.add(Group.objects.get(name=Role.PROGRAM_MANAGER))
        manager.managed_programs.add(by_size[0], by_size[-1])
        try:
            yield manager
        finally:
            transaction.set_rollback(True)


def _list_api(args: argparse.Namespace, who: str, user: Any, program: Any) -> list[Result]:
    """The list API for one user: default order, then a status, a program and both."""
    from rest_framework.test import APIClient

    from core.pagination import COUNT_LIMIT

    client = APIClient()
    client.force_authenticate(user)
    size = 25
    url = "/api/v1/applications/"
    results = []
    filters = [("", "")]
    if not args.skip_filters:
        filters += [
            ("status=submitted", "submitted"),
            (f"program={program.code}", program.code),
            (f"status=submitted&program={program.code}", f"submitted, {program.code}"),
        ]
    for params, label in filters:
        suffix = f", {label}" if label else ""
        query = f"{params}&" if params else ""
        deepest = -(-COUNT_LIMIT // size)
        cursor, deep = _cursor_at(user, params, args.deep_page, size)
        pages = [(f"page 1{suffix}", f"{url}?{query}page=1")]
        if not params:
            _cursor, last = _cursor_at(user, params, deepest, size)
            pages.append((f"page {last:,}{suffix}", f"{url}?{query}page={last}"))
        pages.append((f"cursor first{suffix}", f"{url}?{query}cursor="))
        if cursor is not None:
            pages.append((f"cursor p.{deep:,}{suffix}", f"{url}?{query}cursor={cursor}"))
        for name, page_url in pages:
            run = _api(client, page_url)
            results.append(measure(f"{who}: {name}", run, args.repeat))
            if args.explain:
                _explain(run)
    return results


def _export(admin: Any, repeat: int, *, python_too: bool = False) -> list[Result]:
    """The CSV export of every application as the streamed download and the job write it: csv_chunks
    (PostgreSQL COPY), and with --export-python the csv module's path it replaced, for comparison."""
    import resource

    from reporting.exports import copy_statement, csv_chunks, export_query, python_csv_chunks
    from reporting.figures import ReportFilter

    def runner(chunks: Callable[..., Any]) -> Callable[[], tuple[int, int]]:
        def run() -> tuple[int, int]:
            headers, query = export_query(admin, "applications", ReportFilter(), personal=True)
            rows = [0]
            size = 0
            for chunk in chunks(headers, query, progress=lambda done: rows.__setitem__(0, done)):
                size += len(chunk)
            return rows[0], size

        return run

    _headers, query = export_query(admin, "applications", ReportFilter(), personal=True)
    statement = copy_statement(query)
    paths = [("CSV export, all applications (COPY)", runner(csv_chunks), statement)]
    if python_too or statement is None:
        paths.append(("CSV export, all applications (csv module)", runner(python_csv_chunks), None))
    results = []
    for name, run, copy in paths:
        statements = _capture(run)
        samples = []
        rows = size = 0
        for _ in range(max(1, min(repeat, 3))):
            start = time.perf_counter()
            rows, size = run()
            samples.append(time.perf_counter() - start)
        seconds = statistics.median(samples)
        tracemalloc.start()
        run()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        explained: list[tuple[str, Any]]
        if copy is not None:  # what PostgreSQL takes for the SELECT inside the COPY
            sql, params = copy
            explained = [(sql[len("COPY (") : sql.rindex(") TO STDOUT")], params)]
        else:
            explained = [query.query.sql_with_params()]
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        result = Result(
            name,
            seconds * 1000,
            len(statements),
            None,
            _pg_ms(explained) if rows else None,
            f"{rows:,} rows, {size / 2**20:,.0f} MB, {rows / seconds:,.0f} rows/s, "
            f"peak {peak / 2**20:.1f} MB (tracemalloc), process max RSS so far {max_rss:.0f} MB",
        )
        _print(result)
        results.append(result)
    return results


def _last_quarter() -> tuple[int, int]:
    """The last finished calendar quarter: (year, quarter)."""
    from django.utils import timezone

    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3
    return (year - 1, 4) if quarter == 0 else (year, quarter)


def _quarter_filter(year: int, quarter: int) -> Any:
    import datetime as dt

    from reporting.figures import ReportFilter

    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(
        days=1
    )
    return ReportFilter(date_from=start, date_to=end)


def _pdf(repeat: int) -> Result:
    from reporting.pdf import quarterly_report_pdf

    year, quarter = _last_quarter()
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
    from django.db.models import Count

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
    repeat = args.repeat
    print(f"{applications:,} applications; printing each operation as it is measured\n{HEADER}", flush=True)
    results: list[Result] = []
    if not args.skip_dashboard:
        from reporting.summaries import run_for

        results.append(_refresh())
        last_quarter = _last_quarter()
        scenarios = [
            ("all programs", ReportFilter()),
            (f"program {program.code}", ReportFilter(programs=(program.pk,))),
            (f"{last_quarter[0]} Q{last_quarter[1]}", _quarter_filter(*last_quarter)),
        ]
        for label, filters in scenarios:
            assert run_for(filters) is not None, "the summaries should cover this dashboard"
            results.append(measure(f"dashboard (summaries), {label}", _dashboard(filters), repeat))
        if args.live_dashboard:
            for label, filters in scenarios[:2]:
                results.append(
                    measure(f"dashboard (live tables), {label}", _dashboard(filters, live=True), repeat)
                )
    if not args.skip_current:
        # Filters name the smallest program the user sees: the sparsest rows to find in queue order.
        smallest = Program.objects.annotate(n=Count("applications")).order_by("n", "code")
        results += _list_api(args, "admin", admin, smallest.first())
        if not args.skip_manager:
            with _manager_of_two() as manager:
                results += _list_api(args, "manager of 2", manager, smallest.filter(managers=manager).first())
    notes = []
    if args.skip_export:
        notes.append("CSV export: skipped (--skip-export).")
    else:
        try:
            results += _export(admin, repeat, python_too=args.export_python)
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
