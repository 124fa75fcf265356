"""Hostile text in the free-text fields people fill in (names, statements, questions, answers, comments,
explanations, pledge framework names, job titles, employer names), rendered where others read it: pages
(escaped, never raw markup), emails (HTML parts escaped), PDFs (the text appears literally: no markup
reaches the renderer as markup), and CSV files (no cell a spreadsheet would run as a formula)."""

import csv
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from employers import services as employer_services
from employers.models import Employer, JobRole, Pledge
from grants.applications import services
from grants.applications.letters import letter_for
from grants.models import Payment
from grants.payments.services import batch_csv
from programs.models import Credential
from tests.pdf_text import pdf_text
from tests.security.world import World

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
PAYLOAD = f"Ann {SCRIPT}{IMG}{TEMPLATE}"  # short enough for a 200-character name field
LONG = PAYLOAD + " " + "x" * 4800  # a very long statement, comment or explanation

RAW_MARKERS = ("<script>alert(1)", "<img src=x", 'href="javascript:', "onerror=alert(1)>")


def assert_escaped(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: raw {marker!r} in the page"


@pytest.fixture
def hostile(world: World, db, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Hostile text in every free-text field the world's pages, mails and letters show."""
    side = world.mine
    # Names people type for themselves or their organisations (a fixture: these fields, not statuses).
    User.objects.filter(pk__in=[side.worker.pk, side.in_review.applicant_id]).update(full_name=PAYLOAD)
    Employer.objects.filter(pk=side.employer.pk).update(legal_name=PAYLOAD, trading_name=PAYLOAD)
    Pledge.objects.filter(pk=side.pledge.pk).update(framework_name=PAYLOAD)
    JobRole.objects.filter(pk=side.job_role.pk).update(title=PAYLOAD)
    Credential.objects.filter(pk=side.credential.pk).update(title=PAYLOAD)
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        services.application_update(actor=side.worker, application=side.draft, statement=LONG)
        services.staff_comment_add(actor=side.manager, application=side.in_review, body=LONG)
        services.application_request_info(actor=side.manager, application=side.in_review, question=LONG)
        services.application_respond(actor=side.in_review.applicant, application=side.in_review, answer=LONG)
        submitted = services.application_begin_review(actor=side.manager, application=side.submitted)
        services.application_reject(
            actor=side.manager, application=submitted, reason_code="not_eligible", explanation=LONG
        )
    return world


PAGES = [
    ("worker", lambda w: f"/applications/{w.mine.draft.pk}/"),
    ("worker", lambda w: f"/applications/{w.mine.draft.pk}/edit/"),
    ("worker", lambda w: "/applications/"),
    ("applicant", lambda w: f"/applications/{w.mine.in_review.pk}/"),
    ("manager", lambda w: f"/applications/{w.mine.in_review.pk}/"),
    ("manager", lambda w: f"/applications/{w.mine.submitted.pk}/"),
    ("manager", lambda w: "/review/"),
    ("representative", lambda w: f"/employers/{w.mine.employer.pk}/"),
    ("representative", lambda w: f"/employers/pledge/{w.mine.pledge.pk}/"),
    ("representative", lambda w: f"/employers/{w.mine.employer.pk}/roles/"),
    ("representative", lambda w: f"/employers/roles/{w.mine.job_role.pk}/edit/"),
    ("admin", lambda w: "/employers/"),
    ("admin", lambda w: f"/employers/{w.mine.employer.pk}/"),
    ("anonymous", lambda w: "/pledges/"),
    ("anonymous", lambda w: f"/pledges/{w.mine.pledge.pk}/"),
    ("anonymous", lambda w: "/catalog/"),
    ("anonymous", lambda w: f"/catalog/{w.mine.credential.pk}/"),
]


def _client(world: World, who: str) -> Client:
    users = {
        "worker": world.mine.worker,
        "applicant": world.mine.in_review.applicant,
        "manager": world.mine.manager,
        "representative": world.mine.representative,
        "official": world.official,
        "admin": world.admin,
    }
    client = Client()
    if who in users:
        client.force_login(users[who])
    return client


@pytest.mark.parametrize(("who", "page"), PAGES, ids=[f"{who}-{i}" for i, (who, _p) in enumerate(PAGES)])
def test_pages_show_hostile_text_escaped(hostile: World, who: str, page) -> None:  # type: ignore[no-untyped-def]
    url = page(hostile)
    response = _client(hostile, who).get(url)
    assert response.status_code == 200, f"{who} {url}: {response.status_code}"
    html = response.content.decode()
    assert_escaped(html, url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, f"{url} does not show the text at all"


def test_emails_carry_hostile_text_as_text(hostile: World) -> None:
    assert mail.outbox, "the request for information and the decision send mail"
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert_escaped(str(content), f"mail {message.subject!r}")


def test_decision_letter_pdf_shows_hostile_text_literally(hostile: World) -> None:
    application = hostile.mine.submitted
    application.refresh_from_db()
    letter = letter_for(application)
    assert letter is not None
    with letter.file.open("rb") as handle:
        text = "\n".join(pdf_text(handle.read()))
    flat = text.replace("\n", "")
    # The explanation and the applicant's name arrive as the characters typed: had they reached the
    # renderer as markup, "<script>" and "<img" would be gone from the text.
    assert SCRIPT in flat
    assert "<img src=x onerror=alert(1)>" in flat
    assert TEMPLATE in flat


def test_pledge_summary_pdf_shows_hostile_framework_name_literally(hostile: World) -> None:
    client = _client(hostile, "representative")
    response = client.get(f"/reports/employers/{hostile.mine.employer.pk}/pledge-summary.pdf")
    assert response.status_code == 200
    text = "".join(pdf_text(b"".join(response.streaming_content) if response.streaming else response.content))
    assert SCRIPT in text.replace("\n", "")


def test_a_javascript_url_is_refused_as_an_employer_website(hostile: World) -> None:
    with pytest.raises(ValidationError):
        employer_services.employer_update(
            actor=hostile.mine.representative, employer=hostile.mine.employer, website="javascript:alert(1)"
        )


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_payment_batch_csv_neutralises_formula_cells(world: World, db, formula: str) -> None:  # type: ignore[no-untyped-def]
    payment = world.mine.payment
    payment.refresh_from_db()
    Payment.objects.filter(pk=payment.pk).update(payee_name=formula, payee_reference=formula)
    rows = list(csv.reader(io.StringIO(batch_csv(payment.batch), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the batch has rows"
    assert not [cell for cell in cells if cell.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert len(rows) == 2, "a line break in a name must not start a new row"
