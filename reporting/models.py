"""Reporting owns one table: the export jobs people start (issue 7). Everything else it reads."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """A CSV or XLSX export run in the background: who asked, what, with which filters, and how far it got.

    Only its owner sees it. The file is written by reporting.tasks.run_export in chunks, updating
    rows_done as it goes; a job that stays "running" longer than EXPORT_STALE_MINUTES (a worker died) is
    shown as failed and can be started again (reporting.exports.export_is_stale)."""

    class Kind(models.TextChoices):
        APPLICATIONS = "applications", _("Applications")
        PAYMENTS = "payments", _("Payments")
        PLEDGES = "pledges", _("Pledges")
        OUTCOMES = "outcomes", _("Outcomes")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),  # retried as a new job
    }

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    # The columns decided when the job was created (from the owner's roles then), so a job never
    # widens what its owner may see.
    personal = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk}"

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else None
        return min(100, int(self.rows_done * 100 / self.rows_total))
