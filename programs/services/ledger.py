"""The budget ledger: every movement of a program's money, each an entry on the ledger.

Ledger services lock only the program's budget row (budget_lock); callers holding other locks take them
first."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, require
from core.money import to_amount
from core.workflow import lock_rows
from programs.models import FundingRound, LedgerEntry, Program, ProgramBudget
from programs.permissions import can_manage_program

# ---------------------------------------------------------------- budget ledger

# The error code of a refusal for lack of money, so callers can tell it from other refusals.
BUDGET_EXHAUSTED = "budget_exhausted"


@dataclass(frozen=True)
class _Movement:
    committed: Decimal = Decimal("0")
    disbursed: Decimal = Decimal("0")
    total: Decimal = Decimal("0")
    clawed_back: Decimal = Decimal("0")


# How each kind of entry moves the budget's totals, for its amount (an adjustment's is signed).
MOVEMENTS: dict[str, Callable[[Decimal], _Movement]] = {
    LedgerEntry.Kind.COMMITMENT: lambda value: _Movement(committed=value),
    LedgerEntry.Kind.RELEASE: lambda value: _Movement(committed=-value),
    LedgerEntry.Kind.DISBURSEMENT: lambda value: _Movement(committed=-value, disbursed=value),
    LedgerEntry.Kind.CLAWBACK: lambda value: _Movement(disbursed=-value, clawed_back=value),
    LedgerEntry.Kind.ADJUSTMENT: lambda value: _Movement(total=value),
}


def _subject_fields(subject: models.Model | None) -> dict[str, Any]:
    if subject is None:
        return {}
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": str(subject.pk)}


def budget_lock(program: Program) -> ProgramBudget:
    """The program's budget row, locked until the transaction ends (FOR UPDATE).

    Every movement of the program's money takes it, so whoever holds it sees every award of the program
    that has committed and none that is still being decided: a service that must count a program's awards
    before it makes one (caps per person or employer, the round's share) takes it first. Lock order:
    application, then budget."""
    return lock_rows(ProgramBudget.objects.filter(program_id=program.pk)).get()


def _record(
    *,
    program: Program,
    kind: str,
    amount: Decimal,
    actor: User | None,
    reason: str,
    idempotency_key: str,
    funding_round: FundingRound | None = None,
    subject: models.Model | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Lock the budget, replay a repeated key, check, move the totals with F() (by MOVEMENTS), write the
    entry."""
    movement = MOVEMENTS[kind](amount)
    if not idempotency_key or len(idempotency_key) > 120:
        raise ValidationError({"idempotency_key": _("Give an idempotency key of 1 to 120 characters.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the money moves; the reason stays on the ledger.")})
    budget = budget_lock(program)
    existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if (existing.budget_id, existing.kind, existing.amount) != (budget.pk, kind, amount):
            raise Conflict(_("This idempotency key was already used for a different ledger entry."))
        return existing
    new_total = budget.total + movement.total
    new_committed = budget.committed + movement.committed
    new_disbursed = budget.disbursed + movement.disbursed
    if new_total < 0 or new_committed < 0 or new_disbursed < 0:
        raise ValidationError({"amount": _("That is more than the ledger holds for this purpose.")})
    if new_committed + new_disbursed > new_total:
        available = budget.total - budget.committed - budget.disbursed
        message = _(
            "Not enough budget: %(available)s %(currency)s is available and %(amount)s is needed."
        ) % {
            "available": f"{available:,.2f}",
            "currency": budget.currency,
            "amount": f"{abs(amount):,.2f}",
        }
        raise ValidationError({"amount": ValidationError(message, code=BUDGET_EXHAUSTED)})
    if funding_round is not None and funding_round.budget_share is not None and movement.committed > 0:
        used = LedgerEntry.objects.filter(funding_round=funding_round).aggregate(
            used=Sum("amount", filter=models.Q(kind=LedgerEntry.Kind.COMMITMENT))
            - Sum("amount", filter=models.Q(kind=LedgerEntry.Kind.RELEASE), default=0)
        )["used"] or Decimal("0")
        if used + movement.committed > funding_round.budget_share:
            message = _("Not enough left in %(round)s's share: %(left)s of %(share)s remains.") % {
                "round": funding_round.name,
                "left": f"{funding_round.budget_share - used:,.2f}",
                "share": f"{funding_round.budget_share:,.2f}",
            }
            raise ValidationError({"amount": ValidationError(message, code=BUDGET_EXHAUSTED)})
    # Rounded to cents in the database: SQLite adds decimals as binary floats, and 90 - 68.40 - 21.60 must
    # come out as 0, not as -7e-15 (which the "never negative" constraints would refuse).
    ProgramBudget.objects.filter(pk=budget.pk).update(
        total=Round(F("total") + movement.total, 2),
        committed=Round(F("committed") + movement.committed, 2),
        disbursed=Round(F("disbursed") + movement.disbursed, 2),
        clawed_back=Round(F("clawed_back") + movement.clawed_back, 2),
        updated_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                budget=budget,
                kind=kind,
                amount=amount,
                currency=budget.currency,
                funding_round=funding_round,
                actor=actor,
                reason=reason,
                idempotency_key=idempotency_key,
                reverses=reverses,
                total_after=new_total,
                committed_after=new_committed,
                disbursed_after=new_disbursed,
                **_subject_fields(subject),
            )
    except IntegrityError as error:  # the same key on another program's budget, written meanwhile
        raise Conflict(_("This idempotency key was already used for a different ledger entry.")) from error


@transaction.atomic
def budget_commit(
    *,
    program: Program,
    amount: Any,
    idempotency_key: str,
    reason: str,
    actor: User | None = None,
    funding_round: FundingRound | None = None,
    subject: models.Model | None = None,
) -> LedgerEntry:
    """Set money aside for an award. Refused, writing nothing, if the budget (or round share) cannot cover it.

    Idempotent on `idempotency_key`: a repeat returns the first entry and moves nothing.
    """
    return _record(
        program=program,
        kind=LedgerEntry.Kind.COMMITMENT,
        amount=to_amount(amount, program.currency),
        actor=actor,
        reason=reason,
        idempotency_key=idempotency_key,
        funding_round=funding_round,
        subject=subject,
    )


@transaction.atomic
def budget_release(
    *,
    program: Program,
    amount: Any,
    idempotency_key: str,
    reason: str,
    actor: User | None = None,
    funding_round: FundingRound | None = None,
    subject: models.Model | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Return committed money to what is available (cancellation, expiry, a smaller award)."""
    return _record(
        program=program,
        kind=LedgerEntry.Kind.RELEASE,
        amount=to_amount(amount, program.currency),
        actor=actor,
        reason=reason,
        idempotency_key=idempotency_key,
        funding_round=funding_round,
        subject=subject,
        reverses=reverses,
    )


@transaction.atomic
def budget_disburse(
    *,
    program: Program,
    amount: Any,
    idempotency_key: str,
    reason: str,
    actor: User | None = None,
    funding_round: FundingRound | None = None,
    subject: models.Model | None = None,
) -> LedgerEntry:
    """Pay out committed money: committed goes down and disbursed goes up by the same amount."""
    return _record(
        program=program,
        kind=LedgerEntry.Kind.DISBURSEMENT,
        amount=to_amount(amount, program.currency),
        actor=actor,
        reason=reason,
        idempotency_key=idempotency_key,
        funding_round=funding_round,
        subject=subject,
    )


@transaction.atomic
def budget_claw_back(
    *,
    program: Program,
    amount: Any,
    idempotency_key: str,
    reason: str,
    actor: User | None = None,
    subject: models.Model | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Record money recovered after payment: disbursed goes down, and it is available again."""
    return _record(
        program=program,
        kind=LedgerEntry.Kind.CLAWBACK,
        amount=to_amount(amount, program.currency),
        actor=actor,
        reason=reason,
        idempotency_key=idempotency_key,
        subject=subject,
        reverses=reverses,
    )


@transaction.atomic
def budget_adjust(
    *,
    program: Program,
    delta: Any,
    idempotency_key: str,
    reason: str,
    actor: User | None = None,
) -> LedgerEntry:
    """Raise or lower the program's total budget. Lowering below what is committed and paid is refused."""
    if actor is not None:
        require(can_manage_program(actor, program))
    text = str(delta).strip()
    negative = text.startswith("-")
    value = to_amount(text.lstrip("-"), program.currency, field="delta")
    signed = -value if negative else value
    try:
        return _record(
            program=program,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=signed,
            actor=actor,
            reason=reason,
            idempotency_key=idempotency_key,
        )
    except ValidationError as error:
        if negative and "amount" in getattr(error, "message_dict", {}):
            budget = ProgramBudget.objects.get(program_id=program.pk)
            raise ValidationError(
                {
                    "delta": _(
                        "The budget cannot go below what is committed and paid (%(used)s %(currency)s)."
                    )
                    % {"used": f"{budget.committed + budget.disbursed:,.2f}", "currency": budget.currency}
                }
            ) from error
        raise


@transaction.atomic
def budget_set_total(
    *, actor: User, program: Program, total: Any, reason: str, idempotency_key: str
) -> LedgerEntry | None:
    """Set the total budget to a new figure through an adjustment entry (staff pages use this)."""
    new_total = to_amount(total, program.currency, field="total", allow_zero=True)
    require(can_manage_program(actor, program))
    budget = budget_lock(program)
    delta = new_total - budget.total
    if delta == 0:
        return None
    return budget_adjust(
        program=program, delta=str(delta), idempotency_key=idempotency_key, reason=reason, actor=actor
    )
