"""A program's setup: its funding rounds, caps, eligibility rules, scoring criteria and the credentials it
funds. Each change locks the program and is refused once the program is archived."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import add_months, check_within
from core.exceptions import Conflict, require
from core.money import to_amount
from core.workflow import lock
from programs.models import (
    CapRule,
    Credential,
    EligibilityRule,
    FundingRound,
    Program,
    ProgramCredential,
    ProgramEvent,
    ScoringCriterion,
)
from programs.permissions import can_manage_program
from programs.rules import validate_rule_parameters
from programs.services.common import _full_clean

# The windows the dates people enter here must fall in, counted from the day they are entered.
# A funding round is run now: it may be recorded up to ten years back (an earlier round of a program moved
# onto SkillsFund) or planned up to ten years ahead; a date beyond either is a typing error. A round's date
# kept unchanged is not judged again, so an old round can still be renamed.
ROUND_YEARS_BACK = 10
ROUND_YEARS_AHEAD = 10


# ---------------------------------------------------------------- programs: setup


def _lock_configurable(actor: User, program: Program) -> Program:
    locked = lock(program)
    require(can_manage_program(actor, locked))
    if locked.status == Program.Status.ARCHIVED:
        raise Conflict(_("An archived program cannot be changed."))
    return locked


def _setting_remove(
    actor: User, setting: CapRule | EligibilityRule | ScoringCriterion, action: str, payload: dict[str, Any]
) -> None:
    """Delete one of a program's settings (a cap, a rule, a criterion), with the program's event saying
    what it was."""
    locked = _lock_configurable(actor, setting.program)
    ProgramEvent.objects.create(program=locked, actor=actor, action=action, payload=payload)
    setting.delete()


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
    _setting_remove(actor, rule, "cap_removed", {"scope": rule.scope, "amount": str(rule.amount)})


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
    _setting_remove(actor, rule, "eligibility_removed", {"kind": rule.kind, "parameters": rule.parameters})


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
    _setting_remove(
        actor, criterion, "criterion_removed", {"name": criterion.name, "weight": str(criterion.weight)}
    )


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
