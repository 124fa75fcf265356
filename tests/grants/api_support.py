"""Helpers the API tests of awards and payments share: a client per caller, a PDF upload, a snapshot of
everything a refused request must leave as it was, and a query counter."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Clawback,
    CompletionClaim,
    Outcome,
    OutcomeFollowUp,
    Payment,
    PaymentBatch,
    PaymentEvent,
)
from programs.models import LedgerEntry, ProgramBudget
from tests.accounts.factories import user_with_role
from tests.grants.factories import (
    PDF_BYTES,
    worker_with_profile,
)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def pdf(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def snapshot() -> dict[str, Any]:
    """Everything a refused or invalid request must leave as it was."""
    state: dict[str, Any] = {
        model.__name__: model.objects.count()
        for model in (
            ApplicationEvent,
            ApplicationDocument,
            CompletionClaim,
            Payment,
            PaymentBatch,
            PaymentEvent,
            Clawback,
            Outcome,
            LedgerEntry,
        )
    }
    state["applications"] = sorted(
        Application.objects.values_list("pk", "status", "amount_paid", "amount_clawed_back", "updated_at")
    )
    state["claims"] = sorted(CompletionClaim.objects.values_list("pk", "status"))
    state["payments"] = sorted(Payment.objects.values_list("pk", "status", "batch_id"))
    state["batches"] = sorted(PaymentBatch.objects.values_list("pk", "status"))
    state["budgets"] = sorted(ProgramBudget.objects.values_list("pk", "committed", "disbursed"))
    state["follow_ups"] = sorted(OutcomeFollowUp.objects.values_list("pk", "answered_at"))
    return state


def other_worker() -> User:
    return worker_with_profile()


def other_manager() -> User:
    return user_with_role(Role.PROGRAM_MANAGER)


def query_count(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)
