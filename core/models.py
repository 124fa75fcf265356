"""Shared model machinery with no domain: the append-only base for events, audit rows and ledgers."""

from typing import Any, ClassVar

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
