"""Programs in plain words for the public pages: eligibility rules, caps, deadlines and co-payment.

Pure functions over plain values (no queries), so a page built from prefetched rows stays at a fixed
number of queries. A rule whose stored parameters are not what its kind expects is described by its
kind alone rather than breaking a public page.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_money
from programs.models import CapRule, EligibilityRule, Program
from programs.rules import EMPLOYER_SIZE_CLASSES, EMPLOYMENT_STATUSES


def join_or(values: Sequence[str]) -> str:
    """ "North", "North or Central", "North, Central or South"."""
    values = [str(value) for value in values]
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + _(" or ") + values[-1]


def join_then(values: Sequence[str]) -> str:
    """ "veterans", "veterans, then people on low incomes"."""
    return _(", then ").join(str(value) for value in values)


def _age_sentence(parameters: Mapping[str, Any]) -> str:
    low, high = parameters.get("minimum"), parameters.get("maximum")
    if low is not None and high is not None:
        return _("Aged %(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("Aged %(low)s or older") % {"low": low}
    return _("Aged %(high)s or younger") % {"high": high}


def _money_text(value: Any, currency: str) -> str:
    try:
        return format_money(Decimal(str(value)), currency)
    except (InvalidOperation, ValueError):
        return str(value)


def describe_rule(kind: str, parameters: Mapping[str, Any], currency: str = "USD") -> str:
    """One sentence for an eligibility rule, e.g. "Residents of North or Central", "Aged 18 to 64"."""
    p = parameters if isinstance(parameters, Mapping) else {}
    try:
        if kind == EligibilityRule.Kind.RESIDENCY_REGION:
            return _("Residents of %(regions)s") % {"regions": join_or(p["regions"])}
        if kind == EligibilityRule.Kind.AGE_BETWEEN:
            if p.get("minimum") is None and p.get("maximum") is None:
                raise KeyError("minimum")
            return _age_sentence(p)
        if kind == EligibilityRule.Kind.EMPLOYMENT_STATUS:
            statuses = [EMPLOYMENT_STATUSES.get(status, status) for status in p["statuses"]]
            return _("People who are %(statuses)s") % {"statuses": join_or(statuses)}
        if kind == EligibilityRule.Kind.HOUSEHOLD_INCOME_BELOW:
            return _("Households earning under %(amount)s a year") % {
                "amount": _money_text(p["maximum"], currency)
            }
        if kind == EligibilityRule.Kind.EMPLOYER_SIZE_CLASS:
            sizes = [EMPLOYER_SIZE_CLASSES.get(size, size) for size in p["size_classes"]]
            return _("Employers with %(sizes)s") % {"sizes": join_or(sizes)}
        if kind == EligibilityRule.Kind.SECTOR:
            prefixes = list(p["naics_prefixes"])
            if len(prefixes) == 1:
                return _("Employers in NAICS sector %(codes)s") % {"codes": prefixes[0]}
            return _("Employers in NAICS sectors %(codes)s") % {"codes": join_or(prefixes)}
        if kind == EligibilityRule.Kind.CREDENTIAL_MAX_HOURS:
            return _("Courses of at most %(hours)s hours") % {"hours": p["maximum"]}
        if kind == EligibilityRule.Kind.CREDENTIAL_MAX_MONTHS:
            return _("Courses lasting at most %(months)s months") % {"months": p["maximum"]}
    except (KeyError, TypeError):
        pass
    labels = dict(EligibilityRule.Kind.choices)
    return str(labels.get(kind, kind))


CAP_SENTENCES: dict[str, Promise] = {
    CapRule.Scope.PER_CREDENTIAL: gettext_lazy("Up to %(amount)s per credential"),
    CapRule.Scope.PER_PERSON_YEAR: gettext_lazy("Up to %(amount)s per person each year"),
    CapRule.Scope.PER_PERSON_LIFETIME: gettext_lazy("Up to %(amount)s per person in total"),
    CapRule.Scope.PER_EMPLOYER_ROUND: gettext_lazy("Up to %(amount)s per employer in each funding round"),
    CapRule.Scope.PER_EMPLOYER_YEAR: gettext_lazy("Up to %(amount)s per employer each year"),
}


def describe_cap(scope: str, amount: Decimal, currency: str) -> str:
    """ "Up to $2,000.00 per credential"."""
    template = CAP_SENTENCES.get(scope)
    money = format_money(amount, currency)
    if template is None:
        return f"{scope}: {money}"
    return str(template) % {"amount": money}


def describe_co_payment(percent: Decimal | None) -> str:
    if not percent:
        return _("No co-payment: the program pays the whole cost, up to its limits.")
    return _("You pay %(percent)s%% of the cost yourself; the program pays the rest, up to its limits.") % {
        "percent": format(Decimal(percent).normalize(), "f")
    }


def describe_deadlines(program: Program) -> list[str]:
    """The time limits an award comes with, one sentence each."""
    sentences = [
        _("Training must be finished within %(months)s months of approval.")
        % {"months": program.training_window_months}
    ]
    if program.claim_deadline_weeks:
        sentences.append(
            _("Claims are due within %(weeks)s weeks of finishing the training.")
            % {"weeks": program.claim_deadline_weeks}
        )
    if program.retention_period_months:
        sentences.append(
            _("The employee must stay employed for %(months)s months after the training.")
            % {"months": program.retention_period_months}
        )
    return sentences


def describe_priority_order(order: Sequence[str]) -> str:
    """ "Veterans and eligible spouses first, then people on low incomes" (or "" without an order)."""
    labels = dict(Program.PriorityGroup.choices)
    names = [str(labels.get(group, group)) for group in order]
    if not names:
        return ""
    first, rest = names[0], [name[:1].lower() + name[1:] for name in names[1:]]
    sentence = _("%(first)s first") % {"first": first}
    if rest:
        sentence += _(", then ") + join_then(rest)
    return sentence


def money(amount: Decimal | None, currency: str) -> str:
    """Money as the pages show it: "$1,250.00"; "—" for none."""
    return format_money(amount, currency)
