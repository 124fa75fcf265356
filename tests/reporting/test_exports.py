"""Exports: rows and personal columns per role, streamed CSV, background CSV/XLSX jobs with progress, a
person's own jobs only, failures recorded, formula cells neutralised, and the API."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from grants.models import Application
from programs.models import Credential
from reporting import exports
from reporting.exports import COLUMNS, FORBIDDEN_PATHS, export_job_create, export_job_retry, export_status
from reporting.models import ExportJob
from tests.accounts.factories import user_with_role
from tests.grants.factories import funded_setup
from tests.reporting.factories import application_row

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def data():  # type: ignore[no-untyped-def]
    """Two programs: A (3 applications, one approved) and B (2 applications)."""
    program_a, manager_a, credential_a = funded_setup()
    program_b, manager_b, credential_b = funded_setup()
    Credential.objects.filter(pk=credential_a.pk).update(title='=HYPERLINK("http://evil")')
    a = [
        application_row(program=program_a, credential=credential_a, status=S.SUBMITTED, region="North"),
        application_row(program=program_a, credential=credential_a, status=S.REJECTED, days_to_decision=3),
        application_row(
            program=program_a,
            credential=credential_a,
            status=S.APPROVED,
            days_to_decision=2,
            amount_awarded=Decimal("900"),
        ),
    ]
    b = [application_row(program=program_b, credential=credential_b, status=S.SUBMITTED) for _ in range(2)]
    return {"a": program_a, "b": program_b, "manager_a": manager_a, "rows_a": a, "rows_b": b}


def read_csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_no_export_column_reaches_dates_of_birth_addresses_or_demographics() -> None:
    for columns in COLUMNS.values():
        for column in columns:
            assert not any(word in column.path for word in FORBIDDEN_PATHS), column


def test_manager_streams_their_programs_with_names_and_neutralised_formulas(client, data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(data["manager_a"])
    response = client.get(reverse("reports:export_stream", args=["applications"]))
    assert response.status_code == 200
    assert response.streaming
    table = read_csv(response)
    header, body = table[0], table[1:]
    assert "applicant_name" in header
    assert "applicant_email" in header
    assert sorted(row[0] for row in body) == sorted(a.reference for a in data["rows_a"])
    credential = header.index("credential")
    assert {row[credential] for row in body} == {'\'=HYPERLINK("http://evil")'}
    # The dashboard's filters apply.
    table = read_csv(client.get(reverse("reports:export_stream", args=["applications"]), {"region": "North"}))
    assert len(table) == 2


def test_officials_export_pledges_but_never_rows_about_people(client, data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.OFFICIAL))
    for kind in ("applications", "payments", "outcomes"):
        assert client.get(reverse("reports:export_stream", args=[kind])).status_code == 403, kind
    assert client.get(reverse("reports:export_stream", args=["pledges"])).status_code == 200


def test_finance_officer_sees_awards_without_personal_columns(client, data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.FINANCE_OFFICER))
    table = read_csv(client.get(reverse("reports:export_stream", args=["applications"])))
    assert "applicant_name" not in table[0]
    assert "applicant_email" not in table[0]
    emails = {a.applicant.email for a in data["rows_a"] + data["rows_b"]}
    assert not any(email in ",".join(row) for row in table for email in emails)


def test_finance_officer_gets_payee_columns_only_in_payments(client, data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.FINANCE_OFFICER))
    payments = read_csv(client.get(reverse("reports:export_stream", args=["payments"])))
    assert "payee_name" in payments[0]
    applications = read_csv(client.get(reverse("reports:export_stream", args=["applications"])))
    assert "applicant_name" not in applications[0]
    assert [row[0] for row in applications[1:]] == [data["rows_a"][2].reference]  # awards only


def test_roles_that_may_not_export_are_refused(client, data) -> None:  # type: ignore[no-untyped-def]
    url = reverse("reports:export_stream", args=["applications"])
    assert client.get(url).status_code == 302
    for role in (Role.WORKER, Role.REVIEWER, Role.EMPLOYER_REPRESENTATIVE):
        client.force_login(user_with_role(role))
        assert client.get(url).status_code == 403
        assert client.get(reverse("reports:export_list")).status_code == 403
    client.force_login(user_with_role(Role.FINANCE_OFFICER))
    assert client.get(reverse("reports:export_stream", args=["pledges"])).status_code == 403
    assert client.get(reverse("reports:export_stream", args=["nothing"])).status_code == 404
    client.force_login(user_with_role(Role.FINANCE_OFFICER))
    assert client.get(url, {"date_from": "yesterday"}).status_code == 400


def test_background_csv_job_writes_the_file_with_progress(
    client, data, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    manager = data["manager_a"]
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(actor=manager, kind="applications", format="csv", filters={})
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.percent == 100
    assert job.personal is True
    assert job.finished_at is not None
    client.force_login(manager)
    response = client.get(reverse("reports:export_download", args=[job.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 4
    # Another person's export is a 404, and so is its download.
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
    assert client.post(reverse("reports:export_retry", args=[job.pk])).status_code == 404


def test_background_xlsx_job(data, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    administrator = user_with_role(Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(
            actor=administrator, kind="applications", format="xlsx", filters={"programs": [data["b"].pk]}
        )
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    sheet = load_workbook(job.file.open("rb"), read_only=True).active
    values = list(sheet.values)
    assert "applicant_name" in values[0]  # administrators get the personal columns
    assert len(values) == 3


def test_a_failing_export_is_marked_failed_with_the_error(
    data, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "export_query", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(actor=data["manager_a"], kind="applications", format="csv", filters={})
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "disk full" in job.error
    assert job.finished_at is not None


def test_a_stale_running_job_shows_as_failed_and_can_be_started_again(
    data, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    manager = data["manager_a"]
    job = ExportJob.objects.create(owner=manager, kind="applications", format="csv", status="running")
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))
    job.refresh_from_db()
    assert export_status(job) == ExportJob.Status.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        again = export_job_retry(actor=manager, job=job)
    again.refresh_from_db()
    assert again.pk != job.pk
    assert again.status == ExportJob.Status.DONE


def test_export_page_lists_own_jobs_and_starts_one(
    client, data, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    manager = data["manager_a"]
    other = ExportJob.objects.create(owner=user_with_role(Role.OFFICIAL), kind="pledges", format="csv")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_list"), {"kind": "applications", "format": "csv"})
    assert response.status_code == 302
    page = client.get(reverse("reports:export_list"))
    assert page.status_code == 200
    assert reverse("reports:export_download", args=[ExportJob.objects.get(owner=manager).pk]) in page.text
    assert reverse("reports:export_download", args=[other.pk]) not in page.text
    # Bad input is a form error, and nothing is created.
    response = client.post(reverse("reports:export_list"), {"kind": "payments", "format": "pdf"})
    assert response.status_code == 200
    assert ExportJob.objects.filter(owner=manager).count() == 1
    # The same number of queries with one job or three: 6, and the stale-job sweep's locking SELECT (in a
    # savepoint here, as the test runs in a transaction).
    client.get(reverse("reports:export_list"))
    with django_assert_num_queries(9) as one:
        client.get(reverse("reports:export_list"))
    ExportJob.objects.create(owner=manager, kind="outcomes", format="xlsx")
    ExportJob.objects.create(owner=manager, kind="payments", format="csv", status="running")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("reports:export_list"))
    assert 'hx-trigger="every 2s"' in response.text  # polling while a job runs


# ---------------------------------------------------------------- API


def test_api_create_status_and_download(api_client, data, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/exports/"
    assert api_client.get(url).status_code == 401
    api_client.force_authenticate(user_with_role(Role.WORKER))
    assert api_client.post(url, {"kind": "applications", "format": "csv"}, format="json").status_code == 403
    manager = data["manager_a"]
    api_client.force_authenticate(manager)
    bad = api_client.post(
        url, {"kind": "applications", "format": "csv", "filters": {"date_from": "x"}}, format="json"
    )
    assert bad.status_code == 400
    assert not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(
            url,
            {"kind": "applications", "format": "csv", "filters": {"programs": [data["a"].pk]}},
            format="json",
        )
    assert created.status_code == 202
    job_id = created.json()["id"]
    status = api_client.get(f"{url}{job_id}/").json()
    assert status["status"] == "done"
    assert status["rows_done"] == 3
    assert status["rows_total"] == 3
    assert status["download_url"].endswith(f"/api/v1/exports/{job_id}/download/")
    download = api_client.get(f"{url}{job_id}/download/")
    assert download.status_code == 200
    assert b"applicant_email" in b"".join(download.streaming_content)
    assert [row["id"] for row in api_client.get(url).json()["results"]] == [job_id]
    api_client.force_authenticate(user_with_role(Role.OFFICIAL))
    assert api_client.get(f"{url}{job_id}/").status_code == 404
    assert api_client.get(f"{url}{job_id}/download/").status_code == 404
    assert api_client.get(url).json()["results"] == []
