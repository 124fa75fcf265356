"""Forms of the employer pages: registration, pledges, job roles, progress reports and staff decisions.

Forms only shape input; the services in employers/services.py decide what is allowed and say why not.
Money and registration numbers are taken as text and checked by the services, so their messages are
the ones a person reads.
"""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, money_field
from employers.models import NAICS_SECTORS, Employer, JobRole, Pledge
from programs.models import Occupation, Skill


def reason_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _count_field(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=1_000_000,
        initial=0,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


# ---------------------------------------------------------------- employers


def sector_hint() -> str:
    sectors = "; ".join(f"{code} {name}" for code, name in NAICS_SECTORS.items())
    return str(
        _(
            "The North American Industry Classification System (NAICS) code of your main activity, "
            "2 to 6 digits, for example 5415 for computer systems design. Sectors: %(sectors)s."
        )
        % {"sectors": sectors}
    )


class EmployerForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    trading_name = forms.CharField(
        label=_("Trading name"),
        max_length=200,
        required=False,
        help_text=_("The name people know you by, if it is not the legal name."),
    )
    registration_number = forms.CharField(
        label=_("Employer Identification Number (EIN)"),
        max_length=20,
        help_text=_("Nine digits, for example 12-3456789, as on your IRS letters."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    naics_code = forms.CharField(
        label=_("Sector (NAICS code)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    size_class = forms.ChoiceField(label=_("Number of employees"), widget=forms.RadioSelect)
    region = forms.CharField(
        label=_("Region"),
        max_length=60,
        help_text=_("The region where most of your staff work; matching shows it to candidates."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    def __init__(self, *args: Any, lock_registration_number: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["naics_code"].help_text = sector_hint()
        cast(forms.ChoiceField, self.fields["size_class"]).choices = Employer.SizeClass.choices
        if lock_registration_number:
            # Once verified, the number is what staff checked: it cannot be changed here.
            del self.fields["registration_number"]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["website"] = data.get("website") or ""
        return data


class StaffDecisionForm(forms.Form):
    """Verify, suspend or reinstate an employer; activate, return or fulfil a pledge."""

    reason = reason_field(_("Reason"), required=False, help_text=_("Kept in the history."))

    def __init__(self, *args: Any, reason_required: bool = False, reason_label: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if reason_label is not None:
            self.fields["reason"].label = reason_label
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _("Give a reason.")


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        help_text=_("We send them a link to join. It works for 7 days, for the person with this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class RemoveRepresentativeForm(forms.Form):
    reason = reason_field(_("Why are they being removed?"), help_text=_("Kept in your employer's history."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Say why they are being removed.")


class AcceptInvitationForm(forms.Form):
    """One button: the token is in the address."""


# ---------------------------------------------------------------- pledges


class PledgeForm(forms.Form):
    framework_name = forms.CharField(
        label=_("Framework or initiative"),
        max_length=200,
        help_text=_("The skills-first hiring initiative this pledge belongs to, for example a national one."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    target_date = forms.DateField(
        label=_("Target date"), widget=DateInput(), help_text=_("When the commitments below are to be met.")
    )
    roles_converted_target = _count_field(
        _("Roles whose degree requirement you remove"),
        _("Job roles that required a four-year degree and will not any more."),
    )
    credential_holder_hires_target = _count_field(
        _("Hires of people holding a skills credential"),
    )
    non_degree_hires_target = _count_field(_("Hires of people without a four-year degree"))
    priority_group_hires_target = _count_field(
        _("Hires from priority groups"),
        _("For example veterans, long-term unemployed people or people on low incomes."),
    )
    wage_floor = money_field(
        _("Wage floor (annual pay, USD)"),
        required=False,
        help_text=_("The least you will pay anyone hired under this pledge. Leave empty for none."),
    )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["wage_floor"] = data.get("wage_floor") or None
        return data


class SubmitPledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("These commitments are ours and we will report progress on them every quarter."),
        error_messages={"required": _("Confirm the commitments before you submit.")},
    )


class WithdrawForm(forms.Form):
    reason = reason_field(_("Why are you withdrawing the pledge?"), help_text=_("Agency staff read it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Say why you are withdrawing the pledge.")


# ---------------------------------------------------------------- job roles


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return obj.label


class JobRoleForm(forms.Form):
    title = forms.CharField(label=_("Job title"), max_length=200)
    occupation_code = forms.CharField(
        label=_("Occupation code (O*NET-SOC)"),
        required=False,
        max_length=10,
        help_text=_("For example 15-1232.00 for computer user support specialists. Leave empty if unsure."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    skills = SkillChoiceField(
        label=_("Skills the role needs"),
        queryset=Skill.objects.none(),
        help_text=_(
            "From the catalog's skills, so matching finds people trained in them. "
            "Hold Ctrl (Cmd on a Mac) to choose more than one."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    degree_required_before = forms.BooleanField(
        label=_("The role required a four-year degree before the pledge"), required=False
    )
    degree_required_after = forms.BooleanField(
        label=_("The role requires a four-year degree now"), required=False
    )
    assessment_method = forms.ChoiceField(
        label=_("How you assess candidates' skills"), widget=forms.RadioSelect
    )
    wage_min = money_field(_("Lowest annual pay (USD)"))
    wage_max = money_field(_("Highest annual pay (USD)"))
    open_positions = forms.IntegerField(label=_("Open positions"), min_value=0, max_value=100_000, initial=1)
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=60,
        help_text=_("Leave empty if it is your employer's region."),
    )
    pledge: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Pledge"),
        queryset=Pledge.objects.none(),
        required=False,
        empty_label=_("Not under a pledge"),
        help_text=_("The pledge this role counts toward, if any."),
    )

    def __init__(self, *args: Any, pledges: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["skills"]).queryset = Skill.objects.order_by(
            "label", "pk"
        )
        cast(forms.ChoiceField, self.fields["assessment_method"]).choices = JobRole.AssessmentMethod.choices
        cast(forms.ModelChoiceField, self.fields["pledge"]).queryset = pledges

    def clean_occupation_code(self) -> Occupation | None:
        code = self.cleaned_data["occupation_code"].strip()
        if not code:
            return None
        occupation = Occupation.objects.filter(code=code).first()
        if occupation is None:
            raise forms.ValidationError(
                _("%(code)s is not an occupation in the catalog. Check the code, or leave it empty.")
                % {"code": code}
            )
        return occupation

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["occupation"] = data.pop("occupation_code")
        return data


class CloseRoleForm(forms.Form):
    """One button."""


# ---------------------------------------------------------------- progress reports


class ProgressReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[
            ("1", _("1 (January to March)")),
            ("2", _("2 (April to June)")),
            ("3", _("3 (July to September)")),
            ("4", _("4 (October to December)")),
        ],
        widget=forms.RadioSelect,
    )
    roles_converted = _count_field(_("Roles whose degree requirement you removed this quarter"))
    hires_total = _count_field(_("Hires in total this quarter"))
    hires_credential_holders = _count_field(_("Of those, hires holding a skills credential"))
    hires_without_degree = _count_field(_("Of those, hires without a four-year degree"))
    hires_priority_groups = _count_field(_("Of those, hires from priority groups"))
    evidence = forms.FileField(
        label=_("Payroll extract"),
        help_text=_(
            "The payroll records of the quarter's hires, as a CSV or Excel (XLSX) file or a PDF payroll "
            "report. Staff check your figures against it; it is never published."
        ),
    )

    FIGURES = (
        "roles_converted",
        "hires_total",
        "hires_credential_holders",
        "hires_without_degree",
        "hires_priority_groups",
    )


class VerifyReportForm(forms.Form):
    """Staff confirm each reported figure or correct it."""

    verified_roles_converted = _count_field(_("Roles converted"))
    verified_hires_total = _count_field(_("Hires in total"))
    verified_hires_credential_holders = _count_field(_("Hires holding a skills credential"))
    verified_hires_without_degree = _count_field(_("Hires without a four-year degree"))
    verified_hires_priority_groups = _count_field(_("Hires from priority groups"))
    note = reason_field(
        _("Note"), required=False, help_text=_("Say what you corrected and why. The employer reads it.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "verify")
        super().__init__(*args, **kwargs)


class ReturnReportForm(forms.Form):
    note = reason_field(
        _("What needs to change?"), help_text=_("The employer reads it and sends a corrected report.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "return")
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _("Say what needs to change.")
