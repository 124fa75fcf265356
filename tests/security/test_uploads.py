"""Oversized and malformed uploads, in every upload field of the API and the pages: a renamed executable,
a file over the limit, an empty file, a cut-off file, a zip posing as a workbook. Each is refused with a
message the uploader can act on, and nothing is stored (no row, no file in MEDIA_ROOT)."""

import contextlib
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import Role
from tests.security.urls import snapshot
from tests.security.world import World

LIMIT = 4096  # settings.UPLOAD_MAX_BYTES for these tests

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


def _zip_bomb(names: tuple[str, ...] = ("payload.bin",)) -> bytes:
    """A small zip that inflates to 50 MB (a bomb in miniature), optionally with a workbook's part names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, b"\x00" * (50 * 1024 * 1024 // len(names)))
    return buffer.getvalue()


# name, content: every one of these must be refused wherever a file is accepted.
HOSTILE: dict[str, tuple[str, bytes]] = {
    "renamed-exe": ("evidence.pdf", EXE),
    "renamed-elf": ("payroll.csv", ELF),
    "empty": ("evidence.pdf", b""),
    "oversized": ("evidence.pdf", b"%PDF-1.4\n" + b"0" * (LIMIT * 2)),
    "cut-before-header-ends": ("evidence.pdf", b"%PD"),
    "html-as-pdf": ("evidence.pdf", b"<html><script>alert(1)</script></html>"),
    "zip-bomb-as-xlsx": ("payroll.xlsx", _zip_bomb()),
}


@dataclass
class Target:
    role: Role
    url: Callable[[World], str]
    field: str
    data: dict[str, Any]
    api: bool


TARGETS: dict[str, Target] = {
    "api application document": Target(
        Role.WORKER, lambda w: f"/api/v1/applications/{w.mine.draft.pk}/documents/", "file", {}, True
    ),
    "api pledge progress report (payroll extract)": Target(
        Role.EMPLOYER_REPRESENTATIVE,
        lambda w: f"/api/v1/pledges/{w.mine.pledge.pk}/reports/",
        "evidence",
        {
            "year": 2026,
            "quarter": 1,
            "roles_converted": 0,
            "hires_total": 1,
            "hires_credential_holders": 0,
            "hires_without_degree": 0,
            "hires_priority_groups": 0,
        },
        True,
    ),
    "api completion claim certificate": Target(
        Role.WORKER,
        lambda w: f"/api/v1/applications/{w.enrolled.pk}/claim-completion/",
        "certificate",
        {"completed_on": "2026-01-05"},
        True,
    ),
    "api payment batch reconciliation CSV": Target(
        Role.FINANCE_OFFICER,
        lambda w: f"/api/v1/payment-batches/{w.mine.payment.batch_id}/reconcile/",
        "file",
        {},
        True,
    ),
    "page completion claim certificate": Target(
        Role.WORKER,
        lambda w: f"/applications/{w.enrolled.pk}/claim-completion/",
        "certificate",
        {"completed_on": "2026-01-05"},
        False,
    ),
    "page application documents": Target(
        Role.WORKER,
        lambda w: f"/applications/{w.mine.draft.pk}/edit/",
        "files",
        {"amount_requested": "1000.00", "statement": "Why I need this."},
        False,
    ),
    "page progress report (payroll extract)": Target(
        Role.EMPLOYER_REPRESENTATIVE,
        lambda w: f"/employers/pledge/{w.mine.pledge.pk}/reports/new/",
        "evidence",
        {
            "year": 2026,
            "quarter": 1,
            "roles_converted": 0,
            "hires_total": 1,
            "hires_credential_holders": 0,
            "hires_without_degree": 0,
            "hires_priority_groups": 0,
        },
        False,
    ),
    "page payment batch reconciliation CSV": Target(
        Role.FINANCE_OFFICER,
        lambda w: f"/finance/batches/{w.mine.payment.batch_id}/reconcile/",
        "file",
        {},
        False,
    ),
}


def _files_in(root: str) -> set[str]:
    return {str(path) for path in Path(root).rglob("*") if path.is_file()} if os.path.isdir(root) else set()


@pytest.fixture
def small_limit(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_BYTES = LIMIT
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings


@pytest.mark.parametrize("target_name", list(TARGETS))
@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_hostile_upload_is_refused_and_nothing_stored(
    world: World, db, small_limit, target_name: str, hostile: str
) -> None:  # type: ignore[no-untyped-def]
    target = TARGETS[target_name]
    filename, content = HOSTILE[hostile]
    world.mine.payment.refresh_from_db()
    user = world.enrolled.applicant if "claim" in target_name else world.user_for(target.role)
    client = Client()
    client.force_login(user)
    upload = SimpleUploadedFile(filename, content, content_type="application/octet-stream")
    before, files_before = snapshot(), _files_in(small_limit.MEDIA_ROOT)
    response = client.post(target.url(world), {**target.data, target.field: upload})
    assert response.status_code != 500
    assert snapshot() == before, f"{target_name}: {hostile} changed data"
    assert _files_in(small_limit.MEDIA_ROOT) == files_before, f"{target_name}: {hostile} stored a file"
    if target.api:
        assert response.status_code == 400, f"{target_name}: {hostile} -> {response.status_code}"
        assert response.json(), "the refusal says why"
    else:
        # A page re-renders its form with the error (200) or refuses the move (a message and a redirect).
        assert response.status_code in (200, 302, 400), f"{target_name}: {hostile} -> {response.status_code}"
        if response.status_code == 200:
            assert b'aria-invalid="true"' in response.content or b"error" in response.content.lower()


def test_a_zip_bomb_is_not_inflated_to_be_checked(small_limit) -> None:  # type: ignore[no-untyped-def]
    """The workbook sniff reads the zip's directory only: a bomb with a workbook's part names is checked in
    a blink, never decompressed (it would be 50 MB). The size limit applies to the bytes uploaded."""
    import time

    from django.core.exceptions import ValidationError

    from core.uploads import validate_upload

    bomb = _zip_bomb(("[Content_Types].xml", "xl/workbook.xml"))
    started = time.perf_counter()
    with contextlib.suppress(ValidationError):
        validate_upload(io.BytesIO(bomb), allowed=("csv", "xlsx", "pdf"), max_bytes=len(bomb) + 1)
    assert time.perf_counter() - started < 0.5
