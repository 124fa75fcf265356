"""Forms of the programs and catalog pages. They shape input; the services decide what is allowed.

Money is taken as text and checked by the services (`core.money.to_amount`), so the messages about
precision and sign are the same on every page and in the API.
"""

import json
import re
import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeLocalInput, money_field, refuse_decoded_control_characters
from core.uploads import validate_upload
from programs.models import (
    CapRule,
    Credential,
    EligibilityRule,
    Program,
    Skill,
    TrainingProvider,
)
from programs.services import CLAIM_EVIDENCE_KINDS, PROGRAM_FIELDS

PRIORITY_FIELDS = ("priority_1", "priority_2", "priority_3", "priority_4")
PRIORITY_LABELS = (
    _("First priority group"),
    _("Second priority group"),
    _("Third priority group"),
    _("Fourth priority group"),
)
# What a completion claim can be asked to carry, in the words the public program page uses.
CLAIM_EVIDENCE_LABELS: dict[str, Any] = {
    "certificate": _("A certificate of completion (PDF or image)"),
    "badge": _("An Open Badges 3.0 digital credential"),
    "certificate_or_badge": _("A certificate of completion or an Open Badges digital credential"),
    "invoice": _("The training provider's invoice"),
    "proof_of_payment": _("Proof that the invoice was paid"),
    "retention": _("The employer's confirmation that the employee is still employed"),
}


def formfield_with_https(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Model form fields, with web addresses typed without a scheme read as https://."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


# ---------------------------------------------------------------- programs


class ProgramSettingsForm(forms.ModelForm):
    """The settings a program manager may change at any time (not code, currency, budget or status)."""

    class Meta:
        model = Program
        # The service's settings (programs.services.PROGRAM_FIELDS); the priority order is four fields here.
        fields = [name for name in PROGRAM_FIELDS if name != "priority_order"]
        labels = {
            "co_payment_percent": _("Co-payment (percent)"),
            "claim_deadline_weeks": _("Claim deadline (weeks after completion)"),
            "retention_period_months": _("Retention period (months)"),
            "training_window_months": _("Training window (months after approval)"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    claim_evidence = forms.MultipleChoiceField(
        label=_("Evidence a completion claim must carry"),
        required=False,
        choices=[(kind, CLAIM_EVIDENCE_LABELS[kind]) for kind in CLAIM_EVIDENCE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to accept a certificate or an Open Badges credential."),
    )
    wage_floor = money_field(
        _("Wage floor (annual pay)"),
        required=False,
        help_text=_(
            "Optional: the annual pay the worker must earn after training to be paid, e.g. 35000.00."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("None")), *Program.PriorityGroup.choices]
        for name, label in zip(PRIORITY_FIELDS, PRIORITY_LABELS, strict=True):
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields[PRIORITY_FIELDS[0]].help_text = _(
            "Priority of service: the groups served first, in order. Leave the rest as “None”."
        )
        # The priority groups read best straight after the selection method they refine.
        names = list(self.fields)
        names = [name for name in names if name not in PRIORITY_FIELDS]
        at = names.index("selection_method") + 1
        self.order_fields([*names[:at], *PRIORITY_FIELDS, *names[at:]])
        order = list(self.initial.get("priority_order") or [])
        for name, group in zip(PRIORITY_FIELDS, order, strict=False):
            self.initial.setdefault(name, group)

    def priority_order(self) -> list[str]:
        return [self.cleaned_data[name] for name in PRIORITY_FIELDS if self.cleaned_data.get(name)]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the program services take them."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["priority_order"] = self.priority_order()
        fields["wage_floor"] = fields["wage_floor"] or None
        return fields


class ProgramCreateForm(ProgramSettingsForm):
    total_budget = money_field(
        _("Total budget"), help_text=_("The money the program may commit and pay, e.g. 250000.00.")
    )

    class Meta(ProgramSettingsForm.Meta):
        fields = ["code", "currency", *ProgramSettingsForm.Meta.fields]
        help_texts = {"code": _("2 to 31 capital letters, digits and dashes, e.g. TECHCRED-26.")}

    field_order = ["code", "name", "summary", "description", "funding_agency", "currency", "total_budget"]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields.pop("code")
        fields.pop("currency")
        return fields


class ProgramTransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Program.Status.choices)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Kept in the program's history."),
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. “Round 1, 2026”."))
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())
    budget_share = money_field(
        _("Budget share"),
        required=False,
        help_text=_("Optional: the most this round may commit and pay out."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = _("Date and time in the %(zone)s time zone.") % {"zone": settings.TIME_ZONE}
        self.fields["opens_at"].help_text = hint
        self.fields["closes_at"].help_text = hint


class CapRuleForm(forms.Form):
    scope = forms.ChoiceField(label=_("Applies"), choices=CapRule.Scope.choices)
    amount = money_field(_("Amount"), help_text=_("The most the program pays in this scope, e.g. 2000.00."))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("E.g. the rule's source in the program guidance."),
    )


class EligibilityRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of rule"), choices=EligibilityRule.Kind.choices)
    parameters = forms.CharField(
        label=_("Parameters (JSON)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("A JSON object; see the example for each kind of rule below."),
    )

    def clean_parameters(self) -> Any:
        text = self.cleaned_data["parameters"]
        try:
            parameters = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON (%(problem)s at line %(line)d, column %(column)d).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno}
            ) from error
        return refuse_decoded_control_characters(parameters)


class ScoringCriterionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=5, decimal_places=2, help_text=_("More than zero, e.g. 1.5.")
    )
    guidance = forms.CharField(
        label=_("Guidance for reviewers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What reviewers should look for at each score."),
    )


class ProgramCredentialForm(forms.Form):
    credential = forms.ModelChoiceField(
        label=_("Credential"),
        queryset=Credential.objects.filter(is_listed=True).select_related("provider").order_by("title", "pk"),
    )
    maximum_amount = money_field(
        _("Maximum amount"),
        required=False,
        help_text=_("Optional: the most this program pays for this credential."),
    )


IDEMPOTENCY_KEY = re.compile(r"^[0-9a-f]{32}$")


class BudgetTotalForm(forms.Form):
    """Set a program's total budget. The hidden key makes a double submit of one form a single change."""

    total = money_field(_("New total budget"), help_text=_("E.g. 250000.00."))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, help_text=_("Stays on the ledger with the change.")
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not IDEMPOTENCY_KEY.match(key):
            raise forms.ValidationError(_("The form has expired. Open the page again and resubmit."))
        return key


# ---------------------------------------------------------------- catalog


class ProviderForm(forms.ModelForm):
    class Meta:
        model = TrainingProvider
        formfield_callback = formfield_with_https
        fields = ["name", "registration_number", "website", "eligible_from", "eligible_until"]
        widgets = {"eligible_from": DateInput(), "eligible_until": DateInput()}


class BadgeIssuerForm(forms.Form):
    """Register an Open Badges issuer for a provider. The JSON is read here; the service checks the keys."""

    issuer_id = forms.CharField(
        label=_("Issuer id"),
        max_length=500,
        help_text=_(
            "The issuer's DID (e.g. did:web:badges.example.org) or https URL, as it appears in its badges."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    public_keys = forms.CharField(
        label=_("Public keys (JSON)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "A JSON array of public JWKs (Ed25519 “OKP” or P-256 “EC”), e.g. "
            '[{"kty": "OKP", "crv": "Ed25519", "x": "…"}]. Never a private key. '
            "Leave empty for a did:key or did:jwk issuer: its key is in its id."
        ),
    )

    def clean_public_keys(self) -> Any:
        text = self.cleaned_data["public_keys"].strip()
        if not text:
            return []
        try:
            keys = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON (%(problem)s at line %(line)d, column %(column)d).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno}
            ) from error
        if isinstance(keys, dict):
            raise forms.ValidationError(_("Give the keys as a JSON array: put [ and ] around the key."))
        if not isinstance(keys, list):
            raise forms.ValidationError(_("Give the keys as a JSON array of key objects."))
        return refuse_decoded_control_characters(keys)


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["taxonomy", "taxonomy_version", "code", "label"]
        help_texts = {
            "taxonomy_version": _("E.g. 1.2.0 for ESCO."),
            "code": _("The skill's identifier in the taxonomy, e.g. an ESCO URI."),
        }


OCCUPATION_SEPARATORS = re.compile(r"[\s,;]+")


class CredentialForm(forms.ModelForm):
    cost = money_field(_("Cost"), help_text=_("The full price of the course, e.g. 1500.00."))
    occupation_codes = forms.CharField(
        label=_("Occupation codes (O*NET-SOC)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One per line or separated by commas, in the form NN-NNNN.NN, e.g. 15-1212.00."),
    )

    class Meta:
        model = Credential
        formfield_callback = formfield_with_https
        fields = [
            "title",
            "provider",
            "description",
            "hours",
            "duration_weeks",
            "currency",
            "delivery_mode",
            "skills",
            "ctid",
            "website",
            "badge_achievement_id",
            "is_listed",
        ]
        labels = {
            "duration_weeks": _("Duration (weeks)"),
            "is_listed": _("Show in the public catalog"),
            "badge_achievement_id": _("Open Badges achievement id"),
        }
        help_texts = {
            "ctid": _("Optional: “ce-” followed by a lower-case UUID, from the Credential Engine Registry."),
            "skills": _("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "skills": forms.SelectMultiple(attrs={"size": 8}),
        }

    field_order = [
        "title",
        "provider",
        "description",
        "hours",
        "duration_weeks",
        "cost",
        "currency",
        "delivery_mode",
        "occupation_codes",
        "skills",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["provider"]).queryset = TrainingProvider.objects.order_by(
            "name"
        )
        cast(forms.ModelMultipleChoiceField, self.fields["skills"]).queryset = Skill.objects.order_by(
            "label", "pk"
        )
        if self.instance.pk and not self.is_bound:
            self.initial.setdefault(
                "occupation_codes", "\n".join(o.code for o in self.instance.occupations.all())
            )
            self.initial.setdefault("cost", self.instance.cost)

    def clean_occupation_codes(self) -> list[str]:
        text = self.cleaned_data["occupation_codes"]
        return [code for code in OCCUPATION_SEPARATORS.split(text) if code]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "cost"] if name != "skills"}


class CredentialRequestForm(forms.Form):
    title = forms.CharField(label=_("Course or credential title"), max_length=200)
    provider_name = forms.CharField(label=_("Training provider"), max_length=200)
    provider_website = forms.URLField(
        label=_("Provider's website"), required=False, assume_scheme="https", max_length=200
    )
    hours = forms.IntegerField(label=_("Hours of training"), required=False, min_value=1)
    cost = money_field(_("Cost"), required=False, help_text=_("In US dollars, e.g. 1500.00."))
    skills_taught = forms.CharField(
        label=_("Skills the course teaches"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    syllabus = forms.FileField(
        label=_("Syllabus"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    program = forms.ModelChoiceField(
        label=_("Program you would use it with"), required=False, queryset=Program.objects.none()
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programs is not None:
            cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs.order_by("name")
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["syllabus"].help_text = _("Optional: a PDF of up to %(limit)d MB.") % {"limit": limit}

    def clean_syllabus(self) -> Any:
        syllabus = self.cleaned_data.get("syllabus")
        if not syllabus:
            return None
        validate_upload(syllabus, allowed=("pdf",), max_bytes=settings.UPLOAD_MAX_BYTES)
        # Stored under a name we choose: the uploader's file name is not trusted or kept.
        syllabus.name = f"{uuid.uuid4().hex}.pdf"
        return syllabus

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["cost"] = data["cost"] or None
        data["syllabus"] = data["syllabus"] or ""
        return data


class CredentialRequestApproveForm(forms.Form):
    credential = forms.ModelChoiceField(
        label=_("Catalog credential"),
        queryset=Credential.objects.select_related("provider").order_by("title", "pk"),
        help_text=_("The catalog entry this request becomes. Create it first if it is not there."),
    )
    reason = forms.CharField(
        label=_("Note to the requester"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CredentialRequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester will read this."),
        error_messages={"required": _("Say why the request is declined; the requester will read it.")},
    )
