"""Fields and field makers shared by the programs serializers, and used by other apps' serializers too:
money in and out, web addresses, and ids of credentials and programs the caller may see."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import AnyUser
from core.money import DECIMAL_PLACES, MAX_DIGITS
from core.serializers import StrictDecimalField, StrictPrimaryKeyField
from programs.api_selectors import credentials_visible_to
from programs.permissions import programs_visible_to

POSITIVE_MONEY_MESSAGES: dict[str, Any] = {"min_value": _("The amount must be more than zero.")}
NOT_NEGATIVE_MONEY_MESSAGES: dict[str, Any] = {"min_value": _("The amount cannot be negative.")}
SMALL_INTEGER_MAX = 32767
INTEGER_MAX = 2147483647

# ---------------------------------------------------------------- strict input types: core.serializers


def web_address_output(**kwargs: Any) -> serializers.CharField:
    # Not URLField: a blank address is allowed, and "" is not a "uri" to the schema's readers.
    return serializers.CharField(read_only=True, help_text=_("A web address, or empty."), **kwargs)


def money_output(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, coerce_to_string=True, read_only=True, **kwargs
    )


def money_input(*, allow_zero: bool = False, **kwargs: Any) -> StrictDecimalField:
    """A decimal string with at most two places; more than zero unless `allow_zero`."""
    return StrictDecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        coerce_to_string=True,
        min_value=Decimal("0") if allow_zero else Decimal("0.01"),
        error_messages=NOT_NEGATIVE_MONEY_MESSAGES if allow_zero else POSITIVE_MONEY_MESSAGES,
        **kwargs,
    )


def _request_user(serializer: serializers.Field) -> AnyUser:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


@extend_schema_field(OpenApiTypes.INT)
class VisibleCredentialField(StrictPrimaryKeyField):
    """A credential id the caller may see: listed ones, or any for program managers."""

    def get_queryset(self) -> Any:
        return credentials_visible_to(_request_user(self))


@extend_schema_field(OpenApiTypes.STR)
class VisibleProgramField(serializers.SlugRelatedField):
    """A program code the caller may see."""

    def get_queryset(self) -> Any:
        return programs_visible_to(_request_user(self))
