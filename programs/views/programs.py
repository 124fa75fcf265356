"""Program pages: the public list and detail, and staff pages to list, create, edit and open or close a
program."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import is_agency_staff, predicate_view_check
from core.pagination import paginate
from core.views import button_action, form_action, signed_in_user
from programs import selectors, services
from programs.forms import (
    CLAIM_EVIDENCE_LABELS,
    ProgramCreateForm,
    ProgramSettingsForm,
    ProgramTransitionForm,
)
from programs.models import Program
from programs.permissions import (
    can_create_program,
    can_manage_program,
    can_read_budget,
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
from programs.views.common import ROWS_PER_PAGE, managed_program

PROGRAMS_PER_PAGE = 25

STATUS_TAGS: dict[str, str] = {
    Program.Status.DRAFT: "tag--grey",
    Program.Status.OPEN: "tag--green",
    Program.Status.CLOSED: "tag--amber",
    Program.Status.ARCHIVED: "tag--red",
}

# ---------------------------------------------------------------- public: programs


@login_not_required
@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.program_list(programs_visible_to(request.user)), PROGRAMS_PER_PAGE)
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


# ---------------------------------------------------------------- staff: programs


@predicate_view_check(is_program_staff)
@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.program_list(programs_visible_to(request.user)), ROWS_PER_PAGE)
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
    return form_action(
        request,
        form,
        lambda: services.program_create(
            actor=signed_in_user(request),
            code=form.cleaned_data["code"],
            currency=form.cleaned_data["currency"],
            total_budget=form.cleaned_data["total_budget"],
            **form.service_fields(),
        ),
        field_names={"priority_order": "priority_1"},
        success=lambda program: _("Program %(code)s created as a draft.") % {"code": program.code},
        then=lambda program: redirect("programs:program_edit", code=program.code),
        otherwise=lambda: render(request, "programs/program_create.html", {"form": form}),
    )


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
    program = managed_program(request, code)
    initial = {name: getattr(program, name) for name in ProgramSettingsForm.Meta.fields}
    initial["priority_order"] = program.priority_order
    form = ProgramSettingsForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form,
        lambda: services.program_update(
            actor=signed_in_user(request), program=program, **form.service_fields()
        ),
        field_names={"priority_order": "priority_1"},
        success=_("Program settings saved."),
        then=redirect("programs:program_edit", code=program.code),
        otherwise=lambda: _program_edit_page(request, program, form),
    )


def _program_edit_page(request: HttpRequest, program: Program, form: ProgramSettingsForm) -> HttpResponse:
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
    program = managed_program(request, code)
    form = ProgramTransitionForm(request.POST, prefix="transition")
    if not form.is_valid():
        messages.error(request, _("Choose one of the status buttons."))
        return redirect("programs:program_edit", code=program.code)
    label = Program.Status(form.cleaned_data["to_status"]).label.lower()
    return button_action(
        request,
        services.program_transition,
        actor=signed_in_user(request),
        program=program,
        to_status=form.cleaned_data["to_status"],
        reason=form.cleaned_data["reason"],
        success=_("The program is now %(status)s.") % {"status": label},
        then=redirect("programs:program_edit", code=program.code),
    )
