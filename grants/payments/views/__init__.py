"""HTML pages for finance officers (issue 5): the work list, payment approval, payments, batches and their
CSV export, reconciliation of the finance system's results, retries and clawbacks.

Thin, like grants/applications/views/staff.py: every page needs the finance officer role (403 otherwise),
finds its object among those the caller may see (404 otherwise) and writes through
grants/payments/services, whose ValidationError or Conflict is shown beside the form or as a message.
Maker-checker is the service's rule; a refusal is shown as a message, never as an error page.

By what they serve (grants/payments/urls.py names every view from here):
- work_list: finance_home
- approval: payment_approve
- payments: payment_list, payment_detail, payment_retry
- batches: batch_list, batch_create, batch_detail, batch_export, batch_send, batch_discard
- reconciliation: batch_reconcile
- clawbacks: clawback_create
- common: what they share (tags, labels, the rows they list, the filtered list page)
"""

from grants.payments.views.approval import payment_approve
from grants.payments.views.batches import (
    batch_create,
    batch_detail,
    batch_discard,
    batch_export,
    batch_list,
    batch_send,
)
from grants.payments.views.clawbacks import clawback_create
from grants.payments.views.payments import payment_detail, payment_list, payment_retry
from grants.payments.views.reconciliation import batch_reconcile
from grants.payments.views.work_list import finance_home

__all__ = [
    "batch_create",
    "batch_detail",
    "batch_discard",
    "batch_export",
    "batch_list",
    "batch_reconcile",
    "batch_send",
    "clawback_create",
    "finance_home",
    "payment_approve",
    "payment_detail",
    "payment_list",
    "payment_retry",
]
