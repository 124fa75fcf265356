"""Control characters in what people send: refused at the door, before anything reaches the database.

PostgreSQL cannot store NUL in text (a query carrying one fails), a lone UTF-16 surrogate cannot be
encoded for either database, and the other control characters have no meaning in a name, a code or an
answer. Line breaks and tabs are kept in bodies (a statement has paragraphs); nowhere else do they belong.
"""

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

# Unicode category Cc (C0, DEL and C1) and the surrogates (Cs), which only a broken encoder produces.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Body text: line breaks and tabs are text.
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Header values arrive as ISO-8859-1 (WSGI), so bytes 0x80-0x9f of UTF-8 text look like C1 controls
# there: only C0 and DEL are refused in headers; a tab is allowed by HTTP.
_HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")

MESSAGE = _(
    "This contains a control character (such as NUL, U+0000) that text here cannot hold. Remove it and "
    "send it again."
)


def has_control_character(text: str) -> bool:
    """Any control character at all: for addresses, query strings and keys."""
    return _ANY_CONTROL.search(text) is not None


def has_body_control_character(text: str) -> bool:
    """A control character other than a line break or a tab: for the text people type."""
    return _BODY_CONTROL.search(text) is not None


def has_header_control_character(text: str) -> bool:
    return _HEADER_CONTROL.search(text) is not None


def fields_with_control_characters(data: Any, *, name: str = "") -> Iterator[str]:
    """The names (top-level keys, or `non_field_errors` for a body that is not an object) under which
    parsed JSON holds a control character, in a key or in a text value at any depth."""
    if isinstance(data, dict):
        for key, value in data.items():
            key_text = str(key)
            if has_control_character(key_text):
                yield "non_field_errors"  # never echo the character back as a field name
            elif holds_control_character(value):
                yield name or key_text
        return
    if holds_control_character(data):
        yield name or "non_field_errors"


def holds_control_character(value: Any) -> bool:
    """Decoded JSON holding a control character in a key or a text value, at any depth. JSON typed into a
    form field passes the door (core.middleware) holding only an escape such as `\\u0000`; what it
    decodes to is checked with this (PostgreSQL's jsonb cannot hold `\\u0000`)."""
    if isinstance(value, str):
        return has_body_control_character(value)
    if isinstance(value, dict):
        return any(
            has_control_character(str(key)) or holds_control_character(item) for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return any(holds_control_character(item) for item in value)
    return False


def form_fields_with_control_characters(data: Any) -> Iterator[str]:
    """The names under which a form or multipart body (a QueryDict) holds a control character in its
    text: a field's own name if its value does, `non_field_errors` if the name itself does (never echoed
    back)."""
    for key, values in data.lists():
        if has_control_character(key):
            yield "non_field_errors"
        elif any(isinstance(value, str) and has_body_control_character(value) for value in values):
            yield key
