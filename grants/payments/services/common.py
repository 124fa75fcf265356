"""What the payment services share: references, the payment's status moves and events, the limits."""

import secrets
from typing import Any

from django.utils import timezone

from accounts.models import User
from core.workflow import transition
from grants.models import Payment, PaymentBatch, PaymentEvent

P = Payment.Status
B = PaymentBatch.Status
MAX_RECONCILIATION_BYTES = 5 * 1024 * 1024
MAX_BATCH_SIZE = 5000


def new_reference(prefix: str) -> str:
    """A fresh reference for a payment or batch: the prefix, the year and eight random characters."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{prefix}-{timezone.localdate():%y}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def payment_event_write(
    payment: Payment,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    reason: str = "",
    **payload: Any,
) -> None:
    """Write a payment event that records no move (the payment's creation: its status is its first)."""
    PaymentEvent.objects.create(
        payment=payment,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=payment.status,
        reason=reason,
        payload=payload,
    )


def move_payment(
    payment: Payment,
    to_status: str,
    *,
    actor: User | None,
    action: str,
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
    **payload: Any,
) -> None:
    """Move the payment through its transition table with its event (core.workflow); the caller holds
    the payment's row lock."""
    transition(
        payment,
        to_status,
        actor=actor,
        action=action,
        reason=reason,
        payload=payload,
        fields=extra_fields,
    )
