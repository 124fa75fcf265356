"""Forms of the finance officer's pages (issue 5). They shape input; grants/payments/services.py decides.

Money is taken as text and checked by the service (`core.money.to_amount`), so the messages about precision
and sign are the same here and in the API.
"""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_upload
from grants.models import Clawback, Payment, PaymentBatch
from grants.payments.services import MAX_RECONCILIATION_BYTES
from programs.models import Program

# What the work list can show; one queue at a time.
QUEUE_TO_APPROVE = "to_approve"
QUEUE_TO_BATCH = "to_batch"
QUEUE_TO_RECONCILE = "to_reconcile"
QUEUE_FAILED = "failed"
QUEUE_CHOICES = (
    (QUEUE_TO_APPROVE, _("Verified claims waiting for payment approval")),
    (QUEUE_TO_BATCH, _("Approved payments waiting for a batch")),
    (QUEUE_TO_RECONCILE, _("Sent batches waiting for reconciliation")),
    (QUEUE_FAILED, _("Failed payments to retry")),
)


def _currency_choices() -> list[tuple[str, Any]]:
    currencies = Program.objects.order_by("currency").values_list("currency", flat=True).distinct()
    return [("", _("Any currency")), *((code, code) for code in currencies)]


class ProgramCurrencyFilterForm(forms.Form):
    """Filters read from the query string; an unknown value is a form error, shown above the table."""

    program = forms.ModelChoiceField(
        label=_("Program"), required=False, queryset=Program.objects.none(), empty_label=_("Any program")
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = Program.objects.order_by("code")
        cast(forms.ChoiceField, self.fields["currency"]).choices = _currency_choices()

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: value for key, value in data.items() if value}


class WorkListFilterForm(ProgramCurrencyFilterForm):
    status = forms.ChoiceField(label=_("Show"), required=False, choices=QUEUE_CHOICES)
    field_order = ["status", "program", "currency"]

    def queue(self) -> str:
        return self.filters().get("status") or QUEUE_TO_APPROVE


class PaymentFilterForm(ProgramCurrencyFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Payment.Status.choices]
    )
    field_order = ["status", "program", "currency"]


class BatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *PaymentBatch.Status.choices]
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = _currency_choices()

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: value for key, value in data.items() if value}


class PaymentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        payment = cast(Payment, obj)
        return " · ".join(
            (
                payment.reference,
                payment.application.reference,
                payment.payee_name,
                f"{payment.amount:,.2f} {payment.currency}",
            )
        )


class BatchCreateForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency of the batch"))
    payments = PaymentChoiceField(
        label=_("Payments to put in the batch"),
        queryset=Payment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one payment.")},
    )

    def __init__(self, *args: Any, payments: Iterable[Payment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PaymentChoiceField, self.fields["payments"])
        # Any payment may be chosen: one that stopped waiting since the page was shown is reported by the
        # service with its reason, not hidden by the form.
        field.queryset = Payment.objects.select_related("application")
        field.choices = [(payment.pk, field.label_from_instance(payment)) for payment in payments]
        cast(forms.ChoiceField, self.fields["currency"]).choices = _currency_choices()[1:]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional; kept in the payment's history."),
    )


RECONCILIATION_LIMIT_MB = MAX_RECONCILIATION_BYTES // (1024 * 1024)


class ReconcileForm(forms.Form):
    file = forms.FileField(
        label=_("Results file (CSV)"),
        help_text=_("A CSV text file of up to %(limit)d MB, in the format described above.")
        % {"limit": RECONCILIATION_LIMIT_MB},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        try:
            validate_upload(upload, allowed=("csv",), max_bytes=MAX_RECONCILIATION_BYTES)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        upload.seek(0)
        return cast(bytes, upload.read())


class ClawbackForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount to recover"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason_code = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *Clawback.Reason.choices],
        error_messages={"required": _("Choose a reason.")},
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The worker will read this on their application."),
        error_messages={"required": _("Explain the recovery; the worker will read it.")},
    )
