"""The worker's pages: profile, demographics, applying, drafts, documents, submitting, withdrawing,
answering requests for information, the application page, private downloads and notices."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notice
from accounts.roles import Role
from accounts.services import notice_send
from grants.applications import services
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Demographics,
    InformationRequest,
    WorkerProfile,
)
from programs.models import CapRule
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    draft_application,
    funded_setup,
    in_review_application,
    worker_with_profile,
)
from tests.programs.factories import CapRuleFactory, EligibilityRuleFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXECUTABLE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def assert_one_h1(html: str) -> None:
    assert html.count("<h1") == 1


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return [path for path in root.rglob("*") if path.is_file()]


def more_info_application() -> Application:
    application, manager = in_review_application()
    services.application_request_info(
        actor=manager, application=application, question="Send proof of address."
    )
    application.refresh_from_db()
    return application


def snapshot(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.amount_requested,
        application.statement,
        application.credential_id,
        application.events.count(),
        application.documents.count(),
    )


# ---------------------------------------------------------------- the whole journey


def test_worker_journey_profile_apply_upload_submit_view_withdraw(client, media_root) -> None:
    program, _manager, credential = funded_setup()
    EligibilityRuleFactory(program=program, parameters={"regions": ["North"]})
    worker = user_with_role(Role.WORKER)
    client.force_login(worker)

    # Profile and voluntary demographics.
    html = page(client.get(reverse("grants:worker_profile")))
    assert_one_h1(html)
    assert "Open programs cover these regions: North." in html
    response = client.post(
        reverse("grants:worker_profile"),
        {
            "phone": "+1 555 0100",
            "address": "1 Main Street",
            "region": "North",
            "date_of_birth": "1990-06-01",
            "employment_status": "unemployed",
            "household_income_band": "under_25k",
            "contact_by_employers": "on",
        },
    )
    assert response.status_code == 302
    profile = WorkerProfile.objects.get(user=worker)
    assert (profile.region, profile.date_of_birth, profile.employment_status) == (
        "North",
        date(1990, 6, 1),
        "unemployed",
    )
    assert profile.contact_by_employers is True
    assert profile.contact_consent_changed_at is not None
    worker.refresh_from_db()
    assert worker.phone == "+1 555 0100"

    html = page(client.get(reverse("grants:demographics")))
    assert_one_h1(html)
    assert "never shown to the people who review your applications" in html
    assert "<legend>Asian</legend>" in html
    response = client.post(
        reverse("grants:demographics"),
        {
            "race_ethnicity": ["asian.chinese", "hispanic"],
            "sex": "female",
            "veteran": "no",
            "disability": "prefer_not_to_say",
        },
    )
    assert response.status_code == 302
    answers = Demographics.objects.get(user=worker)
    assert answers.race_ethnicity == ["asian", "asian.chinese", "hispanic"]
    assert (answers.sex, answers.veteran, answers.disability) == ("female", "no", "prefer_not_to_say")

    # The program and course pages lead to the form, which preselects the course and its cost.
    start = reverse("grants:application_start", args=[program.code])
    assert f'href="{start}"' in page(client.get(reverse("programs:program_detail", args=[program.code])))
    assert f'href="{start}?credential={credential.pk}"' in page(
        client.get(reverse("programs:credential_detail", args=[credential.pk]))
    )
    html = page(client.get(f"{start}?credential={credential.pk}"))
    assert_one_h1(html)
    assert f'<option value="{credential.pk}" selected>' in html
    assert 'value="1500.00"' in html

    response = client.post(
        start,
        {"credential": credential.pk, "amount_requested": "1500.00", "statement": "To become a cloud admin."},
    )
    application = Application.objects.get(applicant=worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:application_edit", args=[application.pk])
    assert application.status == Application.Status.DRAFT

    # The draft page: eligibility with one reason per rule, the maximum and its cap, documents needed.
    edit = reverse("grants:application_edit", args=[application.pk])
    html = page(client.get(edit))
    assert_one_h1(html)
    assert "Eligible" in html
    assert "You live in North, which this program covers." in html
    assert "$1,500.00" in html
    assert "the course cost" in html
    assert "Proof of where you live" in html
    assert reverse("grants:application_submit", args=[application.pk]) in html

    response = client.post(
        edit,
        {"intent": "upload", "document-kind": "quote", "document-file": SimpleUploadedFile("offer.pdf", PDF)},
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=application)
    assert (document.original_name, document.kind, document.content_type) == (
        "offer.pdf",
        "quote",
        "application/pdf",
    )

    response = client.post(
        edit, {"credential": credential.pk, "amount_requested": "1200.00", "statement": "Changed."}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.amount_requested, application.statement) == (Decimal("1200.00"), "Changed.")

    # Review and submit: the confirmation is required.
    submit = reverse("grants:application_submit", args=[application.pk])
    html = page(client.get(submit))
    assert_one_h1(html)
    assert application.funding_round.name in html
    assert "offer.pdf" in html
    response = client.post(submit, {})
    assert "Confirm that the information is true before you submit." in page(response)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    response = client.post(submit, {"confirm": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    # The application page and the list.
    html = page(client.get(reverse("grants:application_detail", args=[application.pk])))
    assert_one_h1(html)
    assert "We have received your application." in html
    assert "What happens next" in html
    assert "Application submitted" in html
    assert "offer.pdf" in html
    html = page(client.get(reverse("grants:my_applications")))
    assert application.reference in html
    assert "Wait for the review to start" in html

    # Withdraw: a confirmation page, then the move.
    withdraw = reverse("grants:application_withdraw", args=[application.pk])
    assert_one_h1(page(client.get(withdraw)))
    response = client.post(withdraw, {"reason": "Found a job."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.events.filter(action="withdrawn", reason="Found a job.").exists()
    # A second withdrawal is refused and changes nothing.
    before = snapshot(application)
    response = client.post(withdraw, {"reason": "Again"})
    assert response.status_code == 302
    assert snapshot(application) == before


def test_profile_refuses_a_future_birth_date_and_a_bad_phone_and_changes_nothing(client) -> None:
    worker = worker_with_profile()
    client.force_login(worker)
    response = client.post(
        reverse("grants:worker_profile"),
        {
            "phone": "call me",
            "region": "South",
            "date_of_birth": "2999-01-01",
            "employment_status": "employed",
        },
    )
    html = page(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    profile = WorkerProfile.objects.get(user=worker)
    assert profile.region == "North"
    worker.refresh_from_db()
    assert worker.phone == ""


def test_demographics_refuses_prefer_not_to_say_with_other_answers(client) -> None:
    worker = user_with_role(Role.WORKER)
    client.force_login(worker)
    response = client.post(reverse("grants:demographics"), {"race_ethnicity": ["white", "prefer_not_to_say"]})
    assert "Choose either “Prefer not to say” or one or more answers, not both." in page(response)
    assert not Demographics.objects.filter(user=worker).exists()


def test_apply_to_a_program_without_an_open_round_explains_and_creates_nothing(client) -> None:
    program, _manager, credential = funded_setup()
    program.rounds.all().delete()
    client.force_login(worker_with_profile())
    start = reverse("grants:application_start", args=[program.code])
    assert "No funding round of this program is open now." in page(client.get(start))
    client.post(start, {"credential": credential.pk, "amount_requested": "100.00"})
    assert Application.objects.count() == 0


def test_apply_with_a_bad_credential_or_amount_shows_errors(client) -> None:
    program, _manager, _credential = funded_setup()
    client.force_login(worker_with_profile())
    start = reverse("grants:application_start", args=[program.code])
    assert client.get(f"{start}?credential=abc").status_code == 200
    response = client.post(start, {"credential": "999999", "amount_requested": "lots"})
    assert response.status_code == 200
    assert "There is a problem" in page(response)
    assert Application.objects.count() == 0


# ---------------------------------------------------------------- refused submissions


def test_ineligible_submission_shows_the_reasons_and_changes_nothing(client) -> None:
    program, _manager, credential = funded_setup()
    EligibilityRuleFactory(program=program, parameters={"regions": ["North"]})
    worker = worker_with_profile(region="South")
    application = draft_application(worker=worker, program=program, credential=credential)
    client.force_login(worker)
    reason = "This program is for residents of North; you told us you live in South."
    assert reason in page(client.get(reverse("grants:application_edit", args=[application.pk])))
    before = snapshot(application)

    response = client.post(reverse("grants:application_submit", args=[application.pk]), {"confirm": "on"})

    assert response.status_code == 200
    assert reason in page(response)
    assert snapshot(application) == before
    assert application.submitted_at is None
    assert not Notice.objects.filter(user=worker).exists()


def test_over_cap_submission_shows_the_cap_and_changes_nothing(client) -> None:
    program, _manager, credential = funded_setup()
    CapRuleFactory(program=program, scope=CapRule.Scope.PER_CREDENTIAL, amount=Decimal("1000.00"))
    worker = worker_with_profile()
    application = draft_application(worker=worker, program=program, credential=credential, amount="1500.00")
    client.force_login(worker)
    html = page(client.get(reverse("grants:application_edit", args=[application.pk])))
    assert "$1,000.00" in html
    assert "Over the limit" in html
    before = snapshot(application)

    response = client.post(reverse("grants:application_submit", args=[application.pk]), {"confirm": "on"})

    assert "Lower the amount requested." in page(response)
    assert snapshot(application) == before


# ---------------------------------------------------------------- uploads


@pytest.mark.parametrize(
    ("name", "content", "limit", "message"),
    [
        ("x.pdf", EXECUTABLE, None, "This file is not, whatever its name says."),
        ("big.pdf", PDF + b"0" * 500, 100, "the largest file you can upload is 100 bytes"),
        ("empty.pdf", b"", None, "The submitted file is empty."),
    ],
    ids=["renamed-executable", "oversized", "empty"],
)
def test_refused_uploads_show_the_reason_on_the_file_field_and_store_nothing(
    client, settings, media_root, name: str, content: bytes, limit: int | None, message: str
) -> None:
    if limit is not None:
        settings.UPLOAD_MAX_BYTES = limit
    application = draft_application()
    client.force_login(application.applicant)
    before = snapshot(application)

    response = client.post(
        reverse("grants:application_edit", args=[application.pk]),
        {"intent": "upload", "document-kind": "evidence", "document-file": SimpleUploadedFile(name, content)},
    )

    html = page(response)
    assert response.status_code == 200
    assert 'id="id_document-file_error"' in html
    assert message in html
    assert snapshot(application) == before
    assert stored_files(media_root) == []


def test_respond_with_answer_and_documents_returns_the_application_to_review(client) -> None:
    application = more_info_application()
    client.force_login(application.applicant)
    respond = reverse("grants:application_respond", args=[application.pk])
    html = page(client.get(respond))
    assert_one_h1(html)
    assert "Send proof of address." in html

    response = client.post(
        respond,
        {
            "answer": "Here is my lease.",
            "files": [SimpleUploadedFile("lease.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert sorted(application.documents.values_list("kind", flat=True)) == ["more_info", "more_info"]
    assert InformationRequest.objects.get(application=application).answer == "Here is my lease."


def test_respond_with_a_refused_file_changes_nothing(client, media_root) -> None:
    application = more_info_application()
    client.force_login(application.applicant)
    before = snapshot(application)

    response = client.post(
        reverse("grants:application_respond", args=[application.pk]),
        {"answer": "See attached.", "files": [SimpleUploadedFile("x.pdf", EXECUTABLE)]},
    )

    assert "whatever its name says" in page(response)
    assert snapshot(application) == before
    assert InformationRequest.objects.get(application=application).answered_at is None
    assert stored_files(media_root) == []


# ---------------------------------------------------------------- four callers on each page

APPLICATION_PAGES = [
    ("grants:application_detail", "draft"),
    ("grants:application_edit", "draft"),
    ("grants:application_submit", "draft"),
    ("grants:application_withdraw", "draft"),
    ("grants:application_respond", "more_info"),
]


def _application(kind: str) -> Application:
    return more_info_application() if kind == "more_info" else draft_application()


@pytest.mark.parametrize(("name", "kind"), APPLICATION_PAGES)
def test_application_pages_refuse_anonymous_wrong_role_and_other_workers(
    client, name: str, kind: str
) -> None:
    application = _application(kind)
    url = reverse(name, args=[application.pk])
    before = snapshot(application)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)

    for caller in (user_with_role(Role.REVIEWER), user_with_role(Role.OFFICIAL), worker_with_profile()):
        client.force_login(caller)
        assert client.get(url).status_code == 404
        post = client.post(url, {"confirm": "on", "reason": "x", "answer": "x", "amount_requested": "1.00"})
        assert post.status_code in (404, 405)
    assert snapshot(application) == before

    client.force_login(application.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert_one_h1(page(response))


@pytest.mark.parametrize("name", ["grants:worker_profile", "grants:demographics", "grants:my_applications"])
def test_worker_pages_refuse_anonymous_and_wrong_role(client, name: str) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    client.force_login(user_with_role(Role.REVIEWER))
    assert client.get(url).status_code == 403
    client.force_login(worker_with_profile())
    assert client.get(url).status_code == 200


def test_apply_page_refuses_anonymous_and_wrong_role(client) -> None:
    program, _manager, credential = funded_setup()
    url = reverse("grants:application_start", args=[program.code])
    assert client.get(url)["Location"].startswith(SIGN_IN)
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    assert client.post(url, {"credential": credential.pk, "amount_requested": "100.00"}).status_code == 403
    assert Application.objects.count() == 0
    client.force_login(worker_with_profile())
    assert client.get(url).status_code == 200


def test_my_applications_shows_only_the_callers_own(client) -> None:
    mine = draft_application()
    theirs = draft_application()
    client.force_login(mine.applicant)
    html = page(client.get(reverse("grants:my_applications")))
    assert mine.reference in html
    assert theirs.reference not in html


def test_applicant_page_hides_staff_only_events_comments_and_reviewers(client) -> None:
    application, manager = in_review_application()
    reviewer = user_with_role(Role.REVIEWER, full_name="Rita Reviewer")
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    services.staff_comment_add(actor=manager, application=application, body="Looks thin to me.")
    client.force_login(application.applicant)

    html = page(client.get(reverse("grants:application_detail", args=[application.pk])))

    assert "Review started" in html
    assert "Rita Reviewer" not in html
    assert reviewer.email not in html
    assert manager.email not in html
    assert "Looks thin to me." not in html
    assert "Reviewer assigned" not in html
    assert application.events.filter(visibility=ApplicationEvent.Visibility.STAFF).exists()


# ---------------------------------------------------------------- downloads


def test_document_download_is_private_to_the_applicant_and_staff_on_it(client) -> None:
    application = draft_application()
    document = services.application_document_add(
        actor=application.applicant, application=application, file=SimpleUploadedFile("proof.pdf", PDF)
    )
    url = reverse("grants:document_download", args=[application.pk, document.pk])

    assert client.get(url)["Location"].startswith(SIGN_IN)
    for stranger in (worker_with_profile(), user_with_role(Role.REVIEWER), user_with_role(Role.OFFICIAL)):
        client.force_login(stranger)
        assert client.get(url).status_code == 404

    client.force_login(application.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="proof.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        client.get(reverse("grants:document_download", args=[application.pk, document.pk + 1])).status_code
        == 404
    )

    client.force_login(application.program.managers.first())
    assert client.get(url).status_code == 200


def test_letter_download_is_private_to_the_applicant(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application, manager = in_review_application()
        services.application_approve(actor=manager, application=application)
    url = reverse("grants:letter_download", args=[application.pk])

    client.force_login(worker_with_profile())
    assert client.get(url).status_code == 404

    client.force_login(application.applicant)
    html = page(client.get(reverse("grants:application_detail", args=[application.pk])))
    assert f'href="{url}"' in html
    assert "Your application is approved." in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


def test_letter_download_without_a_letter_is_404(client) -> None:
    application = draft_application()
    client.force_login(application.applicant)
    assert client.get(reverse("grants:letter_download", args=[application.pk])).status_code == 404


# ---------------------------------------------------------------- notices and home


def test_notices_list_and_mark_all_read(client) -> None:
    worker = worker_with_profile()
    other = worker_with_profile()
    notice_send(user=worker, subject="Your news", url="/applications/", mail=False)
    notice_send(user=other, subject="Someone else's news", mail=False)
    client.force_login(worker)

    html = page(client.get(reverse("grants:notices")))
    assert_one_h1(html)
    assert "Your news" in html
    assert "Someone else&#x27;s news" not in html
    assert "1 unread notice" in html
    assert client.get(reverse("grants:notices_read")).status_code == 405

    response = client.post(reverse("grants:notices_read"))

    assert response.status_code == 302
    assert Notice.objects.get(user=worker).read_at is not None
    assert Notice.objects.get(user=other).read_at is None


def test_home_lists_drafts_questions_and_unread_notices_for_a_worker(client) -> None:
    application = more_info_application()
    draft_application(worker=application.applicant)
    client.force_login(application.applicant)
    html = page(client.get("/"))
    assert "Applications waiting for your answer" in html
    assert "Drafts not yet submitted" in html
    assert "Unread notices" in html
    assert f'href="{reverse("grants:my_applications")}"' in html


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("size", [2, 12])
def test_my_applications_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    program, _manager, credential = funded_setup()
    worker = worker_with_profile()
    for _index in range(size):
        draft_application(worker=worker, program=program, credential=credential)
    client.force_login(worker)
    client.get(reverse("grants:my_applications"))  # warm the session

    # Session, user, roles (navigation), count, page of applications with program, credential and round.
    with django_assert_num_queries(5):
        response = client.get(reverse("grants:my_applications"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_application_page_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    application = more_info_application()
    for index in range(size):
        services.application_document_add(
            actor=application.applicant,
            application=application,
            file=SimpleUploadedFile(f"d{index}.pdf", PDF),
            kind=ApplicationDocument.Kind.MORE_INFO,
        )
    client.force_login(application.applicant)
    url = reverse("grants:application_detail", args=[application.pk])
    client.get(url)

    # Session, user, roles, the visible application, the page's application with its documents, questions,
    # assignments and letters, and the public timeline.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert page(response).count("Document added") == size
