"""CSV and XLSX exports of applications, payments, pledges and outcomes for staff, in constant memory.

Rows are read with ``values_list(...).iterator(chunk_size=EXPORT_CHUNK)``: plain tuples, never model
instances, and never the whole result in memory. CSV is streamed (``csv_lines``) straight into the
response or into the job's file; XLSX is written with openpyxl's write-only workbook, row by row.

Who may export what (``EXPORT_ROLES``), and which personal columns each role gets (``PERSONAL_ROLES``):

================  =========================================  ==========================================
export            rows, by role                               personal columns
================  =========================================  ==========================================
applications      managers: their programs; administrators:    applicant name and email: managers (their
                  all; finance officers: awards (approved      programs) and administrators. Finance
                  on)                                          officers: none.
payments          finance officers and administrators: all;    payee name and payee reference: finance
                  managers: their programs                     officers and administrators only.
pledges           managers, administrators, officials: all     none (employers are organisations).
outcomes          managers: their programs; administrators:    worker name: managers (their programs) and
                  all                                          administrators.
================  =========================================  ==========================================

Never in any export: dates of birth, addresses, phone numbers, and demographic answers (race and
ethnicity, sex, veteran status, disability, age band) — those are published only as suppressed aggregates
(reporting.equity). Officials export pledges only: they read aggregates, never rows about people.
Reviewers, workers and employer representatives export nothing here.

Every text cell that starts with = + - @ (or a tab or carriage return) gets a leading quote, so a
spreadsheet never runs it as a formula (as grants.payments.services does for payment batches).

CSV on PostgreSQL (``csv_chunks``): ``COPY (<the export's SELECT>) TO STDOUT (FORMAT csv)`` read block by
block through psycopg's ``cursor.copy()``, about ten times faster than building lines in Python. The
SELECT wraps the same values_list query and formats each cell in SQL exactly as ``csv_cell`` does (local
ISO datetimes, the formula guard, empty text as an empty cell), and the row ends become CRLF as Python's
csv module writes them, so both paths give the same bytes (tests/reporting/test_export_copy.py). A column
type the SQL does not format, or another database, takes the Python path.

Background jobs (ExportJob): ``export_job_create`` checks the role, decides the columns, saves the job and
queues ``reporting.tasks.run_export`` after commit; ``export_job_run`` writes the file in chunks, saving
progress after each chunk, and marks the job done, or failed with the error. A job still queued or running
after ``EXPORT_STALE_MINUTES`` (default 30; no worker took it, or the worker died mid-way) is marked failed
("stopped: ...") by ``export_jobs_sweep`` (the ``sweep_exports`` command and task, and each time its owner
lists their exports), and its owner may start it again (``export_job_retry``), which makes a new job with
the same settings.

Where each part lives (everything public is importable from ``reporting.exports``):

- ``definitions``: who may export what (``EXPORT_ROLES``, ``PERSONAL_ROLES``, ``can_export``,
  ``personal_allowed``), the columns of each export (``COLUMNS``, ``FORBIDDEN_PATHS``), the rows each
  person may export (``base_rows``, ``filtered_rows``) and the query (``export_query``).
- ``filters``: the dashboard's filters to and from JSON or a query string (``parse_filters``,
  ``filters_to_json``).
- ``cells``: each cell's text in Python, with the formula guard (``safe_text``, ``csv_cell``,
  ``xlsx_cell``), and the CSV lines (``csv_lines``).
- ``copy_sql``: the COPY fast path's SQL (``copy_statement``, formatting the cells as ``csv_cell`` does)
  and the row-end rewriting (``crlf_rows``).
- ``jobs``: the background job's lifecycle: create, retry, the status to show, staleness and the sweep,
  and each status move (``_move``, through core.workflow) and progress save (``_progress``,
  ``_CsvProgress``).
- this module: writing the file, EXPORT_CHUNK rows at a time: ``csv_chunks`` (COPY or the csv module),
  ``write_xlsx``, and ``export_job_run``, which writes a job's file. They stay here, with ``EXPORT_CHUNK``,
  because tests patch ``reporting.exports.EXPORT_CHUNK``, ``copy_statement`` and ``export_query``, names
  these functions look up.
"""

from __future__ import annotations

import csv
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import psycopg
from django.core.files import File
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotAllowed
from core.workflow import lock, may_move, transition
from reporting.exports.cells import FORMULA_STARTS, _Echo, csv_cell, csv_lines, safe_text, xlsx_cell
from reporting.exports.copy_sql import copy_statement, crlf_rows
from reporting.exports.definitions import (
    COLUMNS,
    EXPORT_ROLES,
    FORBIDDEN_PATHS,
    PERSONAL_ROLES,
    Column,
    base_rows,
    can_export,
    columns_for,
    export_query,
    filtered_rows,
    personal_allowed,
)
from reporting.exports.filters import FILTER_KEYS, filters_to_json, parse_filters
from reporting.exports.jobs import (
    DEFAULT_STALE_MINUTES,
    STOPPED_QUEUED,
    STOPPED_RUNNING,
    _CsvProgress,
    _move,
    _progress,
    export_is_stale,
    export_job_create,
    export_job_retry,
    export_jobs_sweep,
    export_status,
    exports_visible_to,
    stale_jobs,
    stale_minutes,
)
from reporting.models import ExportJob

__all__ = [
    "COLUMNS",
    "DEFAULT_STALE_MINUTES",
    "EXPORT_CHUNK",
    "EXPORT_ROLES",
    "FILTER_KEYS",
    "FORBIDDEN_PATHS",
    "FORMULA_STARTS",
    "PERSONAL_ROLES",
    "STOPPED_QUEUED",
    "STOPPED_RUNNING",
    "Column",
    "Progress",
    "base_rows",
    "can_export",
    "columns_for",
    "copy_csv_chunks",
    "copy_statement",
    "crlf_rows",
    "csv_cell",
    "csv_chunks",
    "csv_lines",
    "export_is_stale",
    "export_job_create",
    "export_job_retry",
    "export_job_run",
    "export_jobs_sweep",
    "export_query",
    "export_status",
    "exports_visible_to",
    "filtered_rows",
    "filters_to_json",
    "parse_filters",
    "personal_allowed",
    "python_csv_chunks",
    "safe_text",
    "stale_jobs",
    "stale_minutes",
    "stream_rows",
    "write_xlsx",
    "xlsx_cell",
]

logger = logging.getLogger(__name__)

EXPORT_CHUNK = 2000


def stream_rows(query: QuerySet[Any]) -> Iterator[Sequence[Any]]:
    return query.iterator(chunk_size=EXPORT_CHUNK)


Progress = Callable[[int], None]


def csv_chunks(
    headers: Sequence[str], query: QuerySet[Any], *, progress: Progress | None = None
) -> Iterator[bytes]:
    """The whole CSV file (UTF-8, byte-order mark, CRLF rows), EXPORT_CHUNK rows at a time.

    PostgreSQL's COPY where ``copy_statement`` can format every column, else the csv module. ``progress``
    is called with the rows written so far after each block and once at the end; during a COPY the
    connection is busy, so it must not use it (see ``export_job_run``)."""
    if copy_statement(query) is not None:
        return copy_csv_chunks(headers, query, progress=progress)
    return python_csv_chunks(headers, query, progress=progress)


def python_csv_chunks(
    headers: Sequence[str], query: QuerySet[Any], *, progress: Progress | None = None
) -> Iterator[bytes]:
    """The csv module's lines, EXPORT_CHUNK at a time (the reference the COPY path is tested against)."""
    batch: list[str] = []
    rows = -1  # less the header line
    for line in csv_lines(headers, stream_rows(query)):
        batch.append(line)
        rows += 1
        if len(batch) >= EXPORT_CHUNK:
            yield "".join(batch).encode()
            batch = []
            if progress:
                progress(rows)
    yield "".join(batch).encode()
    if progress:
        progress(rows)


def copy_csv_chunks(
    headers: Sequence[str], query: QuerySet[Any], *, progress: Progress | None = None
) -> Iterator[bytes]:
    """The CSV through PostgreSQL's COPY, in constant memory (blocks of rows straight from the server)."""
    statement = copy_statement(query)
    if statement is None:
        raise ValueError("This export cannot be written with COPY.")
    yield ("\ufeff" + csv.writer(_Echo()).writerow(headers)).encode()
    connection = connections[query.db]
    rows = 0
    inside = False
    pending: list[Any] = []
    with connection.cursor() as cursor:
        # Parameters merged on the client, as psycopg's copy(statement, params) does: Django's debug
        # cursor (tests, DEBUG) hands copy() a statement only.
        sql = psycopg.ClientCursor(connection.connection).mogrify(*statement)
        with cursor.copy(sql) as copy:
            for block in copy:  # a row at a time (libpq's PQgetCopyData), a buffer of its own
                pending.append(block)
                if len(pending) >= EXPORT_CHUNK:
                    data, ended, inside = crlf_rows(b"".join(pending), inside)
                    pending = []
                    rows += ended
                    yield data
                    if progress:
                        progress(rows)
    data, ended, inside = crlf_rows(b"".join(pending), inside)
    rows += ended
    yield data
    if progress:
        progress(rows)


def write_xlsx(
    handle: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write an XLSX workbook in openpyxl's write-only mode (rows go straight to a temporary file)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
        count += 1
        if progress and count % EXPORT_CHUNK == 0:
            progress(count)
    workbook.save(handle)
    return count


def _write_csv(job_id: int, handle: Any, headers: Sequence[str], query: QuerySet[Any]) -> int:
    progress = _CsvProgress(job_id, side=query.db if copy_statement(query) is not None else None)
    try:
        for chunk in csv_chunks(headers, query, progress=progress):
            handle.write(chunk)
    finally:
        progress.close()
    return progress.rows


def export_job_run(job_id: int) -> str:
    """Write the job's file in chunks, saving progress as it goes; returns the final status.

    A job the sweep marked failed while it ran stays failed (its owner may have started it again)."""
    job = _move(job_id, ExportJob.Status.RUNNING, started_at=timezone.now())
    if job is None:
        return ExportJob.objects.get(pk=job_id).status
    try:
        owner = job.owner
        # The roles may have changed since the job was created: columns shrink, never grow.
        personal = job.personal and personal_allowed(owner, job.kind)
        if not can_export(owner, job.kind):
            raise NotAllowed(_("You may no longer export this."))
        headers, query = export_query(owner, job.kind, parse_filters(job.filters), personal=personal)
        total = query.count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
        name = f"{job.kind}-{timezone.localdate():%Y%m%d}-{job.pk}.{job.format}"
        with tempfile.TemporaryFile() as handle:
            if job.format == ExportJob.Format.CSV:
                rows = _write_csv(job.pk, handle, headers, query)
            else:
                rows = write_xlsx(
                    handle,
                    headers,
                    stream_rows(query),
                    title=job.kind,
                    progress=lambda done: _progress(job.pk, done),
                )
            handle.seek(0)
            with transaction.atomic():
                locked = lock(job)
                if not may_move(locked, ExportJob.Status.DONE):
                    return str(locked.status)
                locked.file.save(name, File(handle, name=name), save=False)
                locked.rows_done = rows
                locked.rows_total = rows
                locked.finished_at = timezone.now()
                transition(
                    locked,
                    ExportJob.Status.DONE,
                    actor=None,
                    fields=("file", "rows_done", "rows_total", "finished_at"),
                )
        return ExportJob.Status.DONE
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the job, never left running
        logger.exception("Export job %s failed", job_id)
        _move(
            job_id,
            ExportJob.Status.FAILED,
            error=str(error)[:1000] or type(error).__name__,
            finished_at=timezone.now(),
        )
        return ExportJob.Status.FAILED
