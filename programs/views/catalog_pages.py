"""Credential catalog pages: the public catalog and credential pages, and staff pages for providers (with
their Open Badges issuers), credentials and skills."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import predicate_view_check
from core.pagination import paginate
from core.views import button_action, form_action, signed_in_user
from programs import selectors, services
from programs.forms import BadgeIssuerForm, CredentialForm, ProviderForm, SkillForm
from programs.models import BadgeIssuer, Credential, CredentialRequest, Skill, TrainingProvider
from programs.permissions import can_manage_catalog, credential_requests_visible_to
from programs.presentation import money
from programs.views.common import ROWS_PER_PAGE

CREDENTIALS_PER_PAGE = 20


def _with_costs(credentials: Iterable[Credential]) -> None:
    for credential in credentials:
        credential.cost_display = money(credential.cost, credential.currency)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- public: catalog


@login_not_required
@require_safe
def catalog(request: HttpRequest) -> HttpResponse:
    filterset, credentials = selectors.catalog_search(request.GET)
    page = paginate(request, credentials, CREDENTIALS_PER_PAGE)
    _with_costs(page.object_list)
    searched = any(value for key, value in request.GET.items() if key != "page")
    return render(
        request,
        "programs/catalog.html",
        {
            "filter_form": filterset.form,
            "page": page,
            "searched": searched,
            "can_manage_catalog": bool(can_manage_catalog(request.user)),
        },
        # A filter that cannot be read (cost_max=abc) is the caller's mistake: say so, show no results.
        status=400 if filterset.form.errors else 200,
    )


@login_not_required
@require_safe
def credential_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        credential = selectors.credential_detail(pk=pk)
    except Credential.DoesNotExist as error:
        raise Http404 from error
    credential.cost_display = money(credential.cost, credential.currency)  # type: ignore[attr-defined]
    funding = list(credential.public_funding)  # type: ignore[attr-defined]
    for link in funding:
        link.maximum_display = money(link.maximum_amount, link.program.currency)
    return render(
        request,
        "programs/credential_detail.html",
        {
            "credential": credential,
            "funding": funding,
            "can_manage_catalog": bool(can_manage_catalog(request.user)),
        },
    )


# ---------------------------------------------------------------- staff: catalog


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.provider_save(actor=signed_in_user(request), **form.cleaned_data),
        success=lambda provider: _("Provider “%(name)s” added.") % {"name": provider.name},
        then=redirect("programs:provider_list"),
        otherwise=lambda: _provider_list_page(request, form),
    )


def _provider_list_page(request: HttpRequest, form: ProviderForm) -> HttpResponse:
    providers = TrainingProvider.objects.annotate(
        credential_count=Count("credentials", distinct=True),
        issuer_count=Count("badge_issuers", filter=Q(badge_issuers__revoked_at__isnull=True), distinct=True),
    ).order_by("name", "pk")
    return render(
        request,
        "programs/provider_list.html",
        {"form": form, "page": paginate(request, providers, ROWS_PER_PAGE), "section": "providers"},
    )


def _provider_page(
    request: HttpRequest,
    provider: TrainingProvider,
    *,
    form: ProviderForm | None = None,
    issuer_form: BadgeIssuerForm | None = None,
) -> HttpResponse:
    issuers = list(
        BadgeIssuer.objects.filter(provider=provider)
        .select_related("added_by", "revoked_by")
        .order_by("revoked_at", "issuer_id", "pk")
    )
    for issuer in issuers:
        issuer.key_count = len(issuer.public_keys) if isinstance(issuer.public_keys, list) else 0  # type: ignore[attr-defined]
    return render(
        request,
        "programs/provider_form.html",
        {
            "form": form or ProviderForm(instance=provider),
            "heading": provider.name,
            "provider": provider,
            "issuers": issuers,
            "issuer_form": issuer_form or BadgeIssuerForm(prefix="issuer"),
        },
    )


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(TrainingProvider, pk=pk)
    heading = provider.name
    form = ProviderForm(request.POST or None, instance=provider)

    def page_again() -> HttpResponse:
        provider.name = heading  # the page names the provider as saved, not as typed
        return _provider_page(request, provider, form=form)

    return form_action(
        request,
        form,
        lambda: services.provider_save(actor=signed_in_user(request), provider=provider, **form.cleaned_data),
        success=_("Provider saved."),
        then=redirect("programs:provider_list"),
        otherwise=page_again,
    )


@predicate_view_check(can_manage_catalog)
@require_POST
def badge_issuer_register(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(TrainingProvider, pk=pk)
    issuer_form = BadgeIssuerForm(request.POST, prefix="issuer")
    return form_action(
        request,
        issuer_form,
        lambda: services.badge_issuer_register(
            actor=signed_in_user(request),
            provider=provider,
            issuer_id=issuer_form.cleaned_data["issuer_id"],
            public_keys=issuer_form.cleaned_data["public_keys"],
        ),
        success=lambda issuer: _("Open Badges issuer %(issuer)s registered.") % {"issuer": issuer.issuer_id},
        then=_issuers_of(provider.pk),
        otherwise=lambda: _provider_page(request, provider, issuer_form=issuer_form),
    )


def _issuers_of(provider_pk: int) -> HttpResponse:
    return redirect(f"{reverse('programs:provider_edit', args=[provider_pk])}#issuers-heading")


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def badge_issuer_revoke(request: HttpRequest, pk: int, issuer_pk: int) -> HttpResponse:
    issuer = get_object_or_404(BadgeIssuer.objects.select_related("provider"), pk=issuer_pk, provider_id=pk)
    if request.method == "POST":
        return button_action(
            request,
            services.badge_issuer_revoke,
            actor=signed_in_user(request),
            issuer=issuer,
            success=_("Issuer %(issuer)s is revoked: its badges no longer verify.")
            % {"issuer": issuer.issuer_id},
            then=_issuers_of(pk),
        )
    return render(
        request, "programs/badge_issuer_revoke.html", {"issuer": issuer, "provider": issuer.provider}
    )


@predicate_view_check(can_manage_catalog)
@require_safe
def credential_manage_list(request: HttpRequest) -> HttpResponse:
    filterset, credentials = selectors.catalog_search(request.GET, listed_only=False)
    page = paginate(request, credentials, CREDENTIALS_PER_PAGE)
    _with_costs(page.object_list)
    return render(
        request,
        "programs/credential_manage_list.html",
        {"filter_form": filterset.form, "page": page, "section": "credentials"},
        status=400 if filterset.form.errors else 200,
    )


def _request_for_credential(request: HttpRequest) -> CredentialRequest | None:
    """The credential request a new catalog entry is being made for (?for_request=<pk>), if any."""
    value = request.GET.get("for_request", "")
    if not value.isdigit():
        return None
    return credential_requests_visible_to(request.user).filter(pk=int(value)).first()


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def credential_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    credential = get_object_or_404(Credential, pk=pk) if pk is not None else None
    heading = credential.title if credential is not None else ""
    for_request = _request_for_credential(request) if credential is None else None
    initial: dict[str, Any] = {}
    if for_request is not None:
        initial = {
            "title": for_request.title,
            "hours": for_request.hours,
            "cost": for_request.cost,
            "description": for_request.skills_taught,
            "website": for_request.provider_website,
        }
    form = CredentialForm(request.POST or None, instance=credential, initial=initial)

    def saved_page(saved: Credential) -> HttpResponse:
        if for_request is not None:
            url = reverse("programs:request_detail", args=[for_request.pk])
            return redirect(f"{url}?credential={saved.pk}")
        return redirect("programs:credential_manage_list")

    return form_action(
        request,
        form,
        lambda: services.credential_save(
            actor=signed_in_user(request),
            credential=credential,
            occupation_codes=form.cleaned_data["occupation_codes"],
            skills=form.cleaned_data["skills"],
            **form.service_fields(),
        ),
        success=lambda saved: _("Credential “%(title)s” saved.") % {"title": saved.title},
        then=saved_page,
        otherwise=lambda: render(
            request,
            "programs/credential_form.html",
            {"form": form, "credential": credential, "heading": heading, "for_request": for_request},
        ),
    )


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def skill_list(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.skill_save(actor=signed_in_user(request), **form.cleaned_data),
        success=lambda skill: _("Skill “%(label)s” added.") % {"label": skill.label},
        then=redirect("programs:skill_list"),
        otherwise=lambda: _skill_list_page(request, form),
    )


def _skill_list_page(request: HttpRequest, form: SkillForm) -> HttpResponse:
    skills = Skill.objects.annotate(credential_count=Count("credentials")).order_by("label", "pk")
    return render(
        request,
        "programs/skill_list.html",
        {"form": form, "page": paginate(request, skills, ROWS_PER_PAGE), "section": "skills"},
    )
