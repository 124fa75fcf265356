from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def accessible_widget(field: BoundField) -> SafeString:
    """The field's widget with aria-describedby pointing at its hint and errors, and aria-invalid."""
    attrs: dict[str, str | bool] = {}
    described_by = _described_by(field)
    if described_by and not field.use_fieldset:
        attrs["aria-describedby"] = described_by
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def described_by(field: BoundField) -> str:
    return _described_by(field)
