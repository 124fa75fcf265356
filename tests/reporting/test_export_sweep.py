"""Stale export jobs: a job left queued or running past EXPORT_STALE_MINUTES is marked failed in the
database (by export_jobs_sweep: the sweep_exports command and task, and each time its owner lists their
exports), only those, once; the page and the API then show it failed with a retry."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from reporting import tasks
from reporting.exports import STOPPED_QUEUED, STOPPED_RUNNING, export_job_run, export_jobs_sweep
from reporting.models import ExportJob
from tests.accounts.factories import user_with_role

pytestmark = pytest.mark.django_db
St = ExportJob.Status


@pytest.fixture(autouse=True)
def _stale_after_30_minutes(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EXPORT_STALE_MINUTES = 30
    settings.MEDIA_ROOT = tmp_path


def _job(owner, status: str, *, minutes_ago: int, started: bool | None = None) -> ExportJob:  # type: ignore[no-untyped-def]
    """A job created (and, if running, started) that many minutes ago."""
    job = ExportJob.objects.create(owner=owner, kind="pledges", format="csv", status=status)
    when = timezone.now() - dt.timedelta(minutes=minutes_ago)
    started = status != St.QUEUED if started is None else started
    ExportJob.objects.filter(pk=job.pk).update(created_at=when, started_at=when if started else None)
    job.refresh_from_db()
    return job


@pytest.fixture
def jobs():  # type: ignore[no-untyped-def]
    owner = user_with_role(Role.OFFICIAL)
    other = user_with_role(Role.OFFICIAL)
    return {
        "owner": owner,
        "other": other,
        "running_stale": _job(owner, St.RUNNING, minutes_ago=45),
        "queued_stale": _job(owner, St.QUEUED, minutes_ago=31),
        "running_fresh": _job(owner, St.RUNNING, minutes_ago=29),
        "queued_fresh": _job(owner, St.QUEUED, minutes_ago=5),
        "done_old": _job(owner, St.DONE, minutes_ago=600),
        "failed_old": _job(owner, St.FAILED, minutes_ago=600),
        "other_stale": _job(other, St.RUNNING, minutes_ago=120),
    }


def _states(jobs) -> dict[str, tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    result = {}
    for name, job in jobs.items():
        if isinstance(job, ExportJob):
            job.refresh_from_db()
            result[name] = (job.status, job.error, job.finished_at is not None)
    return result


def test_the_sweep_fails_only_stale_jobs_once(jobs) -> None:  # type: ignore[no-untyped-def]
    before = _states(jobs)
    swept = export_jobs_sweep()
    assert sorted(job.pk for job in swept) == sorted(
        jobs[name].pk for name in ("running_stale", "queued_stale", "other_stale")
    )
    after = _states(jobs)
    assert after["running_stale"] == (St.FAILED, STOPPED_RUNNING, True)
    assert after["other_stale"] == (St.FAILED, STOPPED_RUNNING, True)
    assert after["queued_stale"] == (St.FAILED, STOPPED_QUEUED, True)
    for name in ("running_fresh", "queued_fresh", "done_old", "failed_old"):
        assert after[name] == before[name], name
    # Idempotent: nothing more to do, nothing changes.
    assert export_jobs_sweep() == []
    assert _states(jobs) == after


def test_the_owners_sweep_touches_only_their_jobs(jobs) -> None:  # type: ignore[no-untyped-def]
    swept = export_jobs_sweep(owner=jobs["owner"])
    assert {job.pk for job in swept} == {jobs["running_stale"].pk, jobs["queued_stale"].pk}
    jobs["other_stale"].refresh_from_db()
    assert jobs["other_stale"].status == St.RUNNING


def test_the_command_reports_what_it_did_and_can_run_twice(jobs) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("sweep_exports", "--batch", "2", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert (
        f"export #{jobs['running_stale'].pk} (pledges.csv, owner {jobs['owner'].pk}): {STOPPED_RUNNING}"
        in text
    )
    assert (
        f"export #{jobs['queued_stale'].pk} (pledges.csv, owner {jobs['owner'].pk}): {STOPPED_QUEUED}" in text
    )
    assert "3 export job(s) queued or running for more than 30 minutes: marked failed." in text
    assert ExportJob.objects.filter(status=St.FAILED).count() == 4
    out = io.StringIO()
    call_command("sweep_exports", stdout=out, stderr=io.StringIO())
    assert "0 export job(s)" in out.getvalue()
    assert ExportJob.objects.filter(status=St.FAILED).count() == 4


def test_the_task_sweeps(jobs) -> None:  # type: ignore[no-untyped-def]
    result = tasks.sweep_exports.enqueue()
    assert result.return_value == 3
    assert ExportJob.objects.filter(status=St.FAILED).count() == 4


def test_a_swept_job_stays_failed_if_its_worker_comes_back(jobs) -> None:  # type: ignore[no-untyped-def]
    export_jobs_sweep()
    assert export_job_run(jobs["queued_stale"].pk) == St.FAILED
    jobs["queued_stale"].refresh_from_db()
    assert (jobs["queued_stale"].status, jobs["queued_stale"].started_at) == (St.FAILED, None)


def test_the_page_marks_stale_jobs_failed_and_offers_a_retry(
    client, jobs, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(jobs["owner"])
    response = client.get(reverse("reports:export_list"))
    assert response.status_code == 200
    states = _states(jobs)
    assert states["running_stale"][0] == St.FAILED
    assert states["queued_stale"][0] == St.FAILED
    assert states["running_fresh"][0] == St.RUNNING
    assert states["other_stale"][0] == St.RUNNING  # another person's job is theirs to list
    retry = reverse("reports:export_retry", args=[jobs["running_stale"].pk])
    assert retry in response.text
    assert reverse("reports:export_retry", args=[jobs["running_fresh"].pk]) not in response.text
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    again = ExportJob.objects.filter(owner=jobs["owner"]).order_by("-pk").first()
    assert again is not None
    assert again.pk > jobs["other_stale"].pk
    assert again.status == St.DONE


def test_the_api_list_marks_stale_jobs_failed(api_client, jobs) -> None:  # type: ignore[no-untyped-def]
    api_client.force_authenticate(jobs["owner"])
    listed = {row["id"]: row for row in api_client.get("/api/v1/exports/").json()["results"]}
    assert listed[jobs["running_stale"].pk]["status"] == "failed"
    assert listed[jobs["running_stale"].pk]["error"] == STOPPED_RUNNING
    assert listed[jobs["queued_stale"].pk]["error"] == STOPPED_QUEUED
    assert listed[jobs["running_fresh"].pk]["status"] == "running"
    assert jobs["other_stale"].pk not in listed
    jobs["running_stale"].refresh_from_db()
    assert jobs["running_stale"].status == St.FAILED
    jobs["other_stale"].refresh_from_db()
    assert jobs["other_stale"].status == St.RUNNING


def test_listing_with_nothing_stale_is_one_query_more(client, jobs, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    export_jobs_sweep()
    client.force_login(jobs["owner"])
    client.get(reverse("reports:export_list"))
    with django_assert_num_queries(9):  # the page's 6, and the sweep's SELECT in a savepoint
        client.get(reverse("reports:export_list"))
