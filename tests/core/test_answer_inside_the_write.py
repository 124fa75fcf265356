"""core.api.AnswerInsideTheWrite: a write through the API and the reading of its answer commit together,
so a failure while answering never hides a committed write behind a 500 (docs/quality.md, faults)."""

from typing import Any

import pytest
from django.db import OperationalError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from employers.api import PledgeViewSet
from employers.models import Pledge, PledgeEvent
from tests.employers.factories import EmployerFactory, PledgeFactory, representative_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _client(user: Any) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_write_whose_answer_fails_is_undone_not_hidden_behind_a_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    employer = EmployerFactory()
    rep = representative_of(employer)
    pledge = PledgeFactory(employer=employer, status=Pledge.Status.DRAFT)
    events = PledgeEvent.objects.filter(pledge=pledge).count()
    # The answer's read fails after the service has done its work (as when the connection drops then).
    answered = PledgeViewSet._present

    def lost(self: PledgeViewSet, pk: Any) -> dict[str, Any]:
        raise OperationalError("the connection was lost")

    monkeypatch.setattr(PledgeViewSet, "_present", lost)
    response = _client(rep).post(f"/api/v1/pledges/{pledge.pk}/submit/")
    assert response.status_code == 500
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DRAFT  # undone with the answer: the 500 tells the truth
    assert PledgeEvent.objects.filter(pledge=pledge).count() == events
    # With the answer working, the same write goes through and says so.
    monkeypatch.setattr(PledgeViewSet, "_present", answered)
    response = _client(rep).post(f"/api/v1/pledges/{pledge.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Pledge.Status.SUBMITTED
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_reads_and_refused_writes_are_unchanged() -> None:
    employer = EmployerFactory()
    rep = representative_of(employer)
    pledge = PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    assert _client(rep).get(f"/api/v1/pledges/{pledge.pk}/").status_code == 200
    response = _client(rep).post(f"/api/v1/pledges/{pledge.pk}/submit/")
    assert response.status_code == 409
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE
