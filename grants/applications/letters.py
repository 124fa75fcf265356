"""Decision letters: the same facts the application page shows, as a tagged PDF kept as sent."""

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.pdf import render_pdf
from core.workflow import lock
from grants.models import Application, DecisionLetter

APPEAL_DAYS = 30


def letter_context(application: Application) -> dict[str, Any]:
    approved = application.status == Application.Status.APPROVED
    return {
        "application": application,
        "approved": approved,
        "program": application.program,
        "credential": application.credential,
        "applicant": application.applicant,
        "reason": application.get_rejection_reason_display() if not approved else "",
        "explanation": application.decision_explanation,
        "decided_on": timezone.localtime(application.decided_at).date() if application.decided_at else None,
        "appeal_days": APPEAL_DAYS,
        "training_window_months": application.program.training_window_months,
    }


@transaction.atomic
def letter_generate(*, application_id: int) -> int:
    """Render the letter for the application's decision unless one exists; return the letter's id."""
    application = lock(
        Application(pk=application_id), related=("program", "credential__provider", "applicant"), of=None
    )
    kind = {"approved": "approval", "rejected": "rejection"}.get(str(application.status))
    if kind is None:
        raise ValueError(f"application {application_id} is not decided")
    existing = application.letters.filter(kind=kind).first()
    if existing is not None:
        return existing.pk
    pdf = render_pdf(
        template_name="grants/letter.html",
        context=letter_context(application),
        title=f"Decision on application {application.reference}",
        lang=application.applicant.preferred_language or "en",
    )
    letter = DecisionLetter(application=application, kind=kind, sha256=hashlib.sha256(pdf).hexdigest())
    letter.file.save(f"{application.reference}-{kind}.pdf", ContentFile(pdf), save=False)
    letter.save()
    return letter.pk


def letter_for(application: Application) -> DecisionLetter | None:
    """The decision letter to hand out: the latest one, made now if the task has not run yet (a worker
    that is down must not keep a decided applicant from their letter). None before a decision."""
    letter = application.letters.order_by("-created_at", "-id").first()
    if letter is None and application.status in (Application.Status.APPROVED, Application.Status.REJECTED):
        letter = DecisionLetter.objects.get(pk=letter_generate(application_id=application.pk))
    return letter
