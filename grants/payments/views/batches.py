"""Payment batches for the finance system: the list, a new batch from approved payments, the batch page,
its CSV export (and downloading it again), marking it sent, and discarding a draft."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import predicate_view_check
from core.pagination import paginate
from core.views import attempt, button_action, call_with_message, signed_in_user
from grants.models import Payment, PaymentBatch
from grants.payments import services as services_payments
from grants.payments.forms import BatchCreateForm, BatchFilterForm, ProgramCurrencyFilterForm, ReasonForm
from grants.payments.views.common import (
    BATCH_ROWS_PER_PAGE,
    RESULT_SESSION_KEY,
    P,
    apply_filters,
    batch_for,
    batch_rows,
    decorate_batch,
    decorate_payment,
    filtered_list,
    payment_rows,
)
from grants.permissions import can_handle_payments
from programs.presentation import money

# The most payments the "new batch" page lists as checkboxes; the rest wait for the next batch.
BATCH_CHOICES_LIMIT = 500


def keep_result(request: HttpRequest, batch: PaymentBatch, title: str, result: Any) -> None:
    """Keep a service's per-item results for the batch page the caller is sent to next."""
    request.session[RESULT_SESSION_KEY % batch.pk] = {
        "title": title,
        "items": [
            {"reference": item.reference, "ok": item.ok, "message": item.message} for item in result.items
        ],
    }


@predicate_view_check(can_handle_payments)
@require_safe
def batch_list(request: HttpRequest) -> HttpResponse:
    return filtered_list(
        request,
        "grants/finance/batch_list.html",
        BatchFilterForm(request.GET or None),
        batch_rows().order_by("-created_at", "-pk"),
        {"status": "status", "currency": "currency"},
        decorate_batch,
        waiting=Payment.objects.filter(status=P.APPROVED).count(),
    )


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    filter_form = ProgramCurrencyFilterForm(request.GET or None)
    filters = filter_form.filters()
    waiting = apply_filters(
        payment_rows().filter(status=P.APPROVED).order_by("approved_at", "pk"),
        filters,
        {"program": "application__program", "currency": "currency"},
    )
    choices = list(waiting[: BATCH_CHOICES_LIMIT + 1])
    more = len(choices) > BATCH_CHOICES_LIMIT
    choices = choices[:BATCH_CHOICES_LIMIT]
    initial = {"currency": filters.get("currency") or (choices[0].currency if choices else "")}
    form = BatchCreateForm(request.POST or None, payments=choices, initial=initial, prefix="batch")
    if request.method == "POST" and form.is_valid():
        done, result = attempt(
            form,
            services_payments.payment_batch_create,
            actor=signed_in_user(request),
            currency=form.cleaned_data["currency"],
            payments=list(form.cleaned_data["payments"]),
        )
        if done:
            batch = result.batch
            keep_result(request, batch, _("Payments put in this batch"), result)
            messages.success(
                request,
                _("Batch %(ref)s created with %(added)s of %(chosen)s payments.")
                % {"ref": batch.reference, "added": len(result.succeeded), "chosen": len(result.items)},
            )
            return redirect("grants:batch_detail", pk=batch.pk)
    return render(
        request,
        "grants/finance/batch_create.html",
        {
            "form": form,
            "filter_form": filter_form,
            "count": len(choices),
            "more": more,
            "limit": BATCH_CHOICES_LIMIT,
        },
    )


@predicate_view_check(can_handle_payments)
@require_safe
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_for(pk)
    decorate_batch(batch)
    page = paginate(
        request,
        batch.payments.select_related("application__program").order_by("reference"),
        BATCH_ROWS_PER_PAGE,
    )
    for payment in page.object_list:
        decorate_payment(payment)
    by_status = {
        row["status"]: row
        for row in batch.payments.values("status")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    }
    status_rows = [
        {
            "label": label,
            "count": by_status[value]["count"],
            "amount": money(by_status[value]["amount"], batch.currency),
        }
        for value, label in P.choices
        if value in by_status
    ]
    result = request.session.pop(RESULT_SESSION_KEY % batch.pk, None)
    return render(
        request,
        "grants/finance/batch_detail.html",
        {"batch": batch, "page": page, "status_rows": status_rows, "result": result},
    )


def _csv_lines(content: str) -> Iterator[str]:
    yield from content.splitlines(keepends=True)


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def batch_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The batch as a CSV download. A POST exports it (a draft is closed to changes); a GET only downloads
    an exported batch again and changes nothing (a draft goes back to its page with the reason)."""
    batch = batch_for(pk)
    service = (
        services_payments.payment_batch_export
        if request.method == "POST"
        else services_payments.payment_batch_file
    )
    done, content = call_with_message(
        request, service, forbidden_as_message=True, actor=signed_in_user(request), batch=batch
    )
    if not done:
        return redirect("grants:batch_detail", pk=batch.pk)
    if request.method == "POST":
        content, _exported = content  # the same file either way: the download says nothing more
    response = StreamingHttpResponse(_csv_lines(content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@predicate_view_check(can_handle_payments)
@require_POST
def batch_send(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_for(pk)
    done, outcome = call_with_message(
        request,
        services_payments.payment_batch_mark_sent,
        forbidden_as_message=True,
        actor=signed_in_user(request),
        batch=batch,
    )
    marked = done and outcome[1]
    if marked:
        messages.success(request, _("Batch %(ref)s is marked as sent.") % {"ref": batch.reference})
    elif done:
        messages.info(request, _("This batch was already marked as sent; nothing changed."))
    return redirect("grants:batch_detail", pk=batch.pk)


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_for(pk)
    form = ReasonForm(request.POST or None, prefix="discard")
    if request.method == "POST" and form.is_valid():
        return button_action(
            request,
            services_payments.payment_batch_discard,
            forbidden_as_message=True,
            actor=signed_in_user(request),
            batch=batch,
            reason=form.cleaned_data["reason"],
            success=_("Batch %(ref)s is discarded; its payments wait for another batch.")
            % {"ref": batch.reference},
            then=redirect("grants:batch_detail", pk=batch.pk),
        )
    decorate_batch(batch)
    return render(request, "grants/finance/batch_discard.html", {"batch": batch, "form": form})
