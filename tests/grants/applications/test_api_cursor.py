"""Keyset pages of the applications list (`?cursor=`): same rows and order as page numbers, no duplicates
or gaps across pages, a constant number of queries, and bad cursors refused with a 400."""

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from core.pagination import BoundedCountPaginator
from grants.applications import services
from grants.models import Application
from tests.grants.factories import funded_setup, submitted_application, worker_with_profile

pytestmark = pytest.mark.django_db
BASE = "/api/v1/applications/"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


@pytest.fixture
def queue() -> tuple[User, Any, Any]:
    program, manager, credential = funded_setup(budget=Decimal("1000000.00"))
    return manager, program, credential


def _add(program: Any, credential: Any, count: int, amount: str = "1500.00") -> list[Application]:
    return [
        submitted_application(program=program, credential=credential, amount=amount) for _i in range(count)
    ]


def _walk(client: APIClient, params: dict[str, Any]) -> tuple[list[int], int]:
    """Every id from the first keyset page to the last, following `next`; and the number of pages."""
    response = client.get(BASE, {**params, "cursor": ""})
    ids, pages = [], 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "results"}  # no count: nothing is counted in keyset mode
        ids += [row["id"] for row in body["results"]]
        pages += 1
        if body["next"] is None:
            return ids, pages
        response = client.get(body["next"])


def test_pages_follow_the_queue_order_without_duplicates_or_gaps(queue: tuple[User, Any, Any]) -> None:
    manager, program, credential = queue
    _add(program, credential, 7)
    client = client_for(manager)
    expected = list(
        Application.objects.exclude(status="draft")
        .order_by("priority_rank", "submitted_at", "id")
        .values_list("pk", flat=True)
    )
    ids, pages = _walk(client, {"page_size": 3})
    assert ids == expected
    assert len(set(ids)) == 7
    assert pages == 3  # 3 + 3 + 1
    # The same rows, in the same order, as page numbers give (which still work, with their count).
    numbered = client.get(BASE, {"page_size": 50}).json()
    assert numbered["count"] == 7
    assert [row["id"] for row in numbered["results"]] == expected


def test_the_order_is_stable_when_rows_are_added_behind_the_cursor(queue: tuple[User, Any, Any]) -> None:
    manager, program, credential = queue
    first = _add(program, credential, 4)
    client = client_for(manager)
    page = client.get(BASE, {"page_size": 2, "cursor": ""}).json()
    assert [row["id"] for row in page["results"]] == [first[0].pk, first[1].pk]
    late = _add(program, credential, 1)  # submitted later: it sorts after the others
    rest = client.get(page["next"]).json()
    assert [row["id"] for row in rest["results"]] == [first[2].pk, first[3].pk]
    last = client.get(rest["next"]).json()
    assert [row["id"] for row in last["results"]] == [late[0].pk]
    assert last["next"] is None


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-submitted", ("-submitted_at", "-id")),  # one direction: a row comparison
        ("amount", ("-amount_requested", "id")),  # mixed directions, with ties on the amount
    ],
)
def test_other_sorts_page_with_a_cursor(
    queue: tuple[User, Any, Any], sort: str, order: tuple[str, ...]
) -> None:
    manager, program, credential = queue
    _add(program, credential, 3, amount="1500.00")
    _add(program, credential, 2, amount="900.00")
    expected = list(Application.objects.order_by(*order).values_list("pk", flat=True))
    ids, _pages = _walk(client_for(manager), {"page_size": 2, "sort": sort})
    assert ids == expected


def test_a_workers_own_list_pages_with_a_cursor(queue: tuple[User, Any, Any]) -> None:
    _manager, program, _credential = queue
    worker = worker_with_profile()
    mine = []
    for _index in range(3):
        _program, _m, credential = funded_setup()
        mine.append(submitted_application(worker=worker, program=_program, credential=credential))
    ids, pages = _walk(client_for(worker), {"page_size": 2})
    assert ids == [application.pk for application in reversed(mine)]  # newest first
    assert pages == 2


def test_bad_cursors_and_unpageable_sorts_are_a_400(queue: tuple[User, Any, Any]) -> None:
    manager, program, credential = queue
    _add(program, credential, 2)
    client = client_for(manager)
    before = list(Application.objects.values_list("pk", "status"))
    for cursor in ("not base64!", "WyJ4Il0", "e30", "WzEsMiwzLDRd"):  # junk, ["x"], {}, [1,2,3,4]
        response = client.get(BASE, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "cursor" in response.json()
    response = client.get(BASE, {"cursor": "", "sort": "score"})
    assert response.status_code == 400
    assert "cursor" in response.json()
    assert list(Application.objects.values_list("pk", "status")) == before


def test_query_count_is_the_same_at_two_sizes_and_on_a_later_page(
    queue: tuple[User, Any, Any], django_assert_num_queries: Any
) -> None:
    manager, program, credential = queue
    counts = []
    for added in (3, 4):  # 3, then 7 applications
        _add(program, credential, added)
        client = client_for(manager)
        with CaptureQueriesContext(connection) as queries:
            first = client.get(BASE, {"page_size": 2, "cursor": ""}).json()
        counts.append(len(queries))
        client = client_for(manager)  # a fresh user, as each request loads one
        with CaptureQueriesContext(connection) as queries:
            client.get(first["next"])
        counts.append(len(queries))
    assert len(set(counts)) == 1
    # The user's roles, the page, the caller's own assignments on the page: no count.
    client = client_for(manager)
    with django_assert_num_queries(3):
        client.get(BASE, {"page_size": 2, "cursor": ""})


# ------------------------------------------------------- at scale (issue 7): managers, filters, counts


@pytest.fixture
def two_programs() -> tuple[User, list[Any], list[Any]]:
    """A manager of two programs (each with its credential), and a third program they do not manage."""
    first, manager, first_credential = funded_setup(budget=Decimal("1000000.00"))
    second, _other, second_credential = funded_setup(budget=Decimal("1000000.00"))
    second.managers.add(manager)
    third, _third_manager, third_credential = funded_setup(budget=Decimal("1000000.00"))
    return manager, [first, second, third], [first_credential, second_credential, third_credential]


def _queue_ids(**filters: Any) -> list[int]:
    return list(
        Application.objects.exclude(status="draft")
        .filter(**filters)
        .order_by("priority_rank", "submitted_at", "id")
        .values_list("pk", flat=True)
    )


def test_a_manager_of_two_programs_pages_their_queue_with_filters(
    two_programs: tuple[User, list[Any], list[Any]],
) -> None:
    manager, programs, credentials = two_programs
    for program, credential in zip(programs, credentials, strict=True):
        _add(program, credential, 3)
    in_review = Application.objects.filter(program=programs[1]).order_by("pk").first()
    assert in_review is not None
    services.application_begin_review(actor=manager, application=in_review)
    client = client_for(manager)
    mine = programs[:2]
    ids, _pages = _walk(client, {"page_size": 2})
    assert ids == _queue_ids(program__in=mine)
    assert len(ids) == 6
    ids, _pages = _walk(client, {"page_size": 2, "status": "submitted"})
    assert ids == _queue_ids(program__in=mine, status="submitted")
    ids, _pages = _walk(client, {"page_size": 2, "program": programs[1].code})
    assert ids == _queue_ids(program=programs[1])
    ids, _pages = _walk(client, {"page_size": 2, "program": programs[1].code, "status": "in_review"})
    assert ids == [in_review.pk]
    # Two statuses at once: each row once (no join, no DISTINCT needed).
    ids, _pages = _walk(client, {"page_size": 2, "status": ["submitted", "in_review"]})
    assert ids == _queue_ids(program__in=mine)
    # A program they do not manage, or none by that code: no rows, not an error.
    for code in (programs[2].code, "NO-SUCH-PROGRAM"):
        response = client.get(BASE, {"program": code})
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_query_counts_of_a_managers_list_do_not_grow_with_rows_or_filters(
    two_programs: tuple[User, list[Any], list[Any]],
) -> None:
    manager, programs, credentials = two_programs
    counts: dict[str, set[int]] = {}
    for added in (2, 5):
        for program, credential in zip(programs, credentials, strict=True):
            _add(program, credential, added)
        for name, params in {
            "numbered": {"page_size": 2},
            "numbered, filtered": {"page_size": 2, "status": "submitted", "program": programs[0].code},
            "keyset": {"page_size": 2, "cursor": ""},
            "keyset, filtered": {"page_size": 2, "cursor": "", "status": "submitted"},
        }.items():
            client = client_for(manager)  # a fresh user: each request loads its roles once
            with CaptureQueriesContext(connection) as queries:
                response = client.get(BASE, params)
            assert response.status_code == 200
            assert len(response.json()["results"]) == 2
            counts.setdefault(name, set()).add(len(queries))
            sql = " ".join(query["sql"] for query in queries.captured_queries)
            assert "DISTINCT" not in sql.upper()
    # Roles, the bounded count, the page, the caller's assignments on it; keyset pages do not count.
    assert counts == {"numbered": {4}, "numbered, filtered": {4}, "keyset": {3}, "keyset, filtered": {3}}


def test_numbered_pages_count_up_to_the_limit_and_send_deeper_pages_to_the_cursor(
    queue: tuple[User, Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    manager, program, credential = queue
    _add(program, credential, 5)
    client = client_for(manager)
    body = client.get(BASE, {"page_size": 2}).json()
    assert (body["count"], body["count_exact"]) == (5, True)
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 4)
    body = client.get(BASE, {"page_size": 2}).json()
    assert (body["count"], body["count_exact"]) == (4, False)
    second = client.get(BASE, {"page_size": 2, "page": 2}).json()
    assert second["next"] is None  # page numbers stop at the limit
    assert [row["id"] for row in body["results"] + second["results"]] == _queue_ids()[:4]
    response = client.get(BASE, {"page_size": 2, "page": 3})
    assert response.status_code == 404
    assert "cursor" in response.json()["detail"]
    # The cursor goes on past the limit.
    ids, _pages = _walk(client, {"page_size": 2})
    assert ids == _queue_ids()
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 5)
    body = client.get(BASE, {"page_size": 2}).json()
    assert (body["count"], body["count_exact"]) == (5, True)


def test_each_row_once_when_rows_arrive_before_and_after_the_cursor_while_paging(
    queue: tuple[User, Any, Any],
) -> None:
    manager, program, credential = queue
    first = _add(program, credential, 6)
    client = client_for(manager)
    seen: list[int] = []
    page = client.get(BASE, {"page_size": 2, "cursor": ""}).json()
    seen += [row["id"] for row in page["results"]]
    # A row that sorts before the cursor (a higher priority) and one that sorts after it arrive mid-walk.
    early = _add(program, credential, 1)[0]
    Application.objects.filter(pk=early.pk).update(priority_rank=0)
    late = _add(program, credential, 1)[0]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert len(seen) == len(set(seen))
    assert seen == [application.pk for application in first] + [late.pk]
    assert early.pk not in seen  # behind the cursor: the next walk finds it first
    assert _walk(client, {"page_size": 2})[0][0] == early.pk


def test_the_detail_is_read_by_primary_key_without_distinct(
    two_programs: tuple[User, list[Any], list[Any]],
) -> None:
    manager, programs, credentials = two_programs
    application = _add(programs[1], credentials[1], 1)[0]
    client = client_for(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{BASE}{application.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == application.pk
    assert not [query for query in queries.captured_queries if "DISTINCT" in query["sql"].upper()]
    other = _add(programs[2], credentials[2], 1)[0]
    assert client.get(f"{BASE}{other.pk}/").status_code == 404


def test_a_reviewer_who_also_applied_sees_each_visible_row_once(queue: tuple[User, Any, Any]) -> None:
    manager, program, credential = queue
    reviewer = worker_with_profile()
    reviewer.groups.add(Group.objects.get(name=Role.REVIEWER))
    own = submitted_application(worker=reviewer, program=program, credential=credential)
    assigned = _add(program, credential, 3)
    unassigned = _add(program, credential, 2)
    recused = _add(program, credential, 1)[0]
    for application in [*assigned, recused]:
        services.application_assign(actor=manager, application=application, reviewer=reviewer)
    services.conflict_declare(actor=reviewer, application=recused, has_conflict=True, note="A friend.")
    client = client_for(reviewer)
    ids, _pages = _walk(client, {"page_size": 2})
    expected = {own.pk, *(application.pk for application in assigned)}
    assert sorted(ids) == sorted(expected)  # each once; not the unassigned, not the recused
    assert not {recused.pk, *(application.pk for application in unassigned)} & set(ids)
    assert client.get(BASE, {"page_size": 50}).json()["count"] == len(expected)
    assert client.get(f"{BASE}{recused.pk}/").status_code == 404
