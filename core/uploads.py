"""Checks on uploaded files: what a file is comes from its first bytes, never from its name or the
Content-Type the browser sent, both of which the uploader chooses."""

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Magic bytes at the start of each kind of file we accept.
SIGNATURES: dict[str, bytes] = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
}
KIND_LABELS: dict[str, str] = {"pdf": "PDF", "png": "PNG image", "jpeg": "JPEG image"}
CONTENT_TYPES: dict[str, str] = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS: dict[str, str] = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


def _size_of(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return int(size)


def _read_head(file: IO[bytes], length: int) -> bytes:
    position = file.tell()
    try:
        file.seek(0)
        head = file.read(length)
    finally:
        file.seek(position)
    return head if isinstance(head, bytes) else b""


def human_size(size: int) -> str:
    """A file size as people read it: 900 bytes, 12 KB, 9.5 MB."""
    if size < 1024:
        return _("%(count)d bytes") % {"count": size}
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def _join_labels(kinds: tuple[str, ...]) -> str:
    labels = [KIND_LABELS[kind] for kind in kinds]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + _(" or ") + labels[-1]


def detect_kind(file: Any) -> str | None:
    """The kind of file by its first bytes ("pdf", "png", "jpeg"), or None if it is none of them."""
    head = _read_head(file, max(len(signature) for signature in SIGNATURES.values()))
    for kind, signature in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def validate_upload(
    file: Any, *, allowed: tuple[str, ...] = ("pdf", "png", "jpeg"), max_bytes: int | None = None
) -> str:
    """Check an uploaded file by its content and size; return the detected kind ("pdf", "png", "jpeg").

    Raises ValidationError with a message the uploader can act on. The file's read position is left
    where it was, so it can be saved afterwards.
    """
    unknown = [kind for kind in allowed if kind not in SIGNATURES]
    if unknown or not allowed:
        raise ValueError(f"validate_upload cannot check for {unknown or 'nothing'}")
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    size = _size_of(file)
    if size == 0:
        raise ValidationError(_("The file is empty. Choose the file again."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest file you can upload is %(limit)s.")
            % {"size": human_size(size), "limit": human_size(limit)},
            code="too_large",
        )
    kind = detect_kind(file)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("The file must be a %(kinds)s. This file is not, whatever its name says.")
            % {"kinds": _join_labels(allowed)},
            code="wrong_kind",
        )
    return kind
