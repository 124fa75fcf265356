"""The one way a record changes status: `transition()`.

A model that has a workflow declares, on the class:

- `TRANSITIONS`: from each status, the statuses it may move to (ADR 0002);
- `WORKFLOW_EVENT`: the event model that records each move and the name of its foreign key to the
  record, e.g. `("grants.ApplicationEvent", "application")`; None for a record whose moves are recorded
  on another record's events (a completion claim's, on its application's: the caller writes that event);
- optionally `TRANSITION_REFUSED`, the message when a move is not in the table (with `%(from)s` and
  `%(to)s`, the statuses' labels), or a classmethod `transition_refused(from_status, to_status)`.

`transition()` checks the table, sets the status (and the other fields the caller changed), saves them
and writes the event row, in the caller's transaction: the caller holds the record's row lock (taken
before it read the status it judged), so a status moves one step at a time. A test in
tests/test_house_rules.py fails on any status assignment or `update(status=...)` elsewhere.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.exceptions import Conflict

M = TypeVar("M", bound=models.Model)


def _label(model: type[models.Model], status: str) -> str:
    choices = dict(model._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
    return str(choices.get(status, status))


def refused(record: models.Model, to_status: str) -> str:
    """Why `record` may not move to `to_status`, in the words its model chose."""
    model = record._meta.model
    current = record.status  # type: ignore[attr-defined]
    custom = getattr(model, "transition_refused", None)
    if custom is not None:
        return str(custom(current, to_status))
    template = getattr(model, "TRANSITION_REFUSED", None) or _(
        "This %(thing)s is “%(from)s”; it cannot become “%(to)s”."
    )
    return str(template) % {
        "thing": model._meta.verbose_name,
        "from": _label(model, current),
        "to": _label(model, to_status),
    }


def may_move(record: models.Model, to_status: str) -> bool:
    """Whether the transition table allows `record` to move to `to_status` now."""
    return to_status in record._meta.model.TRANSITIONS.get(record.status, ())  # type: ignore[attr-defined]


def check_move(record: models.Model, to_status: str) -> None:
    """Refuse (Conflict, the model's message) a move the table does not allow, before the work that
    leads to it; `transition()` checks again when it moves."""
    if not may_move(record, to_status):
        raise Conflict(refused(record, to_status))


@cache
def _shape(model: type[models.Model]) -> tuple[bool, tuple[type[models.Model], str] | None]:
    """Read once per model: whether it has `updated_at`, and its event model (a core.models.StatusEvent:
    a house rule checks it) with its foreign key to the record."""
    has_updated_at = any(field.name == "updated_at" for field in model._meta.concrete_fields)
    spec = model.WORKFLOW_EVENT  # type: ignore[attr-defined]
    if spec is None:
        return has_updated_at, None
    label, subject = spec
    return has_updated_at, (apps.get_model(label), subject)


def transition(
    record: models.Model,
    to_status: str,
    *,
    actor: Any,
    action: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    fields: tuple[str, ...] | list[str] = (),
    **event_fields: Any,
) -> models.Model | None:
    """Move `record` to `to_status`: refused with a Conflict (409, the model's message) when the move is
    not in its transition table; otherwise the status and `fields` (other columns the caller set on the
    record, saved with it) are saved, and the model's event row is written and returned (None for a model
    whose moves are recorded elsewhere). `event_fields` go to the event row (an application event's
    `visibility`). The caller holds the row lock and the transaction."""
    model = record._meta.model
    check_move(record, to_status)
    from_status = record.status  # type: ignore[attr-defined]
    record.status = to_status  # type: ignore[attr-defined]
    has_updated_at, spec = _shape(model)
    update = ["status", *fields, *(("updated_at",) if has_updated_at else ())]
    record.save(update_fields=list(dict.fromkeys(update)))
    if spec is None:
        return None
    event_model, subject = spec
    return event_model._default_manager.create(
        **{subject: record},
        actor=actor,
        action=action or to_status,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=payload or {},
        **event_fields,
    )


# The one order in which a write takes row locks (ADR 0009): a service that needs several rows locked
# takes them in this order, so two writes never wait for each other in a circle. `lock_objects` sorts by
# it; a service that locks one row, then decides what else to lock, follows it by hand. A model locks
# only if it is listed here (`lock`, `lock_rows`), so every row lock has its place in the order.
LOCK_ORDER = (
    "accounts.user",
    "employers.employer",
    "employers.representative",
    "employers.representativeinvitation",
    "employers.jobrole",
    "employers.pledge",
    "employers.progressreport",
    "grants.workerprofile",
    "grants.demographics",
    "grants.application",
    "grants.reviewassignment",
    "grants.completionclaim",
    "grants.outcomefollowup",
    "grants.paymentbatch",
    "grants.payment",
    "programs.program",
    "programs.credentialrequest",
    "programs.trainingprovider",
    "programs.badgeissuer",
    "programs.programbudget",
    "reporting.summaryrun",
    "reporting.exportjob",
)


def lock_rank(model: type[models.Model]) -> int:
    """Where rows of `model` come in LOCK_ORDER (a model not in it cannot be locked here)."""
    return LOCK_ORDER.index(model._meta.label_lower)


def lock(
    record: M,
    *,
    related: tuple[str, ...] = (),
    no_key: bool = False,
    of: tuple[str, ...] | None = ("self",),
) -> M:
    """`record`'s row read again, locked until the transaction ends: FOR UPDATE, or FOR NO KEY UPDATE
    (`no_key`: rows that refer to it can still be inserted). `related` comes in the same query, unlocked
    (`of=None` locks the joined rows too)."""
    model = record._meta.model  # (not type(record): request.user is a lazy wrapper)
    lock_rank(model)
    rows = model._default_manager.select_for_update(no_key=no_key, of=of if related and of else ())
    return cast(M, (rows.select_related(*related) if related else rows).get(pk=record.pk))


def lock_objects(*records: models.Model) -> tuple[models.Model, ...]:
    """Lock several rows in LOCK_ORDER (whatever order they are given in); returns them, read again,
    in the order given."""
    order = sorted(range(len(records)), key=lambda index: lock_rank(records[index]._meta.model))
    locked: dict[int, models.Model] = {}
    for index in order:
        locked[index] = lock(records[index])
    return tuple(locked[index] for index in range(len(records)))


def lock_rows(
    rows: QuerySet[M],
    *,
    order_by: tuple[str, ...] = ("pk",),
    skip_locked: bool = False,
    of: tuple[str, ...] = (),
) -> QuerySet[M]:
    """`rows`, to be locked FOR UPDATE when read, in `order_by` order (the primary key by default), so
    two writers that lock the same rows take them one by one in the same order. Rows joined by
    `select_related` are locked too unless `of` names the ones to lock; `skip_locked` leaves out rows
    another transaction holds instead of waiting. Lazy like any queryset: `.get()`, `.first()`, a
    slice or a loop reads (and locks) them."""
    lock_rank(rows.model)
    return rows.select_for_update(skip_locked=skip_locked, of=of).order_by(*order_by)
