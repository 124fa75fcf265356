"""Every write to programs, the catalog and the budget ledger.

Lock order, everywhere: an application (or other subject) row first, then the program row, then the
program's budget row. Ledger services lock only the budget; callers holding other locks take them first.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
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
from core.dates import add_months, check_within
from core.exceptions import Conflict, require
from core.money import to_amount
from core.workflow import check_move, lock, transition
from programs.models import (
    BadgeIssuer,
    CapRule,
    Credential,
    CredentialRequest,
    CredentialRequestEvent,
    EligibilityRule,
    FundingRound,
    LedgerEntry,
    Occupation,
    Program,
    ProgramBudget,
    ProgramCredential,
    ProgramEvent,
    ScoringCriterion,
    Skill,
    TrainingProvider,
    onet_soc_validator,
)
from programs.permissions import (
    can_create_program,
    can_manage_catalog,
    can_manage_program,
    can_request_credential,
)
from programs.rules import validate_rule_parameters

# The windows the dates people enter here must fall in, counted from the day they are entered.
# A funding round is run now: it may be recorded up to ten years back (an earlier round of a program moved
# onto SkillsFund) or planned up to ten years ahead; a date beyond either is a typing error. A round's date
# kept unchanged is not judged again, so an old round can still be renamed.
ROUND_YEARS_BACK = 10
ROUND_YEARS_AHEAD = 10
# Eligible-training-provider lists began with the US Workforce Investment Act of 1998 (in force in 2000),
# so no listing starts or ends earlier; twenty years ahead is longer than any listing is granted for.
# As this window only widens with time, a provider's stored dates always stay inside it.
PROVIDER_LISTING_EARLIEST = date(2000, 1, 1)
PROVIDER_LISTING_YEARS_AHEAD = 20


def _full_clean(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    instance.full_clean(exclude=list(exclude))


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
    locked = Program.objects.select_for_update().get(pk=program.pk)
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
    locked = Program.objects.select_for_update().get(pk=program.pk)
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


def _lock_configurable(actor: User, program: Program) -> Program:
    locked = lock(program)
    require(can_manage_program(actor, locked))
    if locked.status == Program.Status.ARCHIVED:
        raise Conflict(_("An archived program cannot be changed."))
    return locked


def _check_round_dates(instance: FundingRound, before: dict[str, Any]) -> None:
    """The round's opening and closing, those set or changed (`before`: the stored values), inside
    ROUND_YEARS_BACK/AHEAD of today."""
    today = timezone.localdate()
    earliest, latest = add_months(today, -12 * ROUND_YEARS_BACK), add_months(today, 12 * ROUND_YEARS_AHEAD)
    errors: dict[str, list[str]] = {}
    for name in ("opens_at", "closes_at"):
        moment = getattr(instance, name)
        if moment == before.get(name):
            continue  # unchanged: judged when it was entered
        try:
            check_within(moment, field=name, earliest=earliest, latest=latest)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_save(
    *,
    actor: User,
    program: Program,
    name: str,
    opens_at: Any,
    closes_at: Any,
    budget_share: Any = None,
    funding_round: FundingRound | None = None,
) -> FundingRound:
    """Add a funding round, or change one. Rounds of a program may not overlap."""
    locked = _lock_configurable(actor, program)
    if funding_round is not None and funding_round.program_id != locked.pk:
        raise ValidationError(_("That round belongs to another program."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The round must close after it opens.")})
    share = (
        None if budget_share in (None, "") else to_amount(budget_share, locked.currency, field="budget_share")
    )
    instance = funding_round or FundingRound(program=locked)
    before = {"opens_at": instance.opens_at, "closes_at": instance.closes_at}
    instance.name, instance.opens_at, instance.closes_at, instance.budget_share = (
        name,
        opens_at,
        closes_at,
        share,
    )
    _full_clean(instance)
    _check_round_dates(instance, before)
    overlapping = locked.rounds.filter(opens_at__lt=closes_at, closes_at__gt=opens_at)
    if instance.pk:
        overlapping = overlapping.exclude(pk=instance.pk)
    clash = overlapping.first()
    if clash is not None:
        raise ValidationError(
            {
                "opens_at": _(
                    "This round overlaps “%(name)s” (%(opens)s to %(closes)s); rounds may not overlap."
                )
                % {"name": clash.name, "opens": clash.opens_at.date(), "closes": clash.closes_at.date()}
            }
        )
    instance.save()
    ProgramEvent.objects.create(
        program=locked,
        actor=actor,
        action="round_saved",
        payload={
            "round": instance.pk,
            "name": name,
            "opens_at": str(opens_at),
            "closes_at": str(closes_at),
            "budget_share": str(share),
        },
    )
    return instance


@transaction.atomic
def cap_rule_add(*, actor: User, program: Program, scope: str, amount: Any, note: str = "") -> CapRule:
    locked = _lock_configurable(actor, program)
    if scope not in CapRule.Scope.values:
        raise ValidationError({"scope": _("“%(scope)s” is not a cap scope.") % {"scope": scope}})
    rule = CapRule(program=locked, scope=scope, amount=to_amount(amount, locked.currency), note=note)
    _full_clean(rule)
    rule.save()
    ProgramEvent.objects.create(
        program=locked, actor=actor, action="cap_added", payload={"scope": scope, "amount": str(rule.amount)}
    )
    return rule


@transaction.atomic
def cap_rule_remove(*, actor: User, rule: CapRule) -> None:
    locked = _lock_configurable(actor, rule.program)
    ProgramEvent.objects.create(
        program=locked,
        actor=actor,
        action="cap_removed",
        payload={"scope": rule.scope, "amount": str(rule.amount)},
    )
    rule.delete()


@transaction.atomic
def eligibility_rule_add(*, actor: User, program: Program, kind: str, parameters: Any) -> EligibilityRule:
    locked = _lock_configurable(actor, program)
    cleaned = validate_rule_parameters(kind, parameters)
    rule = EligibilityRule.objects.create(program=locked, kind=kind, parameters=cleaned)
    ProgramEvent.objects.create(
        program=locked, actor=actor, action="eligibility_added", payload={"kind": kind, "parameters": cleaned}
    )
    return rule


@transaction.atomic
def eligibility_rule_remove(*, actor: User, rule: EligibilityRule) -> None:
    locked = _lock_configurable(actor, rule.program)
    ProgramEvent.objects.create(
        program=locked,
        actor=actor,
        action="eligibility_removed",
        payload={"kind": rule.kind, "parameters": rule.parameters},
    )
    rule.delete()


@transaction.atomic
def scoring_criterion_add(
    *, actor: User, program: Program, name: str, weight: Any, guidance: str = ""
) -> ScoringCriterion:
    locked = _lock_configurable(actor, program)
    try:
        weight_value = Decimal(str(weight))
    except ArithmeticError as error:
        raise ValidationError({"weight": _("The weight must be a number, like 1.5.")}) from error
    if not weight_value.is_finite() or weight_value <= 0:
        raise ValidationError({"weight": _("The weight must be more than zero.")})
    criterion = ScoringCriterion(program=locked, name=name.strip(), weight=weight_value, guidance=guidance)
    _full_clean(criterion)
    criterion.save()
    ProgramEvent.objects.create(
        program=locked,
        actor=actor,
        action="criterion_added",
        payload={"name": criterion.name, "weight": str(weight_value)},
    )
    return criterion


@transaction.atomic
def scoring_criterion_remove(*, actor: User, criterion: ScoringCriterion) -> None:
    locked = _lock_configurable(actor, criterion.program)
    ProgramEvent.objects.create(
        program=locked,
        actor=actor,
        action="criterion_removed",
        payload={"name": criterion.name, "weight": str(criterion.weight)},
    )
    criterion.delete()


@transaction.atomic
def program_credential_set(
    *, actor: User, program: Program, credential: Credential, maximum_amount: Any = None
) -> ProgramCredential:
    """List a credential as funded by the program (or change its per-credential maximum)."""
    locked = _lock_configurable(actor, program)
    maximum = (
        None
        if maximum_amount in (None, "")
        else to_amount(maximum_amount, locked.currency, field="maximum_amount")
    )
    link, _created = ProgramCredential.objects.update_or_create(
        program=locked, credential=credential, defaults={"maximum_amount": maximum}
    )
    ProgramEvent.objects.create(
        program=locked,
        actor=actor,
        action="credential_listed",
        payload={"credential": credential.pk, "maximum_amount": str(maximum)},
    )
    return link


@transaction.atomic
def program_credential_remove(*, actor: User, program: Program, credential: Credential) -> None:
    locked = _lock_configurable(actor, program)
    deleted, _rows = ProgramCredential.objects.filter(program=locked, credential=credential).delete()
    if deleted:
        ProgramEvent.objects.create(
            program=locked, actor=actor, action="credential_unlisted", payload={"credential": credential.pk}
        )


# ---------------------------------------------------------------- catalog


@transaction.atomic
def provider_save(
    *, actor: User, provider: TrainingProvider | None = None, **fields: Any
) -> TrainingProvider:
    require(can_manage_catalog(actor))
    instance = provider or TrainingProvider()
    for name, value in fields.items():
        setattr(instance, name, value)
    if instance.registration_number == "":
        instance.registration_number = None
    _full_clean(instance)
    latest = add_months(timezone.localdate(), 12 * PROVIDER_LISTING_YEARS_AHEAD)
    errors: dict[str, list[str]] = {}
    for name in ("eligible_from", "eligible_until"):
        if getattr(instance, name) is not None:
            try:
                check_within(
                    getattr(instance, name), field=name, earliest=PROVIDER_LISTING_EARLIEST, latest=latest
                )
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    instance.save()
    return instance


@transaction.atomic
def skill_save(*, actor: User, skill: Skill | None = None, **fields: Any) -> Skill:
    require(can_manage_catalog(actor))
    instance = skill or Skill()
    for name, value in fields.items():
        setattr(instance, name, value)
    _full_clean(instance)
    instance.save()
    return instance


@transaction.atomic
def occupation_get_or_create(*, code: str, title: str = "") -> Occupation:
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        occupation = Occupation(code=code, title=title or code)
        _full_clean(occupation)
        occupation.save()
    return occupation


def _clean_occupation_codes(codes: Iterable[str]) -> list[str]:
    cleaned = []
    for code in codes:
        code = str(code).strip()
        try:
            onet_soc_validator(code)
        except ValidationError as error:
            raise ValidationError(
                {
                    "occupation_codes": _(
                        "“%(code)s” is not an O*NET-SOC code; use the form NN-NNNN.NN, e.g. 15-1212.00."
                    )
                    % {"code": code}
                }
            ) from error
        cleaned.append(code)
    return sorted(set(cleaned))


@transaction.atomic
def credential_save(
    *,
    actor: User,
    credential: Credential | None = None,
    occupation_codes: Iterable[str] | None = None,
    skills: Iterable[Skill] | None = None,
    **fields: Any,
) -> Credential:
    """Create or change a catalog credential; occupation codes are checked and linked."""
    require(can_manage_catalog(actor))
    instance = credential or Credential()
    for name, value in fields.items():
        setattr(instance, name, value)
    if instance.ctid == "":
        instance.ctid = None
    if "cost" in fields:
        instance.cost = to_amount(fields["cost"], instance.currency or "USD", field="cost", allow_zero=True)
    codes = _clean_occupation_codes(occupation_codes) if occupation_codes is not None else None
    _full_clean(instance)
    instance.save()
    if codes is not None:
        instance.occupations.set([occupation_get_or_create(code=code) for code in codes])
    if skills is not None:
        instance.skills.set(list(skills))
    return instance


@transaction.atomic
def credential_request_submit(*, actor: User, **fields: Any) -> CredentialRequest:
    """A worker or employer representative asks for a credential that is not listed."""
    require(can_request_credential(actor))
    request = CredentialRequest(requested_by=actor, **fields)
    if request.cost is not None:
        request.cost = to_amount(request.cost, "USD", field="cost")
    _full_clean(request)
    request.save()
    CredentialRequestEvent.objects.create(request=request, actor=actor, to_status=request.status)
    return request


def _decide_request(
    actor: User, request: CredentialRequest, to_status: str, reason: str
) -> CredentialRequest:
    locked = CredentialRequest.objects.select_for_update().get(pk=request.pk)
    require(can_manage_catalog(actor))
    locked.decided_by, locked.decided_at, locked.decision_reason = actor, timezone.now(), reason
    transition(
        locked,
        to_status,
        actor=actor,
        reason=reason,
        fields=("decided_by", "decided_at", "decision_reason"),
    )
    return locked


@transaction.atomic
def credential_request_approve(
    *, actor: User, request: CredentialRequest, credential: Credential, reason: str = ""
) -> CredentialRequest:
    """Approve a request by pointing it at the catalog credential made (or found) for it."""
    locked = _decide_request(actor, request, CredentialRequest.Status.APPROVED, reason)
    locked.credential = credential
    locked.save(update_fields=["credential"])
    return locked


@transaction.atomic
def credential_request_decline(*, actor: User, request: CredentialRequest, reason: str) -> CredentialRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is declined; the requester will read it.")})
    return _decide_request(actor, request, CredentialRequest.Status.DECLINED, reason)


# ---------------------------------------------------------------- budget ledger

# The error code of a refusal for lack of money, so callers can tell it from other refusals.
BUDGET_EXHAUSTED = "budget_exhausted"


@dataclass(frozen=True)
class _Movement:
    committed: Decimal = Decimal("0")
    disbursed: Decimal = Decimal("0")
    total: Decimal = Decimal("0")
    clawed_back: Decimal = Decimal("0")


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
    return ProgramBudget.objects.select_for_update().get(program_id=program.pk)


def _record(
    *,
    program: Program,
    kind: str,
    amount: Decimal,
    movement: _Movement,
    actor: User | None,
    reason: str,
    idempotency_key: str,
    funding_round: FundingRound | None = None,
    subject: models.Model | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Lock the budget, replay a repeated key, check, move the totals with F(), write the entry."""
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
    value = to_amount(amount, program.currency)
    return _record(
        program=program,
        kind=LedgerEntry.Kind.COMMITMENT,
        amount=value,
        movement=_Movement(committed=value),
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
    value = to_amount(amount, program.currency)
    return _record(
        program=program,
        kind=LedgerEntry.Kind.RELEASE,
        amount=value,
        movement=_Movement(committed=-value),
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
    value = to_amount(amount, program.currency)
    return _record(
        program=program,
        kind=LedgerEntry.Kind.DISBURSEMENT,
        amount=value,
        movement=_Movement(committed=-value, disbursed=value),
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
    value = to_amount(amount, program.currency)
    return _record(
        program=program,
        kind=LedgerEntry.Kind.CLAWBACK,
        amount=value,
        movement=_Movement(disbursed=-value, clawed_back=value),
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
            movement=_Movement(total=signed),
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
    budget = ProgramBudget.objects.select_for_update().get(program_id=program.pk)
    delta = new_total - budget.total
    if delta == 0:
        return None
    return budget_adjust(
        program=program, delta=str(delta), idempotency_key=idempotency_key, reason=reason, actor=actor
    )


# ---------------------------------------------------------------- Open Badges issuers


@transaction.atomic
def badge_issuer_register(
    *, actor: User, provider: TrainingProvider, issuer_id: str, public_keys: Any = None
) -> BadgeIssuer:
    """Register an Open Badges issuer (DID or URL) and its public keys for a provider.

    Keys are public JWKs (Ed25519 "OKP" or P-256 "EC"); a did:key or did:jwk issuer needs none.
    """
    require(can_manage_catalog(actor))
    issuer_id = str(issuer_id or "").strip()
    if not issuer_id or len(issuer_id) > 500:
        raise ValidationError({"issuer_id": _("Give the issuer's id: a DID or an https URL.")})
    if not issuer_id.startswith(("did:", "https://")):
        raise ValidationError({"issuer_id": _("An issuer id starts with “did:” or “https://”.")})
    keys = public_keys or []
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys) or len(keys) > 10:
        raise ValidationError({"public_keys": _("Give up to ten public keys as JWK objects.")})
    for key in keys:
        if key.get("kty") not in ("OKP", "EC") or "d" in key or not key.get("x"):
            raise ValidationError(
                {"public_keys": _("Each key must be a public Ed25519 (OKP) or P-256 (EC) JWK, without “d”.")}
            )
    if not keys and not issuer_id.startswith(("did:key:", "did:jwk:")):
        raise ValidationError(
            {"public_keys": _("Give the issuer's public key; only did:key and did:jwk carry it.")}
        )
    locked = TrainingProvider.objects.select_for_update().get(pk=provider.pk)
    if BadgeIssuer.objects.filter(provider=locked, issuer_id=issuer_id, revoked_at__isnull=True).exists():
        raise ValidationError({"issuer_id": _("This issuer is already registered for the provider.")})
    return BadgeIssuer.objects.create(provider=locked, issuer_id=issuer_id, public_keys=keys, added_by=actor)


@transaction.atomic
def badge_issuer_revoke(*, actor: User, issuer: BadgeIssuer) -> BadgeIssuer:
    """Stop trusting an issuer (a leaked key, a provider that left the list); the record stays."""
    require(can_manage_catalog(actor))
    locked = BadgeIssuer.objects.select_for_update().get(pk=issuer.pk)
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked
