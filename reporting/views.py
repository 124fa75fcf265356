from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reporting.selectors import attention_for


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page, or after sign-in what needs the person's attention in each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "reporting/landing.html")
    return render(request, "reporting/home.html", {"sections": attention_for(request.user)})
