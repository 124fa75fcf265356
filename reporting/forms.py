"""The dashboard's filters as a form, shared by the page (query string, GET) and the reports API (query
parameters): every choice is limited to what the caller may see, so another program's id is an error
(never its figures), and bad input is an inline error or a 400, never a 500."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from programs.models import Credential, FundingRound, Program
from reporting.figures import ReportFilter, check_filter_dates

SECTOR_PATTERN = r"^[0-9]{2,6}$"


class DashboardFilterForm(forms.Form):
    """Three queries to build the choices: the programs, their rounds and their credentials."""

    program = forms.TypedMultipleChoiceField(
        label=_("Programs"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every program you may see."),
    )
    funding_round = forms.TypedChoiceField(
        label=_("Funding round"), coerce=int, required=False, empty_value=None
    )
    date_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=DateInput, help_text=_("For example 2026-01-31.")
    )
    date_to = forms.DateField(
        label=_("Submitted up to"), required=False, widget=DateInput, help_text=_("For example 2026-03-31.")
    )
    region = forms.CharField(
        label=_("Region"), max_length=60, required=False, help_text=_("The applicant's region, as written.")
    )
    sector = forms.CharField(
        label=_("Sector (NAICS code)"),
        max_length=6,
        required=False,
        validators=[RegexValidator(SECTOR_PATTERN, _("Enter 2 to 6 digits of a NAICS code, e.g. 5415."))],
        help_text=_("2 to 6 digits. Only applications filed by employers, and pledges, have a sector."),
    )
    credential = forms.TypedChoiceField(label=_("Credential"), coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: Any, programs: QuerySet[Program], every_program: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.every_program = every_program
        visible = list(programs.order_by("code").values_list("pk", "code", "name"))
        self.visible_program_ids = tuple(pk for pk, _code, _name in visible)
        program_field: Any = self.fields["program"]
        program_field.choices = [(pk, f"{code} — {name}") for pk, code, name in visible]
        rounds = FundingRound.objects.filter(program__in=programs).order_by("program__code", "opens_at", "pk")
        self.round_programs: dict[int, int] = {}
        round_choices: list[tuple[Any, Any]] = [("", _("Any round"))]
        for pk, name, program_id, code in rounds.values_list("pk", "name", "program_id", "program__code"):
            self.round_programs[pk] = program_id
            round_choices.append((pk, f"{code}: {name}"))
        round_field: Any = self.fields["funding_round"]
        round_field.choices = round_choices
        credentials = (
            Credential.objects.filter(funding__program__in=programs)
            .distinct()
            .order_by("title", "pk")
            .values_list("pk", "title")
        )
        credential_field: Any = self.fields["credential"]
        credential_field.choices = [("", _("Any credential")), *credentials]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        try:
            check_filter_dates(date_from=date_from, date_to=date_to)
        except ValidationError as error:
            self.add_error(None, error)  # beside each field named; add_error drops it from cleaned_data
            return data
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        funding_round, chosen = data.get("funding_round"), data.get("program")
        if funding_round and chosen and self.round_programs.get(funding_round) not in chosen:
            self.add_error("funding_round", _("This round is not in the programs chosen."))
        return data

    def report_filter(self) -> ReportFilter | None:
        """The filters of a valid form; None when the caller may see no program at all."""
        data = self.cleaned_data
        programs = tuple(data.get("program") or ())
        if not programs and not self.every_program:
            programs = self.visible_program_ids  # a manager's default: the programs they manage
            if not programs:
                return None
        return ReportFilter(
            programs=programs,
            funding_round=data.get("funding_round"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            region=(data.get("region") or "").strip(),
            sector=data.get("sector") or "",
            credential=data.get("credential"),
        )
