"""Paying awards and recovering money: payment approval (maker-checker), batches for the agency's finance
system, reconciliation of its results, retries and clawbacks.

Every step is idempotent: approving, batching, sending or recording the same payment again changes
nothing and writes no second ledger entry. The disbursement's ledger key is `payment:<id>:disburse`, and
the application row (locked first) caps what is paid at what was committed.

Lock order (core.workflow.LOCK_ORDER): application, then batch, then payment, then the program budget
(the ledger services).

The services, split by what they do (import them from here: `from grants.payments.services import
payment_approve`):

- approval: payee_for, payment_approve, payment_retry
- batches: payment_batch_create, batch_csv, payment_batch_export, payment_batch_file,
  payment_batch_mark_sent, payment_batch_discard (and ItemResult, BatchResult)
- results: payment_record_paid, payment_record_failed, payment_batch_reconcile
- clawbacks: clawback_record
- common: what they share (references, the payment's status moves and events, the limits)
"""

from grants.payments.services.approval import payee_for, payment_approve, payment_retry
from grants.payments.services.batches import (
    EXPORT_COLUMNS,
    BatchResult,
    ItemResult,
    batch_csv,
    payment_batch_create,
    payment_batch_discard,
    payment_batch_export,
    payment_batch_file,
    payment_batch_mark_sent,
)
from grants.payments.services.clawbacks import clawback_record
from grants.payments.services.common import MAX_BATCH_SIZE, MAX_RECONCILIATION_BYTES, B, P
from grants.payments.services.results import (
    RESULT_FAILED,
    RESULT_PAID,
    payment_batch_reconcile,
    payment_record_failed,
    payment_record_paid,
)

__all__ = [
    "EXPORT_COLUMNS",
    "MAX_BATCH_SIZE",
    "MAX_RECONCILIATION_BYTES",
    "RESULT_FAILED",
    "RESULT_PAID",
    "B",
    "BatchResult",
    "ItemResult",
    "P",
    "batch_csv",
    "clawback_record",
    "payee_for",
    "payment_approve",
    "payment_batch_create",
    "payment_batch_discard",
    "payment_batch_export",
    "payment_batch_file",
    "payment_batch_mark_sent",
    "payment_batch_reconcile",
    "payment_record_failed",
    "payment_record_paid",
    "payment_retry",
]
