"""HTML pages for finance officers (issue 5): the work list, payment approval, payments, batches and their
CSV export, reconciliation of the finance system's results, retries and clawbacks.

Thin, like views_staff.py: every page needs the finance officer role (403 otherwise), finds its object
among those the caller may see (404 otherwise) and writes through grants/payments/services.py, whose
ValidationError or Conflict is shown beside the form or as a message. Maker-checker is the service's
rule; a refusal is shown as a message, never as an error page.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from accounts.permissions import get_visible_or_404, predicate_view_check
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from core.pagination import paginate
from grants.awards.services import required_evidence
from grants.models import Application, Clawback, CompletionClaim, Payment, PaymentBatch
from grants.payments import services as services_payments
from grants.payments.forms import (
    QUEUE_CHOICES,
    QUEUE_FAILED,
    QUEUE_TO_APPROVE,
    QUEUE_TO_BATCH,
    QUEUE_TO_RECONCILE,
    BatchCreateForm,
    BatchFilterForm,
    ClawbackForm,
    PaymentFilterForm,
    ProgramCurrencyFilterForm,
    ReasonForm,
    ReconcileForm,
    WorkListFilterForm,
)
from grants.permissions import applications_visible_to, can_handle_payments
from programs.presentation import money

ROWS_PER_PAGE = 25
BATCH_ROWS_PER_PAGE = 50
# The most payments the "new batch" page lists as checkboxes; the rest wait for the next batch.
BATCH_CHOICES_LIMIT = 500

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
EVIDENCE_LABELS: dict[str, Any] = dict(CompletionClaim.Evidence.choices)
RESULT_SESSION_KEY = "finance:batch-result:%s"


# ---------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _call(request: HttpRequest, service: Any, /, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service for a one-button action: a refusal (maker-checker included) becomes an error
    message; nothing changed."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ApplicationError as error:  # NotAllowed and Conflict alike: the role was checked already
        messages.error(request, error.message)
    return False, None


def _attempt(form: Any, service: Any, /, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service behind a form: its ValidationError or Conflict goes on the form."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        form.add_error(None, error.message)
    return False, None


def _payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("application__program", "batch")


def _decorate_payment(payment: Payment) -> None:
    payment.status_tag = PAYMENT_TAGS.get(payment.status, "tag--grey")  # type: ignore[attr-defined]
    payment.amount_display = money(payment.amount, payment.currency)  # type: ignore[attr-defined]


def _batches() -> QuerySet[PaymentBatch]:
    return (
        PaymentBatch.objects.defer("export_content")  # the exported file: read only to download it
        .annotate(payment_count=Count("payments"), total=Sum("payments__amount", default=Decimal("0")))
        .select_related("created_by")
    )


def _decorate_batch(batch: Any) -> None:
    batch.status_tag = BATCH_TAGS.get(batch.status, "tag--grey")
    batch.total_display = money(batch.total, batch.currency)


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


# ---------------------------------------------------------------- the work list


@predicate_view_check(can_handle_payments)
@require_safe
def finance_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = WorkListFilterForm(request.GET or None)
    filters = form.filters()
    program, currency = filters.get("program"), filters.get("currency")
    queue = form.queue()

    claims = _verified_claims(user)
    to_batch = _payments().filter(status=P.APPROVED)
    failed = _payments().filter(status=P.FAILED)
    batches = _batches().filter(status=B.SENT)
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
            _decorate_batch(row)
        else:
            _decorate_payment(row)
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


# ---------------------------------------------------------------- approving a payment


def _claim_summary(application: Application, claim: CompletionClaim | None) -> dict[str, Any]:
    if claim is None:
        return {}
    checks = claim.badge_checks if isinstance(claim.badge_checks, dict) else {}
    return {
        "claim": claim,
        "required": [EVIDENCE_LABELS.get(kind, kind) for kind in required_evidence(application.program)],
        "documents": [
            (label, document)
            for label, document in (
                (_("Certificate"), claim.certificate),
                (_("Invoice"), claim.invoice),
                (_("Proof of payment"), claim.proof_of_payment),
            )
            if document is not None
        ],
        "invoice_amount": money(claim.invoice_amount, application.program.currency)
        if claim.invoice_amount is not None
        else "",
        "annual_wage": money(claim.annual_wage, application.program.currency)
        if claim.annual_wage is not None
        else "",
        "badge_checks": checks.get("checks") or [],
        "badge_achievement": checks.get("achievement_name") or checks.get("achievement_id") or "",
        "badge_issuer": checks.get("issuer_name") or checks.get("issuer_id") or "",
    }


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def payment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = get_visible_or_404(
        applications_visible_to(user).select_related(
            "program", "credential__provider", "applicant", "employer"
        ),
        pk=pk,
    )
    existing = Payment.objects.filter(application=application).first()
    if request.method == "POST":
        done, outcome = _call(request, services_payments.payment_approve, actor=user, application=application)
        if done:
            payment, created = outcome
            if not created:
                messages.info(request, _("This award's payment was already approved; nothing changed."))
                return redirect("grants:payment_detail", pk=payment.pk)
            messages.success(
                request,
                _("Payment %(ref)s approved: %(amount)s to %(payee)s. It now waits for a batch.")
                % {
                    "ref": payment.reference,
                    "amount": money(payment.amount, payment.currency),
                    "payee": payment.payee_name,
                },
            )
            return redirect("grants:payment_detail", pk=payment.pk)
        return redirect("grants:payment_approve", pk=application.pk)
    claim = (
        CompletionClaim.objects.filter(application=application, status=CompletionClaim.Status.VERIFIED)
        .select_related("certificate", "invoice", "proof_of_payment", "decided_by")
        .first()
    )
    currency = application.program.currency
    awarded = application.amount_awarded or Decimal("0")
    amount = awarded - application.amount_paid
    if claim is not None and claim.invoice_amount is not None:
        amount = min(amount, claim.invoice_amount)
    payee_type, payee_name, payee_reference = services_payments.payee_for(application)
    context = {
        "application": application,
        "existing": existing,
        "may_approve": application.status == S.COMPLETION_VERIFIED and existing is None and claim is not None,
        "verified_by_me": claim is not None and claim.decided_by_id == user.pk,
        "amount": money(amount, currency),
        "amount_awarded": money(application.amount_awarded, currency),
        "payee_type": Payment.PayeeType(payee_type).label,
        "payee_name": payee_name,
        "payee_reference": payee_reference,
        "payment_model": application.program.get_payment_model_display(),
        **_claim_summary(application, claim),
    }
    return render(request, "grants/finance/approve.html", context)


# ---------------------------------------------------------------- payments


@predicate_view_check(can_handle_payments)
@require_safe
def payment_list(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET or None)
    filters = form.filters()
    rows = _payments().order_by("-approved_at", "-pk")
    if "status" in filters:
        rows = rows.filter(status=filters["status"])
    if "program" in filters:
        rows = rows.filter(application__program=filters["program"])
    if "currency" in filters:
        rows = rows.filter(currency=filters["currency"])
    page = paginate(request, rows.none() if form.errors else rows, ROWS_PER_PAGE)
    for payment in page.object_list:
        _decorate_payment(payment)
    return render(
        request,
        "grants/finance/payment_list.html",
        {"filter_form": form, "page": page},
        status=400 if form.errors else 200,
    )


def _payment_page(
    request: HttpRequest, payment: Payment, *, retry_form: ReasonForm | None = None
) -> HttpResponse:
    _decorate_payment(payment)
    events: list[Any] = list(payment.events.select_related("actor"))
    for event in events:
        event.label = PAYMENT_EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        event.status_label = P(event.to_status).label if event.to_status in P.values else ""
    clawbacks: list[Any] = list(payment.clawbacks.select_related("recorded_by"))
    for clawback in clawbacks:
        clawback.amount_display = money(clawback.amount, payment.currency)
    application = payment.application
    context = {
        "payment": payment,
        "application": application,
        "events": events,
        "clawbacks": clawbacks,
        "retry_form": retry_form or (ReasonForm(prefix="retry") if payment.status == P.FAILED else None),
        "may_claw_back": application.status in (S.PAID, S.CLAWED_BACK)
        and application.amount_paid > application.amount_clawed_back,
    }
    return render(request, "grants/finance/payment_detail.html", context)


@predicate_view_check(can_handle_payments)
@require_safe
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(_payments().select_related("approved_by", "claim"), pk=pk)
    return _payment_page(request, payment)


@predicate_view_check(can_handle_payments)
@require_POST
def payment_retry(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(_payments().select_related("approved_by", "claim"), pk=pk)
    form = ReasonForm(request.POST, prefix="retry")
    if not form.is_valid():
        return _payment_page(request, payment, retry_form=form)
    done, outcome = _call(
        request,
        services_payments.payment_retry,
        actor=_user(request),
        payment=payment,
        reason=form.cleaned_data["reason"],
    )
    if done:
        _retried_payment, retried = outcome
        if retried:
            messages.success(request, _("The payment waits for a new batch."))
        else:
            messages.info(request, _("This payment had not failed; nothing changed."))
    return redirect("grants:payment_detail", pk=payment.pk)


# ---------------------------------------------------------------- batches


@predicate_view_check(can_handle_payments)
@require_safe
def batch_list(request: HttpRequest) -> HttpResponse:
    form = BatchFilterForm(request.GET or None)
    filters = form.filters()
    rows = _batches().order_by("-created_at", "-pk")
    if "status" in filters:
        rows = rows.filter(status=filters["status"])
    if "currency" in filters:
        rows = rows.filter(currency=filters["currency"])
    page = paginate(request, rows.none() if form.errors else rows, ROWS_PER_PAGE)
    for batch in page.object_list:
        _decorate_batch(batch)
    return render(
        request,
        "grants/finance/batch_list.html",
        {"filter_form": form, "page": page, "waiting": Payment.objects.filter(status=P.APPROVED).count()},
        status=400 if form.errors else 200,
    )


def _keep_result(request: HttpRequest, batch: PaymentBatch, title: str, result: Any) -> None:
    """Keep a service's per-item results for the batch page the caller is sent to next."""
    request.session[RESULT_SESSION_KEY % batch.pk] = {
        "title": title,
        "items": [
            {"reference": item.reference, "ok": item.ok, "message": item.message} for item in result.items
        ],
    }


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    filter_form = ProgramCurrencyFilterForm(request.GET or None)
    filters = filter_form.filters()
    waiting = _payments().filter(status=P.APPROVED).order_by("approved_at", "pk")
    if "program" in filters:
        waiting = waiting.filter(application__program=filters["program"])
    if "currency" in filters:
        waiting = waiting.filter(currency=filters["currency"])
    choices = list(waiting[: BATCH_CHOICES_LIMIT + 1])
    more = len(choices) > BATCH_CHOICES_LIMIT
    choices = choices[:BATCH_CHOICES_LIMIT]
    initial = {"currency": filters.get("currency") or (choices[0].currency if choices else "")}
    form = BatchCreateForm(request.POST or None, payments=choices, initial=initial, prefix="batch")
    if request.method == "POST" and form.is_valid():
        done, result = _attempt(
            form,
            services_payments.payment_batch_create,
            actor=_user(request),
            currency=form.cleaned_data["currency"],
            payments=list(form.cleaned_data["payments"]),
        )
        if done:
            batch = result.batch
            _keep_result(request, batch, _("Payments put in this batch"), result)
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


def _batch_for(pk: int) -> PaymentBatch:
    return get_object_or_404(_batches().select_related("sent_by"), pk=pk)


@predicate_view_check(can_handle_payments)
@require_safe
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(pk)
    _decorate_batch(batch)
    page = paginate(
        request,
        batch.payments.select_related("application__program").order_by("reference"),
        BATCH_ROWS_PER_PAGE,
    )
    for payment in page.object_list:
        _decorate_payment(payment)
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
    batch = _batch_for(pk)
    service = (
        services_payments.payment_batch_export
        if request.method == "POST"
        else services_payments.payment_batch_file
    )
    done, content = _call(request, service, actor=_user(request), batch=batch)
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
    batch = _batch_for(pk)
    done, outcome = _call(
        request, services_payments.payment_batch_mark_sent, actor=_user(request), batch=batch
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
    batch = _batch_for(pk)
    form = ReasonForm(request.POST or None, prefix="discard")
    if request.method == "POST" and form.is_valid():
        done, _batch = _call(
            request,
            services_payments.payment_batch_discard,
            actor=_user(request),
            batch=batch,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(
                request,
                _("Batch %(ref)s is discarded; its payments wait for another batch.")
                % {"ref": batch.reference},
            )
        return redirect("grants:batch_detail", pk=batch.pk)
    _decorate_batch(batch)
    return render(request, "grants/finance/batch_discard.html", {"batch": batch, "form": form})


RECONCILIATION_EXAMPLE = (
    "payment_reference,result,paid_on,reason,amount\n"
    "PAY-26-ABCD2345,paid,2026-03-02,,1500.00\n"
    "PAY-26-EFGH6789,failed,,Account closed,\n"
)


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def batch_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(pk)
    form = ReconcileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, result = _attempt(
            form,
            services_payments.payment_batch_reconcile,
            actor=_user(request),
            batch=batch,
            content=form.cleaned_data["file"],
        )
        if done:
            _keep_result(request, batch, _("Results of the reconciliation file"), result)
            messages.success(
                request,
                _("%(ok)s of %(rows)s rows applied.")
                % {"ok": len(result.succeeded), "rows": len(result.items)},
            )
            if result.failed:
                messages.warning(
                    request,
                    _("%(bad)s rows could not be applied; see the reasons below.")
                    % {"bad": len(result.failed)},
                )
            return redirect("grants:batch_detail", pk=batch.pk)
    _decorate_batch(batch)
    return render(
        request,
        "grants/finance/batch_reconcile.html",
        {
            "batch": batch,
            "form": form,
            "may_reconcile": batch.status in (B.SENT, B.RECONCILED),
            "example": RECONCILIATION_EXAMPLE,
        },
    )


# ---------------------------------------------------------------- clawbacks


@predicate_view_check(can_handle_payments)
@require_http_methods(["GET", "POST"])
def clawback_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = get_visible_or_404(
        applications_visible_to(user).select_related("program", "credential", "applicant"), pk=pk
    )
    currency = application.program.currency
    form = ClawbackForm(request.POST or None)
    payment = Payment.objects.filter(application=application, status=P.PAID).first()
    if request.method == "POST" and form.is_valid():
        done, clawback = _attempt(
            form,
            services_payments.clawback_record,
            actor=user,
            application=application,
            amount=form.cleaned_data["amount"],
            reason_code=form.cleaned_data["reason_code"],
            explanation=form.cleaned_data["explanation"],
        )
        if done:
            messages.success(
                request,
                _("%(amount)s is recorded as recovered on %(ref)s; the worker is told why.")
                % {"amount": money(clawback.amount, currency), "ref": application.reference},
            )
            return redirect("grants:payment_detail", pk=clawback.payment_id)
    previous: list[Any] = list(Clawback.objects.filter(application=application).select_related("recorded_by"))
    for clawback in previous:
        clawback.amount_display = money(clawback.amount, currency)
    return render(
        request,
        "grants/finance/clawback.html",
        {
            "application": application,
            "payment": payment,
            "form": form,
            "may_claw_back": application.status in (S.PAID, S.CLAWED_BACK),
            "amount_paid": money(application.amount_paid, currency),
            "recoverable": money(application.amount_paid - application.amount_clawed_back, currency),
            "previous": previous,
        },
    )
