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
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.files import File
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import AnyUser, Decision, has_any_role, is_signed_in
from accounts.roles import Role
from core.exceptions import Conflict, NotAllowed
from core.workflow import may_move, transition
from employers.models import Pledge
from grants.models import Application, Outcome, Payment
from reporting.figures import ReportFilter, check_filter_dates
from reporting.models import ExportJob

logger = logging.getLogger(__name__)

EXPORT_CHUNK = 2000
DEFAULT_STALE_MINUTES = 30
K = ExportJob.Kind
M = Role.PROGRAM_MANAGER
A = Role.ADMINISTRATOR
F = Role.FINANCE_OFFICER
O = Role.OFFICIAL  # noqa: E741

EXPORT_ROLES: dict[str, tuple[Role, ...]] = {
    # Officials see aggregates only (the dashboard, reports and open data), never rows about people's
    # applications, payments or outcomes; pledges are employers' public promises.
    K.APPLICATIONS: (M, A, F),
    K.PAYMENTS: (M, A, F),
    K.PLEDGES: (M, A, O),
    K.OUTCOMES: (M, A),
}
PERSONAL_ROLES: dict[str, tuple[Role, ...]] = {
    K.APPLICATIONS: (M, A),
    K.PAYMENTS: (F, A),
    K.PLEDGES: (),
    K.OUTCOMES: (M, A),
}


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # a values_list path
    personal: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    K.APPLICATIONS: (
        Column("reference", "reference"),
        Column("program", "program__code"),
        Column("funding_round", "funding_round__name"),
        Column("credential", "credential__title"),
        Column("status", "status"),
        Column("region", "applicant_region"),
        Column("employer", "employer__legal_name"),
        Column("submitted_at", "submitted_at"),
        Column("decided_at", "decided_at"),
        Column("amount_requested", "amount_requested"),
        Column("amount_awarded", "amount_awarded"),
        Column("amount_paid", "amount_paid"),
        Column("amount_clawed_back", "amount_clawed_back"),
        Column("applicant_name", "applicant__full_name", personal=True),
        Column("applicant_email", "applicant__email", personal=True),
    ),
    K.PAYMENTS: (
        Column("reference", "reference"),
        Column("application", "application__reference"),
        Column("program", "application__program__code"),
        Column("status", "status"),
        Column("amount", "amount"),
        Column("currency", "currency"),
        Column("payee_type", "payee_type"),
        Column("approved_at", "approved_at"),
        Column("paid_on", "paid_on"),
        Column("batch", "batch__reference"),
        Column("payee_name", "payee_name", personal=True),
        Column("payee_reference", "payee_reference", personal=True),
    ),
    K.PLEDGES: (
        Column("pledge", "pk"),
        Column("employer", "employer__legal_name"),
        Column("employer_region", "employer__region"),
        Column("framework", "framework_name"),
        Column("status", "status"),
        Column("start_date", "start_date"),
        Column("target_date", "target_date"),
        Column("roles_converted_target", "roles_converted_target"),
        Column("credential_holder_hires_target", "credential_holder_hires_target"),
        Column("non_degree_hires_target", "non_degree_hires_target"),
        Column("priority_group_hires_target", "priority_group_hires_target"),
    ),
    K.OUTCOMES: (
        Column("application", "application__reference"),
        Column("program", "application__program__code"),
        Column("quarter_after_completion", "quarter_after_completion"),
        Column("employment_status", "employment_status"),
        Column("annual_wage", "annual_wage"),
        Column("source", "source"),
        Column("observed_on", "observed_on"),
        Column("worker_name", "worker__full_name", personal=True),
    ),
}
# Never exported, whatever the role (a test checks no column path reaches them).
FORBIDDEN_PATHS = (
    "date_of_birth",
    "address",
    "phone",
    "demographics",
    "race",
    "sex",
    "veteran",
    "disability",
    "age_band",
)


# ---------------------------------------------------------------- who may export


def can_export(user: AnyUser, kind: str) -> Decision:
    if kind not in EXPORT_ROLES:
        return Decision.deny(_("There is no such export."))
    return has_any_role(user, EXPORT_ROLES[kind])


def personal_allowed(user: AnyUser, kind: str) -> bool:
    return bool(PERSONAL_ROLES.get(kind)) and bool(has_any_role(user, PERSONAL_ROLES[kind]))


def _managed(user: User) -> QuerySet[Any]:
    return user.managed_programs.values("pk")


def base_rows(user: User, kind: str) -> QuerySet[Any]:
    """Every row of this kind the user may export (before the report filters)."""
    if kind == K.APPLICATIONS:
        rows = Application.objects.exclude(status=Application.Status.DRAFT)
        if user.has_role(A) or user.has_role(O):
            return rows
        if user.has_role(M) and user.has_role(F):
            return rows.filter(Q(program__in=_managed(user)) | Q(status__in=Application.AWARDED))
        if user.has_role(M):
            return rows.filter(program__in=_managed(user))
        if user.has_role(F):
            return rows.filter(status__in=Application.AWARDED)
        return rows.none()
    if kind == K.PAYMENTS:
        if user.has_role(A) or user.has_role(F) or user.has_role(O):
            return Payment.objects.all()
        if user.has_role(M):
            return Payment.objects.filter(application__program__in=_managed(user))
        return Payment.objects.none()
    if kind == K.PLEDGES:
        return Pledge.objects.all() if can_export(user, kind) else Pledge.objects.none()
    if kind == K.OUTCOMES:
        if user.has_role(A) or user.has_role(O):
            return Outcome.objects.all()
        if user.has_role(M):
            return Outcome.objects.filter(application__program__in=_managed(user))
        return Outcome.objects.none()
    raise ValueError(kind)


def filtered_rows(kind: str, rows: QuerySet[Any], filters: ReportFilter) -> QuerySet[Any]:
    """The dashboard's filters, applied through the applications they concern."""
    if kind == K.APPLICATIONS:
        return filters.applications(rows)
    if kind == K.PLEDGES:
        return rows.filter(pk__in=filters.pledges().values("pk"))
    return rows.filter(application__in=filters.applications().values("pk"))


def columns_for(kind: str, *, personal: bool) -> tuple[Column, ...]:
    return tuple(column for column in COLUMNS[kind] if personal or not column.personal)


def export_query(
    user: User, kind: str, filters: ReportFilter, *, personal: bool
) -> tuple[list[str], QuerySet[Any]]:
    """Headers and the values_list query (ordered by primary key, so chunks are stable)."""
    columns = columns_for(kind, personal=personal)
    rows = filtered_rows(kind, base_rows(user, kind), filters).order_by("pk")
    return [column.header for column in columns], rows.values_list(*(column.path for column in columns))


# ---------------------------------------------------------------- filters


FILTER_KEYS = ("programs", "funding_round", "date_from", "date_to", "region", "sector", "credential")


def _whole_number(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({name: _("Enter a whole number.")})
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a whole number.")}) from None
    if number < 1 or number > 2**62:
        raise ValidationError({name: _("Enter a whole number.")})
    return number


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: _("Enter a date as YYYY-MM-DD.")})
    return parsed


def _text(value: Any, name: str, limit: int) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationError({name: _("Enter at most %(n)d characters.") % {"n": limit}})
    return value


def parse_filters(data: Mapping[str, Any]) -> ReportFilter:
    """A ReportFilter from JSON or a query string's values; ValidationError names the bad field."""
    unknown = sorted(set(data) - set(FILTER_KEYS))
    if unknown:
        raise ValidationError({unknown[0]: _("Unknown filter.")})
    programs_value = data.get("programs") or []
    if isinstance(programs_value, (str, int)):
        programs_value = [programs_value]
    if not isinstance(programs_value, list) or len(programs_value) > 100:
        raise ValidationError({"programs": _("Give a list of program ids.")})
    date_from = _date(data.get("date_from"), "date_from")
    date_to = _date(data.get("date_to"), "date_to")
    check_filter_dates(date_from=date_from, date_to=date_to)
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": _("The end date is before the start date.")})
    return ReportFilter(
        programs=tuple(sorted({_whole_number(value, "programs") for value in programs_value})),
        funding_round=_whole_number(data["funding_round"], "funding_round")
        if data.get("funding_round") not in (None, "")
        else None,
        date_from=date_from,
        date_to=date_to,
        region=_text(data.get("region"), "region", 60),
        sector=_text(data.get("sector"), "sector", 10),
        credential=_whole_number(data["credential"], "credential")
        if data.get("credential") not in (None, "")
        else None,
    )


def filters_to_json(filters: ReportFilter) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if filters.programs:
        data["programs"] = list(filters.programs)
    for name in ("funding_round", "credential"):
        if getattr(filters, name):
            data[name] = getattr(filters, name)
    for name in ("date_from", "date_to"):
        if getattr(filters, name):
            data[name] = getattr(filters, name).isoformat()
    for name in ("region", "sector"):
        if getattr(filters, name):
            data[name] = getattr(filters, name)
    return data


# ---------------------------------------------------------------- cells and writers


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Spreadsheets run cells that start with these characters as formulas; a leading quote stops that."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (dt.date, Decimal, int)):
        return str(value)
    return safe_text(str(value))


def xlsx_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # Excel has no time zones: local time, without the offset.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (dt.date, Decimal, int, float)):
        return value
    return safe_text(str(value))


class _Echo:
    """A file-like object that hands back what is written, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, one line at a time (a byte-order mark first, so spreadsheets read UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def stream_rows(query: QuerySet[Any]) -> Iterator[Sequence[Any]]:
    return query.iterator(chunk_size=EXPORT_CHUNK)


# ---------------------------------------------------------------- CSV: one entry point, two paths

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


_INTEGER_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)
_TEXT_TYPES = frozenset({"CharField", "TextField", "SlugField"})
_FORMULA_CODES = ", ".join(str(ord(character)) for character in FORMULA_STARTS)
_ISO_SECONDS = """'YYYY-MM-DD"T"HH24:MI:SS'"""
_ISO_MICROSECONDS = """'YYYY-MM-DD"T"HH24:MI:SS.US'"""


@dataclass
class _SqlCell:
    """A cell's SQL over the row ``export_rows``, its parameters, and any per-row values it needs worked
    out once below it (``fenced``: SQL over the query's row ``r``, and their parameters)."""

    sql: str
    params: list[Any]
    fenced: list[str]
    fenced_params: list[Any]


def _offset_text(offset: dt.timedelta) -> str:
    """A UTC offset as datetime.isoformat() writes it (+05:30, -04:56:02)."""
    return dt.datetime(2000, 1, 1, tzinfo=dt.timezone(offset)).isoformat()[19:]


def _usual_offsets(zone: dt.tzinfo) -> list[dt.timedelta]:
    """The offsets the zone has had around now (winter and summer), for a cheap lookup in SQL."""
    year = timezone.now().year
    moments = [dt.datetime(y, m, 1, 12, tzinfo=dt.UTC) for y in range(year - 3, year + 2) for m in (1, 7)]
    return sorted(
        {offset for moment in moments if (offset := moment.astimezone(zone).utcoffset()) is not None}
    )


def _sql_cell(field: Any, index: int, zone: dt.tzinfo | None) -> _SqlCell | None:
    """SQL giving the text ``csv_cell`` gives for the query's column ``index`` (NULL for an empty cell),
    or None if the type is not one the SQL formats exactly."""
    column = f"export_rows.c{index}"
    kind = field.get_internal_type()
    if hasattr(field, "from_db_value"):  # Python changes the value after reading it
        return None
    if kind in _TEXT_TYPES:
        # The formula guard, on the first character's code point. COPY writes an empty string as ""
        # where the csv module writes nothing: NULL for both.
        return _SqlCell(
            f"CASE WHEN ascii({column}) IN ({_FORMULA_CODES}) THEN '''' || {column}"
            f" ELSE NULLIF({column}, '') END",
            [],
            [],
            [],
        )
    if kind in _INTEGER_TYPES:
        return _SqlCell(f"{column}::text", [], [], [])
    if kind == "DecimalField" and field.decimal_places <= 6:
        # numeric's text is str(Decimal), unless Decimal would switch to an exponent (below 1E-6).
        return _SqlCell(f"{column}::text", [], [], [])
    if kind == "BooleanField":
        return _SqlCell(f"CASE WHEN {column} THEN 'True' WHEN NOT {column} THEN 'False' END", [], [], [])
    if kind == "DateField":
        return _SqlCell(f"to_char({column}, 'YYYY-MM-DD')", [], [], [])
    if kind == "DateTimeField" and isinstance(zone, ZoneInfo):
        # datetime.isoformat() in the local zone: 2026-03-04T10:11:12[.123456]+HH:MM[:SS]. The local and
        # UTC wall times are worked out once per row (below an OFFSET 0 fence, which the planner keeps);
        # the offset is their difference, looked up for the zone's usual offsets, else spelled out.
        local, utc = f"export_rows.l{index}", f"export_rows.u{index}"
        usual = _usual_offsets(zone)
        lookup = " ".join("WHEN %s THEN %s" for _offset in usual)
        sql = (
            f"CASE WHEN date_trunc('second', {local}) = {local} THEN to_char({local}, {_ISO_SECONDS})"
            f" ELSE to_char({local}, {_ISO_MICROSECONDS}) END"
            f" || CASE {local} - {utc} {lookup} ELSE"
            f" CASE WHEN {local} < {utc} THEN '-' ELSE '+' END"
            f" || to_char(CASE WHEN {local} < {utc} THEN {utc} - {local} ELSE {local} - {utc} END, 'HH24:MI')"
            f" || CASE WHEN date_part('second', {local} - {utc}) = 0 THEN ''"
            f" ELSE to_char(CASE WHEN {local} < {utc} THEN {utc} - {local} ELSE {local} - {utc} END, ':SS')"
            " END END"
        )
        return _SqlCell(
            sql,
            [value for offset in usual for value in (offset, _offset_text(offset))],
            [f"(r.c{index} AT TIME ZONE %s) AS l{index}", f"(r.c{index} AT TIME ZONE 'UTC') AS u{index}"],
            [zone.key],
        )
    return None


def copy_statement(query: QuerySet[Any]) -> tuple[str, list[Any]] | None:
    """``COPY (SELECT <formatted cells> FROM (<the query>) ...) TO STDOUT`` and its parameters, or None
    where the Python path must write the CSV (not PostgreSQL, or a column the SQL does not format).

    The query's own SQL and parameters come from its compiler (never ``str(query)``); the primary key
    rides along as the first column so that the outer SELECT keeps the query's order."""
    if connections[query.db].vendor != "postgresql":
        return None
    if query.query.order_by != ("pk",) or not query.query.values_select:
        return None
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    keyed = query.values_list("pk", *query.query.values_select)
    compiler = keyed.query.get_compiler(using=keyed.db)
    try:
        inner_sql, inner_params = compiler.as_sql()
    except EmptyResultSet:  # a .none() query: no rows, but columns of the same types
        types = [expression.output_field.db_type(connections[keyed.db]) for expression, *_ in compiler.select]
        inner_sql = "SELECT " + ", ".join(f"CAST(NULL AS {name})" for name in types) + " WHERE false"
        inner_params = ()
    cells = []
    for index, (expression, _sql, _alias) in enumerate(compiler.select[1:], start=1):
        cell = _sql_cell(expression.output_field, index, zone)
        if cell is None:
            return None
        cells.append(cell)
    names = ", ".join(f"c{index}" for index in range(len(compiler.select)))
    fenced = ", ".join(["r.*", *(sql for cell in cells for sql in cell.fenced)])
    # Every piece is SQL the compiler or _sql_cell wrote; values travel as parameters.
    select = (
        f"SELECT {', '.join(cell.sql for cell in cells)} FROM "  # noqa: S608
        f"(SELECT {fenced} FROM ({inner_sql}) AS r({names}) ORDER BY r.c0 OFFSET 0) AS export_rows "
        "ORDER BY export_rows.c0"
    )
    params = [
        *(value for cell in cells for value in cell.params),
        *(value for cell in cells for value in cell.fenced_params),
        *inner_params,
    ]
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER false)", params


def crlf_rows(data: bytes, inside: bool) -> tuple[bytes, int, bool]:
    """COPY ends rows with LF, the csv module with CRLF: turn the LFs outside quoted cells into CRLF.

    A quoted cell may hold line breaks. Split at the quotes, every other piece is outside a cell ("" in
    a cell is an empty piece between two, so it stays inside); ``inside`` says whether ``data`` starts in
    a cell. Returns the new bytes, the rows ended in it, and whether it ends in a cell. Per block of
    rows, not per row: the work stays in C."""
    pieces = data.split(b'"')
    start = 1 if inside else 0
    pieces[start::2] = [piece.replace(b"\n", b"\r\n") for piece in pieces[start::2]]
    converted = b'"'.join(pieces)
    return converted, len(converted) - len(data), inside != (len(pieces) % 2 == 0)


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


# ---------------------------------------------------------------- background jobs


def stale_minutes() -> int:
    return int(getattr(settings, "EXPORT_STALE_MINUTES", DEFAULT_STALE_MINUTES))


def export_is_stale(job: ExportJob, *, now: dt.datetime | None = None) -> bool:
    """A job queued or running for longer than EXPORT_STALE_MINUTES: its worker is gone."""
    if job.status not in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING):
        return False
    since = job.started_at or job.created_at
    return (now or timezone.now()) - since > dt.timedelta(minutes=stale_minutes())


def export_status(job: ExportJob) -> str:
    """The status to show: "failed" for a stale job."""
    return ExportJob.Status.FAILED if export_is_stale(job) else str(job.status)


def exports_visible_to(user: AnyUser) -> QuerySet[ExportJob]:
    """A person sees only their own exports."""
    if not is_signed_in(user):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner=user)


@transaction.atomic
def export_job_create(
    *, actor: User, kind: str, format: str, filters: Mapping[str, Any] | ReportFilter
) -> ExportJob:
    """Start a background export; raises NotAllowed for a role that may not export this, and
    ValidationError for an unknown kind, format or filter."""
    if kind not in ExportJob.Kind.values:
        raise ValidationError({"kind": _("Choose applications, payments, pledges or outcomes.")})
    if format not in ExportJob.Format.values:
        raise ValidationError({"format": _("Choose csv or xlsx.")})
    decision = can_export(actor, kind)
    if not decision:
        raise NotAllowed(decision.reason)
    report_filter = filters if isinstance(filters, ReportFilter) else parse_filters(filters)
    job = ExportJob.objects.create(
        owner=actor,
        kind=kind,
        format=format,
        filters=filters_to_json(report_filter),
        personal=personal_allowed(actor, kind),
    )
    from reporting import tasks

    transaction.on_commit(lambda: tasks.run_export.enqueue(job_id=job.pk))
    return job


def export_job_retry(*, actor: User, job: ExportJob) -> ExportJob:
    """Start again a failed (or stale) export of the actor's own, as a new job."""
    if job.owner_id != actor.pk:
        raise NotAllowed(_("Only the person who started an export can start it again."))
    if export_status(job) != ExportJob.Status.FAILED:
        raise Conflict(_("Only a failed export can be started again."))
    return export_job_create(actor=actor, kind=job.kind, format=job.format, filters=job.filters)


def _move(job_id: int, to: str, **fields: Any) -> ExportJob | None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if not may_move(job, to):
            return None
        for name, value in fields.items():
            setattr(job, name, value)
        transition(job, to, actor=None, fields=tuple(fields))
        return job


def _progress(job_id: int, rows_done: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(rows_done=rows_done)


class _CsvProgress:
    """Counts a CSV job's rows and saves its progress at most once a second.

    During a COPY the job's connection is busy streaming rows, so the progress goes through a connection
    of its own (``side``); SKIP LOCKED, so a sweep holding the row is never waited for (the next save
    tries again). In a test transaction that connection cannot see the job: it saves nothing there."""

    interval_seconds = 1.0

    def __init__(self, job_id: int, *, side: str | None) -> None:
        self.job_id = job_id
        self.side = side
        self.connection: Any = None
        self.rows = 0
        self.saved_at: float | None = None

    def __call__(self, rows: int) -> None:
        self.rows = rows
        now = time.monotonic()
        if self.saved_at is not None and now - self.saved_at < self.interval_seconds:
            return
        self.saved_at = now
        if self.side is None:
            _progress(self.job_id, rows)
            return
        if self.connection is None:
            self.connection = connections.create_connection(self.side)
        table = self.connection.ops.quote_name(ExportJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s WHERE id = "  # noqa: S608 - the model's table name
                f"(SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [rows, self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


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
                locked = ExportJob.objects.select_for_update().get(pk=job.pk)
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


# ---------------------------------------------------------------- stale jobs

STOPPED_RUNNING = "stopped: the worker ended before the export finished"
STOPPED_QUEUED = "stopped: no worker started the export in time"


def stale_jobs(*, now: dt.datetime | None = None) -> QuerySet[ExportJob]:
    """Jobs queued or running since before the stale window (export_is_stale, as a query)."""
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=stale_minutes())
    return ExportJob.objects.filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff),
        status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
    )


def export_jobs_sweep(
    *, owner: User | None = None, limit: int | None = None, now: dt.datetime | None = None
) -> list[ExportJob]:
    """Mark failed the stale jobs (of ``owner`` only, if given; at most ``limit``), under row locks, and
    return them. Side effects: each becomes failed with finished_at and the error "stopped: ...".

    A job whose row another transaction holds (its worker moving it, another sweep) is skipped, not
    waited for; it is swept next time if still stale. Nothing stale: one SELECT, nothing written."""
    now = now or timezone.now()
    candidates = stale_jobs(now=now)
    if owner is not None:
        candidates = candidates.filter(owner=owner)
    swept: list[ExportJob] = []
    with transaction.atomic():
        for job in candidates.select_for_update(skip_locked=True).order_by("pk")[:limit]:
            if not may_move(job, ExportJob.Status.FAILED):
                continue
            job.error = STOPPED_RUNNING if job.status == ExportJob.Status.RUNNING else STOPPED_QUEUED
            job.finished_at = now
            transition(job, ExportJob.Status.FAILED, actor=None, fields=("error", "finished_at"))
            swept.append(job)
    return swept
