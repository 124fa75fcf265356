"""Caps: the most an applicant may receive now, and the cap that binds."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Usage:
    """Amounts already awarded (committed or paid) that count against each cap scope."""

    person_year: Decimal = Decimal("0")
    person_lifetime: Decimal = Decimal("0")
    employer_round: Decimal = Decimal("0")
    employer_year: Decimal = Decimal("0")


@dataclass(frozen=True)
class CapLimit:
    name: str
    limit: Decimal
    remaining: Decimal
    explanation: str


@dataclass(frozen=True)
class CapResult:
    maximum: Decimal
    binding: str
    explanation: str
    limits: list[CapLimit] = field(default_factory=list)


SCOPE_LABELS = {
    "per_credential": "the cap per credential",
    "per_person_year": "the cap per person per year",
    "per_person_lifetime": "the lifetime cap per person",
    "per_employer_round": "the cap per employer per round",
    "per_employer_year": "the cap per employer per year",
}
_USAGE_BY_SCOPE = {
    "per_credential": None,
    "per_person_year": "person_year",
    "per_person_lifetime": "person_lifetime",
    "per_employer_round": "employer_round",
    "per_employer_year": "employer_year",
}
EMPLOYER_SCOPES = {"per_employer_round", "per_employer_year"}
PERSON_SCOPES = {"per_person_year", "per_person_lifetime"}


def maximum_award(
    *,
    cost: Decimal,
    co_payment_percent: Decimal,
    caps: Iterable[tuple[str, Decimal]],
    usage: Usage,
    credential_maximum: Decimal | None = None,
    employer_applies: bool = False,
) -> CapResult:
    """The most an applicant may receive for a credential now, and the cap that binds.

    Limits considered: the cost less the co-payment, the program's maximum for this credential, and
    each cap rule less what is already used in its scope. Employer caps apply only when an employer
    applies. The smallest limit binds; on a tie the first in that order is named.
    """
    money = Decimal("0.01")
    funded_share = (Decimal(100) - co_payment_percent) / Decimal(100)
    cost_after_copay = (cost * funded_share).quantize(money)
    limits = [
        CapLimit(
            "cost",
            cost_after_copay,
            cost_after_copay,
            _("the course cost less your %(pct)s%% co-payment")
            % {"pct": format(co_payment_percent.normalize(), "f")}
            if co_payment_percent
            else _("the course cost"),
        )
    ]
    if credential_maximum is not None:
        limits.append(
            CapLimit(
                "credential_maximum",
                credential_maximum,
                credential_maximum,
                _("the program's maximum for this credential"),
            )
        )
    for scope, amount in caps:
        if scope in EMPLOYER_SCOPES and not employer_applies:
            continue
        usage_field = _USAGE_BY_SCOPE[scope]
        used = getattr(usage, usage_field) if usage_field else Decimal("0")
        remaining = max(Decimal("0"), amount - used)
        explanation = _(SCOPE_LABELS[scope]) + f" ({amount:,.2f}"
        explanation += _(", of which %(used)s is already used)") % {"used": f"{used:,.2f}"} if used else ")"
        limits.append(CapLimit(scope, amount, remaining, explanation))
    binding = min(limits, key=lambda limit: limit.remaining)
    return CapResult(
        maximum=binding.remaining,
        binding=binding.name,
        explanation=_("The most you can receive is %(amount)s, set by %(why)s.")
        % {"amount": f"{binding.remaining:,.2f}", "why": binding.explanation},
        limits=limits,
    )
