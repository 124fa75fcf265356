"""Form rendering that every form uses (visible labels, hints, required marks, linked errors), and the
fields and widgets the apps' forms share: money typed as text, the browser's date pickers."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from core.control_characters import MESSAGE, holds_control_character


class AccessibleFormRenderer(TemplatesSetting):
    """Renders `{{ form }}` with an error summary on top and each field through components/field.html."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


def add_service_errors(form: Any, error: ValidationError, field_names: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: field errors beside fields, the rest on top.

    `field_names` maps a service's field name to the form's where they differ.
    """
    field_names = field_names or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = field_names.get(field, field)
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def refuse_decoded_control_characters(value: Any) -> Any:
    """JSON typed as text, once decoded: refused when a key or a text value holds a control character.
    The typed text holds only its escape (`\\u0000`), which the door lets through (core.middleware)."""
    if holds_control_character(value):
        raise ValidationError(MESSAGE, code="control_character")
    return value


class JSONField(forms.JSONField):
    """Django's JSON form field (the admin's, for a model's JSONField), refusing decoded control
    characters: PostgreSQL's jsonb cannot hold `\\u0000`, so saving one would fail with a 500."""

    def to_python(self, value: Any) -> Any:
        return refuse_decoded_control_characters(super().to_python(value))


def money_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    """Money is taken as text and checked by the services (`core.money.to_amount`), so the messages
    about precision and sign are the same on every page and in the API."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class DateInput(forms.DateInput):
    """A browser date picker."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date-and-time picker; the value is read in the site's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
