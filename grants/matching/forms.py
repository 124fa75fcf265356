"""Forms of the matching pages: inviting a candidate to apply for a role, and recording a hire.

Forms only shape input; grants/matching/services.py decides what is allowed and says why not. The wage
is taken as text and checked by the service, so its message is the one a person reads. Each candidate's
row has its own pair of forms, told apart by their ids (`auto_id`), while the posted names stay plain.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

NO_SUCH_CANDIDATE = _("This person is not among the role's candidates.")
MESSAGE_MAX = 2000


def _auto_id(kind: str, worker_id: Any) -> str:
    """Ids unique on the page: one pair of forms per candidate row."""
    suffix = str(worker_id) if str(worker_id).isdigit() else "x"
    return f"{kind}-{suffix}-%s"


class CandidateForm(forms.Form):
    worker = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "required": NO_SUCH_CANDIDATE,
            "invalid": NO_SUCH_CANDIDATE,
            "min_value": NO_SUCH_CANDIDATE,
            "max_value": NO_SUCH_CANDIDATE,
        },
    )

    def __init__(self, *args: Any, kind: str, worker_id: Any = "", **kwargs: Any) -> None:
        if args and args[0] is not None and not worker_id:
            worker_id = args[0].get("worker", "")
        kwargs.setdefault("auto_id", _auto_id(kind, worker_id))
        super().__init__(*args, **kwargs)
        if worker_id and not self.is_bound:
            self.fields["worker"].initial = worker_id


class InviteForm(CandidateForm):
    message = forms.CharField(
        label=_("Message to the candidate"),
        required=False,
        max_length=MESSAGE_MAX,
        help_text=_("Sent with the invitation. Say what the role involves and how to apply."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, kind="invite", **kwargs)


class HireForm(CandidateForm):
    hired_on = forms.DateField(
        label=_("Date the person started"),
        widget=DateInput(),
        help_text=_("For example, 2026-03-02. Not in the future."),
        error_messages={"invalid": _("Enter the date the person started, like 2026-03-02.")},
    )
    annual_wage = forms.CharField(
        label=_("Annual pay in USD"),
        required=False,
        max_length=32,
        help_text=_("For example, 52000.00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    has_four_year_degree = forms.TypedChoiceField(
        label=_("Does the person have a four-year degree?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the person has a four-year degree.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, kind="hire", **kwargs)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "hired_on": data["hired_on"],
            "annual_wage": data["annual_wage"].strip() or None,
            "has_four_year_degree": data["has_four_year_degree"],
        }
