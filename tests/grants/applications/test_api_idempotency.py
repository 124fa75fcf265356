"""`Idempotency-Key` on POST /api/v1/applications/: a client that retries a create (after a timeout, or a
500 whose commit may have happened: docs/quality.md) gets the application its first request made, never a
second one."""

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from grants.models import Application, ApplicationCreateKey
from tests.grants.factories import funded_setup, worker_with_profile

BASE = "/api/v1/applications/"


def client_for(user: User, key: str | None = None) -> APIClient:
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    client.credentials(**headers)
    return client


def body(setting: dict[str, Any], amount: str = "500.00") -> dict[str, Any]:
    return {
        "program": setting["program"].code,
        "credential": setting["credential"].pk,
        "amount_requested": amount,
        "statement": "Retry me.",
    }


@pytest.fixture
def setting() -> dict[str, Any]:
    program, manager, credential = funded_setup()
    return {"program": program, "manager": manager, "credential": credential}


@pytest.mark.django_db
def test_the_same_key_again_answers_the_first_application_and_makes_no_second(
    setting: dict[str, Any],
) -> None:
    worker = worker_with_profile()
    first = client_for(worker, "retry-7f3c").post(BASE, body(setting), format="json")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    again = client_for(worker, "retry-7f3c").post(BASE, body(setting), format="json")
    assert again.status_code == 200  # nothing was created this time, and the answer says so
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == client_for(worker).get(f"{BASE}{first.json()['id']}/").json()
    assert Application.objects.filter(applicant=worker).count() == 1
    assert (
        ApplicationCreateKey.objects.get(user=worker, key="retry-7f3c").application_id == first.json()["id"]
    )


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_and_changes_nothing(setting: dict[str, Any]) -> None:
    worker = worker_with_profile()
    assert client_for(worker, "k1").post(BASE, body(setting), format="json").status_code == 201
    refused = client_for(worker, "k1").post(BASE, body(setting, amount="600.00"), format="json")
    assert refused.status_code == 409
    assert "different request" in refused.json()["detail"]
    assert Application.objects.filter(applicant=worker).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "has space", "x" * 121, "naïve", "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header(setting: dict[str, Any], key: str) -> None:
    worker = worker_with_profile()
    response = client_for(worker, key).post(BASE, body(setting), format="json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Application.objects.filter(applicant=worker).exists()


@pytest.mark.django_db
def test_keys_belong_to_one_person_and_requests_without_a_key_are_unchanged(setting: dict[str, Any]) -> None:
    worker, other = worker_with_profile(), worker_with_profile()
    mine = client_for(worker, "shared-key").post(BASE, body(setting), format="json")
    theirs = client_for(other, "shared-key").post(BASE, body(setting), format="json")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs
    for _attempt in range(2):
        assert client_for(worker).post(BASE, body(setting), format="json").status_code == 201
    assert Application.objects.filter(applicant=worker).count() == 3


@pytest.mark.django_db
def test_a_refused_create_does_not_spend_its_key(setting: dict[str, Any]) -> None:
    worker = worker_with_profile()
    refused = client_for(worker, "k2").post(BASE, body(setting, amount="-5"), format="json")
    assert refused.status_code == 400
    assert not ApplicationCreateKey.objects.exists()
    corrected = client_for(worker, "k2").post(BASE, body(setting), format="json")
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_one_key_make_one_application() -> None:
    """Six connections send the same create with the same key at the same moment: one application, one
    answer that created it (201) and five that say it existed (200), every one naming it."""
    program, _manager, credential = funded_setup()
    worker = worker_with_profile()
    Token.objects.get_or_create(user=worker)
    request_body = {"program": program.code, "credential": credential.pk, "amount_requested": "500.00"}
    barrier = threading.Barrier(6)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            client = client_for(worker, "one-retry-key")
            barrier.wait(timeout=30)
            response = client.post(BASE, request_body, format="json")
            result = (response.status_code, response.json().get("id"))
        except BaseException as error:  # noqa: BLE001 - reported by the assertions below
            result = (0, repr(error))
        finally:
            connection.close()
        with lock:
            answers.append(result)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Application.objects.filter(applicant=worker).count() == 1
    only = Application.objects.get(applicant=worker).pk
    assert sorted(answers) == [(200, only)] * 5 + [(201, only)]  # one created it; five were answered with it
