from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import has_any_role, require
from accounts.roles import Role
from reporting.selectors import attention_for, employer_dashboard, worker_dashboard


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page, or after sign-in what needs the person's attention in each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "reporting/landing.html")
    return render(request, "reporting/home.html", {"sections": attention_for(request.user)})


@require_safe
def my_dashboard(request: HttpRequest) -> HttpResponse:
    """A worker's own applications, awards, payments and outcomes; an employer representative's pledges,
    hires and employee applications. Each part only for the role that has it."""
    user = request.user
    require(has_any_role(user, (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE)))
    context = {
        "worker": worker_dashboard(user) if user.has_role(Role.WORKER) else None,  # type: ignore[arg-type,union-attr]
        "employer": employer_dashboard(user) if user.has_role(Role.EMPLOYER_REPRESENTATIVE) else None,  # type: ignore[arg-type,union-attr]
    }
    return render(request, "reporting/dashboard_mine.html", context)
