"""HTML pages for programs, the credential catalog, credential requests and budgets.

Thin: each view checks who may ask, reads through selectors, writes through services and shows a
service's ValidationError or Conflict beside the form. A service's NotAllowed becomes a 403 page.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import (
    get_visible_or_404,
    is_agency_staff,
    predicate_view_check,
    require,
)
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from programs import selectors, services
from programs.forms import (
    CLAIM_EVIDENCE_LABELS,
    BadgeIssuerForm,
    BudgetTotalForm,
    CapRuleForm,
    CredentialForm,
    CredentialRequestApproveForm,
    CredentialRequestDeclineForm,
    CredentialRequestForm,
    EligibilityRuleForm,
    ProgramCreateForm,
    ProgramCredentialForm,
    ProgramSettingsForm,
    ProgramTransitionForm,
    ProviderForm,
    RoundForm,
    ScoringCriterionForm,
    SkillForm,
)
from programs.models import (
    BadgeIssuer,
    CapRule,
    Credential,
    CredentialRequest,
    EligibilityRule,
    FundingRound,
    Program,
    ScoringCriterion,
    Skill,
    TrainingProvider,
)
from programs.permissions import (
    can_create_program,
    can_manage_catalog,
    can_manage_program,
    can_read_budget,
    can_request_credential,
    can_see_credential_requests,
    credential_requests_visible_to,
    is_program_staff,
    programs_visible_to,
)
from programs.presentation import (
    describe_cap,
    describe_co_payment,
    describe_deadlines,
    describe_priority_order,
    describe_rule,
    money,
)
from programs.rules import PARAMETER_EXAMPLES

PROGRAMS_PER_PAGE = 25
CREDENTIALS_PER_PAGE = 20
ROWS_PER_PAGE = 50

STATUS_TAGS: dict[str, str] = {
    Program.Status.DRAFT: "tag--grey",
    Program.Status.OPEN: "tag--green",
    Program.Status.CLOSED: "tag--amber",
    Program.Status.ARCHIVED: "tag--red",
}
REQUEST_STATUS_TAGS: dict[str, str] = {
    CredentialRequest.Status.PENDING: "tag--amber",
    CredentialRequest.Status.APPROVED: "tag--green",
    CredentialRequest.Status.DECLINED: "tag--red",
}


# ---------------------------------------------------------------- helpers


def _attempt(
    form: Any, service: Callable[..., Any], /, *, field_names: dict[str, str] | None = None, **kwargs: Any
) -> tuple[bool, Any]:
    """Call a service. Its ValidationError or Conflict goes on the form; NotAllowed becomes a 403."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error, field_names)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        form.add_error(None, error.message)
    return False, None


def _call_with_message(request: HttpRequest, service: Callable[..., Any], /, **kwargs: Any) -> bool:
    """Call a service for a one-button action; a refusal becomes an error message, a NotAllowed a 403."""
    try:
        service(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        return True
    return False


def _paginate(request: HttpRequest, rows: Any, per_page: int) -> Page:
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _managed_program(request: HttpRequest, code: str) -> Program:
    """The program, if the caller manages it: 404 if they cannot see it, 403 if they do not manage it."""
    program = get_visible_or_404(programs_visible_to(request.user), code=code)
    require(can_manage_program(request.user, program))
    return program


def _with_costs(credentials: Iterable[Credential]) -> None:
    for credential in credentials:
        credential.cost_display = money(credential.cost, credential.currency)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- public: programs


@login_not_required
@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.program_list(programs_visible_to(request.user)), PROGRAMS_PER_PAGE)
    now = timezone.now()
    for program in page.object_list:
        rounds = program.current_and_future_rounds
        program.next_round = rounds[0] if rounds else None
        program.round_open_now = bool(rounds and rounds[0].is_open_at(now))
        program.status_tag = STATUS_TAGS.get(program.status, "tag--grey")
    return render(
        request,
        "programs/program_list.html",
        {"page": page, "show_status": bool(is_agency_staff(request.user))},
    )


@login_not_required
@require_safe
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        program = selectors.program_detail(programs_visible_to(request.user), code=code)
    except Program.DoesNotExist as error:
        raise Http404 from error
    now = timezone.now()
    rounds = list(program.rounds.all())
    for funding_round in rounds:
        funding_round.open_now = funding_round.is_open_at(now)  # type: ignore[attr-defined]
        funding_round.closed = funding_round.closes_at <= now  # type: ignore[attr-defined]
    funded = list(program.funded_credentials.all())
    for link in funded:
        link.maximum_display = money(link.maximum_amount, program.currency)  # type: ignore[attr-defined]
        link.cost_display = money(link.credential.cost, link.credential.currency)  # type: ignore[attr-defined]
    context = {
        "program": program,
        "status_tag": STATUS_TAGS.get(program.status, "tag--grey"),
        "rounds": rounds,
        "caps": [describe_cap(rule.scope, rule.amount, program.currency) for rule in program.cap_rules.all()],
        "rules": [
            describe_rule(rule.kind, rule.parameters, program.currency)
            for rule in program.eligibility_rules.all()
        ],
        "co_payment": describe_co_payment(program.co_payment_percent),
        "deadlines": describe_deadlines(program),
        "claim_needs": _claim_needs(program),
        "priority": describe_priority_order(program.priority_order or []),
        "criteria": list(program.scoring_criteria.all()),
        "funded": funded,
        "can_manage": bool(can_manage_program(request.user, program)),
        "can_read_budget": bool(can_read_budget(request.user)),
    }
    return render(request, "programs/program_detail.html", context)


def _claim_needs(program: Program) -> list[str]:
    """What a completion claim must carry for the award to be paid, in plain words."""
    needs = []
    for kind in program.claim_evidence or ["certificate_or_badge"]:
        if kind == "retention" and program.retention_period_months:
            needs.append(
                _("The employer's confirmation that the employee is still employed %(months)s months later")
                % {"months": program.retention_period_months}
            )
        elif kind in CLAIM_EVIDENCE_LABELS:
            needs.append(str(CLAIM_EVIDENCE_LABELS[kind]))
    if program.wage_floor is not None:
        needs.append(
            _("A job paying at least %(amount)s a year after the training")
            % {"amount": money(program.wage_floor, program.currency)}
        )
    return needs


# ---------------------------------------------------------------- public: catalog


@login_not_required
@require_safe
def catalog(request: HttpRequest) -> HttpResponse:
    filterset, credentials = selectors.catalog_search(request.GET)
    page = _paginate(request, credentials, CREDENTIALS_PER_PAGE)
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


# ---------------------------------------------------------------- staff: programs


@predicate_view_check(is_program_staff)
@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.program_list(programs_visible_to(request.user)), ROWS_PER_PAGE)
    managed = set(request.user.managed_programs.values_list("pk", flat=True))  # type: ignore[union-attr]
    for program in page.object_list:
        program.status_tag = STATUS_TAGS.get(program.status, "tag--grey")
        program.is_managed = program.pk in managed
        budget = getattr(program, "budget", None)
        program.total_display = money(budget.total if budget else None, program.currency)
        program.available_display = money(budget.available if budget else None, program.currency)
    return render(
        request,
        "programs/manage_list.html",
        {
            "page": page,
            "can_create": bool(can_create_program(request.user)),
            "can_read_budget": bool(can_read_budget(request.user)),
        },
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, program = _attempt(
            form,
            services.program_create,
            field_names={"priority_order": "priority_1"},
            actor=request.user,
            code=form.cleaned_data["code"],
            currency=form.cleaned_data["currency"],
            total_budget=form.cleaned_data["total_budget"],
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Program %(code)s created as a draft.") % {"code": program.code})
            return redirect("programs:program_edit", code=program.code)
    return render(request, "programs/program_create.html", {"form": form})


def _transitions(program: Program) -> list[dict[str, str]]:
    labels = {
        Program.Status.OPEN: _("Reopen the program")
        if program.status == Program.Status.CLOSED
        else _("Open the program"),
        Program.Status.CLOSED: _("Close the program"),
        Program.Status.ARCHIVED: _("Archive the program"),
    }
    order = [Program.Status.OPEN, Program.Status.CLOSED, Program.Status.ARCHIVED]
    allowed = Program.TRANSITIONS[program.status]
    return [
        {
            "value": status.value,
            "label": str(labels[status]),
            "style": "button--warning" if status == Program.Status.ARCHIVED else "button--secondary",
        }
        for status in order
        if status in allowed
    ]


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, code: str) -> HttpResponse:
    program = _managed_program(request, code)
    initial = {name: getattr(program, name) for name in ProgramSettingsForm.Meta.fields}
    initial["priority_order"] = program.priority_order
    form = ProgramSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _program = _attempt(
            form,
            services.program_update,
            field_names={"priority_order": "priority_1"},
            actor=request.user,
            program=program,
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Program settings saved."))
            return redirect("programs:program_edit", code=program.code)
    rounds = list(program.rounds.order_by("opens_at"))
    for funding_round in rounds:
        funding_round.budget_share_display = money(funding_round.budget_share, program.currency)  # type: ignore[attr-defined]
    context = {
        "program": program,
        "status_tag": STATUS_TAGS.get(program.status, "tag--grey"),
        "form": form,
        "transitions": _transitions(program),
        "transition_form": ProgramTransitionForm(prefix="transition"),
        "rounds": rounds,
        "section": "settings",
    }
    return render(request, "programs/program_edit.html", context)


@predicate_view_check(can_create_program)
@require_POST
def program_transition(request: HttpRequest, code: str) -> HttpResponse:
    program = _managed_program(request, code)
    form = ProgramTransitionForm(request.POST, prefix="transition")
    if not form.is_valid():
        messages.error(request, _("Choose one of the status buttons."))
        return redirect("programs:program_edit", code=program.code)
    changed = _call_with_message(
        request,
        services.program_transition,
        actor=request.user,
        program=program,
        to_status=form.cleaned_data["to_status"],
        reason=form.cleaned_data["reason"],
    )
    if changed:
        label = Program.Status(form.cleaned_data["to_status"]).label.lower()
        messages.success(request, _("The program is now %(status)s.") % {"status": label})
    return redirect("programs:program_edit", code=program.code)


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def round_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    program = _managed_program(request, code)
    funding_round = get_object_or_404(FundingRound, pk=pk, program=program) if pk is not None else None
    initial = {}
    if funding_round is not None:
        initial = {
            "name": funding_round.name,
            "opens_at": funding_round.opens_at,
            "closes_at": funding_round.closes_at,
            "budget_share": funding_round.budget_share,
        }
    heading = funding_round.name if funding_round is not None else ""
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, saved = _attempt(
            form,
            services.round_save,
            actor=request.user,
            program=program,
            funding_round=funding_round,
            **form.cleaned_data,
        )
        if done:
            messages.success(request, _("Round “%(name)s” saved.") % {"name": saved.name})
            return redirect("programs:program_edit", code=program.code)
    return render(
        request,
        "programs/round_form.html",
        {"program": program, "form": form, "funding_round": funding_round, "heading": heading},
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def cap_rules(request: HttpRequest, code: str) -> HttpResponse:
    program = _managed_program(request, code)
    form = CapRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _rule = _attempt(
            form, services.cap_rule_add, actor=request.user, program=program, **form.cleaned_data
        )
        if done:
            messages.success(request, _("Cap added."))
            return redirect("programs:cap_rules", code=program.code)
    rules = list(program.cap_rules.order_by("scope", "amount"))
    for rule in rules:
        rule.description = describe_cap(rule.scope, rule.amount, program.currency)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/cap_rules.html",
        {"program": program, "form": form, "rules": rules, "section": "caps"},
    )


@predicate_view_check(can_create_program)
@require_POST
def cap_rule_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    program = _managed_program(request, code)
    rule = get_object_or_404(CapRule.objects.select_related("program"), pk=pk, program=program)
    if _call_with_message(request, services.cap_rule_remove, actor=request.user, rule=rule):
        messages.success(request, _("Cap removed."))
    return redirect("programs:cap_rules", code=program.code)


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def eligibility_rules(request: HttpRequest, code: str) -> HttpResponse:
    program = _managed_program(request, code)
    form = EligibilityRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _rule = _attempt(
            form,
            services.eligibility_rule_add,
            actor=request.user,
            program=program,
            kind=form.cleaned_data["kind"],
            parameters=form.cleaned_data["parameters"],
        )
        if done:
            messages.success(request, _("Eligibility rule added."))
            return redirect("programs:eligibility_rules", code=program.code)
    rules = list(program.eligibility_rules.order_by("id"))
    for rule in rules:
        rule.description = describe_rule(rule.kind, rule.parameters, program.currency)  # type: ignore[attr-defined]
    kind_labels = dict(EligibilityRule.Kind.choices)
    examples = [
        {
            "kind": kind,
            "label": kind_labels.get(kind, kind),
            "example": json.dumps(parameters, ensure_ascii=False),
            "description": describe_rule(kind, parameters, program.currency),
        }
        for kind, parameters in PARAMETER_EXAMPLES.items()
    ]
    return render(
        request,
        "programs/eligibility_rules.html",
        {"program": program, "form": form, "rules": rules, "examples": examples, "section": "eligibility"},
    )


@predicate_view_check(can_create_program)
@require_POST
def eligibility_rule_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    program = _managed_program(request, code)
    rule = get_object_or_404(EligibilityRule.objects.select_related("program"), pk=pk, program=program)
    if _call_with_message(request, services.eligibility_rule_remove, actor=request.user, rule=rule):
        messages.success(request, _("Eligibility rule removed."))
    return redirect("programs:eligibility_rules", code=program.code)


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def scoring_criteria(request: HttpRequest, code: str) -> HttpResponse:
    program = _managed_program(request, code)
    form = ScoringCriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _criterion = _attempt(
            form, services.scoring_criterion_add, actor=request.user, program=program, **form.cleaned_data
        )
        if done:
            messages.success(request, _("Scoring criterion added."))
            return redirect("programs:scoring_criteria", code=program.code)
    return render(
        request,
        "programs/scoring_criteria.html",
        {
            "program": program,
            "form": form,
            "criteria": list(program.scoring_criteria.order_by("-weight", "name")),
            "section": "criteria",
        },
    )


@predicate_view_check(can_create_program)
@require_POST
def scoring_criterion_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    program = _managed_program(request, code)
    criterion = get_object_or_404(ScoringCriterion.objects.select_related("program"), pk=pk, program=program)
    if _call_with_message(
        request, services.scoring_criterion_remove, actor=request.user, criterion=criterion
    ):
        messages.success(request, _("Scoring criterion removed."))
    return redirect("programs:scoring_criteria", code=program.code)


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def program_credentials(request: HttpRequest, code: str) -> HttpResponse:
    program = _managed_program(request, code)
    form = ProgramCredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, link = _attempt(
            form,
            services.program_credential_set,
            actor=request.user,
            program=program,
            credential=form.cleaned_data["credential"],
            maximum_amount=form.cleaned_data["maximum_amount"] or None,
        )
        if done:
            messages.success(
                request, _("“%(title)s” is funded by this program.") % {"title": link.credential.title}
            )
            return redirect("programs:program_credentials", code=program.code)
    funded = list(
        program.funded_credentials.select_related("credential__provider").order_by("credential__title")
    )
    for link in funded:
        link.maximum_display = money(link.maximum_amount, program.currency)  # type: ignore[attr-defined]
        link.cost_display = money(link.credential.cost, link.credential.currency)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/program_credentials.html",
        {"program": program, "form": form, "funded": funded, "section": "credentials"},
    )


@predicate_view_check(can_create_program)
@require_POST
def program_credential_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    program = _managed_program(request, code)
    credential = get_object_or_404(Credential, pk=pk)
    if _call_with_message(
        request,
        services.program_credential_remove,
        actor=request.user,
        program=program,
        credential=credential,
    ):
        messages.success(
            request, _("“%(title)s” is no longer funded by this program.") % {"title": credential.title}
        )
    return redirect("programs:program_credentials", code=program.code)


@predicate_view_check(can_read_budget)
@require_http_methods(["GET", "POST"])
def budget(request: HttpRequest, code: str) -> HttpResponse:
    program = get_visible_or_404(programs_visible_to(request.user).select_related("budget"), code=code)
    may_set_total = bool(can_manage_program(request.user, program))
    form = BudgetTotalForm(request.POST or None) if may_set_total else None
    if request.method == "POST" and not may_set_total:
        require(can_manage_program(request.user, program))
    if form is not None and request.method == "POST" and form.is_valid():
        done, entry = _attempt(
            form,
            services.budget_set_total,
            field_names={"delta": "total"},
            actor=request.user,
            program=program,
            total=form.cleaned_data["total"],
            reason=form.cleaned_data["reason"],
            idempotency_key=f"budget-total:{program.pk}:{form.cleaned_data['idempotency_key']}",
        )
        if done:
            if entry is None:
                messages.info(request, _("Nothing changed: the total budget was already that."))
            else:
                messages.success(request, _("The total budget is changed."))
            return redirect("programs:budget", code=program.code)
    try:
        program_budget = program.budget
    except ObjectDoesNotExist:
        program_budget = None
    totals = []
    if program_budget is not None:
        totals = [
            (_("Total budget"), money(program_budget.total, program_budget.currency)),
            (_("Committed"), money(program_budget.committed, program_budget.currency)),
            (_("Paid out"), money(program_budget.disbursed, program_budget.currency)),
            (_("Available"), money(program_budget.available, program_budget.currency)),
            (_("Clawed back"), money(program_budget.clawed_back, program_budget.currency)),
        ]
    entries = list(selectors.budget_entries(program))
    for entry in entries:
        entry.amount_display = money(entry.amount, entry.currency)  # type: ignore[attr-defined]
        entry.total_after_display = money(entry.total_after, entry.currency)  # type: ignore[attr-defined]
        entry.committed_after_display = money(entry.committed_after, entry.currency)  # type: ignore[attr-defined]
        entry.disbursed_after_display = money(entry.disbursed_after, entry.currency)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/budget.html",
        {
            "program": program,
            "totals": totals,
            "entries": entries,
            "form": form,
            "can_manage": may_set_total,
            "section": "budget",
        },
    )


# ---------------------------------------------------------------- staff: catalog


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, provider = _attempt(form, services.provider_save, actor=request.user, **form.cleaned_data)
        if done:
            messages.success(request, _("Provider “%(name)s” added.") % {"name": provider.name})
            return redirect("programs:provider_list")
    providers = TrainingProvider.objects.annotate(
        credential_count=Count("credentials", distinct=True),
        issuer_count=Count("badge_issuers", filter=Q(badge_issuers__revoked_at__isnull=True), distinct=True),
    ).order_by("name", "pk")
    return render(
        request,
        "programs/provider_list.html",
        {"form": form, "page": _paginate(request, providers, ROWS_PER_PAGE), "section": "providers"},
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
    if request.method == "POST" and form.is_valid():
        done, _provider = _attempt(
            form, services.provider_save, actor=request.user, provider=provider, **form.cleaned_data
        )
        if done:
            messages.success(request, _("Provider saved."))
            return redirect("programs:provider_list")
    provider.name = heading  # the page names the provider as saved, not as typed
    return _provider_page(request, provider, form=form)


@predicate_view_check(can_manage_catalog)
@require_POST
def badge_issuer_register(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(TrainingProvider, pk=pk)
    issuer_form = BadgeIssuerForm(request.POST, prefix="issuer")
    if issuer_form.is_valid():
        done, issuer = _attempt(
            issuer_form,
            services.badge_issuer_register,
            actor=request.user,
            provider=provider,
            issuer_id=issuer_form.cleaned_data["issuer_id"],
            public_keys=issuer_form.cleaned_data["public_keys"],
        )
        if done:
            messages.success(
                request, _("Open Badges issuer %(issuer)s registered.") % {"issuer": issuer.issuer_id}
            )
            return redirect(f"{reverse('programs:provider_edit', args=[provider.pk])}#issuers-heading")
    return _provider_page(request, provider, issuer_form=issuer_form)


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def badge_issuer_revoke(request: HttpRequest, pk: int, issuer_pk: int) -> HttpResponse:
    issuer = get_object_or_404(BadgeIssuer.objects.select_related("provider"), pk=issuer_pk, provider_id=pk)
    if request.method == "POST":
        if _call_with_message(request, services.badge_issuer_revoke, actor=request.user, issuer=issuer):
            messages.success(
                request,
                _("Issuer %(issuer)s is revoked: its badges no longer verify.")
                % {"issuer": issuer.issuer_id},
            )
        return redirect(f"{reverse('programs:provider_edit', args=[pk])}#issuers-heading")
    return render(
        request, "programs/badge_issuer_revoke.html", {"issuer": issuer, "provider": issuer.provider}
    )


@predicate_view_check(can_manage_catalog)
@require_safe
def credential_manage_list(request: HttpRequest) -> HttpResponse:
    filterset, credentials = selectors.catalog_search(request.GET, listed_only=False)
    page = _paginate(request, credentials, CREDENTIALS_PER_PAGE)
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
    if request.method == "POST" and form.is_valid():
        done, saved = _attempt(
            form,
            services.credential_save,
            actor=request.user,
            credential=credential,
            occupation_codes=form.cleaned_data["occupation_codes"],
            skills=form.cleaned_data["skills"],
            **form.service_fields(),
        )
        if done:
            messages.success(request, _("Credential “%(title)s” saved.") % {"title": saved.title})
            if for_request is not None:
                url = reverse("programs:request_detail", args=[for_request.pk])
                return redirect(f"{url}?credential={saved.pk}")
            return redirect("programs:credential_manage_list")
    return render(
        request,
        "programs/credential_form.html",
        {"form": form, "credential": credential, "heading": heading, "for_request": for_request},
    )


@predicate_view_check(can_manage_catalog)
@require_http_methods(["GET", "POST"])
def skill_list(request: HttpRequest) -> HttpResponse:
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, skill = _attempt(form, services.skill_save, actor=request.user, **form.cleaned_data)
        if done:
            messages.success(request, _("Skill “%(label)s” added.") % {"label": skill.label})
            return redirect("programs:skill_list")
    skills = Skill.objects.annotate(credential_count=Count("credentials")).order_by("label", "pk")
    return render(
        request,
        "programs/skill_list.html",
        {"form": form, "page": _paginate(request, skills, ROWS_PER_PAGE), "section": "skills"},
    )


# ---------------------------------------------------------------- credential requests


@predicate_view_check(can_see_credential_requests)
@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    requests = credential_requests_visible_to(request.user).select_related(
        "requested_by", "program", "credential"
    )
    status = request.GET.get("status", "")
    if status in CredentialRequest.Status.values:
        requests = requests.filter(status=status)
    page = _paginate(request, requests.order_by("-created_at", "-pk"), ROWS_PER_PAGE)
    for item in page.object_list:
        item.status_tag = REQUEST_STATUS_TAGS.get(item.status, "tag--grey")
    return render(
        request,
        "programs/request_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CredentialRequest.Status.choices,
            "is_manager": bool(can_manage_catalog(request.user)),
            "can_request": bool(can_request_credential(request.user)),
        },
    )


@predicate_view_check(can_request_credential)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    form = CredentialRequestForm(
        request.POST or None, request.FILES or None, programs=programs_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        done, created = _attempt(
            form, services.credential_request_submit, actor=request.user, **form.service_fields()
        )
        if done:
            messages.success(request, _("Request sent. A program manager will review it."))
            return redirect("programs:request_detail", pk=created.pk)
    return render(request, "programs/request_form.html", {"form": form})


def _request_detail_page(
    request: HttpRequest,
    credential_request: CredentialRequest,
    *,
    approve_form: Any = None,
    decline_form: Any = None,
) -> HttpResponse:
    is_manager = bool(can_manage_catalog(request.user))
    pending = credential_request.status == CredentialRequest.Status.PENDING
    if is_manager and pending:
        approve_form = approve_form or CredentialRequestApproveForm(
            prefix="approve", initial={"credential": request.GET.get("credential", "")}
        )
        decline_form = decline_form or CredentialRequestDeclineForm(prefix="decline")
    else:
        approve_form = decline_form = None
    labels = dict(CredentialRequest.Status.choices)
    events = list(credential_request.events.select_related("actor"))
    for event in events:
        event.status_label = labels.get(event.to_status, event.to_status)  # type: ignore[attr-defined]
    return render(
        request,
        "programs/request_detail.html",
        {
            "credential_request": credential_request,
            "status_tag": REQUEST_STATUS_TAGS.get(credential_request.status, "tag--grey"),
            "cost_display": money(credential_request.cost, "USD"),
            "events": events,
            "is_manager": is_manager,
            "approve_form": approve_form,
            "decline_form": decline_form,
        },
    )


def _visible_request(request: HttpRequest, pk: int) -> CredentialRequest:
    return get_visible_or_404(
        credential_requests_visible_to(request.user).select_related(
            "requested_by", "program", "credential", "decided_by"
        ),
        pk=pk,
    )


@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_detail_page(request, _visible_request(request, pk))


def _decision_refused(
    request: HttpRequest, credential_request: CredentialRequest, **forms: Any
) -> HttpResponse:
    """Show a refused decision: beside the form, or as a message if the request was decided meanwhile."""
    credential_request.refresh_from_db(fields=["status"])
    if credential_request.status == CredentialRequest.Status.PENDING:
        return _request_detail_page(request, credential_request, **forms)
    for form in forms.values():
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect("programs:request_detail", pk=credential_request.pk)


@predicate_view_check(can_manage_catalog)
@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    credential_request = _visible_request(request, pk)
    form = CredentialRequestApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        done, _decided = _attempt(
            form,
            services.credential_request_approve,
            actor=request.user,
            request=credential_request,
            credential=form.cleaned_data["credential"],
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("Request approved: the credential is in the catalog."))
            return redirect("programs:request_detail", pk=credential_request.pk)
    return _decision_refused(request, credential_request, approve_form=form)


@predicate_view_check(can_manage_catalog)
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    credential_request = _visible_request(request, pk)
    form = CredentialRequestDeclineForm(request.POST, prefix="decline")
    if form.is_valid():
        done, _decided = _attempt(
            form,
            services.credential_request_decline,
            actor=request.user,
            request=credential_request,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("Request declined. The requester can read your reason."))
            return redirect("programs:request_detail", pk=credential_request.pk)
    return _decision_refused(request, credential_request, decline_form=form)


@require_safe
def request_syllabus(request: HttpRequest, pk: int) -> FileResponse:
    """The syllabus, to the requester and program managers only, as a download (never a public URL)."""
    credential_request = get_visible_or_404(credential_requests_visible_to(request.user), pk=pk)
    if not credential_request.syllabus:
        raise Http404
    try:
        handle = credential_request.syllabus.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"syllabus-request-{credential_request.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
