"""Staff pages: the review queue, the staff page of an application, every decision through the pages,
conflicts of interest, the ranking of a scored round, and who may do what (four callers each)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from grants.applications import services
from grants.models import (
    Application,
    ApplicationEvent,
    Demographics,
    InformationRequest,
    Review,
    ReviewAssignment,
    StaffComment,
)
from programs.models import Program, ScoringCriterion
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    draft_application,
    funded_setup,
    in_review_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db

STATEMENT = "I want the welding ticket to get the shipyard job zqxstatement"
DEMOGRAPHIC_MARKERS = ("zqxrace", "zqxsex", "zqxveteran", "zqxdisability")
CHECKLIST_YES = {f"review-check_{key}": "yes" for key in Review.CHECKLIST}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _pdf(name: str = "quote-zqxdocument.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")


def _with_statement_and_document(**kwargs: object) -> Application:
    """A submitted application with a statement and one document."""
    application = draft_application(**kwargs)
    services.application_update(actor=application.applicant, application=application, statement=STATEMENT)
    services.application_document_add(actor=application.applicant, application=application, file=_pdf())
    return services.application_submit(actor=application.applicant, application=application)


def _mark_demographics(application: Application) -> None:
    Demographics.objects.create(
        user=application.applicant,
        race_ethnicity=["zqxrace"],
        sex="zqxsex",
        veteran="zqxveteran",
        disability="zqxdisability",
    )


def _assert_no_demographics(response) -> None:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    for marker in DEMOGRAPHIC_MARKERS:
        assert marker not in body


def _detail(application: Application) -> str:
    return reverse("grants:application_detail", args=[application.pk])


def _action(name: str, application: Application) -> str:
    return reverse(f"grants:{name}", args=[application.pk])


def _assign_and_clear(client, application: Application, manager, reviewer) -> None:  # type: ignore[no-untyped-def]
    """Through the pages: the manager assigns, the reviewer declares no conflict."""
    client.force_login(manager)
    response = client.post(_action("staff_assign", application), {"assign-reviewer": reviewer.pk})
    assert response.status_code == 302
    client.force_login(reviewer)
    response = client.post(_action("staff_conflict_declare", application), {"conflict-has_conflict": "no"})
    assert response.status_code == 302
    assert response["Location"] == _detail(application)


# ---------------------------------------------------------------- decisions through the pages


def test_assign_declare_review_and_approve_commits_the_money(client) -> None:
    application = _with_statement_and_document()
    _mark_demographics(application)
    manager = application.program.managers.get()
    reviewer = user_with_role(Role.REVIEWER)

    _assign_and_clear(client, application, manager, reviewer)
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
    assert assignment.conflict == ReviewAssignment.Conflict.NONE

    page = client.get(_detail(application))
    assert page.status_code == 200
    assert STATEMENT in page.content.decode()
    assert "Under $25,000" in page.content.decode()  # the income band's label, not its code
    assert "quote-zqxdocument.pdf" in page.content.decode()
    assert "Submit my review" in page.content.decode()
    _assert_no_demographics(page)

    response = client.post(
        _action("staff_review_submit", application),
        {**CHECKLIST_YES, "review-recommendation": "approve", "review-comments": "Solid plan."},
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.recommendation == Review.Recommendation.APPROVE
    assert review.checklist == dict.fromkeys(Review.CHECKLIST, True)

    client.force_login(manager)
    page = client.get(_detail(application))
    assert "Solid plan." in page.content.decode()
    _assert_no_demographics(page)
    response = client.post(
        _action("staff_approve", application), {"approve-amount": "1200.00", "approve-reason": "Good"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.amount_awarded == Decimal("1200.00")
    assert application.program.budget.committed == Decimal("1200.00")
    assert "Approved: $1,200.00 is committed" in client.get(_detail(application)).content.decode()


def test_approve_for_more_than_requested_is_refused_and_changes_nothing(client) -> None:
    application, manager = in_review_application()
    client.force_login(manager)
    response = client.post(_action("staff_approve", application), {"approve-amount": "9000.00"})
    assert response.status_code == 200
    assert "The award cannot be more than the amount requested." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert application.program.budget.committed == Decimal("0.00")


def test_approve_refused_when_the_budget_is_exhausted_shows_why_and_changes_nothing(client) -> None:
    program, manager, credential = funded_setup(budget=Decimal("2000.00"))
    first, _manager = in_review_application(program=program, credential=credential)
    second, _manager = in_review_application(program=program, credential=credential)
    services.application_approve(actor=manager, application=first)
    events_before = ApplicationEvent.objects.filter(application=second).count()

    client.force_login(manager)
    response = client.post(_action("staff_approve", second), {"approve-amount": "", "approve-reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not approved; nothing changed." in body
    assert "Not enough budget: 500.00 USD is available and 1,500.00 is needed." in body
    second.refresh_from_db()
    assert second.status == Application.Status.IN_REVIEW
    assert second.amount_awarded is None
    assert program.budget.__class__.objects.get(pk=program.budget.pk).committed == Decimal("1500.00")
    assert ApplicationEvent.objects.filter(application=second).count() == events_before


def test_reject_with_a_reason(client) -> None:
    application, manager = in_review_application()
    client.force_login(manager)
    response = client.post(
        _action("staff_reject", application),
        {"reject-reason_code": "incomplete", "reject-explanation": "The quote is missing."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.rejection_reason == Application.RejectionReason.INCOMPLETE
    assert application.decision_explanation == "The quote is missing."


def test_reject_without_an_explanation_shows_the_error(client) -> None:
    application, manager = in_review_application()
    client.force_login(manager)
    response = client.post(_action("staff_reject", application), {"reject-reason_code": "incomplete"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW


def test_request_more_information(client) -> None:
    application, manager = in_review_application()
    client.force_login(manager)
    response = client.post(_action("staff_request_info", application), {"info-question": "Send the quote."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.MORE_INFO_REQUESTED
    assert InformationRequest.objects.get(application=application).question == "Send the quote."


def test_begin_review_and_staff_comment(client) -> None:
    application = submitted_application()
    manager = application.program.managers.get()
    client.force_login(manager)
    assert client.post(_action("staff_begin_review", application)).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    response = client.post(_action("staff_comment_add", application), {"comment-body": "Check the provider."})
    assert response.status_code == 302
    assert StaffComment.objects.get(application=application).body == "Check the provider."
    body = client.get(_detail(application)).content.decode()
    assert "Check the provider." in body
    assert "Review started" in body


def test_staff_page_shows_staff_only_events(client) -> None:
    application = submitted_application()
    manager = application.program.managers.get()
    reviewer = user_with_role(Role.REVIEWER, full_name="Rita Reviewer")
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    client.force_login(manager)
    body = client.get(_detail(application)).content.decode()
    assert "Reviewer assigned: Rita Reviewer" in body
    assert "Staff only" in body


# ---------------------------------------------------------------- conflicts of interest


def test_undeclared_reviewer_sees_only_the_declaration(client) -> None:
    application = _with_statement_and_document()
    _mark_demographics(application)
    manager = application.program.managers.get()
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)

    client.force_login(reviewer)
    response = client.get(_detail(application))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Declare any conflict of interest" in body
    assert application.applicant.full_name in body
    assert application.credential.title in body
    assert application.program.name in body
    assert "zqxstatement" not in body
    assert "zqxdocument" not in body
    assert "Submit my review" not in body
    _assert_no_demographics(response)


def test_undeclared_reviewer_cannot_review_or_comment(client) -> None:
    application, manager = in_review_application()
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(
        _action("staff_review_submit", application), {**CHECKLIST_YES, "review-recommendation": "approve"}
    )
    assert response.status_code == 403
    assert client.post(_action("staff_comment_add", application), {"comment-body": "x"}).status_code == 403
    assert not Review.objects.exists()
    assert not StaffComment.objects.exists()


def test_declared_conflict_recuses_the_reviewer(client) -> None:
    application = _with_statement_and_document()
    manager = application.program.managers.get()
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    client.force_login(reviewer)

    refused = client.post(_action("staff_conflict_declare", application), {"conflict-has_conflict": "yes"})
    assert refused.status_code == 200
    assert "Say briefly what the conflict is" in refused.content.decode()
    assert ReviewAssignment.objects.get(reviewer=reviewer).conflict == ReviewAssignment.Conflict.UNDECLARED

    response = client.post(
        _action("staff_conflict_declare", application),
        {"conflict-has_conflict": "yes", "conflict-note": "My cousin."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:queue")
    assignment = ReviewAssignment.objects.get(reviewer=reviewer)
    assert (assignment.conflict, assignment.conflict_note) == (
        ReviewAssignment.Conflict.DECLARED,
        "My cousin.",
    )

    assert client.get(_detail(application)).status_code == 404
    queue = client.get(reverse("grants:queue"))
    assert application.reference not in queue.content.decode()
    for name in ("staff_review_submit", "staff_comment_add", "staff_conflict_declare"):
        assert client.post(_action(name, application), {"conflict-has_conflict": "no"}).status_code == 404
    assert ReviewAssignment.objects.get(reviewer=reviewer).conflict == ReviewAssignment.Conflict.DECLARED

    client.force_login(manager)
    body = client.get(_detail(application)).content.decode()
    assert "Conflict declared: recused" in body
    assert "My cousin." in body


# ---------------------------------------------------------------- the queue


def test_queue_lists_what_the_caller_may_see_without_demographics(client) -> None:
    application = submitted_application()
    _mark_demographics(application)
    other = submitted_application()
    manager = application.program.managers.get()
    client.force_login(manager)
    response = client.get(reverse("grants:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert application.reference in body
    assert application.applicant.full_name in body
    assert other.reference not in body
    _assert_no_demographics(response)

    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    client.force_login(reviewer)
    body = client.get(reverse("grants:queue") + "?assigned_to_me=true").content.decode()
    assert application.reference in body
    assert other.reference not in body


def test_queue_filters_and_refuses_bad_filters_without_error(client) -> None:
    application = submitted_application()
    manager = application.program.managers.get()
    client.force_login(manager)
    response = client.get(reverse("grants:queue"), {"status": "approved"})
    assert application.reference not in response.content.decode()
    response = client.get(reverse("grants:queue"), {"status": "submitted", "sort": "-submitted"})
    assert application.reference in response.content.decode()
    response = client.get(reverse("grants:queue"), {"submitted_from": "not-a-date", "sort": "nonsense"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert application.reference not in body


def _queue_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("grants:queue"))
    assert response.status_code == 200
    return len(captured)


def test_queue_query_count_does_not_grow_with_rows(client) -> None:
    program, manager, credential = funded_setup()
    reviewer = user_with_role(Role.REVIEWER)
    first = submitted_application(program=program, credential=credential)
    services.application_assign(actor=manager, application=first, reviewer=reviewer)
    client.force_login(manager)
    small_manager = _queue_queries(client)
    client.force_login(reviewer)
    small_reviewer = _queue_queries(client)
    for _ in range(6):
        application = submitted_application(program=program, credential=credential)
        services.application_assign(actor=manager, application=application, reviewer=reviewer)
    assert _queue_queries(client) == small_reviewer
    client.force_login(manager)
    assert _queue_queries(client) == small_manager


def test_a_queue_of_millions_counts_no_further_than_its_limit(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The queue page counts at most BoundedCountPaginator.count_limit rows (2,000; 3 here) and says so."""
    from core.pagination import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 3)
    program, manager, credential = funded_setup()
    applications = [submitted_application(program=program, credential=credential) for _ in range(5)]
    client.force_login(manager)
    body = client.get(reverse("grants:queue")).content.decode()
    assert "More than 3 applications" in body
    assert "Page" not in body or "of the first" in body
    assert sum(application.reference in body for application in applications) == 3
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 5)
    body = client.get(reverse("grants:queue")).content.decode()
    assert "5 applications" in body
    assert "More than" not in body
    assert all(application.reference in body for application in applications)


def _detail_queries(client, application: Application) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_detail(application))
    assert response.status_code == 200
    return len(captured)


def test_staff_page_query_count_does_not_grow(client) -> None:
    program, manager, credential = funded_setup(selection_method=Program.SelectionMethod.SCORED)
    criterion = ScoringCriterion.objects.create(program=program, name="Fit", weight=Decimal("1"))
    application = _with_statement_and_document(program=program, credential=credential)
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    services.conflict_declare(actor=reviewer, application=application, has_conflict=False)
    client.force_login(reviewer)
    small_reviewer = _detail_queries(client, application)
    client.force_login(manager)
    small = _detail_queries(client, application)
    for number in range(4):
        extra = user_with_role(Role.REVIEWER)
        services.application_assign(actor=manager, application=application, reviewer=extra)
        services.conflict_declare(actor=extra, application=application, has_conflict=False)
        services.review_submit(
            actor=extra,
            application=application,
            checklist=dict.fromkeys(Review.CHECKLIST, True),
            scores={str(criterion.pk): 3},
            recommendation="approve",
        )
        services.staff_comment_add(actor=manager, application=application, body=f"Comment {number}")
    assert _detail_queries(client, application) == small
    client.force_login(reviewer)
    assert _detail_queries(client, application) == small_reviewer


# ---------------------------------------------------------------- scored programs: reviews and ranking


def _scored_round(budget: str):  # type: ignore[no-untyped-def]
    program, manager, credential = funded_setup(
        budget=Decimal(budget), selection_method=Program.SelectionMethod.SCORED
    )
    criterion = ScoringCriterion.objects.create(program=program, name="Job prospects", weight=Decimal("2"))
    return program, manager, credential, criterion


def test_review_with_scores_through_the_page(client) -> None:
    program, manager, credential, criterion = _scored_round("10000.00")
    application = submitted_application(program=program, credential=credential)
    reviewer = user_with_role(Role.REVIEWER)
    _assign_and_clear(client, application, manager, reviewer)
    page = client.get(_detail(application)).content.decode()
    assert "Score: Job prospects" in page
    missing = client.post(
        _action("staff_review_submit", application), {**CHECKLIST_YES, "review-recommendation": "approve"}
    )
    assert missing.status_code == 200
    assert not Review.objects.exists()
    response = client.post(
        _action("staff_review_submit", application),
        {**CHECKLIST_YES, f"review-score_{criterion.pk}": "4", "review-recommendation": "approve"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.score == Decimal("4.000")


def test_ranking_and_approve_the_top_ranked_within_the_budget(client) -> None:
    program, manager, credential, criterion = _scored_round("3500.00")
    reviewer = user_with_role(Role.REVIEWER)
    applications = []
    for score in (2, 5, 4):
        application = submitted_application(program=program, credential=credential)
        _mark_demographics(application)
        services.application_assign(actor=manager, application=application, reviewer=reviewer)
        services.conflict_declare(actor=reviewer, application=application, has_conflict=False)
        services.review_submit(
            actor=reviewer,
            application=application,
            checklist=dict.fromkeys(Review.CHECKLIST, True),
            scores={str(criterion.pk): score},
            recommendation="approve",
        )
        applications.append(application)
    low, best, second = applications
    funding_round = best.funding_round
    url = reverse("grants:round_ranking", args=[funding_round.pk])

    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(best.reference) < body.index(second.reference) < body.index(low.reference)
    assert "$4,500.00" in body  # the running total at the third row
    assert "2 / 3" in body
    _assert_no_demographics(response)

    response = client.post(reverse("grants:round_approve_top", args=[funding_round.pk]), follow=True)
    body = response.content.decode()
    assert f"Approved 2: {best.reference}, {second.reference}." in body
    assert low.reference in body.split("Not approved")[1]
    statuses = {a.reference: a.status for a in Application.objects.filter(program=program)}
    assert statuses == {
        best.reference: Application.Status.APPROVED,
        second.reference: Application.Status.APPROVED,
        low.reference: Application.Status.IN_REVIEW,
    }
    program.budget.refresh_from_db()
    assert program.budget.committed == Decimal("3000.00")


def test_approve_top_ranked_is_refused_for_a_first_come_program(client) -> None:
    application, manager = in_review_application()
    client.force_login(manager)
    response = client.post(
        reverse("grants:round_approve_top", args=[application.funding_round_id]), follow=True
    )
    assert "first come, first served" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW


# ---------------------------------------------------------------- four callers


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    application, manager = in_review_application()
    _mark_demographics(application)
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)
    services.conflict_declare(actor=reviewer, application=application, has_conflict=False)
    _other_program, other_manager, _credential = funded_setup()
    return {
        "application": application,
        "manager": manager,
        "reviewer": reviewer,
        "worker": user_with_role(Role.WORKER),
        "official": user_with_role(Role.OFFICIAL),
        "unassigned_reviewer": user_with_role(Role.REVIEWER),
        "other_manager": other_manager,
    }


ACTIONS = {
    "staff_assign": {},
    "staff_begin_review": {},
    "staff_conflict_declare": {"conflict-has_conflict": "no"},
    "staff_review_submit": {**CHECKLIST_YES, "review-recommendation": "approve"},
    "staff_comment_add": {"comment-body": "Hello"},
    "staff_request_info": {"info-question": "Why?"},
    "staff_approve": {"approve-amount": ""},
    "staff_reject": {"reject-reason_code": "other", "reject-explanation": "No."},
}


def _state(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        ApplicationEvent.objects.filter(application=application).count(),
        StaffComment.objects.count(),
        Review.objects.count(),
        ReviewAssignment.objects.count(),
        application.program.budget.__class__.objects.get(program=application.program).committed,
    )


@pytest.mark.parametrize("name", list(ACTIONS))
def test_actions_refuse_the_wrong_callers_and_change_nothing(client, world, name: str) -> None:
    application = world["application"]
    url = _action(name, application)
    data = dict(ACTIONS[name])
    if name == "staff_assign":
        data["assign-reviewer"] = world["unassigned_reviewer"].pk
    before = _state(application)

    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    for caller in ("worker", "official", "unassigned_reviewer", "other_manager"):
        client.force_login(world[caller])
        response = client.post(url, data)
        assert response.status_code == 404, caller
        assert application.reference not in response.content.decode()
    client.force_login(application.applicant)
    assert client.post(url, data).status_code == 403
    assert _state(application) == before


@pytest.mark.parametrize(
    "name", ["staff_assign", "staff_begin_review", "staff_request_info", "staff_approve", "staff_reject"]
)
def test_a_reviewer_cannot_decide(client, world, name: str) -> None:
    application = world["application"]
    data = dict(ACTIONS[name])
    if name == "staff_assign":
        data["assign-reviewer"] = world["unassigned_reviewer"].pk
    before = _state(application)
    client.force_login(world["reviewer"])
    assert client.post(_action(name, application), data).status_code == 403
    assert _state(application) == before


def test_the_right_callers_work(client, world) -> None:
    application = world["application"]
    client.force_login(world["reviewer"])
    response = client.post(_action("staff_review_submit", application), ACTIONS["staff_review_submit"])
    assert response.status_code == 302
    assert Review.objects.filter(assignment__reviewer=world["reviewer"]).count() == 1
    client.force_login(world["manager"])
    response = client.post(
        _action("staff_assign", application), {"assign-reviewer": world["unassigned_reviewer"].pk}
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(reviewer=world["unassigned_reviewer"]).count() == 1


def test_staff_page_four_callers_and_no_demographics(client, world) -> None:
    application = world["application"]
    url = _detail(application)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    for caller in ("worker", "official", "unassigned_reviewer", "other_manager"):
        client.force_login(world[caller])
        assert client.get(url).status_code == 404, caller
    for caller in ("manager", "reviewer"):
        client.force_login(world[caller])
        response = client.get(url)
        assert response.status_code == 200
        assert application.reference in response.content.decode()
        _assert_no_demographics(response)


def test_queue_four_callers(client, world) -> None:
    url = reverse("grants:queue")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    for caller in ("worker", "official"):
        client.force_login(world[caller])
        assert client.get(url).status_code == 403
    for caller in ("unassigned_reviewer", "other_manager"):
        client.force_login(world[caller])
        response = client.get(url)
        assert response.status_code == 200
        assert world["application"].reference not in response.content.decode()
    for caller in ("manager", "reviewer"):
        client.force_login(world[caller])
        response = client.get(url)
        assert world["application"].reference in response.content.decode()
        _assert_no_demographics(response)


@pytest.mark.parametrize("name", ["round_ranking", "round_approve_top"])
def test_ranking_four_callers(client, world, name: str) -> None:
    application = world["application"]
    Program.objects.filter(pk=application.program_id).update(selection_method=Program.SelectionMethod.SCORED)
    url = reverse(f"grants:{name}", args=[application.funding_round_id])
    call = client.post if name == "round_approve_top" else client.get
    before = _state(application)
    response = call(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    for caller, status in (("worker", 403), ("official", 403), ("reviewer", 403), ("other_manager", 404)):
        client.force_login(world[caller])
        assert call(url).status_code == status, caller
    assert _state(application) == before
    client.force_login(world["manager"])
    response = call(url, follow=True)
    assert response.status_code == 200
    _assert_no_demographics(response)
    if name == "round_approve_top":
        application.refresh_from_db()
        assert application.status == Application.Status.APPROVED


# ---------------------------------------------------------------- the home page's attention items


def test_home_page_shows_reviewer_and_manager_work(client) -> None:
    waiting = submitted_application()
    manager = waiting.program.managers.get()
    application, _manager = in_review_application(program=waiting.program, credential=waiting.credential)
    reviewer = user_with_role(Role.REVIEWER)
    services.application_assign(actor=manager, application=application, reviewer=reviewer)

    client.force_login(reviewer)
    body = client.get(reverse("home")).content.decode()
    assert "Assignments awaiting your conflict-of-interest declaration" in body
    assert "Assignments awaiting your review" not in body
    services.conflict_declare(actor=reviewer, application=application, has_conflict=False)
    body = client.get(reverse("home")).content.decode()
    assert "Assignments awaiting your review" in body
    assert "Assignments awaiting your conflict-of-interest declaration" not in body

    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert 'Submitted applications not yet in review</a> <span class="count">1</span>' in body
    assert "answered a request for information" not in body
    services.application_request_info(actor=manager, application=application, question="Quote?")
    services.application_respond(actor=application.applicant, application=application, answer="Attached.")
    body = client.get(reverse("home")).content.decode()
    assert 'answered a request for information</a> <span class="count">1</span>' in body
