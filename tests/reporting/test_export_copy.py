"""CSV through PostgreSQL's COPY: byte for byte the csv module's file, for every export kind, role and
personal or not, with hostile text (formula starts, quotes, commas, line breaks, unicode), NULLs, empty
text, decimals and datetimes in several time zones; used by the streamed download and the background job.
The row-end rewriting (LF to CRLF outside quoted cells) is tested on any database."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from employers.models import Employer
from grants.models import Application, Outcome, Payment, PaymentBatch
from programs.models import Credential, FundingRound
from reporting import exports
from reporting.exports import (
    can_export,
    copy_csv_chunks,
    copy_statement,
    crlf_rows,
    csv_chunks,
    export_job_create,
    export_query,
    python_csv_chunks,
)
from reporting.figures import ReportFilter
from reporting.models import ExportJob
from tests.accounts.factories import user_with_role
from tests.employers.factories import EmployerFactory, PledgeFactory
from tests.grants.factories import funded_setup, paid_application
from tests.reporting.factories import application_row, outcome_row

pytestmark = pytest.mark.django_db
S = Application.Status
HOSTILE = [
    "=SUM(A1:A9)",
    "+1 555 0100",
    "-10",
    "@SUM(1)",
    "\tindented",
    "\rreturn",
    "a, b",
    'say "hi"',
    '"',
    '""',
    "two\nlines",
    "crlf\r\nline",
    "Zoë 東京 🚀",
    "O'Brien",
    "",
    " padded ",
    "back\\slash",
    "\\.",
    'end"',
    "=",
]
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")


def _set(model, pk, **values):  # type: ignore[no-untyped-def]
    """Write values as they are (no validation), cut to each column's length."""
    fields = {
        name: value[: model._meta.get_field(name).max_length] if isinstance(value, str) else value
        for name, value in values.items()
    }
    model.objects.filter(pk=pk).update(**fields)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hostile():  # type: ignore[no-untyped-def]
    """Applications, outcomes, pledges and payments whose every text column holds hostile text."""
    count = len(HOSTILE)
    program_a, manager_a, credential_a = funded_setup()
    program_b, _manager_b, credential_b = funded_setup()
    _set(Credential, credential_a.pk, title=HOSTILE[0])
    _set(Credential, credential_b.pk, title=HOSTILE[10])
    _set(FundingRound, program_a.rounds.first().pk, name=HOSTILE[7])
    _set(FundingRound, program_b.rounds.first().pk, name=HOSTILE[11])
    statuses = list(Outcome.EmploymentStatus)
    for index, text in enumerate(HOSTILE):
        applicant = user_with_role(Role.WORKER)
        _set(User, applicant.pk, full_name=text, email=f"{text}{index}@example.test")
        employer = None
        if index % 4:
            employer = EmployerFactory()
            _set(Employer, employer.pk, legal_name=HOSTILE[(index + 3) % count])
        approved = index % 3 == 0
        program, credential = (program_a, credential_a) if index % 2 else (program_b, credential_b)
        application = application_row(
            program=program,
            credential=credential,
            status=S.APPROVED if approved else S.SUBMITTED,
            days_to_decision=2 if approved else None,
            amount_awarded=Decimal("900.50") if approved else None,
            amount_paid=Decimal(index * 10),
            region=HOSTILE[(index + 1) % count],
            applicant=applicant,
            employer=employer,
            submitted_days_ago=index * 40,  # across daylight-saving changes
        )
        if index == 1:  # whole seconds: isoformat() leaves out the fraction
            submitted = application.submitted_at.replace(microsecond=0)
            _set(Application, application.pk, submitted_at=submitted)
        if index == 2:  # local mean time: an offset with seconds (-04:56:02 in New York)
            _set(Application, application.pk, submitted_at=dt.datetime(1880, 1, 1, 12, tzinfo=dt.UTC))
        if index == 4:  # an offset the zone no longer has (+06:30 in Kolkata in 1943)
            _set(Application, application.pk, decided_at=dt.datetime(1943, 6, 1, 12, 30, 5, 7, tzinfo=dt.UTC))
        if index % 2:
            outcome_row(
                application,
                quarter=2,
                status=statuses[index % len(statuses)],
                wage=Decimal("41000.25") if index % 3 else None,
            )
        pledge_employer = EmployerFactory()
        _set(Employer, pledge_employer.pk, legal_name=text, region=HOSTILE[(index + 5) % count])
        PledgeFactory(employer=pledge_employer, framework_name=text)
    for index in (0, 3, 8):
        _application, payment, _officer = paid_application()
        _set(Payment, payment.pk, payee_name=HOSTILE[index], payee_reference=HOSTILE[index + 1])
        _set(PaymentBatch, payment.batch_id, reference=HOSTILE[index + 2])
    manager_and_finance = user_with_role(Role.PROGRAM_MANAGER)
    manager_and_finance.groups.add(*user_with_role(Role.FINANCE_OFFICER).groups.all())
    program_a.managers.add(manager_and_finance)
    return {
        "program_a": program_a,
        "users": {
            "manager": manager_a,
            "administrator": user_with_role(Role.ADMINISTRATOR),
            "finance officer": user_with_role(Role.FINANCE_OFFICER),
            "official": user_with_role(Role.OFFICIAL),
            "manager and finance officer": manager_and_finance,
        },
    }


def _python(headers, query) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(python_csv_chunks(headers, query))


# ---------------------------------------------------------------- PostgreSQL: COPY gives the same bytes


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ExportJob.Kind.values)
def test_copy_gives_the_csv_modules_bytes_for_every_role_and_zone(hostile, kind) -> None:  # type: ignore[no-untyped-def]
    compared = 0
    for zone in ZONES:
        with timezone.override(zone):
            for role, user in hostile["users"].items():
                if not can_export(user, kind):
                    continue
                for personal in (True, False):
                    headers, query = export_query(user, kind, ReportFilter(), personal=personal)
                    assert copy_statement(query) is not None, (kind, role)
                    expected = _python(headers, query)
                    assert b"".join(copy_csv_chunks(headers, query)) == expected, (kind, role, personal, zone)
                    compared += 1
    assert compared >= 2 * len(ZONES) * 2
    # The comparison saw the hostile text, guarded, and more than a header.
    headers, query = export_query(hostile["users"]["administrator"], kind, ReportFilter(), personal=True)
    table = list(csv.reader(io.StringIO(_python(headers, query).decode("utf-8-sig"))))
    assert len(table) > 2
    cells = {cell for row in table[1:] for cell in row}
    assert cells & {"'=SUM(A1:A9)", "'-10", "'@SUM(1)", "'=", "'+1 555 0100"}
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)


@pytest.mark.postgres
def test_copy_keeps_filters_empty_results_and_line_breaks(hostile) -> None:  # type: ignore[no-untyped-def]
    administrator = hostile["users"]["administrator"]
    cases = [
        ReportFilter(programs=(hostile["program_a"].pk,)),
        ReportFilter(region="a, b"),
        ReportFilter(region="no such region"),
        ReportFilter(date_from=timezone.localdate() - dt.timedelta(days=100)),
    ]
    for filters in cases:
        for kind in ExportJob.Kind.values:
            headers, query = export_query(administrator, kind, filters, personal=True)
            assert b"".join(copy_csv_chunks(headers, query)) == _python(headers, query), (kind, filters)
    # A query that can match nothing (.none()) gives the header alone, as in Python.
    headers, query = export_query(user_with_role(Role.WORKER), "applications", ReportFilter(), personal=False)
    assert b"".join(copy_csv_chunks(headers, query)) == _python(headers, query)
    assert _python(headers, query).endswith(b"amount_clawed_back\r\n")
    # Line breaks inside cells are kept as they are; rows end in CRLF.
    headers, query = export_query(administrator, "pledges", ReportFilter(), personal=False)
    body = b"".join(copy_csv_chunks(headers, query))
    assert b'"two\nlines"' in body
    assert b'"crlf\r\nline"' in body


@pytest.mark.postgres
def test_the_streamed_download_and_the_job_file_come_from_copy(
    client, hostile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    manager = hostile["users"]["manager"]
    headers, query = export_query(manager, "applications", ReportFilter(), personal=True)
    expected = _python(headers, query)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:export_stream", args=["applications"]))
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body == expected
    assert [q["sql"][:6] for q in queries.captured_queries].count("COPY (") == 1
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(actor=manager, kind="applications", format="csv", filters={})
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    rows = len(list(csv.reader(io.StringIO(expected.decode("utf-8-sig"))))) - 1
    assert rows == 10
    assert job.rows_done == job.rows_total == rows
    with job.file.open("rb") as handle:
        assert handle.read() == expected


@pytest.mark.postgres
def test_a_column_the_sql_cannot_format_takes_the_python_path(hostile) -> None:  # type: ignore[no-untyped-def]
    query = Application.objects.order_by("pk").values_list("reference", "applicant__date_joined", "pk")
    assert copy_statement(query) is not None
    with timezone.override(dt.timezone(dt.timedelta(hours=2))):  # a fixed offset, not a named zone
        assert copy_statement(query) is None
        assert b"".join(csv_chunks(["reference", "joined", "id"], query)) == _python(
            ["reference", "joined", "id"], query
        )
    assert copy_statement(query.order_by("-pk")) is None  # only the primary key order is kept


# ---------------------------------------------------------------- any database


def test_other_databases_take_the_python_path(hostile, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    headers, query = export_query(
        hostile["users"]["administrator"], "applications", ReportFilter(), personal=True
    )
    if connection.vendor == "postgresql":
        monkeypatch.setattr(exports, "copy_statement", lambda query: None)
    body = b"".join(csv_chunks(headers, query))
    assert body == _python(headers, query)
    assert body.startswith(b"\xef\xbb\xbfreference,")


@pytest.mark.parametrize(
    "rows",
    [
        [b"a,b\n", b"c,d\n"],
        [b'"x\ny",z\n', b'"""",",\n"\n', b'1,"a""\n""b"\n', b'"\r\n",\n'],
        [b",\n", b'"",\n', b'q,"\n\n\n"\n'],
    ],
)
def test_row_ends_become_crlf_outside_quoted_cells_wherever_the_blocks_split(rows) -> None:  # type: ignore[no-untyped-def]
    data = b"".join(rows)
    # What the csv module writes: every row's final LF becomes CRLF, line breaks inside cells stay.
    expected = b"".join(row[:-1] + b"\r\n" for row in rows)
    for cut in range(len(data) + 1):
        for blocks in ([data[:cut], data[cut:]], [data[i : i + 1] for i in range(len(data))]):
            out = []
            ended = 0
            inside = False
            for block in blocks:
                converted, rows_ended, inside = crlf_rows(block, inside)
                out.append(converted)
                ended += rows_ended
            assert b"".join(out) == expected, (cut, blocks)
            assert ended == len(rows)
            assert inside is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_copy_jobs_progress_is_saved_while_the_copy_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The job's connection is busy with the COPY: progress goes through a connection of its own."""
    program, manager, credential = funded_setup()
    for _ in range(5):
        application_row(program=program, credential=credential, status=S.SUBMITTED)
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    monkeypatch.setattr(exports._CsvProgress, "interval_seconds", 0)
    seen: list[int] = []
    save = exports._CsvProgress.__call__

    def save_and_read(self, rows: int) -> None:  # type: ignore[no-untyped-def]
        save(self, rows)
        with self.connection.cursor() as cursor:  # what another request would read now
            cursor.execute("SELECT rows_done FROM reporting_exportjob WHERE id = %s", [self.job_id])
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(exports._CsvProgress, "__call__", save_and_read)
    job = export_job_create(actor=manager, kind="applications", format="csv", filters={})
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert seen == [2, 4, 5]
    assert (job.rows_done, job.rows_total) == (5, 5)
