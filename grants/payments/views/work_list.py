"""The finance officer's work list: awards to approve for payment, payments to batch, batches to
reconcile and failed payments, each a tab with its count, filtered by program and currency."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.models import User
from accounts.permissions import predicate_view_check
from core.pagination import paginate
from core.views import signed_in_user
from grants.models import Application, CompletionClaim, Payment
from grants.payments.forms import (
    QUEUE_CHOICES,
    QUEUE_FAILED,
    QUEUE_TO_APPROVE,
    QUEUE_TO_BATCH,
    QUEUE_TO_RECONCILE,
    WorkListFilterForm,
)
from grants.payments.views.common import (
    ROWS_PER_PAGE,
    B,
    P,
    S,
    batch_rows,
    decorate_batch,
    decorate_payment,
    payment_rows,
)
from grants.permissions import applications_visible_to, can_handle_payments
from programs.presentation import money


def _verified_claims(user: User) -> QuerySet[Application]:
    """Awards with verified completion, with who verified them (maker-checker) and when."""
    claims = CompletionClaim.objects.filter(
        application=OuterRef("pk"), status=CompletionClaim.Status.VERIFIED
    )
    return (
        applications_visible_to(user)
        .filter(status=S.COMPLETION_VERIFIED)
        .select_related("program", "credential", "applicant")
        .annotate(
            verified_by_id=Subquery(claims.values("decided_by")[:1]),
            verified_by_name=Subquery(claims.values("decided_by__full_name")[:1]),
            verified_at=Subquery(claims.values("decided_at")[:1]),
        )
        .order_by("completed_on", "pk")
    )


@predicate_view_check(can_handle_payments)
@require_safe
def finance_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = WorkListFilterForm(request.GET or None)
    filters = form.filters()
    program, currency = filters.get("program"), filters.get("currency")
    queue = form.queue()

    claims = _verified_claims(user)
    to_batch = payment_rows().filter(status=P.APPROVED)
    failed = payment_rows().filter(status=P.FAILED)
    batches = batch_rows().filter(status=B.SENT)
    if program is not None:
        claims = claims.filter(program=program)
        to_batch, failed = (
            to_batch.filter(application__program=program),
            failed.filter(application__program=program),
        )
        batches = batches.filter(
            Exists(Payment.objects.filter(batch=OuterRef("pk"), application__program=program))
        )
    if currency:
        claims = claims.filter(program__currency=currency)
        to_batch, failed = to_batch.filter(currency=currency), failed.filter(currency=currency)
        batches = batches.filter(currency=currency)
    queues: dict[str, QuerySet[Any]] = {
        QUEUE_TO_APPROVE: claims,
        QUEUE_TO_BATCH: to_batch.order_by("approved_at", "pk"),
        QUEUE_TO_RECONCILE: batches.order_by("sent_at", "pk"),
        QUEUE_FAILED: failed.order_by("updated_at", "pk"),
    }
    counts = {key: rows.count() for key, rows in queues.items()}
    # A filter that cannot be read is the caller's mistake: say so, show no rows.
    page = paginate(request, queues[queue].none() if form.errors else queues[queue], ROWS_PER_PAGE)
    for row in page.object_list:
        if queue == QUEUE_TO_APPROVE:
            row.amount_display = money(row.amount_awarded, row.program.currency)
            row.verified_by_me = row.verified_by_id == user.pk
        elif queue == QUEUE_TO_RECONCILE:
            decorate_batch(row)
        else:
            decorate_payment(row)
    tabs = [
        {"value": value, "label": label, "count": counts[value], "current": value == queue}
        for value, label in QUEUE_CHOICES
    ]
    return render(
        request,
        "grants/finance/home.html",
        {
            "filter_form": form,
            "page": page,
            "queue": queue,
            "tabs": tabs,
            "queue_label": dict(QUEUE_CHOICES)[queue],
        },
        status=400 if form.errors else 200,
    )
