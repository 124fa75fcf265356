import pytest
from axes.models import AccessLog
from rest_framework.authtoken.models import Token

from accounts.models import RoleChange, User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_email_and_password_then_revoke(api_client) -> None:
    user = UserFactory(email="api@example.test")
    response = api_client.post(TOKEN_URL, {"email": "API@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == key
    assert AccessLog.objects.filter(username="api@example.test").exists()

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").json()["email"] == "api@example.test"
    assert api_client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert api_client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "api@example.test", "password": "wrong"}, "non_field_errors"),
        ({"email": "not an email", "password": "x"}, "email"),
        ({"password": "x"}, "email"),
        ({"email": "api@example.test"}, "password"),
    ],
)
def test_token_refuses_bad_credentials_with_400(api_client, body, field) -> None:
    UserFactory(email="api@example.test")
    response = api_client.post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Token.objects.count() == 0


def test_token_refused_until_email_is_verified(api_client) -> None:
    UserFactory(email="new@example.test", email_verified_at=None)
    response = api_client.post(TOKEN_URL, {"email": "new@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "Confirm your email" in response.json()["non_field_errors"][0]


def test_token_endpoint_locks_out_after_repeated_failures(api_client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="api@example.test")
    statuses = [
        api_client.post(
            TOKEN_URL, {"email": "api@example.test", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    response = api_client.post(TOKEN_URL, {"email": "api@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert Token.objects.count() == 0


def test_anonymous_api_calls_get_401(api_client) -> None:
    for url in ["/api/v1/", "/api/v1/me/", "/api/v1/users/"]:
        response = api_client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


def test_me_update_validates(api_client) -> None:
    user = UserFactory(full_name="Old", phone="")
    api_client.force_authenticate(user)
    response = api_client.patch("/api/v1/me/", {"phone": "not a phone"}, format="json")
    assert response.status_code == 400
    assert "phone" in response.json()
    response = api_client.patch("/api/v1/me/", {"preferred_language": "klingon"}, format="json")
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.full_name == "Old"
    response = api_client.patch("/api/v1/me/", {"full_name": "New Name"}, format="json")
    assert response.status_code == 200
    assert response.json()["full_name"] == "New Name"


@pytest.mark.parametrize(
    "role", [Role.WORKER, Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.OFFICIAL]
)
def test_users_endpoint_refuses_non_administrators(api_client, role) -> None:
    other = UserFactory()
    api_client.force_authenticate(user_with_role(role))
    assert api_client.get("/api/v1/users/").status_code == 403
    assert api_client.get(f"/api/v1/users/{other.pk}/").status_code == 403
    response = api_client.post(
        f"/api/v1/users/{other.pk}/roles/grant/", {"role": "administrator"}, format="json"
    )
    assert response.status_code == 403
    assert other.role_names == frozenset()
    assert RoleChange.objects.count() == 0


def test_administrator_creates_staff_and_changes_roles(api_client) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    api_client.force_authenticate(admin)
    response = api_client.post(
        "/api/v1/users/",
        {"email": "fin@agency.test", "full_name": "Fin Ance", "roles": ["finance_officer"]},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["roles"] == ["finance_officer"]
    user_id = created["id"]
    response = api_client.post(
        f"/api/v1/users/{user_id}/roles/grant/", {"role": "official", "reason": "x"}, format="json"
    )
    assert response.json()["roles"] == ["finance_officer", "official"]
    response = api_client.post(
        f"/api/v1/users/{user_id}/roles/revoke/", {"role": "finance_officer"}, format="json"
    )
    assert response.json()["roles"] == ["official"]
    history = api_client.get(f"/api/v1/users/{user_id}/role-changes/").json()
    assert [(row["role"], row["action"], row["actor"]) for row in history["results"]] == [
        ("finance_officer", "revoked", admin.email),
        ("official", "granted", admin.email),
        ("finance_officer", "granted", admin.email),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "x@agency.test", "full_name": "X", "roles": []}, "roles"),
        ({"email": "x@agency.test", "full_name": "X", "roles": ["emperor"]}, "roles"),
        ({"email": "bad", "full_name": "X", "roles": ["reviewer"]}, "email"),
        ({"email": "x@agency.test", "full_name": "", "roles": ["reviewer"]}, "full_name"),
        ({"email": "x@agency.test", "full_name": "X", "roles": ["reviewer"], "phone": "???"}, "phone"),
    ],
)
def test_staff_creation_bad_input_is_400_and_writes_nothing(api_client, body, field) -> None:
    api_client.force_authenticate(user_with_role(Role.ADMINISTRATOR))
    response = api_client.post("/api/v1/users/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.filter(email="x@agency.test").exists()


def test_unknown_user_is_404(api_client) -> None:
    api_client.force_authenticate(user_with_role(Role.ADMINISTRATOR))
    assert api_client.get("/api/v1/users/999999/").status_code == 404
    assert api_client.get("/api/v1/users/not-a-number/").status_code == 404


def test_users_list_is_paginated_and_query_count_is_flat(api_client, django_assert_num_queries) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    UserFactory.create_batch(2, roles=[Role.WORKER])
    # A fresh user object each time, as each real request loads one: roles, count, page, page's groups.
    api_client.force_authenticate(User.objects.get(pk=admin.pk))
    with django_assert_num_queries(4):
        first = api_client.get("/api/v1/users/")
    UserFactory.create_batch(40, roles=[Role.WORKER, Role.REVIEWER])
    api_client.force_authenticate(User.objects.get(pk=admin.pk))
    with django_assert_num_queries(4):
        second = api_client.get("/api/v1/users/")
    assert first.json()["count"] == 3
    assert second.json()["count"] == 43
    assert len(second.json()["results"]) == 25
    assert second.json()["next"] is not None


def test_api_root_lists_resources(api_client) -> None:
    api_client.force_authenticate(UserFactory())
    body = api_client.get("/api/v1/").json()
    assert body["users"].endswith("/api/v1/users/")
    assert body["auth_token"].endswith("/api/v1/auth/token/")
