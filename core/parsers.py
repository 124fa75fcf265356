"""The API's parsers: DRF's, refusing text with control characters (NUL, lone surrogates...) with a 400
naming the field (core.control_characters). A module of their own: DRF's settings import them while
rest_framework.views is still loading, so they must not import it."""

from typing import Any

from rest_framework import exceptions, parsers

from core.control_characters import (
    MESSAGE,
    fields_with_control_characters,
    form_fields_with_control_characters,
)


def refuse_control_characters(data: Any) -> None:
    """A 400 naming each field whose text holds a control character (core.control_characters)."""
    if hasattr(data, "lists"):  # a QueryDict from a form or multipart body
        named = list(form_fields_with_control_characters(data))
    else:
        named = list(fields_with_control_characters(data))
    if named:
        raise exceptions.ValidationError({name: [str(MESSAGE)] for name in dict.fromkeys(named)})


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing text with control characters (NUL, lone surrogates...) with a 400
    naming the field: PostgreSQL cannot store them, and no field here means them."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        refuse_control_characters(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Multipart bodies: the text fields are checked. Uploaded files' names need no check (Django drops
    non-printable characters from them); their contents are the uploads' own business (core.uploads
    checks them by content)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        refuse_control_characters(parsed.data)
        return parsed
