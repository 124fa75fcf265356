"""Staff pages for a program's setup: funding rounds, caps, eligibility rules, scoring criteria and the
credentials it funds."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import predicate_view_check
from programs import services
from programs.forms import (
    CapRuleForm,
    EligibilityRuleForm,
    ProgramCredentialForm,
    RoundForm,
    ScoringCriterionForm,
)
from programs.models import CapRule, Credential, EligibilityRule, FundingRound, ScoringCriterion
from programs.permissions import can_create_program
from programs.presentation import describe_cap, describe_rule, money
from programs.rules import PARAMETER_EXAMPLES
from programs.views.common import _attempt, _call_with_message, _managed_program

# ---------------------------------------------------------------- staff: program setup


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
