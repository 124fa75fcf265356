"""Forms of an award's pages after approval: enrolment, completion claims, cancellation, outcomes, and the
staff's verification. They shape input and show only what the program asks for; the services in
grants/awards/services.py and grants/awards/outcomes.py decide and say why not."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, money_field
from grants.applications.forms.applicant import upload_hint
from grants.awards.services import MAX_BADGE_LENGTH
from grants.models import Outcome
from programs.models import Program

BADGE_FILE_SUFFIXES = (".json", ".jwt", ".txt")


class EnrolForm(forms.Form):
    training_start_date = forms.DateField(
        label=_("Date the training starts (or started)"),
        widget=DateInput(),
        error_messages={"invalid": _("Give a date as YYYY-MM-DD."), "required": _("Give the start date.")},
    )

    def __init__(self, *args: Any, deadline: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if deadline:
            self.fields["training_start_date"].help_text = _(
                "As on the provider's enrolment confirmation. The training must be completed by %(day)s."
            ) % {"day": deadline.strftime("%d %B %Y").lstrip("0")}


class ClaimForm(forms.Form):
    """Only the fields the program's evidence rules ask for are present; each says why it is needed."""

    completed_on = forms.DateField(
        label=_("Date you completed the training"),
        widget=DateInput(),
        error_messages={
            "invalid": _("Give a date as YYYY-MM-DD."),
            "required": _("Give the completion date."),
        },
    )
    certificate = forms.FileField(label=_("Certificate of completion"), required=False)
    badge = forms.CharField(
        label=_("Open Badges credential (paste it here)"),
        required=False,
        max_length=MAX_BADGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "The digital badge the provider issued, as JSON or as a compact JWT (text that starts with "
            "“ey”). It is checked at once: who issued it, its signature, its dates, that it is yours, and "
            "that it is for this course."
        ),
    )
    badge_file = forms.FileField(
        label=_("Or upload the Open Badges credential as a file"),
        required=False,
        help_text=_("A .json or .jwt file of up to 256 KB. Paste it above or upload it here, not both."),
    )
    invoice = forms.FileField(label=_("The provider's invoice"), required=False)
    invoice_amount = money_field(_("Amount on the invoice"))
    proof_of_payment = forms.FileField(label=_("Proof that the invoice was paid"), required=False)
    annual_wage = money_field(_("Annual pay after the training"))
    employed_through = forms.DateField(
        label=_("The employee was still employed on"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Give a date as YYYY-MM-DD.")},
    )

    def __init__(
        self, *args: Any, program: Program, evidence: list[str], confirms_retention: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        currency = program.currency
        wanted = {"completed_on"}
        either = "certificate_or_badge" in evidence
        if "certificate" in evidence or either:
            wanted.add("certificate")
            self.fields["certificate"].help_text = (
                _("Required. ") if "certificate" in evidence else _("A certificate, or the badge below. ")
            ) + upload_hint()
        if "badge" in evidence or either:
            wanted |= {"badge", "badge_file"}
            if "badge" in evidence:
                self.fields["badge"].label = _("Open Badges credential (required; paste it here)")
        if "invoice" in evidence:
            wanted |= {"invoice", "invoice_amount"}
            self.fields["invoice"].help_text = _("Required for this program. ") + upload_hint()
            self.fields["invoice_amount"].required = True
            self.fields["invoice_amount"].help_text = _("In %(currency)s, for example 1450.00.") % {
                "currency": currency
            }
        if "proof_of_payment" in evidence:
            wanted.add("proof_of_payment")
            self.fields["proof_of_payment"].help_text = (
                _("A receipt or bank statement showing the payment. ") + upload_hint()
            )
        if program.wage_floor is not None:
            wanted.add("annual_wage")
            self.fields["annual_wage"].required = True
            self.fields["annual_wage"].help_text = _(
                "This program pays only when the job after training pays at least %(floor)s %(currency)s "
                "a year."
            ) % {"floor": f"{program.wage_floor:,.2f}", "currency": currency}
        if confirms_retention:
            wanted.add("employed_through")
            self.fields["employed_through"].required = True
            self.fields["employed_through"].help_text = _(
                "The last day you know the employee was still employed. This program pays once the employee "
                "has been kept for %(months)s months after completing the training."
            ) % {"months": program.retention_period_months or 0}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]

    def clean_badge_file(self) -> str:
        upload = self.cleaned_data.get("badge_file")
        if not upload:
            return ""
        name = (getattr(upload, "name", "") or "").lower()
        if not name.endswith(BADGE_FILE_SUFFIXES):
            raise ValidationError(_("Upload a .json or .jwt file."))
        if (upload.size or 0) > MAX_BADGE_LENGTH:
            raise ValidationError(_("The file is too large (over 256 KB)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The file is not a text credential (JSON or JWT).")) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        pasted, uploaded = (data.get("badge") or "").strip(), data.get("badge_file") or ""
        if pasted and uploaded:
            self.add_error("badge", _("Paste the credential or upload it as a file, not both."))
        elif uploaded:
            data["badge"] = uploaded.strip()
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "completed_on": data["completed_on"],
            "certificate": data.get("certificate") or None,
            "badge": data.get("badge") or "",
            "invoice": data.get("invoice") or None,
            "proof_of_payment": data.get("proof_of_payment") or None,
            "invoice_amount": data.get("invoice_amount") or None,
            "annual_wage": data.get("annual_wage") or None,
            "employed_through": data.get("employed_through"),
        }


class AwardCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the award cancelled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the award is cancelled.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the award ends and its money goes back to the program. This cannot be undone."
        ),
        error_messages={"required": _("Confirm that you want to cancel the award.")},
    )

    def __init__(self, *args: Any, with_confirmation: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)
        if not with_confirmation:
            del self.fields["confirm"]


class OutcomeForm(forms.Form):
    employment_status = forms.ChoiceField(
        label=_("What best describes your situation now?"),
        choices=Outcome.EmploymentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what best describes your situation.")},
    )
    employer_name = forms.CharField(
        label=_("Employer"),
        required=False,
        max_length=200,
        help_text=_("Who you work for, if you are employed."),
    )
    occupation_code = forms.CharField(
        label=_("Occupation code (optional)"),
        required=False,
        max_length=10,
        help_text=_("An O*NET-SOC code such as 15-1212.00, if you know it."),
    )
    annual_wage = money_field(_("Annual pay before tax (optional)"))
    observed_on = forms.DateField(
        label=_("This was true on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
        error_messages={"invalid": _("Give a date as YYYY-MM-DD.")},
    )

    def __init__(self, *args: Any, currency: str, for_staff: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "outcome")
        super().__init__(*args, **kwargs)
        self.fields["annual_wage"].required = False
        self.fields["annual_wage"].help_text = _("In %(currency)s, for example 42000.00.") % {
            "currency": currency
        }
        if for_staff:
            self.fields["employment_status"].label = _("Employment status")
            self.fields["annual_wage"].label = _("Annual pay before tax")
            self.fields["employer_name"].help_text = _("As in the record you checked.")
            self.fields["quarter_after_completion"] = forms.TypedChoiceField(
                label=_("Follow-up quarter"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", _("Neither")),
                    ("2", _("2nd quarter after completion")),
                    ("4", _("4th quarter")),
                ],
            )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["annual_wage"] = data.get("annual_wage") or None
        return data


class ClaimVerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you checked. The applicant can read it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "verify")
        super().__init__(*args, **kwargs)


class ClaimRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the evidence not accepted?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads this and can claim again with better evidence."),
        error_messages={"required": _("Say why; the applicant will read it.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reject_claim")
        super().__init__(*args, **kwargs)
