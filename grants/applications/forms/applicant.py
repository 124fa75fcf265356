"""Forms of the worker's pages: profile, demographics, applying, documents, answers. They shape input;
the services in grants/applications/services.py decide what is allowed and say why not."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.demographics import (
    DISABILITY_CHOICES,
    INCOME_BAND_CHOICES,
    SEX_CHOICES,
    VETERAN_STATUS_CHOICES,
    race_ethnicity_choices,
)
from core.forms import DateInput, money_field
from core.uploads import human_size, validate_upload
from grants.models import ApplicationDocument
from programs.models import Credential, Program
from programs.presentation import money
from programs.rules import EMPLOYMENT_STATUSES

BLANK_CHOICE = [("", _("Choose an answer"))]
UPLOAD_KINDS = ("pdf", "png", "jpeg")


def upload_hint() -> str:
    return str(_("A PDF, PNG or JPEG of up to %(limit)s.") % {"limit": human_size(settings.UPLOAD_MAX_BYTES)})


# ---------------------------------------------------------------- profile


class WorkerProfileForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    region = forms.CharField(label=_("Region you live in"), required=False, max_length=60)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    employment_status = forms.ChoiceField(
        label=_("Employment status"),
        required=False,
        choices=BLANK_CHOICE + [(key, str(label).capitalize()) for key, label in EMPLOYMENT_STATUSES.items()],
    )
    household_income_band = forms.ChoiceField(
        label=_("Household income in the last year"),
        required=False,
        choices=BLANK_CHOICE + list(INCOME_BAND_CHOICES),
        help_text=_("Optional. Some programs are for households below an income limit."),
    )
    priority_veteran = forms.BooleanField(
        label=_("I am a veteran, or the eligible spouse of a veteran"),
        required=False,
        help_text=_(
            "Optional. Programs with priority of service serve veterans first. If you tick this, the staff "
            "who handle your applications will see that you claimed veterans' priority, and may ask for "
            "proof."
        ),
    )
    priority_disability = forms.BooleanField(
        label=_("I have a disability and ask for priority where a program gives it"),
        required=False,
        help_text=_(
            "Optional. If you tick this, the staff who handle your applications will see that you claimed "
            "this priority. Your answers to the voluntary questions about you are never used for this."
        ),
    )
    contact_by_employers = forms.BooleanField(
        label=_(
            "Employers with job roles that match my verified skills may contact me about those roles. "
            "I can change this at any time."
        ),
        required=False,
    )

    def __init__(self, *args: Any, regions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint: Any = _("Some programs are only for residents of certain regions.")
        if regions:
            hint = _("Open programs cover these regions: %(regions)s. If yours is not listed, type it.") % {
                "regions": ", ".join(regions)
            }
        self.fields["region"].help_text = hint

    def profile_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("phone")
        return data


class DemographicsCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes grouped in one fieldset per SPD 15 category, the category's own box first."""

    template_name = "grants/applicant/widgets/grouped_checkboxes.html"


class DemographicsForm(forms.Form):
    race_ethnicity = forms.MultipleChoiceField(
        label=_("What is your race or ethnicity?"),
        required=False,
        choices=race_ethnicity_choices,
        widget=DemographicsCheckboxes,
        help_text=_(
            "Select all that apply: a category, one or more of its detailed answers, or both. "
            "Or choose “Prefer not to say”."
        ),
    )
    sex = forms.ChoiceField(
        label=_("What is your sex?"), required=False, choices=SEX_CHOICES, widget=forms.RadioSelect
    )
    veteran = forms.ChoiceField(
        label=_("Are you a veteran of the armed forces, or the spouse of one who is eligible for services?"),
        required=False,
        choices=VETERAN_STATUS_CHOICES,
        widget=forms.RadioSelect,
    )
    disability = forms.ChoiceField(
        label=_("Do you have a disability?"),
        required=False,
        choices=DISABILITY_CHOICES,
        widget=forms.RadioSelect,
    )


# ---------------------------------------------------------------- applying


class CredentialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Credential) -> str:
        return f"{obj.title} ({obj.provider.name}, {money(obj.cost, obj.currency)})"


class ApplicationForm(forms.Form):
    credential = CredentialChoiceField(
        label=_("Course"), queryset=Credential.objects.none(), empty_label=_("Choose a course")
    )
    amount_requested = money_field(
        _("Amount you ask for"), help_text=_("In the program's currency, for example 1500.00.")
    )
    statement = forms.CharField(
        label=_("Why this training, and what job it leads to"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = funded_credentials(program)  # type: ignore[attr-defined]
        self.fields["amount_requested"].help_text = _(
            "In %(currency)s, for example 1500.00. It starts at the course cost."
        ) % {"currency": program.currency}


def funded_credentials(program: Program) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(funding__program=program).select_related("provider").order_by("title", "pk")
    )


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[
            (ApplicationDocument.Kind.EVIDENCE, ApplicationDocument.Kind.EVIDENCE.label),
            (ApplicationDocument.Kind.QUOTE, ApplicationDocument.Kind.QUOTE.label),
            (ApplicationDocument.Kind.OTHER, ApplicationDocument.Kind.OTHER.label),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_hint()


class SubmitConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "The information I have given is true and complete to the best of my knowledge. "
            "I understand that funding given on false information may have to be paid back."
        ),
        error_messages={"required": _("Confirm that the information is true before you submit.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (This helps us improve the program.)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


class RespondForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # A declared field named "files" leaves form.files (the uploads) alone; Django's metaclass moves it.
    files = MultipleFileField(label=_("Documents"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("Optional. You can choose several files. ") + upload_hint()

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data.get("files") or []
        for upload in files:
            try:
                validate_upload(upload, allowed=UPLOAD_KINDS)
            except ValidationError as error:
                raise ValidationError(f"{upload.name}: {' '.join(error.messages)}") from error
        return files


def contact_fields(user: User, form: WorkerProfileForm) -> dict[str, Any]:
    """What accounts.services.user_profile_update needs, keeping the name and language as they are."""
    return {
        "full_name": user.full_name,
        "phone": form.cleaned_data["phone"],
        "preferred_language": user.preferred_language,
    }
