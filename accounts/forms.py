from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.auth import client_ip, security_log
from accounts.models import User, phone_validator
from accounts.roles import SELF_SERVICE_ROLES, Role
from core.mail import send_mail_on_commit


class SignInForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The email address or password is not right. Check both and try again."),
        "inactive": _(
            "This account has been switched off. Contact the agency if you think this is a mistake."
        ),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        email = (self.cleaned_data.get("username") or "").lower()
        ip = client_ip(self.request) if self.request else ""
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            security_log.warning("sign-in-locked-out email=%s ip=%s", email, ip)
        else:
            security_log.info("sign-in-failed email=%s ip=%s", email, ip)
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_email_verified:
            security_log.info("sign-in-refused-unverified user=%s", user.pk)
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Confirm your email address first: follow the link we sent you."),
                    reverse("accounts:resend_verification"),
                    _("Send the link again"),
                ),
                code="unverified",
            )


class SignUpForm(forms.Form):
    role = forms.TypedChoiceField(
        label=_("I am signing up"),
        choices=[
            (Role.WORKER.value, _("As a worker, to apply for training funding")),
            (Role.EMPLOYER_REPRESENTATIVE.value, _("For an employer, to make hiring pledges and list roles")),
        ],
        coerce=Role,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We will send a link to this address to confirm it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_role(self) -> Role:
        role = self.cleaned_data["role"]
        if role not in SELF_SERVICE_ROLES:
            raise forms.ValidationError(_("Choose whether you are a worker or sign up for an employer."))
        return role

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("password1")
            and cleaned.get("password2")
            and cleaned["password1"] != cleaned["password2"]
        ):
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Like Django's, but through the mail task after commit, as all our mail goes."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_mail_on_commit(subject=subject, body=body, recipients=[to_email])

    def get_users(self, email: str) -> Any:
        # Staff accounts start with no usable password and set one through this same link.
        return User.objects.filter(email__iexact=email, is_active=True)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "preferred_language"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }


class StaffUserCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("Email address"), help_text=_("They will get a link here to set a password.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False, validators=[phone_validator])
    roles = forms.TypedMultipleChoiceField(
        label=_("Roles"), choices=Role.choices, coerce=Role, widget=forms.CheckboxSelectMultiple
    )


class RoleChangeForm(forms.Form):
    role = forms.TypedChoiceField(label=_("Role"), choices=Role.choices, coerce=Role)
    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=_("Recorded in the audit trail."))
