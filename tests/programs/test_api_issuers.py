"""Badge issuers of a training provider through the API: program managers list, register and revoke them;
everyone else is refused, and a refused or invalid request changes nothing."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from core import openbadges
from programs.models import BadgeIssuer
from programs.services import badge_issuer_register
from tests.accounts.factories import user_with_role
from tests.programs.factories import TrainingProviderFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def snapshot() -> list[tuple]:
    return sorted(BadgeIssuer.objects.values_list("pk", "issuer_id", "revoked_at"))


def did_key() -> str:
    _private, public = openbadges.generate_ed25519_jwk()
    return openbadges.did_key_for(public)


def test_issuers_for_each_caller() -> None:
    provider = TrainingProviderFactory()
    manager = user_with_role(Role.PROGRAM_MANAGER)
    base = f"/api/v1/providers/{provider.pk}/badge-issuers/"
    body = {"issuer_id": did_key()}
    before = snapshot()
    assert client_for(None).get(base).status_code == 401
    assert client_for(None).post(base, body, format="json").status_code == 401
    for role in (Role.WORKER, Role.REVIEWER, Role.FINANCE_OFFICER, Role.EMPLOYER_REPRESENTATIVE):
        user = user_with_role(role)
        assert client_for(user).get(base).status_code == 403
        assert client_for(user).post(base, body, format="json").status_code == 403
    assert client_for(manager).get("/api/v1/providers/999999999/badge-issuers/").status_code == 404
    assert (
        client_for(manager)
        .post("/api/v1/providers/999999999/badge-issuers/", body, format="json")
        .status_code
        == 404
    )
    assert snapshot() == before

    created = client_for(manager).post(base, body, format="json")
    assert created.status_code == 201, created.content
    issuer = created.json()
    assert (issuer["issuer_id"], issuer["provider"], issuer["is_active"]) == (
        body["issuer_id"],
        provider.pk,
        True,
    )
    listed = client_for(manager).get(base).json()
    assert [row["id"] for row in listed["results"]] == [issuer["id"]]
    other_provider = TrainingProviderFactory()
    assert (
        client_for(manager).get(f"/api/v1/providers/{other_provider.pk}/badge-issuers/").json()["count"] == 0
    )
    assert (
        client_for(manager)
        .get(f"/api/v1/providers/{other_provider.pk}/badge-issuers/{issuer['id']}/")
        .status_code
        == 404
    )

    revoke = f"{base}{issuer['id']}/revoke/"
    worker = user_with_role(Role.WORKER)
    assert client_for(worker).post(revoke, format="json").status_code == 403
    assert BadgeIssuer.objects.get(pk=issuer["id"]).revoked_at is None
    revoked = client_for(manager).post(revoke, format="json")
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    again = client_for(manager).post(revoke, format="json")
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert (
        client_for(manager)
        .post(f"/api/v1/providers/{other_provider.pk}/badge-issuers/{issuer['id']}/revoke/")
        .status_code
        == 404
    )


def test_register_with_a_public_key() -> None:
    provider = TrainingProviderFactory()
    manager = user_with_role(Role.PROGRAM_MANAGER)
    _private, public = openbadges.generate_ed25519_jwk()
    response = client_for(manager).post(
        f"/api/v1/providers/{provider.pk}/badge-issuers/",
        {"issuer_id": "https://provider.example/issuer", "public_keys": [public]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["public_keys"] == [public]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "issuer_id"),
        ({"issuer_id": ""}, "issuer_id"),
        ({"issuer_id": 5}, "issuer_id"),
        ({"issuer_id": "ftp://x"}, "issuer_id"),
        ({"issuer_id": "did:web:" + "x" * 600}, "issuer_id"),
        ({"issuer_id": "https://provider.example/issuer"}, "public_keys"),
        ({"issuer_id": "https://provider.example/issuer", "public_keys": "key"}, "public_keys"),
        (
            {"issuer_id": "https://provider.example/issuer", "public_keys": [{"kty": "RSA", "n": "x"}]},
            "public_keys",
        ),
        (
            {
                "issuer_id": "https://provider.example/issuer",
                "public_keys": [{"kty": "OKP", "x": "a", "d": "secret"}],
            },
            "public_keys",
        ),
        (
            {"issuer_id": "https://provider.example/issuer", "public_keys": [{"kty": "OKP", "x": "a"}] * 11},
            "public_keys",
        ),
        ({"issuer_id": "did:key:z6Mk", "revoked_at": None}, "revoked_at"),
    ],
)
def test_register_refuses_bad_input(body: dict, field: str) -> None:
    provider = TrainingProviderFactory()
    manager = user_with_role(Role.PROGRAM_MANAGER)
    before = snapshot()
    response = client_for(manager).post(
        f"/api/v1/providers/{provider.pk}/badge-issuers/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_an_issuer_already_registered_is_refused() -> None:
    provider = TrainingProviderFactory()
    manager = user_with_role(Role.PROGRAM_MANAGER)
    did = did_key()
    badge_issuer_register(actor=manager, provider=provider, issuer_id=did)
    before = snapshot()
    response = client_for(manager).post(
        f"/api/v1/providers/{provider.pk}/badge-issuers/", {"issuer_id": did}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"issuer_id": ["This issuer is already registered for the provider."]}
    assert snapshot() == before


def test_issuers_list_query_count(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    provider = TrainingProviderFactory()
    manager = user_with_role(Role.PROGRAM_MANAGER)
    url = f"/api/v1/providers/{provider.pk}/badge-issuers/"
    badge_issuer_register(actor=manager, provider=provider, issuer_id=did_key())
    with django_assert_num_queries(5):
        assert client_for(manager).get(url).json()["count"] == 1
    for _ in range(3):
        badge_issuer_register(actor=manager, provider=provider, issuer_id=did_key())
    with django_assert_num_queries(5):
        assert client_for(manager).get(url).json()["count"] == 4
