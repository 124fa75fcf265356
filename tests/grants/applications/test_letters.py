import pytest

from grants.applications import services
from grants.applications.letters import letter_generate
from grants.models import DecisionLetter
from tests.grants.factories import in_review_application
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _letter_text(application) -> str:  # type: ignore[no-untyped-def]
    letter = DecisionLetter.objects.get(application=application)
    return " ".join(pdf_text(letter.file.read()))


def test_approval_letter_names_applicant_amount_and_reference(django_capture_on_commit_callbacks) -> None:
    application, manager = in_review_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(actor=manager, application=application, amount="1200.00")
    text = _letter_text(application)
    assert application.applicant.full_name in text
    assert application.reference in text
    assert "1200.00 USD" in text
    assert "Your application is approved" in text
    assert "within 30 days" in text  # how to ask for reconsideration


def test_rejection_letter_gives_the_reason_and_explanation(django_capture_on_commit_callbacks) -> None:
    application, manager = in_review_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            actor=manager,
            application=application,
            reason_code="incomplete",
            explanation="No quote was attached.",
        )
    text = _letter_text(application)
    assert application.reference in text
    assert "The application is incomplete" in text
    assert "No quote was attached." in text


def test_a_letter_is_generated_once_per_decision(django_capture_on_commit_callbacks) -> None:
    application, manager = in_review_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(actor=manager, application=application)
    first = DecisionLetter.objects.get(application=application).pk
    assert letter_generate(application_id=application.pk) == first
    assert DecisionLetter.objects.filter(application=application).count() == 1


def test_hostile_text_in_an_explanation_is_printed_not_obeyed(django_capture_on_commit_callbacks) -> None:
    application, manager = in_review_application()
    hostile = '<img src="file:///etc/passwd"><script>alert(1)</script>'
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            actor=manager, application=application, reason_code="other", explanation=hostile
        )
    letter = DecisionLetter.objects.get(application=application)
    pdf = letter.file.read()
    assert b"root:" not in pdf
    assert "<script>alert(1)</script>" in " ".join(pdf_text(pdf))
