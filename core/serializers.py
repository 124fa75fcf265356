"""The app's bases for serializers: unknown fields refused, model fields built once per class; and the
strict input types every request field uses, so that the schema's promises are the server's checks."""

import copy
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import empty

from core.dates import ISO_DATE
from core.schema import WEB_ADDRESS


class FieldsOnceModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, building its fields from the model once per class instead of once per
    instance. DRF introspects the model and builds every field each time a serializer is made (~0.5 ms
    for an application's 30 fields, several times in most API requests); here the first build is kept
    as a prototype and each instance gets a deep copy of it, as DRF already does for declared fields
    (a copy costs about half a build). Only for serializers whose fields depend on nothing but their
    class: none here overrides `get_fields`; one that did would have to call the model's build itself."""

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        prototype = cls.__dict__.get("_fields_prototype")
        if prototype is None:
            prototype = super().get_fields()
            # Set on this class alone: a subclass finds none in its own __dict__ and builds its own.
            type.__setattr__(cls, "_fields_prototype", prototype)
        return copy.deepcopy(prototype)


class NoUnknownFieldsMixin:
    """Refuse, with a 400 naming each (code `unknown_field`), fields a request body names that the
    serializer cannot set: read-only ones (status, reference, decided_*...) and unknown ones. Silently
    ignoring them would let a client believe they applied; the schema says so too
    (`additionalProperties: false`, core.schema)."""

    def to_internal_value(self, data: Any) -> Any:
        refused = self._refused_fields(data)
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                error.detail.update(refused)
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def _refused_fields(self, data: Any) -> dict[str, list[Any]]:
        if not hasattr(data, "keys"):
            return {}
        writable = {name for name, field in self.fields.items() if not field.read_only}  # type: ignore[attr-defined]
        message = str(_("This field cannot be set here."))
        return {
            str(name): [ErrorDetail(message, code="unknown_field")]
            for name in sorted(set(data.keys()) - writable, key=str)
        }


class Serializer(NoUnknownFieldsMixin, serializers.Serializer):
    """The app's base for serializers: DRF's, refusing fields it cannot set (NoUnknownFieldsMixin)."""


class QuerySerializer(serializers.Serializer):
    """For a query string's parameters: the pagination parameters beside them are not its fields, so
    names it does not know are left alone (the schema lists only the parameters there are)."""


class WholeNumberText(serializers.IntegerField):
    """A whole number written as text, as in a query string or a multipart form: digits only, with a
    minus sign if the bounds allow (DRF's own also reads "1.0" and " 1")."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not re.fullmatch(r"-?[0-9]+", data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ModelSerializer(NoUnknownFieldsMixin, FieldsOnceModelSerializer):
    """The app's base for model serializers: fields built once per class (FieldsOnceModelSerializer),
    fields it cannot set refused (NoUnknownFieldsMixin)."""


class DateInput(serializers.DateField):
    """A calendar day written YYYY-MM-DD and nothing else (DRF's own also takes "2026-1-5" and
    "20260105", which the schema's `date` format does not)."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


# ---------------------------------------------------------------- strict input types
#
# DRF's fields coerce: 12 becomes "12", "12" becomes 12, "yes" becomes True. The schema promises types,
# and a client sending a number where text belongs (or money as a float) has a bug worth reporting, so
# input fields here take exactly the JSON type the schema names.


class StrictTypeMixin:
    accepted_types: tuple[type, ...] = (str,)
    wrong_type_message: Any = _("Not a valid string.")

    def run_validation(self, data: Any = empty) -> Any:
        # DRF reads "" as null for related and some typed fields before the type is checked.
        if data == "" and str not in self.accepted_types:
            raise serializers.ValidationError(self.wrong_type_message, code="wrong_type")
        return super().run_validation(data)  # type: ignore[misc]

    def to_internal_value(self, data: Any) -> Any:
        if (
            isinstance(data, bool)
            and bool not in self.accepted_types
            or not isinstance(data, self.accepted_types)
        ):
            raise serializers.ValidationError(self.wrong_type_message, code="wrong_type")
        return super().to_internal_value(data)  # type: ignore[misc]


class Text(StrictTypeMixin, serializers.CharField):
    """Text, whose length is counted as sent (DRF counts it after trimming the ends), so that the
    schema's `maxLength` is exactly the server's."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class TextMatching(StrictTypeMixin, serializers.RegexField):
    pass


class Web(StrictTypeMixin, serializers.URLField):
    """An http(s) address with a host name: the shape the schema states (core.schema.WEB_ADDRESS), then
    Django's URLValidator."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        value = super().to_internal_value(data)
        if value and not re.fullmatch(WEB_ADDRESS, value):
            raise serializers.ValidationError(
                _("Enter a web address starting with http:// or https://, like https://example.org/."),
                code="invalid",
            )
        return value


class WholeNumber(StrictTypeMixin, serializers.IntegerField):
    accepted_types = (int,)
    wrong_type_message = _("Enter a whole number, like 12.")


class Flag(StrictTypeMixin, serializers.BooleanField):
    accepted_types = (bool,)
    wrong_type_message = _("Use true or false.")


class StrictDecimalField(StrictTypeMixin, serializers.DecimalField):
    """A decimal string in one plain shape: digits (no leading zeros), and a point with digits after it
    if any, like "1250.00". DRF would also take " 1e3", "+5" or "007"; the schema promises this shape
    (core.schema.decimal_pattern), so anything else is refused."""

    wrong_type_message = _('Give the number as a decimal string, like "1250.00".')

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not PLAIN_DECIMAL.fullmatch(data):
            raise serializers.ValidationError(self.wrong_type_message, code="invalid")
        return super().to_internal_value(data)


PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


class StrictPrimaryKeyField(StrictTypeMixin, serializers.PrimaryKeyRelatedField):
    accepted_types = (int,)
    wrong_type_message = _("Give the id as a whole number.")


class Email(StrictTypeMixin, serializers.EmailField):
    """An email address, as text."""


RFC3339_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class DateTimeInput(serializers.DateTimeField):
    """A moment written as RFC 3339 says (the schema's `date-time`), with its offset: 2026-03-01T09:00:00Z.
    DRF's own also takes "2026-03-01 09:00" or a time with no zone, which the schema does not."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not RFC3339_DATE_TIME.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ssZ")
        return super().to_internal_value(value)


class DistinctList(serializers.ListField):
    """A list whose items may each appear once (the schema says `uniqueItems`)."""

    default_error_messages = {"not_unique": _("Name each item once.")}

    def to_internal_value(self, data: Any) -> Any:
        items = super().to_internal_value(data)
        if len({repr(item) for item in items}) != len(items):
            self.fail("not_unique")
        return items


# The fields a request body may be made of: the strict types above, and DRF's fields that take their
# input as it is (choices, related records by id or code, lists and objects of strict fields, files).
STRICT_INPUT_TYPES: tuple[type, ...] = (
    Text,
    TextMatching,
    Web,
    Email,
    WholeNumber,
    WholeNumberText,
    Flag,
    StrictDecimalField,
    StrictPrimaryKeyField,
    DateInput,
    DateTimeInput,
    serializers.ChoiceField,
    serializers.SlugRelatedField,
    serializers.ManyRelatedField,
    serializers.ListField,
    serializers.DictField,
    serializers.FileField,
    serializers.BaseSerializer,
    serializers.HiddenField,
)
