"""Shared model machinery with no domain: the append-only base for events, audit rows and ledgers."""

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a record that is kept for the record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; write a new row instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")


class AppendOnlyModel(models.Model):
    """Rows are written once and never changed or deleted; corrections are new rows.

    The guard covers the ORM paths code would use by mistake (save of an existing row, delete,
    queryset update and delete). Database-level privileges back it in production (docs/deployment.md).
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; write a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


class StatusEvent(AppendOnlyModel):
    """One move, or one notable action, of a record with a workflow: who, what, from which status to
    which, why, and any facts worth keeping. `core.workflow.transition()` writes them; each concrete
    event adds its foreign key to the record (named in the record's `WORKFLOW_EVENT`)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class IdempotencyRecord(models.Model):
    """An `Idempotency-Key` a client sent with a write that could otherwise be done twice (a retry after a
    timeout or an ambiguous 500), with a fingerprint of the request and the answer it got: the same key
    again from the same person gets that answer back (marked replayed) instead of a second write; the
    same key with a different request is refused (core.idempotency). Written in the write's transaction,
    so the key exists exactly when the write does; the answer is filled in before that transaction
    commits, and never changed afterwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_write_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
