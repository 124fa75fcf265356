"""Form rendering that every form uses: visible labels, hints, required marks, linked errors."""

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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
