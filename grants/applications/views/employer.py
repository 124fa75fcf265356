"""Pages for applications an employer files for an employee: the representative's start page, and the
employee's invitation page (activate a new account, or confirm / decline an existing one)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.permissions import get_visible_or_404, has_any_role, require
from accounts.roles import Role
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from core.views import form_action, posted, signed_in_user
from employers.models import Employer
from employers.selectors import employers_for_user
from grants.applications.employer import (
    application_for_link_token,
    employee_account_activate,
    employee_link_confirm,
    employee_link_decline,
    employer_application_create,
)
from grants.applications.forms.applicant import ApplicationForm
from grants.applications.views.applying import chosen_credential
from programs.models import Program
from programs.permissions import programs_visible_to
from programs.selectors import open_round


class EmployeeApplicationForm(ApplicationForm):
    employer = forms.ModelChoiceField(
        label=gettext_lazy("Employer"), queryset=Employer.objects.none(), empty_label=None
    )
    employee_name = forms.CharField(label=gettext_lazy("Employee's full name"), max_length=200)
    employee_email = forms.EmailField(
        label=gettext_lazy("Employee's email address"),
        max_length=254,
        help_text=gettext_lazy(
            "We invite the employee to follow the application with their own account. Use their own address."
        ),
    )
    field_order = [
        "employer",
        "employee_name",
        "employee_email",
        "credential",
        "amount_requested",
        "statement",
    ]

    def __init__(self, *args: Any, employers: QuerySet[Employer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.fields["amount_requested"].label = _("Amount the employer asks for")
        self.fields["statement"].label = _("Why this training for this employee, and what role it leads to")


def _refusal(program: Program, employers: QuerySet[Employer]) -> str:
    if program.applicant_type != Program.ApplicantType.EMPLOYER:
        return _("Workers apply to this program themselves.")
    if program.status != Program.Status.OPEN:
        return _("This program is not taking applications.")
    if open_round(program) is None:
        return _("No funding round of this program is open now. Check its dates on the program page.")
    if not employers.exists():
        return _("Your employer must be verified by the agency before it can apply.")
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def employer_application_start(request: HttpRequest, code: str) -> HttpResponse:
    require(has_any_role(request.user, (Role.EMPLOYER_REPRESENTATIVE,)))
    program = get_visible_or_404(programs_visible_to(request.user), code=code)
    employers = employers_for_user(request.user).filter(status=Employer.Status.VERIFIED)
    refusal = _refusal(program, employers)
    form = EmployeeApplicationForm(
        posted(request), initial=chosen_credential(request, program), program=program, employers=employers
    )

    def page() -> HttpResponse:
        return render(
            request, "grants/employer/start.html", {"program": program, "form": form, "refusal": refusal}
        )

    if refusal:
        return page()
    return form_action(
        request,
        form,
        lambda: employer_application_create(
            actor=signed_in_user(request),
            employer=form.cleaned_data["employer"],
            program=program,
            credential=form.cleaned_data["credential"],
            amount_requested=form.cleaned_data["amount_requested"],
            employee_email=form.cleaned_data["employee_email"],
            employee_name=form.cleaned_data["employee_name"],
            statement=form.cleaned_data["statement"],
        ),
        success=_(
            "The draft is saved and the employee has been invited to follow it. Add documents, then submit."
        ),
        then=lambda application: redirect("grants:application_edit", pk=application.pk),
        otherwise=page,
    )


class ChoosePasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label=gettext_lazy("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Tell us why (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_not_required  # a new employee has no password yet: the signed token is their key
@require_http_methods(["GET", "HEAD", "POST"])
def employee_link(request: HttpRequest, token: str) -> HttpResponse:
    application = application_for_link_token(token)
    if application is None:
        raise Http404
    employee: User = application.applicant
    context: dict[str, Any] = {"application": application, "employer": application.employer}
    if not employee.is_active:
        form = ChoosePasswordForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                user = employee_account_activate(
                    application=application, password=form.cleaned_data["password"]
                )
            except ValidationError as error:
                add_service_errors(form, error, {"__all__": "password"})
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your account is ready and the application is linked to it."))
                return redirect("grants:application_detail", pk=application.pk)
        return render(request, "grants/employer/link_new.html", {**context, "form": form})
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    if request.user.pk != employee.pk:
        raise Http404
    decline_form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decline":
                if decline_form.is_valid():
                    employee_link_decline(
                        actor=employee, application=application, reason=decline_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, _("Thank you. The application was withdrawn and the employer told.")
                    )
                    return redirect("grants:my_applications")
            else:
                employee_link_confirm(actor=employee, application=application)
                messages.success(request, _("Thank you. The application is linked to your account."))
                return redirect("grants:application_detail", pk=application.pk)
        except NotAllowed as error:
            raise Http404 from error
        except ApplicationError as error:
            messages.error(request, error.message)
    return render(request, "grants/employer/link_existing.html", {**context, "decline_form": decline_form})


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)
