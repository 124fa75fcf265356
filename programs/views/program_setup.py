"""Staff pages for a program's setup: funding rounds, caps, eligibility rules, scoring criteria and the
credentials it funds."""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import predicate_view_check
from core.views import button_action, form_action, signed_in_user
from programs import services
from programs.forms import (
    CapRuleForm,
    EligibilityRuleForm,
    ProgramCredentialForm,
    RoundForm,
    ScoringCriterionForm,
)
from programs.models import CapRule, Credential, EligibilityRule, FundingRound, Program, ScoringCriterion
from programs.permissions import can_create_program
from programs.presentation import describe_cap, describe_rule, money
from programs.rules import PARAMETER_EXAMPLES
from programs.views.common import managed_program

# ---------------------------------------------------------------- staff: program setup


def _setup_page(program: Program, section: str) -> HttpResponse:
    """Back to one section of the program's setup, after a change."""
    return redirect(f"programs:{section}", code=program.code)


def _setting_remove(
    request: HttpRequest,
    code: str,
    pk: int,
    model: type[CapRule | EligibilityRule | ScoringCriterion],
    service: Callable[..., None],
    *,
    success: str,
    section: str,
    field: str = "rule",
) -> HttpResponse:
    """Remove one of the program's settings (a cap, a rule, a criterion) by its service, passed as
    `field`, and go back to its section."""
    program = managed_program(request, code)
    setting: dict[str, Any] = {
        field: get_object_or_404(model._default_manager.select_related("program"), pk=pk, program=program)
    }
    return button_action(
        request,
        service,
        actor=signed_in_user(request),
        success=success,
        then=_setup_page(program, section),
        **setting,
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def round_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    program = managed_program(request, code)
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
    return form_action(
        request,
        form,
        lambda: services.round_save(
            actor=signed_in_user(request), program=program, funding_round=funding_round, **form.cleaned_data
        ),
        success=lambda saved: _("Round “%(name)s” saved.") % {"name": saved.name},
        then=_setup_page(program, "program_edit"),
        otherwise=lambda: render(
            request,
            "programs/round_form.html",
            {"program": program, "form": form, "funding_round": funding_round, "heading": heading},
        ),
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def cap_rules(request: HttpRequest, code: str) -> HttpResponse:
    program = managed_program(request, code)
    form = CapRuleForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.cap_rule_add(actor=signed_in_user(request), program=program, **form.cleaned_data),
        success=_("Cap added."),
        then=_setup_page(program, "cap_rules"),
        otherwise=lambda: _cap_rules_page(request, program, form),
    )


def _cap_rules_page(request: HttpRequest, program: Program, form: CapRuleForm) -> HttpResponse:
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
    return _setting_remove(
        request, code, pk, CapRule, services.cap_rule_remove, success=_("Cap removed."), section="cap_rules"
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def eligibility_rules(request: HttpRequest, code: str) -> HttpResponse:
    program = managed_program(request, code)
    form = EligibilityRuleForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.eligibility_rule_add(
            actor=signed_in_user(request),
            program=program,
            kind=form.cleaned_data["kind"],
            parameters=form.cleaned_data["parameters"],
        ),
        success=_("Eligibility rule added."),
        then=_setup_page(program, "eligibility_rules"),
        otherwise=lambda: _eligibility_rules_page(request, program, form),
    )


def _eligibility_rules_page(
    request: HttpRequest, program: Program, form: EligibilityRuleForm
) -> HttpResponse:
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
    return _setting_remove(
        request,
        code,
        pk,
        EligibilityRule,
        services.eligibility_rule_remove,
        success=_("Eligibility rule removed."),
        section="eligibility_rules",
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def scoring_criteria(request: HttpRequest, code: str) -> HttpResponse:
    program = managed_program(request, code)
    form = ScoringCriterionForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.scoring_criterion_add(
            actor=signed_in_user(request), program=program, **form.cleaned_data
        ),
        success=_("Scoring criterion added."),
        then=_setup_page(program, "scoring_criteria"),
        otherwise=lambda: render(
            request,
            "programs/scoring_criteria.html",
            {
                "program": program,
                "form": form,
                "criteria": list(program.scoring_criteria.order_by("-weight", "name")),
                "section": "criteria",
            },
        ),
    )


@predicate_view_check(can_create_program)
@require_POST
def scoring_criterion_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _setting_remove(
        request,
        code,
        pk,
        ScoringCriterion,
        services.scoring_criterion_remove,
        success=_("Scoring criterion removed."),
        section="scoring_criteria",
        field="criterion",
    )


@predicate_view_check(can_create_program)
@require_http_methods(["GET", "POST"])
def program_credentials(request: HttpRequest, code: str) -> HttpResponse:
    program = managed_program(request, code)
    form = ProgramCredentialForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.program_credential_set(
            actor=signed_in_user(request),
            program=program,
            credential=form.cleaned_data["credential"],
            maximum_amount=form.cleaned_data["maximum_amount"] or None,
        ),
        success=lambda link: _("“%(title)s” is funded by this program.") % {"title": link.credential.title},
        then=_setup_page(program, "program_credentials"),
        otherwise=lambda: _program_credentials_page(request, program, form),
    )


def _program_credentials_page(
    request: HttpRequest, program: Program, form: ProgramCredentialForm
) -> HttpResponse:
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
    program = managed_program(request, code)
    credential = get_object_or_404(Credential, pk=pk)
    return button_action(
        request,
        services.program_credential_remove,
        actor=signed_in_user(request),
        program=program,
        credential=credential,
        success=_("“%(title)s” is no longer funded by this program.") % {"title": credential.title},
        then=_setup_page(program, "program_credentials"),
    )
