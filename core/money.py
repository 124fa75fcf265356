"""Money as Decimal with the precision of its currency. Never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 14
DECIMAL_PLACES = 2

# ISO 4217 currencies the agency may run programs in, with their minor-unit exponent.
CURRENCY_EXPONENTS: dict[str, int] = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "SGD": 2, "NZD": 2}
CURRENCY_CHOICES = [(code, code) for code in CURRENCY_EXPONENTS]
LARGEST_AMOUNT = Decimal("999999999999.99")


def MoneyField(verbose_name: str | None = None, **kwargs: object) -> models.DecimalField:  # noqa: N802
    """A DecimalField sized for public budgets (up to 999,999,999,999.99)."""
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)  # type: ignore[arg-type]


def to_amount(value: object, currency: str, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """Parse and check an amount: a number, positive (or zero if allowed), within the currency's precision.

    Raises ValidationError({field: message}) with a message a person can act on.
    """
    if isinstance(value, float):
        raise ValidationError({field: _("Give the amount as a decimal string, not a floating-point number.")})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Enter an amount as a number, like 1250.00.")}) from error
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount as a number, like 1250.00.")})
    exponent = CURRENCY_EXPONENTS.get(currency)
    if exponent is None:
        raise ValidationError(
            {"currency": _("%(currency)s is not a currency this system handles.") % {"currency": currency}}
        )
    if amount != amount.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP):
        raise ValidationError(
            {
                field: _("%(currency)s amounts have at most %(places)d decimal places.")
                % {"currency": currency, "places": exponent}
            }
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(
            {
                field: _("The amount must be more than zero.")
                if not allow_zero
                else _("The amount cannot be negative.")
            }
        )
    if amount > LARGEST_AMOUNT:
        raise ValidationError({field: _("The amount is larger than this system can record.")})
    return amount.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))


def format_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "SGD": "S$", "NZD": "NZ$"}.get(
        currency, ""
    )
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}" if symbol else f"{sign}{abs(amount):,.2f} {currency}"
