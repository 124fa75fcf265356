"""Reporting owns one table: the export jobs people start (issue 7). Everything else it reads."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField


class ExportJob(models.Model):
    """A CSV or XLSX export run in the background: who asked, what, with which filters, and how far it got.

    Only its owner sees it. The file is written by reporting.tasks.run_export in chunks, updating
    rows_done as it goes; a job left "queued" or "running" longer than EXPORT_STALE_MINUTES (a worker died)
    is marked failed by reporting.exports.export_jobs_sweep (command `sweep_exports`, and each time its owner
    lists their exports) and can be started again as a new job."""

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
    # A job's moves are its own record (times, progress, error): a piece of work, not a case, it keeps no
    # event rows.
    WORKFLOW_EVENT = None

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


# ---------------------------------------------------------------- report summaries (pre-aggregation)


class SummaryRun(models.Model):
    """One build of the report summary tables (reporting.refresh): the dashboards of a large system read
    these instead of aggregating a million applications on every request (reporting.summaries says when).

    The tables are a derived cache, rebuilt from the live tables by `refresh_report_summaries`; a build
    writes a new run and, once it is ready, the rows of older runs are removed (nothing is lost: every
    figure can be rebuilt from the applications, outcomes and ledger at any time)."""

    class Status(models.TextChoices):
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.BUILDING: {Status.READY, Status.FAILED},
        Status.READY: set(),
        Status.FAILED: set(),
    }
    # A derived cache's build: its own record (times, error) is all it keeps, no event rows.
    WORKFLOW_EVENT = None

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.BUILDING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applications = models.PositiveIntegerField(default=0)  # submitted applications summarised
    milliseconds = models.PositiveIntegerField(null=True, blank=True)  # how long the build took
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        indexes = [models.Index(fields=["status", "-finished_at"])]

    def __str__(self) -> str:
        return f"summary run #{self.pk} ({self.status})"

    @property
    def seconds(self) -> float | None:
        return None if self.milliseconds is None else self.milliseconds / 1000


class SummaryCell(models.Model):
    """The cell every summary row belongs to: a program, a funding round (or none) and the calendar quarter
    in which the applications were submitted. Dashboards filtered by programs, a round and whole quarters
    add up cells; other filters read the live tables."""

    run = models.ForeignKey(SummaryRun, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    funding_round = models.ForeignKey(
        "programs.FundingRound",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    quarter = models.DateField(null=True)  # the first day of the quarter; none: not submitted yet

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} run {self.run_id}, program {self.program_id}, {self.quarter}"


class StatusSummary(SummaryCell):
    status = models.CharField(max_length=24)
    applications = models.PositiveIntegerField()
    amount_paid = MoneyField()
    amount_recovered = MoneyField()

    class Meta:
        indexes = [models.Index(fields=["run", "program", "quarter"], name="reporting_status_cell")]


class WaitSummary(SummaryCell):
    """How many decided applications waited each number of tenths of a day for their decision."""

    tenths = models.PositiveIntegerField()
    applications = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "program", "quarter"], name="reporting_wait_cell")]


class OutcomeSummary(SummaryCell):
    """Completed awards' answers per cell (each application counted once per quarter after completion)."""

    answered_q2 = models.PositiveIntegerField()
    employed_q2 = models.PositiveIntegerField()
    answered_q4 = models.PositiveIntegerField()
    employed_q4 = models.PositiveIntegerField()
    wages_q2 = models.PositiveIntegerField()
    wages_q4 = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "program", "quarter"], name="reporting_outcome_cell")]


class WageSummary(SummaryCell):
    """How many employed answers gave each annual wage, by quarter after completion."""

    quarter_after = models.PositiveSmallIntegerField()
    annual_wage = MoneyField()
    outcomes = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "program", "quarter"], name="reporting_wage_cell")]


class EquitySummary(SummaryCell):
    """Each group's applications split into reporting.equity's partition, per breakdown."""

    dimension = models.CharField(max_length=24)
    group = models.CharField(max_length=64)
    pending = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    awarded_open = models.PositiveIntegerField()
    completed_other = models.PositiveIntegerField()
    completed_employed = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "program", "quarter"], name="reporting_equity_cell")]


class LedgerFlowSummary(models.Model):
    """Money committed and released per program, day and kind of ledger entry: the budget burn rate."""

    run = models.ForeignKey(SummaryRun, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    day = models.DateField()
    kind = models.CharField(max_length=24)
    amount = MoneyField()

    class Meta:
        indexes = [models.Index(fields=["run", "day"], name="reporting_flow_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.day}"
