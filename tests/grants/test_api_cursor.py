"""Keyset pages of the applications list (`?cursor=`): same rows and order as page numbers, no duplicates
or gaps across pages, a constant number of queries, and bad cursors refused with a 400."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
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
