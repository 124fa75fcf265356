"""Base58btc and base64url, and strict JSON: nesting bounded by ``MAX_DEPTH`` (checked before parsing), no
duplicate keys, no NaN or Infinity, no control characters once decoded."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from core.control_characters import holds_control_character
from core.openbadges.common import BadgeError, _short

MAX_DEPTH = 32
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58_ALPHABET)}
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_JSON_SYNTAX_RE = re.compile(r'[\[\]{}"\\]')


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, remainder = divmod(number, 58)
        out.append(_B58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    if len(text) > 512:
        raise BadgeError("base58 value too long")
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise BadgeError("not base58")
        number = number * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not _B64URL_RE.match(text) or len(text) % 4 == 1:
        raise BadgeError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadgeError("not base64url") from error


def _reject_constant(name: str) -> Any:
    raise BadgeError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BadgeError(f'the key "{_short(key, 40)}" appears twice')
        result[key] = value
    return result


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH, in one linear pass that skips brackets inside strings."""
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_SYNTAX_RE.finditer(text):
        position, char = match.start(), match.group()
        if position == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BadgeError(f"it is nested more than {MAX_DEPTH} levels deep")
        elif char in "]}":
            depth -= 1


def _loads(text: str) -> Any:
    """Strict JSON: bounded nesting (checked before parsing), no duplicate keys, no NaN/Infinity, and no
    control characters in its text once decoded (an escaped NUL could not be stored with the checks)."""
    _check_depth(text)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except BadgeError:
        raise
    except (ValueError, RecursionError) as error:
        raise BadgeError("it is not valid JSON") from error
    if holds_control_character(data):
        raise BadgeError("its text holds a control character (such as NUL)")
    return data
