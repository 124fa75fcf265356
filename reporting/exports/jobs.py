"""The background export job's lifecycle (ExportJob): create (``export_job_create``, which queues
``reporting.tasks.run_export``), start again (``export_job_retry``), the status to show (``export_status``;
"failed" once stale), the stale jobs and their sweep (``export_jobs_sweep``), the status moves, through
core.workflow (``_move``), and the progress saves (``_progress``, ``_CsvProgress``). The run itself,
``export_job_run``, is in the package's ``__init__``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import AnyUser, is_signed_in
from core.exceptions import Conflict, NotAllowed
from core.workflow import lock, lock_rows, may_move, transition
from reporting.exports.definitions import can_export, personal_allowed
from reporting.exports.filters import filters_to_json, parse_filters
from reporting.figures import ReportFilter
from reporting.models import ExportJob

DEFAULT_STALE_MINUTES = 30


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
        job = lock(ExportJob(pk=job_id))
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
        for job in lock_rows(candidates, skip_locked=True)[:limit]:
            if not may_move(job, ExportJob.Status.FAILED):
                continue
            job.error = STOPPED_RUNNING if job.status == ExportJob.Status.RUNNING else STOPPED_QUEUED
            job.finished_at = now
            transition(job, ExportJob.Status.FAILED, actor=None, fields=("error", "finished_at"))
            swept.append(job)
    return swept
