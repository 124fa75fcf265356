"""A program itself: creating a draft, changing its settings, moving it along its statuses."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, require
from core.money import to_amount
from core.workflow import check_move, lock, transition
from programs.models import Program, ProgramBudget, ProgramEvent
from programs.permissions import can_create_program, can_manage_program
from programs.services.common import _full_clean
from programs.services.ledger import budget_adjust

# ---------------------------------------------------------------- programs

PROGRAM_FIELDS = (
    "name",
    "summary",
    "description",
    "funding_agency",
    "payment_model",
    "applicant_type",
    "selection_method",
    "priority_order",
    "co_payment_percent",
    "claim_deadline_weeks",
    "retention_period_months",
    "training_window_months",
    "claim_evidence",
    "wage_floor",
)

CLAIM_EVIDENCE_KINDS = (
    "certificate",
    "badge",
    "certificate_or_badge",
    "invoice",
    "proof_of_payment",
    "retention",
)


def _clean_claim_evidence(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({"claim_evidence": _("List the evidence a claim needs.")})
    wrong = [item for item in value if item not in CLAIM_EVIDENCE_KINDS]
    if wrong:
        raise ValidationError(
            {
                "claim_evidence": _("Unknown evidence: %(wrong)s. Choose from: %(allowed)s.")
                % {"wrong": ", ".join(wrong), "allowed": ", ".join(CLAIM_EVIDENCE_KINDS)}
            }
        )
    return list(dict.fromkeys(value))


def _clean_priority_order(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({"priority_order": _("List the priority groups in order.")})
    allowed = set(Program.PriorityGroup.values)
    wrong = [item for item in value if item not in allowed]
    if wrong:
        raise ValidationError(
            {
                "priority_order": _("Unknown priority group(s): %(wrong)s. Choose from: %(allowed)s.")
                % {"wrong": ", ".join(wrong), "allowed": ", ".join(sorted(allowed))}
            }
        )
    if len(set(value)) != len(value):
        raise ValidationError({"priority_order": _("Name each priority group once.")})
    return list(value)


@transaction.atomic
def program_create(*, actor: User, code: str, currency: str, total_budget: Any, **fields: Any) -> Program:
    """Create a draft program with its budget row and the opening budget as an adjustment entry.

    Side effects: Program, ProgramBudget, a ledger adjustment entry, a ProgramEvent; the creator
    becomes one of the program's managers.
    """
    require(can_create_program(actor))
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown program field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    fields["priority_order"] = _clean_priority_order(fields.get("priority_order"))
    fields["claim_evidence"] = _clean_claim_evidence(fields.get("claim_evidence"))
    if fields.get("wage_floor") == "":
        fields["wage_floor"] = None
    if fields.get("wage_floor") is not None:
        fields["wage_floor"] = to_amount(fields["wage_floor"], currency, field="wage_floor")
    program = Program(
        code=str(code).strip().upper(), currency=currency, status=Program.Status.DRAFT, **fields
    )
    _full_clean(program)
    total = to_amount(total_budget, currency, field="total_budget", allow_zero=True)
    program.save()
    program.managers.add(actor)
    ProgramBudget.objects.create(program=program, currency=currency)
    if total > 0:
        budget_adjust(
            program=program,
            delta=total,
            actor=actor,
            reason=_("Opening budget"),
            idempotency_key=f"program:{program.pk}:opening-budget",
        )
    program.budget.refresh_from_db()  # the adjustment moved the totals in the database
    ProgramEvent.objects.create(
        program=program,
        actor=actor,
        action="created",
        to_status=program.status,
        payload={"total_budget": str(total)},
    )
    return program


@transaction.atomic
def program_update(*, actor: User, program: Program, **fields: Any) -> Program:
    """Change a program's settings; status, code, currency and budget have their own services."""
    locked = lock(program)
    require(can_manage_program(actor, locked))
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed here: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if locked.status == Program.Status.ARCHIVED:
        raise Conflict(_("An archived program cannot be changed."))
    if "priority_order" in fields:
        fields["priority_order"] = _clean_priority_order(fields["priority_order"])
    if "claim_evidence" in fields:
        fields["claim_evidence"] = _clean_claim_evidence(fields["claim_evidence"])
    if fields.get("wage_floor") == "":
        fields["wage_floor"] = None  # an empty field: no wage floor
    if fields.get("wage_floor") is not None:
        fields["wage_floor"] = to_amount(fields["wage_floor"], locked.currency, field="wage_floor")
    changed = {}
    for name, value in fields.items():
        if getattr(locked, name) != value:
            changed[name] = [str(getattr(locked, name)), str(value)]
            setattr(locked, name, value)
    _full_clean(locked)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        ProgramEvent.objects.create(
            program=locked, actor=actor, action="updated", payload={"changed": changed}
        )
    return locked


@transaction.atomic
def program_transition(*, actor: User, program: Program, to_status: str, reason: str = "") -> Program:
    """Move a program along draft → open → closed → archived (closed may reopen).

    Opening needs at least one funding round and a budget above zero.
    Side effects: the status change and a ProgramEvent.
    """
    locked = lock(program)
    require(can_manage_program(actor, locked))
    if to_status not in Program.Status.values:
        raise ValidationError(
            {"to_status": _("“%(status)s” is not a program status.") % {"status": to_status}}
        )
    check_move(locked, to_status)
    if to_status == Program.Status.OPEN:
        if not locked.rounds.exists():
            raise ValidationError(_("Add at least one funding round before opening the program."))
        if locked.budget.total <= 0:
            raise ValidationError(_("Give the program a budget before opening it."))
    transition(locked, to_status, actor=actor, action="status", reason=reason)
    return locked
