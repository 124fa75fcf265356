"""The payments API (issue 5): payments, payment batches (create, export, send, discard, reconcile) and
clawbacks. Thin: serializers parse, grants/payments/services.py writes. Finance officers only, but for
clawbacks (the applicant side reads its own; managers of the program and administrators read theirs). A
record the caller may not see is a 404; one they may see but not act on this way is a 403; bad input is a
400; a state that forbids the action is a 409."""

from typing import Any

import django_filters
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import AnyUser, get_visible_or_404, is_signed_in
from accounts.roles import Role
from core.api import (
    ACTION_ERRORS,
    DOWNLOAD_RENDERERS,
    ID_REGEX,
    LIST_ERRORS,
    READ_ERRORS,
    REPLAYED_HEADER,
    JsonViewSet,
    actor,
    error_answers,
    require_role,
    service_action,
    user_may,
)
from core.filters import id_filter
from grants.awards.serializers import ReasonOptionalSerializer
from grants.models import (
    Clawback,
    Payment,
    PaymentBatch,
    PaymentEvent,
)
from grants.payments import services as services_payments
from grants.payments.serializers import (
    BatchCreateSerializer,
    BatchDetailSerializer,
    BatchResultSerializer,
    BatchSerializer,
    ClawbackCreateSerializer,
    ClawbackSerializer,
    PaymentApproveSerializer,
    PaymentDetailSerializer,
    PaymentSerializer,
    ReconcileSerializer,
)
from grants.permissions import (
    can_handle_payments,
)

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _payment_events() -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.select_related("actor").order_by("created_at", "id")


BATCH_CSV_COLUMNS = (
    "Columns: payment_reference, application_reference, payee_type, payee_name, payee_reference, amount, "
    "currency, program_code."
)


def clawbacks_visible_to(user: AnyUser) -> QuerySet[Clawback]:
    if not is_signed_in(user):
        return Clawback.objects.none()
    if user.has_role(Role.ADMINISTRATOR) or user.has_role(Role.FINANCE_OFFICER):
        return Clawback.objects.all()
    scopes = Q(application__applicant=user) | Q(application__filed_by=user)
    if user.has_role(Role.PROGRAM_MANAGER):
        scopes |= Q(application__program__managers=user)
    return Clawback.objects.filter(scopes).distinct()


class PaymentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Payment.Status.choices)
    currency = django_filters.CharFilter(max_length=3)
    program = django_filters.CharFilter(field_name="application__program__code", max_length=32)

    class Meta:
        model = Payment
        fields = ["status", "currency", "program"]


class _FinanceOnlyViewSet(JsonViewSet):
    """Finance officers only: everyone else signed in gets a 403 with the reason."""

    lookup_value_regex = ID_REGEX

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require_role(request.user, can_handle_payments(request.user))


class PaymentViewSet(_FinanceOnlyViewSet):
    """Payments of awards, for finance officers: approve (maker-checker), batch, retry a failed one."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    queryset = Payment.objects.none()

    def get_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.select_related("application__program", "approved_by", "batch").order_by(
            "-approved_at", "-id"
        )

    def visible(self, key: Any) -> Payment:
        """With its events."""
        visible = self.get_queryset().prefetch_related(Prefetch("events", queryset=_payment_events()))
        return get_visible_or_404(visible, pk=key)

    def present(self, payment: Payment) -> dict[str, Any]:
        return PaymentDetailSerializer(self.visible(payment.pk)).data

    @extend_schema(
        summary="List payments",
        description="Finance officers. Newest first; filter by status, currency and program code.",
        responses={200: PaymentSerializer(many=True), **error_answers(400, 401, 403, 404)},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(PaymentSerializer)

    @extend_schema(
        summary="Read a payment, with its events",
        responses={200: PaymentDetailSerializer, **error_answers(401, 403, 404)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PaymentDetailSerializer(self.visible(pk)).data)

    @service_action(
        summary="Approve paying an award's verified claim",
        description="Finance officers. Maker-checker: whoever verified the claim cannot approve its payment "
        "(a 403 with the reason). The amount is the award, or the invoice when smaller; the payee follows "
        "the program's payment model. Approving again returns the same payment with a 200, marked "
        "`Idempotent-Replayed: true`.",
        body=PaymentApproveSerializer,
        with_request=True,
        created=True,
        replayable=True,
        idempotent=True,
        responses={
            201: PaymentDetailSerializer,
            200: OpenApiResponse(PaymentDetailSerializer, description="Already approved: the same payment."),
            **error_answers(400, 401, 403, 409),
        },
    )
    def create(self, _none: None, data: dict[str, Any]) -> tuple[Payment, bool]:
        return services_payments.payment_approve(actor=actor(self.request), application=data["application"])

    @service_action(
        summary="Retry a failed payment",
        description="Finance officers. The payment waits for a new batch. Retrying one that is not failed "
        "(already retried, or paid) returns it unchanged, marked `Idempotent-Replayed: true`.",
        detail=True,
        body=ReasonOptionalSerializer,
        replayable=True,
        responses={200: PaymentDetailSerializer, **ACTION_ERRORS},
    )
    def retry(self, payment: Payment, data: dict[str, Any]) -> tuple[Payment, bool]:
        _payment, retried = services_payments.payment_retry(
            actor=actor(self.request), payment=payment, **data
        )
        return payment, retried


class BatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentBatch.Status.choices)
    currency = django_filters.CharFilter(max_length=3)

    class Meta:
        model = PaymentBatch
        fields = ["status", "currency"]


class PaymentBatchViewSet(_FinanceOnlyViewSet):
    """Batches of approved payments for the agency's finance system: create, export as CSV, mark sent,
    reconcile with the results file; a draft batch can be discarded."""

    serializer_class = BatchSerializer
    filterset_class = BatchFilter
    queryset = PaymentBatch.objects.none()

    def get_queryset(self) -> QuerySet[PaymentBatch]:
        return (
            PaymentBatch.objects.select_related("created_by", "sent_by")
            .defer("export_content")  # the exported file: read only to download it
            .annotate(payment_count=Count("payments"), total=Sum("payments__amount"))
            .order_by("-created_at", "-id")
        )

    def present(self, batch: PaymentBatch) -> dict[str, Any]:
        return dict(BatchDetailSerializer(self.visible(batch.pk)).data)

    def present_result(self, result: services_payments.BatchResult) -> dict[str, Any]:
        body = {
            "batch": self.visible(result.batch.pk),
            "results": result.items,
            "succeeded": len(result.succeeded),
            "failed": len(result.failed),
        }
        return dict(BatchResultSerializer(body).data)

    @extend_schema(
        summary="List payment batches",
        description="Finance officers. Newest first; filter by status and currency.",
        responses={200: BatchSerializer(many=True), **error_answers(400, 401, 403, 404)},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(BatchSerializer)

    @extend_schema(
        summary="Read a payment batch, with its payments",
        responses={200: BatchDetailSerializer, **error_answers(401, 403, 404)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(BatchDetailSerializer(self.visible(pk)).data)

    @service_action(
        summary="Put approved payments into a new draft batch",
        description="Finance officers. The payments given (ids), or every approved payment in the currency. "
        "Each payment's result is reported; those no longer approved or in another currency are left out. "
        "If none can be added, a 400 lists why.",
        body=BatchCreateSerializer,
        created=True,
        idempotent=True,
        answer="present_result",
        responses={201: BatchResultSerializer, **error_answers(400, 401, 403)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> services_payments.BatchResult:
        ids = data.get("payments")
        return services_payments.payment_batch_create(
            actor=actor(self.request),
            currency=data["currency"],
            payments=None if ids is None else [Payment(pk=pk) for pk in ids],
        )

    @extend_schema(
        methods=["POST"],
        summary="Export the batch as CSV for the finance system",
        description="Finance officers. Closes a draft batch to changes (it becomes exported) and answers "
        "with its CSV file. Exporting a batch already exported changes nothing and gives the same file. "
        f"{BATCH_CSV_COLUMNS} A discarded batch is a 409. A repeated export is marked "
        "`Idempotent-Replayed: true`.",
        request=None,
        extensions={"x-replayable": True},
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **error_answers(401, 403, 404, 409)},
    )
    @extend_schema(
        methods=["GET"],
        summary="Download an exported batch's CSV again",
        description="Finance officers. The file exactly as it was exported (it matches the batch's "
        "`export_sha256` even after a failed payment was retried into a new batch). Changes nothing: a "
        f"draft batch is a 409 (export it with a POST first), and so is a discarded one. {BATCH_CSV_COLUMNS}",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **error_answers(401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=DOWNLOAD_RENDERERS,
    )
    def export(self, request: Request, pk: str) -> HttpResponse:
        batch = self.visible(pk)
        if request.method == "POST":
            content, exported = services_payments.payment_batch_export(actor=actor(request), batch=batch)
        else:
            content, exported = (
                services_payments.payment_batch_file(actor=actor(request), batch=batch),
                False,
            )
        response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
        if request.method == "POST" and not exported:
            response[REPLAYED_HEADER] = "true"
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
        response["Cache-Control"] = "no-store"
        return response

    @service_action(
        summary="Mark the exported batch as sent to the finance system",
        description="Finance officers. Its payments become sent. Marking it again changes nothing, and "
        "the answer is marked `Idempotent-Replayed: true`.",
        detail=True,
        replayable=True,
        responses={200: BatchDetailSerializer, **error_answers(401, 403, 404, 409)},
    )
    def send(self, batch: PaymentBatch, _data: dict[str, Any]) -> tuple[PaymentBatch, bool]:
        _batch, marked = services_payments.payment_batch_mark_sent(actor=actor(self.request), batch=batch)
        return batch, marked

    @service_action(
        summary="Discard a draft batch",
        description="Finance officers, before export: its payments wait for another batch. Nothing is "
        "deleted.",
        detail=True,
        body=ReasonOptionalSerializer,
        responses={200: BatchDetailSerializer, **ACTION_ERRORS},
    )
    def discard(self, batch: PaymentBatch, data: dict[str, Any]) -> PaymentBatch:
        services_payments.payment_batch_discard(actor=actor(self.request), batch=batch, **data)
        return batch

    @service_action(
        summary="Reconcile a sent batch with the finance system's results (multipart)",
        description="Finance officers. Each row is matched by payment reference and recorded paid or failed; "
        "each row's result is reported. Rows already recorded the same way change nothing, so the same "
        "file can be sent again safely.",
        detail=True,
        body=ReconcileSerializer,
        multipart=True,
        answer="present_result",
        responses={200: BatchResultSerializer, **ACTION_ERRORS},
    )
    def reconcile(self, batch: PaymentBatch, data: dict[str, Any]) -> services_payments.BatchResult:
        return services_payments.payment_batch_reconcile(
            actor=actor(self.request), batch=batch, content=data["file"]
        )


class ClawbackFilter(django_filters.FilterSet):
    application = id_filter("application_id", maximum=2**62)
    reason_code = django_filters.ChoiceFilter(choices=Clawback.Reason.choices)

    class Meta:
        model = Clawback
        fields = ["application", "reason_code"]


class ClawbackViewSet(JsonViewSet):
    """Money recovered after payment. Finance officers record them; the worker reads their own."""

    serializer_class = ClawbackSerializer
    filterset_class = ClawbackFilter
    queryset = Clawback.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Clawback]:
        return (
            clawbacks_visible_to(self.request.user)
            .select_related("application", "payment")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        summary="List clawbacks",
        description="Finance officers: all. The applicant side: its own awards'. Managers: their programs'.",
        responses={200: ClawbackSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(ClawbackSerializer)

    @extend_schema(summary="Read a clawback", responses={200: ClawbackSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ClawbackSerializer(self.visible(pk)).data)

    @service_action(
        summary="Record a clawback on a paid award",
        description="Finance officers, with a reason code and an explanation the worker reads; at most what "
        "was paid and not yet recovered. Writes a clawback ledger entry.",
        check=user_may(can_handle_payments),
        body=ClawbackCreateSerializer,
        with_request=True,
        created=True,
        idempotent=True,
        responses={201: ClawbackSerializer, **error_answers(400, 401, 403, 409)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Clawback:
        return services_payments.clawback_record(actor=actor(self.request), **data)

    def present(self, clawback: Clawback) -> dict[str, Any]:
        return ClawbackSerializer(self.get_queryset().get(pk=clawback.pk)).data
