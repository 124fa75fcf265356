"""The steps every write to an application takes, whichever area it belongs to (applications, awards,
payments, employer filing): lock the application row in the documented order (ADR 0009), move its status
through the transition table with an event (core.workflow), tell the applicant, keep an uploaded document.
Services call these while they hold the transaction; nothing here decides who may act."""

import hashlib
import secrets
import uuid
from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notice_send
from core.uploads import validate_upload
from core.workflow import lock, transition
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
)
from programs.models import Credential, FundingRound, Program, ProgramCredential
from programs.selectors import open_round

S = Application.Status

VISIBLE_TO_APPLICANT = ApplicationEvent.Visibility.APPLICANT

STAFF_ONLY = ApplicationEvent.Visibility.STAFF

LOCK_RELATED = ("program", "credential", "funding_round", "applicant", "filed_by")


def lock_application(application: Application, related: tuple[str, ...] = LOCK_RELATED) -> Application:
    """The application, locked (FOR NO KEY UPDATE) until the transaction ends, with its program, credential
    and round held in key-share mode; the applicant and the person who filed it come in the same query,
    unlocked, for the notices and the API's answer (`related=()`: the application alone, for a service
    that needs none of them).

    What each lock excludes:
    - The application row: every other write to this application (each service takes this lock first),
      so a status moves through the transition table one step at a time. NO KEY UPDATE rather than
      UPDATE: rows that refer to the application (events, documents) are inserted by others without
      waiting.
    - Program, credential and round, FOR KEY SHARE: a change to their configuration (programs.services
      locks the program FOR UPDATE to change its status, rules or rounds) waits until this write commits,
      and this write waits for such a change, so an application is never judged by rules half-changed.
      Key share does not conflict with itself, so writes to *different* applications of one program run
      side by side. (Until 2026-11 these rows were locked FOR NO KEY UPDATE, which queued every write of a
      program behind the one before it: under load that, not the CPU, was the ceiling; docs/quality.md.)
    - What needs one program's writes in a line (caps per person and per employer, the round's share
      of the budget) is serialised by the budget lock, which an approval takes before counting awards.
      Funding one credential twice for one person is refused by a unique constraint in the database."""
    locked = lock(application, related=related, no_key=True)
    _share_rules(locked)
    return locked


def _share_rules(application: Application) -> None:
    """Hold the application's program, credential and round FOR KEY SHARE (PostgreSQL; SQLite serialises
    whole write transactions anyway). One statement, one round trip."""
    if connection.vendor != "postgresql":
        return
    tables = [
        (Program._meta.db_table, application.program_id),
        (Credential._meta.db_table, application.credential_id),
        (FundingRound._meta.db_table, application.funding_round_id),
    ]
    columns = ", ".join(
        f"(SELECT 1 FROM {connection.ops.quote_name(table)} WHERE id = %s FOR KEY SHARE)"  # noqa: S608 - model tables
        for table, _pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", [pk for _table, pk in tables])


def move_application(
    application: Application,
    to_status: str,
    *,
    actor: User | None,
    action: str,
    reason: str = "",
    visibility: str = VISIBLE_TO_APPLICANT,
    payload: dict | None = None,
    extra_fields: tuple[str, ...] = (),
) -> ApplicationEvent:
    """Check the table, change the status, write the event (core.workflow). The caller holds the row
    lock."""
    event = transition(
        application,
        to_status,
        actor=actor,
        action=action,
        reason=reason,
        visibility=visibility,
        payload=payload,
        fields=extra_fields,
    )
    return cast(ApplicationEvent, event)


def tell_applicant(application: Application, subject: str, body: str = "") -> None:
    url = reverse("grants:application_detail", args=[application.pk])
    recipients = {application.applicant_id: application.applicant}
    if application.filed_by_id != application.applicant_id:
        recipients[application.filed_by_id] = application.filed_by
    for user in recipients.values():
        notice_send(user=user, subject=subject, body=body, url=url)


def new_reference() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    year = timezone.localdate().strftime("%y")
    return f"SF-{year}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def check_can_fund(program: Program, credential: Credential) -> ProgramCredential:
    link = ProgramCredential.objects.filter(program=program, credential=credential).order_by("pk").first()
    if link is None:
        raise ValidationError(
            {"credential": _("This program does not fund that credential. Choose one from its list.")}
        )
    return link


def check_taking_applications(program: Program, credential: Credential) -> FundingRound:
    """The program's open funding round, when the program takes applications now and funds the
    credential; otherwise refused with what stops it (ValidationError)."""
    if program.status != Program.Status.OPEN:
        raise ValidationError(_("This program is not taking applications."))
    funding_round = open_round(program)
    if funding_round is None:
        raise ValidationError(
            _("No funding round of this program is open now. Check its dates on the program page.")
        )
    check_can_fund(program, credential)
    return funding_round


def store_document(
    *, application: Application, actor: User, file: UploadedFile, kind: str, field: str = "file"
) -> ApplicationDocument:
    """Check a file by content and size and keep it under a random name, with an event. The caller holds
    the application's row lock and has checked who may add it."""
    locked = application
    try:
        detected = validate_upload(file)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    original = (getattr(file, "name", "") or "document").rsplit("/", 1)[-1][:200]
    extension = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}[detected]
    file.name = f"{uuid.uuid4().hex}.{extension}"
    document = ApplicationDocument.objects.create(
        application=locked,
        uploaded_by=actor,
        kind=kind,
        file=file,
        original_name=original,
        content_type={"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}[detected],
        size=file.size or 0,
        sha256=digest.hexdigest(),
    )
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="document_added",
        payload={"document": document.pk, "name": original, "kind": kind},
    )
    return document
