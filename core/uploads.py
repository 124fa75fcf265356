"""Checks on uploaded files: what a file is comes from its first bytes, never from its name or the
Content-Type the browser sent, both of which the uploader chooses."""

import codecs
import csv
import io
import zipfile
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
# Kinds recognised by their structure rather than a fixed prefix (payroll extracts); callers opt in.
STRUCTURED_KINDS = ("csv", "xlsx")
KIND_LABELS: dict[str, str] = {
    "pdf": "PDF",
    "png": "PNG image",
    "jpeg": "JPEG image",
    "csv": "CSV file",
    "xlsx": "Excel workbook (.xlsx)",
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS: dict[str, str] = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "csv": "csv", "xlsx": "xlsx"}
# How much of a CSV file is read to decide whether it looks like delimited rows.
CSV_SAMPLE_BYTES = 64 * 1024
CSV_DELIMITERS = ",;\t|"


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


MAX_UNPACKED_XLSX_BYTES = 100 * 1024 * 1024


def _read_tail(file: IO[bytes], length: int) -> bytes:
    position = file.tell()
    try:
        file.seek(0, 2)
        end = file.tell()
        file.seek(max(end - length, 0))
        tail = file.read(length)
    finally:
        file.seek(position)
    return tail if isinstance(tail, bytes) else b""


def _looks_like_xlsx(file: Any) -> bool:
    """A zip (Office Open XML) holding a content-types part and a workbook part."""
    if not _read_head(file, 4).startswith(b"PK\x03\x04"):
        return False
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
        names = {member.filename for member in members}
        # A workbook that would unpack to far more than any payroll extract is a zip bomb, not a report.
        if sum(member.file_size for member in members) > MAX_UNPACKED_XLSX_BYTES:
            return False
        return "[Content_Types].xml" in names and "xl/workbook.xml" in names
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(position)


def _looks_like_csv(file: Any) -> bool:
    """UTF-8 text without NUL bytes whose first rows split into two or more fields on one delimiter."""
    sample = _read_head(file, CSV_SAMPLE_BYTES)
    if not sample or b"\x00" in sample:
        return False
    # The sample may end inside a multi-byte character; only a complete file must decode fully.
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(sample, final=len(sample) < CSV_SAMPLE_BYTES)
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if len(sample) >= CSV_SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    lines = lines[:20]
    if not lines:
        return False
    if any(ord(char) < 32 and char not in "\t\r\n" for line in lines for char in line):
        return False
    for delimiter in CSV_DELIMITERS:
        if delimiter not in lines[0]:
            continue
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(row) for row in rows if row]
        if widths and widths[0] >= 2 and sum(width >= 2 for width in widths) >= max(1, len(widths) * 0.8):
            return True
    return False


def validate_upload(
    file: Any, *, allowed: tuple[str, ...] = ("pdf", "png", "jpeg"), max_bytes: int | None = None
) -> str:
    """Check an uploaded file by its content and size; return the detected kind ("pdf", "png", "jpeg",
    or "csv"/"xlsx" when the caller allows them).

    Raises ValidationError with a message the uploader can act on. The file's read position is left
    where it was, so it can be saved afterwards.
    """
    unknown = [kind for kind in allowed if kind not in SIGNATURES and kind not in STRUCTURED_KINDS]
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
    if kind == "pdf" and b"%%EOF" not in _read_tail(file, 2048):
        # A PDF ends with %%EOF (possibly followed by a line break): without it the file was cut off.
        raise ValidationError(
            _("The PDF is incomplete (it was cut off while uploading or saving). Save it again and retry."),
            code="truncated",
        )
    # A zip starting "PK" is not one of the signed kinds, so it is safe to look further only then.
    if kind is None and "xlsx" in allowed and _looks_like_xlsx(file):
        kind = "xlsx"
    if kind is None and "csv" in allowed and _looks_like_csv(file):
        kind = "csv"
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("The file must be a %(kinds)s. This file is not, whatever its name says.")
            % {"kinds": _join_labels(allowed)},
            code="wrong_kind",
        )
    return kind
