import pytest
from django.core import mail

from grants.applications import services
from grants.models import Application, DecisionLetter
from programs.selectors import ledger_reconcile
from tests.grants.factories import in_review_application

pytestmark = pytest.mark.django_db


def test_apply_review_approve_and_letter(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application, manager = in_review_application()
        services.application_approve(actor=manager, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.program.budget.committed == application.amount_awarded
    letter = DecisionLetter.objects.get(application=application)
    assert letter.file.read().startswith(b"%PDF-")
    assert ledger_reconcile() == []
    assert any("approved" in message.subject for message in mail.outbox)
