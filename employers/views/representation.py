"""Representation pages (who acts for an employer): its representatives with the invitation form,
removing a representative, and accepting an invitation from its mailed link. (Named so that the
`representatives` page keeps its name in this package.)"""

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import get_visible_or_404
from core.exceptions import ApplicationError
from core.views import form_action, posted, signed_in_user
from employers import services
from employers.forms import InviteForm, RemoveRepresentativeForm
from employers.models import Employer, RepresentativeInvitation
from employers.views.common import own_employer

# ---------------------------------------------------------------- representatives and invitations


@require_http_methods(["GET", "HEAD", "POST"])
def representatives(request: HttpRequest, pk: int) -> HttpResponse:
    employer = own_employer(request, pk)
    form = InviteForm(posted(request))
    return form_action(
        request,
        form,
        lambda: services.representative_invite(
            actor=signed_in_user(request), employer=employer, email=form.cleaned_data["email"]
        ),
        success=lambda invitation: (
            _("We have sent an invitation to %(email)s. The link works for 7 days.")
            % {"email": invitation.email}
        ),
        then=redirect("employers:representatives", pk=employer.pk),
        otherwise=lambda: _representatives_page(request, employer, form),
    )


def _representatives_page(request: HttpRequest, employer: Employer, form: InviteForm) -> HttpResponse:
    active = list(
        employer.representatives.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("added_at", "pk")
    )
    removed = list(
        employer.representatives.filter(removed_at__isnull=False)
        .select_related("user", "removed_by")
        .order_by("-removed_at", "-pk")
    )
    invitations = list(
        employer.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
            "-created_at", "-pk"
        )
    )
    return render(
        request,
        "employers/representatives.html",
        {
            "employer": employer,
            "form": form,
            "active": active,
            "removed": removed,
            "invitations": invitations,
            "can_remove": len(active) > 1,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def representative_remove(request: HttpRequest, pk: int, rep_pk: int) -> HttpResponse:
    employer = own_employer(request, pk)
    representative = get_visible_or_404(
        employer.representatives.filter(removed_at__isnull=True).select_related("user"), pk=rep_pk
    )
    form = RemoveRepresentativeForm(posted(request))
    name = representative.user.full_name or representative.user.email
    return form_action(
        request,
        form,
        lambda: services.representative_remove(
            actor=signed_in_user(request), representative=representative, reason=form.cleaned_data["reason"]
        ),
        success=_("%(name)s no longer acts for this employer.") % {"name": name},
        then=redirect("employers:my_employers")
        if representative.user_id == request.user.pk
        else redirect("employers:representatives", pk=employer.pk),
        otherwise=lambda: render(
            request,
            "employers/representative_remove.html",
            {"employer": employer, "representative": representative, "form": form},
        ),
    )


def _invitation(token: str) -> RepresentativeInvitation | None:
    """The invitation a mailed token belongs to (only the token's SHA-256 is stored), if any."""
    if not token or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return RepresentativeInvitation.objects.select_related("employer").filter(token_hash=digest).first()


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation mail. The caller must be signed in with the invited address."""
    invitation = _invitation(token)
    if invitation is not None and invitation.email.lower() != signed_in_user(request).email.lower():
        invitation = None  # say nothing about an invitation meant for someone else
    error = ""
    if request.method == "POST":
        try:
            representative = services.invitation_accept(actor=signed_in_user(request), token=token)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        except ApplicationError as refusal:  # NotAllowed too: the page says why, the caller can act on it
            error = refusal.message
        else:
            messages.success(
                request,
                _("You now act for %(name)s.") % {"name": representative.employer.display_name},
            )
            return redirect("employers:employer_detail", pk=representative.employer_id)
    return render(
        request,
        "employers/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )
