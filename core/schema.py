"""The OpenAPI schema made exact: what it promises is what the server does.

drf-spectacular describes fields and filters from their types; the server checks more than that. Here the
rest is written into the schema from the same fields the server validates with, so a client generated
from it sends nothing the server refuses for a reason the schema could have said, and the fuzz tests
(tests/security/test_api_fuzz_roles.py) can hold the server to it:

- `AutoSchema` maps request fields exactly: text holds no control characters (core.control_characters)
  and, where a blank is refused, something besides spaces; decimals and web addresses match the pattern
  the server's own field checks; ids are whole numbers from 1.
- `ExactFilterExtension` adds to each django-filter parameter the bounds, lengths and whole-number-ness of
  the form field that parses it.
- `exact_schema`, a postprocessing hook: every status DRF itself can answer (400 for a bad body or query
  value or an over-long address, 401/403 for secured operations, 404 for a lookup or a page past the end,
  406 for an Accept header it cannot meet, 415 for a body of another type), request bodies closed to
  fields they do not name (`additionalProperties: false`: the server refuses them with a 400 naming
  each), and the `Idempotent-Replayed` header on the answers of writes that may be repeated.
"""

from typing import Any

from django import forms
from django.core import validators
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import warn
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

# The largest id a BigAutoField holds.
ID_MAX = 9_223_372_036_854_775_807

# Text in a body: no control characters but line breaks and tabs (core.control_characters).
_BODY_CHARACTER = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_BODY_VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f]"
BODY_TEXT = rf"^{_BODY_CHARACTER}*$"
# ...and where a blank is refused (DRF trims the text first): at least one character besides spaces.
BODY_TEXT_NOT_BLANK = rf"^{_BODY_CHARACTER}*{_BODY_VISIBLE}{_BODY_CHARACTER}*$"
# Text in an address, a query or a header: no control characters at all.
QUERY_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"

# An http(s) address with a host name and a path of visible ASCII (as a browser copies it, with anything
# else percent-encoded): a part of what Django's URLValidator accepts, as a pattern a schema can carry.
# core.serializers.Web checks this same pattern before Django's validator.
WEB_ADDRESS = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?"
    r"(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"
)

REPLAYED_HEADER_DOC = {
    "schema": {"type": "string", "enum": ["true"]},
    "description": "Present when the work was done before (a repeated or replayed request): this answer "
    "changed nothing.",
}


def decimal_pattern(
    *, max_whole_digits: int, decimal_places: int, minimum: Any = None, maximum: Any = None
) -> str:
    """The pattern of a decimal string the server takes (core.serializers.StrictDecimalField checks the
    same shape): digits without leading zeros, then a point and 1 to `decimal_places` digits if any; no
    sign when negatives are refused, and no zero when the least is above zero (a money amount)."""
    fraction = rf"(?:\.[0-9]{{1,{decimal_places}}})?" if decimal_places else ""
    if (
        maximum is not None
        and maximum > 0
        and _is_power_of_ten(maximum)
        and len(str(int(maximum))) - 1 < (max_whole_digits)
    ):
        # A greatest value of 10, 100, 1000...: fewer whole digits, or that value itself (a percentage).
        top = str(int(maximum))
        below = (
            decimal_pattern(max_whole_digits=len(top) - 1, decimal_places=decimal_places, minimum=minimum)
            .removeprefix("^")
            .removesuffix("$")
        )
        exact = rf"{top}(?:\.0{{1,{decimal_places}}})?" if decimal_places else top
        return rf"^(?:{below}|{exact})$"
    more_whole = rf"[0-9]{{0,{max_whole_digits - 1}}}" if max_whole_digits > 1 else ""
    if minimum is not None and minimum > 0:
        # A whole part from 1, or 0 and a fraction that is not all zeros: k zeros, a digit from 1, and
        # up to the remaining places.
        alternatives = [rf"[1-9]{more_whole}{fraction}"] if max_whole_digits else []
        alternatives += [
            rf"0\.{'0' * zeros}[1-9][0-9]{{0,{decimal_places - zeros - 1}}}"
            for zeros in range(decimal_places)
        ]
        return "^(?:" + "|".join(alternatives) + ")$"
    sign = "" if minimum is not None and minimum >= 0 else "-?"
    whole = rf"(?:0|[1-9]{more_whole})" if max_whole_digits else "0"
    return rf"^{sign}{whole}{fraction}$"


def _is_power_of_ten(value: Any) -> bool:
    text = str(value).split(".")[0]
    return value == int(text) and text.startswith("1") and set(text[1:]) <= {"0"}


def _set_string_pattern(schema: dict[str, Any], pattern: str) -> None:
    """Put a pattern on a string schema (or on the non-empty branch of a blank-or-format `oneOf`)."""
    for branch in schema.get("oneOf", [schema]):
        if branch.get("type") == "string" and branch.get("maxLength") != 0:
            branch["pattern"] = pattern


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self) -> list[Any]:
        """A write wrapped in core.idempotency.idempotent documents the `Idempotency-Key` header."""
        parameters = list(super().get_override_parameters())
        handler_name = getattr(self.view, "action", None) or self.method.lower()
        handler = getattr(self.view, handler_name, None)
        if self.method == "POST" and getattr(handler, "idempotent", False):
            from core.idempotency import PARAMETER  # core.idempotency's models need the app registry

            parameters.append(PARAMETER)
        return parameters

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> Any:
        from core.serializers import DistinctList  # core.serializers imports this module

        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or field.read_only or not isinstance(schema, dict):
            return schema
        _warn_unless_strict(field)
        if isinstance(field, serializers.PrimaryKeyRelatedField) and schema.get("type") == "integer":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", ID_MAX)
        elif isinstance(field, serializers.SlugRelatedField) and schema.get("type") == "string":
            # DRF reads "" as null: refused where null is (a required code), taken as null where not.
            schema["pattern"] = QUERY_TEXT
            if field.allow_null:
                schema.pop("minLength", None)
            else:
                schema["minLength"] = 1
        elif isinstance(field, serializers.DecimalField) and schema.get("format") == "decimal":
            whole = field.max_whole_digits if field.max_whole_digits is not None else 15
            schema["pattern"] = decimal_pattern(
                max_whole_digits=whole,
                decimal_places=field.decimal_places or 0,
                minimum=field.min_value,
                maximum=field.max_value,
            )
        elif isinstance(field, serializers.URLField):
            _set_string_pattern(schema, WEB_ADDRESS)
            for branch in schema.get("oneOf", [schema]):
                branch.pop("format", None)
        elif (
            isinstance(field, serializers.CharField)
            and not isinstance(field, serializers.ChoiceField)
            and not any(isinstance(validator, validators.RegexValidator) for validator in field.validators)
            and schema.get("type") == "string"
            and not {"pattern", "format", "enum"} & set(schema)
        ):  # (a regex field's own pattern is added after this, from its validator)
            schema["pattern"] = BODY_TEXT if field.allow_blank else BODY_TEXT_NOT_BLANK
        elif isinstance(field, DistinctList):
            schema["uniqueItems"] = True
        elif isinstance(field, serializers.ListField | serializers.ManyRelatedField):
            items = schema.get("items")
            if isinstance(items, dict) and items.get("type") == "integer" and "minimum" not in items:
                child = getattr(field, "child", None) or getattr(field, "child_relation", None)
                if isinstance(child, serializers.PrimaryKeyRelatedField):
                    items.update(minimum=1, maximum=ID_MAX)
        return schema


def _warn_unless_strict(field: Any) -> None:
    """A request field must be one of the strict input types (core.serializers), whose checks are what
    the schema says; a plain DRF field coerces (12 into "12", "1.0" into 1), so the schema would promise
    less than it accepts. drf-spectacular's warning fails `spectacular --fail-on-warn` (tests)."""
    from core.serializers import STRICT_INPUT_TYPES

    # A field with no parent is one drf-spectacular made itself to describe another (a slug's column).
    if getattr(field, "parent", None) is not None and not isinstance(field, STRICT_INPUT_TYPES):
        warn(
            f"{type(field).__name__} {field.field_name!r} of {type(field.parent).__name__} is not a strict "
            "input type (core.serializers.STRICT_INPUT_TYPES)"
        )


class ExactFilterExtension(DjangoFilterExtension):
    """django-filter parameters with the bounds their form fields check: lengths, least and greatest
    values, whole numbers where no decimal places are allowed, ids from 1, and no control characters."""

    target_class = "django_filters.rest_framework.DjangoFilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        form_field = _form_field(filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            target = schema["items"] if schema.get("type") == "array" else schema
            _bound_from_form_field(target, form_field)
        return parameters


def _form_field(filter_field: Any) -> forms.Field | None:
    field_class = getattr(filter_field, "field_class", None)
    if field_class is None:
        return None
    extra = {key: value for key, value in filter_field.extra.items() if key not in ("queryset", "choices")}
    if issubclass(field_class, forms.ModelChoiceField | forms.ChoiceField):
        return field_class(**{"queryset": None} if issubclass(field_class, forms.ModelChoiceField) else {})
    try:
        return field_class(**extra)
    except TypeError:
        return field_class()


def _bound_from_form_field(schema: dict[str, Any], form_field: forms.Field | None) -> None:
    if form_field is None:
        return
    if isinstance(form_field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        if schema.get("type") == "integer":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", ID_MAX)
        return
    for validator in form_field.validators:
        if isinstance(validator, validators.MaxLengthValidator):
            schema["maxLength"] = validator.limit_value
        elif isinstance(validator, validators.MinLengthValidator):
            schema["minLength"] = validator.limit_value
        elif isinstance(validator, validators.MinValueValidator):
            schema["minimum"] = validator.limit_value
        elif isinstance(validator, validators.MaxValueValidator):
            schema["maximum"] = validator.limit_value
    if isinstance(form_field, forms.DecimalField) and form_field.decimal_places == 0:
        schema["type"] = "integer"
        schema.pop("format", None)
    elif isinstance(form_field, forms.DecimalField) and schema.get("type") == "integer":
        schema["type"] = "number"  # a decimal filter takes fractions, whatever the model field holds
    # Django's DecimalField is an IntegerField subclass: only a true IntegerField means whole numbers
    # (a method filter's schema may have no type at all).
    if isinstance(form_field, forms.IntegerField) and not isinstance(form_field, forms.DecimalField):
        schema["type"] = "integer"
    for bound in ("minimum", "maximum"):
        if bound in schema and schema.get("type") == "integer":
            schema[bound] = int(schema[bound])
        elif bound in schema:
            schema[bound] = float(schema[bound])
    if (
        isinstance(form_field, forms.CharField)
        and schema.get("type") == "string"
        and not {"pattern", "format", "enum"} & set(schema)
    ):
        schema["pattern"] = QUERY_TEXT


# ---------------------------------------------------------------- the postprocessing hook

_STANDARD_ERRORS = {
    "400": "Bad input: a list of messages per field or parameter name (or `non_field_errors`).",
    "401": "Not signed in.",
    "403": "Signed in, but not allowed to do this (the role, the record's party, or a session without "
    "its CSRF token).",
    "404": "No such record, or not one the caller may see; or a page past the end.",
    "406": "The Accept header names no type this operation answers with.",
    "415": "The body is not of a type this operation reads.",
}
_ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "additionalProperties": True,
            "description": "`detail` with a message, or messages per field name.",
        }
    }
}


def exact_schema(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.get("components", {}).get("schemas", {})
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            _exact_operation(path, method, operation, components)
    for name, schema in components.items():
        # COMPONENT_SPLIT_REQUEST names the request side of each serializer `...Request`.
        if name.endswith("Request") and schema.get("type") == "object":
            schema.setdefault("additionalProperties", False)
        _drop_uri_format(schema)
    return result


def _drop_uri_format(schema: Any) -> None:
    """A web address has the pattern the server checks; the looser `uri` format would only contradict it
    (drf-spectacular adds it from the URL validator, after the field is mapped)."""
    if isinstance(schema, dict):
        if schema.get("pattern") == WEB_ADDRESS:
            schema.pop("format", None)
        for value in schema.values():
            _drop_uri_format(value)
    elif isinstance(schema, list):
        for value in schema:
            _drop_uri_format(value)


def _exact_operation(path: str, method: str, operation: dict[str, Any], components: dict[str, Any]) -> None:
    parameters = operation.get("parameters", [])
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and schema.get("type") == "integer":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", ID_MAX)
        elif (
            parameter.get("in") in ("query", "path", "header")
            and schema.get("type") == "string"
            and not {"pattern", "format", "enum"} & set(schema)
        ):
            schema["pattern"] = QUERY_TEXT
    body = operation.get("requestBody")
    if body is not None:
        for media in body.get("content", {}).values():
            inline = media.get("schema", {})
            if inline.get("type") == "object" and "$ref" not in inline:
                inline.setdefault("additionalProperties", False)
    secured = operation.get("security") not in (None, [])
    needed = {"406"}
    if body is not None or any(p.get("in") in ("query", "header") for p in parameters):
        needed.add("400")
    if secured:
        needed |= {"401", "403"}
    paginated = any(p.get("name") == "page" for p in parameters)
    if paginated or any(p.get("in") == "path" for p in parameters):
        needed.add("404")
    if body is not None:
        needed.add("415")
    responses = operation.setdefault("responses", {})
    for code in sorted(needed - set(responses)):
        responses[code] = {"description": _STANDARD_ERRORS[code], "content": _ERROR_BODY}
    keyed = any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in parameters)
    if keyed:
        # A replay answers 200 with the first answer; a key reused with another request is a 409.
        created = responses.get("201") or responses.get("202")
        if created is not None and "200" not in responses:
            responses["200"] = {**created, "description": "A replay: the first answer, again."}
        responses.setdefault(
            "409",
            {
                "description": "This Idempotency-Key was used with a different request.",
                "content": _ERROR_BODY,
            },
        )
    if operation.pop("x-replayable", False) or keyed:
        for code, response in responses.items():
            if code in ("200", "201"):
                response.setdefault("headers", {})["Idempotent-Replayed"] = REPLAYED_HEADER_DOC
