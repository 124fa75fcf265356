import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import (
    PasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    RoleChangeForm,
    SignInForm,
    SignUpForm,
    StaffUserCreateForm,
)
from accounts.models import RoleChange
from accounts.permissions import can_manage_users, get_visible_or_404, predicate_view_check, users_visible_to
from accounts.roles import Role
from core.exceptions import ApplicationError
from core.forms import add_service_errors

security_log = logging.getLogger("skillsfund.security")


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_log.info(
            "sign-in user=%s ip=%s", self.request.user.pk, self.request.META.get("REMOTE_ADDR", "")
        )
        return response


class SignOutView(auth_views.LogoutView):
    pass


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_sign_up(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                role=data["role"],
                phone=data["phone"],
                preferred_language=data["preferred_language"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field_names={"password": "password1"})
        else:
            request.session["signed_up_email"] = data["email"]
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


@login_not_required
def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html", {"email": request.session.get("signed_up_email", "")})


@login_not_required
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.user_verify_email(token=token)
    except ValidationError as error:
        return render(
            request,
            "accounts/verify_email_failed.html",
            {"errors": error.messages, "form": ResendVerificationForm()},
            status=400,
        )
    messages.success(request, _("Thank you: your email address is confirmed. You can sign in now."))
    return redirect("accounts:login")


@login_not_required
@require_http_methods(["GET", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_resend_verification(email=form.cleaned_data["email"])
        # The same answer whether or not the account exists, so the page reveals nothing.
        messages.info(request, _("If an unconfirmed account uses that address, we have sent it a new link."))
        return redirect("accounts:login")
    return render(request, "accounts/resend_verification.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_log.info("password-changed user=%s", self.request.user.pk)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(
                user=user,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@predicate_view_check(can_manage_users)
def user_list(request: HttpRequest) -> HttpResponse:
    users = users_visible_to(request.user).prefetch_related("groups").order_by("email")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    role = request.GET.get("role", "")
    if role:
        users = users.filter(groups__name=role)
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "query": query, "role": role, "roles": Role.choices},
    )


@predicate_view_check(can_manage_users)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = StaffUserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_user_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Account created. We have emailed %(email)s a link to set a password.")
                % {"email": user.email},
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


@predicate_view_check(can_manage_users)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(users_visible_to(request.user).prefetch_related("groups"), pk=pk)
    changes = RoleChange.objects.filter(user=person).select_related("actor")[:50]
    return render(
        request,
        "accounts/user_detail.html",
        {"person": person, "changes": changes, "form": RoleChangeForm()},
    )


@predicate_view_check(can_manage_users)
@require_POST
def user_role_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    person = get_visible_or_404(users_visible_to(request.user), pk=pk)
    form = RoleChangeForm(request.POST)
    if form.is_valid():
        service = services.role_grant if action == "grant" else services.role_revoke
        try:
            changed = service(actor=request.user, user=person, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if changed:
                messages.success(request, _("Roles updated."))
            else:
                messages.info(request, _("Nothing changed: the roles were already like that."))
            return redirect("accounts:user_detail", pk=person.pk)
    changes = RoleChange.objects.filter(user=person).select_related("actor")[:50]
    return render(
        request, "accounts/user_detail.html", {"person": person, "changes": changes, "form": form}, status=400
    )
