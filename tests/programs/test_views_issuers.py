"""Catalog pages for issue 5: Open Badges issuers on the provider page, the credential's achievement id,
and the program's claim evidence and wage floor (form round trip and the public page's plain words)."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.openbadges import did_key_for, generate_ed25519_jwk
from programs import services
from programs.models import BadgeIssuer, Credential, Program
from tests.accounts.factories import user_with_role
from tests.programs.factories import CredentialFactory, TrainingProviderFactory, open_program
from tests.programs.test_views import credential_data, program_data

pytestmark = pytest.mark.django_db


def _issuer_data(issuer_id: str, keys: object = "") -> dict[str, str]:
    return {
        "issuer-issuer_id": issuer_id,
        "issuer-public_keys": keys if isinstance(keys, str) else json.dumps(keys),
    }


def _registered(provider, manager):  # type: ignore[no-untyped-def]
    _private, public = generate_ed25519_jwk()
    return services.badge_issuer_register(
        actor=manager, provider=provider, issuer_id="did:web:badges.example.test", public_keys=[public]
    )


# ---------------------------------------------------------------- who may


def _issuer_urls(provider, issuer) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    return [
        ("get", reverse("programs:provider_edit", args=[provider.pk]), {}),
        (
            "post",
            reverse("programs:badge_issuer_register", args=[provider.pk]),
            _issuer_data("did:web:x.example"),
        ),
        ("get", reverse("programs:badge_issuer_revoke", args=[provider.pk, issuer.pk]), {}),
        ("post", reverse("programs:badge_issuer_revoke", args=[provider.pk, issuer.pk]), {}),
    ]


def _issuer_state() -> list[tuple]:
    return list(BadgeIssuer.objects.order_by("pk").values_list("pk", "issuer_id", "revoked_at"))


def test_anonymous_and_other_roles_cannot_register_or_revoke(client) -> None:
    provider = TrainingProviderFactory()
    issuer = _registered(provider, user_with_role(Role.PROGRAM_MANAGER))
    before = _issuer_state()
    for method, url, data in _issuer_urls(provider, issuer):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"], url
    for role in (Role.WORKER, Role.REVIEWER, Role.FINANCE_OFFICER, Role.EMPLOYER_REPRESENTATIVE):
        client.force_login(user_with_role(role))
        for method, url, data in _issuer_urls(provider, issuer):
            assert getattr(client, method)(url, data).status_code == 403, (role, url)
    assert _issuer_state() == before


def test_an_issuer_of_another_provider_is_404(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    provider, other = TrainingProviderFactory(), TrainingProviderFactory()
    issuer = _registered(provider, manager)
    client.force_login(manager)
    url = reverse("programs:badge_issuer_revoke", args=[other.pk, issuer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    issuer.refresh_from_db()
    assert issuer.revoked_at is None


# ---------------------------------------------------------------- register, list, revoke


def test_manager_registers_lists_and_revokes_an_issuer(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER, full_name="Maria Manager")
    provider = TrainingProviderFactory()
    client.force_login(manager)
    edit = reverse("programs:provider_edit", args=[provider.pk])
    assert "No issuers are registered" in client.get(edit).content.decode()

    _private, public = generate_ed25519_jwk()
    response = client.post(
        reverse("programs:badge_issuer_register", args=[provider.pk]),
        _issuer_data("did:web:badges.example.test", [public]),
    )
    assert response.status_code == 302
    issuer = BadgeIssuer.objects.get(provider=provider)
    assert issuer.public_keys == [public]
    assert issuer.added_by == manager
    body = client.get(edit).content.decode()
    assert "did:web:badges.example.test" in body
    assert "Maria Manager" in body
    assert "Trusted" in body
    assert ">1</td>" in body  # one key
    assert ">1</td>" in client.get(reverse("programs:provider_list")).content.decode()

    revoke = reverse("programs:badge_issuer_revoke", args=[provider.pk, issuer.pk])
    assert "Revoke the issuer" in client.get(revoke).content.decode()
    response = client.post(revoke)
    assert response.status_code == 302
    issuer.refresh_from_db()
    assert issuer.revoked_at is not None
    assert issuer.revoked_by == manager
    assert "Revoked" in client.get(edit).content.decode()


def test_did_key_issuer_needs_no_keys(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    provider = TrainingProviderFactory()
    client.force_login(manager)
    _private, public = generate_ed25519_jwk()
    response = client.post(
        reverse("programs:badge_issuer_register", args=[provider.pk]), _issuer_data(did_key_for(public))
    )
    assert response.status_code == 302
    assert BadgeIssuer.objects.get(provider=provider).public_keys == []


@pytest.mark.parametrize(
    ("issuer_id", "keys", "message"),
    [
        ("did:web:x.example", "[{not json", "This is not valid JSON"),
        (
            "did:web:x.example",
            '{"kty": "OKP", "crv": "Ed25519", "x": "abc"}',
            "Give the keys as a JSON array",
        ),
        ("did:web:x.example", '"a key"', "Give the keys as a JSON array of key objects."),
        ("did:web:x.example", "", "Give the issuer&#x27;s public key"),
        ("ftp://x.example", "", "An issuer id starts with"),
        ("did:web:x.example", "PRIVATE", "without “d”"),
    ],
)
def test_registration_errors_are_shown_beside_the_fields(client, issuer_id, keys, message) -> None:  # type: ignore[no-untyped-def]
    manager = user_with_role(Role.PROGRAM_MANAGER)
    provider = TrainingProviderFactory()
    client.force_login(manager)
    if keys == "PRIVATE":
        private, _public = generate_ed25519_jwk()
        keys = json.dumps([private])
    response = client.post(
        reverse("programs:badge_issuer_register", args=[provider.pk]), _issuer_data(issuer_id, keys)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "There is a problem" in body
    assert 'id="issuer-error-summary-title"' in body
    assert "field__error" in body  # beside its field, not only at the top
    assert not BadgeIssuer.objects.exists()


def test_registering_the_same_issuer_twice_is_an_inline_error(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    provider = TrainingProviderFactory()
    _registered(provider, manager)
    client.force_login(manager)
    _private, public = generate_ed25519_jwk()
    response = client.post(
        reverse("programs:badge_issuer_register", args=[provider.pk]),
        _issuer_data("did:web:badges.example.test", [public]),
    )
    assert "already registered" in response.content.decode()
    assert BadgeIssuer.objects.count() == 1


def test_provider_page_query_count_does_not_grow_with_issuers(client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = user_with_role(Role.PROGRAM_MANAGER)
    provider = TrainingProviderFactory()
    _registered(provider, manager)
    client.force_login(manager)
    url = reverse("programs:provider_edit", args=[provider.pk])
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for index in range(4):
        _private, public = generate_ed25519_jwk()
        services.badge_issuer_register(
            actor=manager,
            provider=provider,
            issuer_id=f"did:web:more{index}.example.test",
            public_keys=[public],
        )
    with django_assert_num_queries(len(captured)):
        client.get(url)


# ---------------------------------------------------------------- credential and program fields


def test_credential_form_saves_the_badge_achievement_id(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    credential = CredentialFactory()
    client.force_login(manager)
    achievement = "https://badges.example.test/achievements/network-plus"
    url = reverse("programs:credential_edit", args=[credential.pk])
    assert "Open Badges achievement id" in client.get(url).content.decode()
    response = client.post(url, credential_data(credential.provider, badge_achievement_id=achievement))
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.badge_achievement_id == achievement
    assert achievement in client.get(url).content.decode()
    assert Credential.objects.count() == 1


def test_program_forms_round_trip_claim_evidence_and_wage_floor(client) -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    client.force_login(manager)
    response = client.post(
        reverse("programs:program_create"),
        program_data(claim_evidence=["certificate", "invoice"], wage_floor="35000.00"),
    )
    assert response.status_code == 302
    program = Program.objects.get(code="TECHCRED-26")
    assert program.claim_evidence == ["certificate", "invoice"]
    assert program.wage_floor == Decimal("35000.00")

    edit = reverse("programs:program_edit", args=[program.code])
    body = client.get(edit).content.decode()
    assert re.search(r'value="invoice"[^>]*checked', body)
    assert re.search(r'value="certificate"[^>]*checked', body)
    assert not re.search(r'value="badge"[^>]*checked', body)
    assert 'value="35000.00"' in body
    data = program_data(claim_evidence=["badge", "retention"], wage_floor="", retention_period_months="6")
    response = client.post(edit, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.claim_evidence == ["badge", "retention"]
    assert program.wage_floor is None

    bad = client.post(edit, program_data(claim_evidence=["nonsense"], wage_floor="abc"))
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Select a valid choice" in html
    program.refresh_from_db()
    assert program.claim_evidence == ["badge", "retention"]


def test_public_program_page_says_what_is_needed_to_be_paid(client) -> None:
    program, _manager = open_program(
        claim_evidence=["certificate", "proof_of_payment", "retention"],
        retention_period_months=6,
        wage_floor=Decimal("35000.00"),
    )
    body = client.get(reverse("programs:program_detail", args=[program.code])).content.decode()
    assert "To be paid you will need" in body
    assert "A certificate of completion (PDF or image)" in body
    assert "Proof that the invoice was paid" in body
    assert "still employed 6 months later" in body
    assert "A job paying at least $35,000.00 a year after the training" in body

    plain, _manager = open_program()
    body = client.get(reverse("programs:program_detail", args=[plain.code])).content.decode()
    assert "A certificate of completion or an Open Badges digital credential" in body
