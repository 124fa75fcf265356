"""Forms for agency staff's pages: review, conflict declaration, decisions, comments.

Forms only shape input; the services decide. A service's ValidationError goes back on the form.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from grants.models import Application, Review
from programs.models import ScoringCriterion

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def reviewers_to_assign(application: Application) -> QuerySet[User]:
    """Active reviewers not yet assigned to the application, and not the applicant or the person who filed."""
    return (
        User.objects.filter(groups__name=str(Role.REVIEWER), is_active=True)
        .exclude(review_assignments__application=application)
        .exclude(pk__in=[application.applicant_id, application.filed_by_id])
        .distinct()
        .order_by("full_name", "email")
    )


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class AssignReviewerForm(forms.Form):
    reviewer = ReviewerChoiceField(queryset=User.objects.none(), label=_("Reviewer"), empty_label=_("Choose"))

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["reviewer"]).queryset = reviewers_to_assign(application)


class ConflictForm(forms.Form):
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        choices=[("no", _("I have no conflict of interest")), ("yes", _("I have a conflict of interest"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What is the conflict?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed if you have a conflict. The program manager reads it; the applicant does not."),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "conflict")
        super().__init__(*args, **kwargs)


class ReviewForm(forms.Form):
    """The screening checklist, one 0–5 score per criterion of a scored program, a recommendation."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Review.Recommendation.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=_("Comments for the program manager"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed if you recommend rejecting."),
        max_length=5000,
    )

    def __init__(self, *args: Any, criteria: list[ScoringCriterion], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for key, label in Review.CHECKLIST.items():
            fields[f"check_{key}"] = forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect)
        self.criteria = criteria
        for criterion in criteria:
            fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score: %(name)s (weight %(weight)s)")
                % {"name": criterion.name, "weight": criterion.weight},
                choices=[(str(value), str(value)) for value in range(0, 6)],
                coerce=int,
                help_text=criterion.guidance,
                widget=forms.RadioSelect,
            )
        fields.update(self.fields)
        self.fields = fields

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "checklist": {key: data[f"check_{key}"] == "yes" for key in Review.CHECKLIST},
            "scores": {str(criterion.pk): data[f"score_{criterion.pk}"] for criterion in self.criteria},
            "recommendation": data["recommendation"],
            "comments": data.get("comments", ""),
        }


class StaffCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff only: the applicant never sees it."),
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)


class RequestInfoForm(forms.Form):
    question = forms.CharField(
        label=_("What do you need from the applicant?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads this and answers it; the application waits until they do."),
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "info")
        super().__init__(*args, **kwargs)


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to award"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty to award the amount requested. It cannot be more than that."),
    )
    reason = forms.CharField(
        label=_("Note on the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant can read it."),
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "approve")
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose")), *Application.RejectionReason.choices]
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads it in their decision letter."),
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reject")
        super().__init__(*args, **kwargs)
