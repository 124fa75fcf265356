"""What the finance pages share: page sizes, status tags and event labels, the payments and batches they
list, dressing a row for its table, and a filtered list page."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from core.pagination import paginate
from grants.models import Application, Payment, PaymentBatch
from programs.presentation import money

ROWS_PER_PAGE = 25
BATCH_ROWS_PER_PAGE = 50

S = Application.Status
P = Payment.Status
B = PaymentBatch.Status
PAYMENT_TAGS: dict[str, str] = {
    P.APPROVED: "tag--blue",
    P.BATCHED: "tag--amber",
    P.SENT: "tag--amber",
    P.PAID: "tag--green",
    P.FAILED: "tag--red",
}
BATCH_TAGS: dict[str, str] = {
    B.DRAFT: "tag--grey",
    B.EXPORTED: "tag--blue",
    B.SENT: "tag--amber",
    B.RECONCILED: "tag--green",
    B.DISCARDED: "tag--grey",
}
PAYMENT_EVENT_LABELS: dict[str, Promise] = {
    "approved": gettext_lazy("Payment approved"),
    "batched": gettext_lazy("Put in a batch"),
    "unbatched": gettext_lazy("Taken out of a discarded batch"),
    "sent": gettext_lazy("Sent to the finance system"),
    "paid": gettext_lazy("Paid"),
    "failed": gettext_lazy("Payment failed"),
    "retried": gettext_lazy("Retried: waiting for a new batch"),
}
RESULT_SESSION_KEY = "finance:batch-result:%s"


def payment_rows() -> QuerySet[Payment]:
    return Payment.objects.select_related("application__program", "batch")


def decorate_payment(payment: Payment) -> None:
    payment.status_tag = PAYMENT_TAGS.get(payment.status, "tag--grey")  # type: ignore[attr-defined]
    payment.amount_display = money(payment.amount, payment.currency)  # type: ignore[attr-defined]


def batch_rows() -> QuerySet[PaymentBatch]:
    return (
        PaymentBatch.objects.defer("export_content")  # the exported file: read only to download it
        .annotate(payment_count=Count("payments"), total=Sum("payments__amount", default=Decimal("0")))
        .select_related("created_by")
    )


def decorate_batch(batch: Any) -> None:
    batch.status_tag = BATCH_TAGS.get(batch.status, "tag--grey")
    batch.total_display = money(batch.total, batch.currency)


def batch_for(pk: int) -> PaymentBatch:
    return get_object_or_404(batch_rows().select_related("sent_by"), pk=pk)


def apply_filters(rows: QuerySet[Any], filters: dict[str, Any], lookups: dict[str, str]) -> QuerySet[Any]:
    """`rows` narrowed by each filter given: `lookups` names the field each filter compares."""
    for name, lookup in lookups.items():
        if name in filters:
            rows = rows.filter(**{lookup: filters[name]})
    return rows


def filtered_list(
    request: HttpRequest,
    template: str,
    form: Any,
    rows: QuerySet[Any],
    lookups: dict[str, str],
    decorate: Callable[[Any], None],
    **context: Any,
) -> HttpResponse:
    """A finance list: the filter form's filters applied (`lookups`), a page of rows dressed by
    `decorate`. A filter that cannot be read is the caller's mistake: a 400 that shows no rows."""
    rows = apply_filters(rows, form.filters(), lookups)
    page = paginate(request, rows.none() if form.errors else rows, ROWS_PER_PAGE)
    for row in page.object_list:
        decorate(row)
    return render(
        request,
        template,
        {"filter_form": form, "page": page, **context},
        status=400 if form.errors else 200,
    )
