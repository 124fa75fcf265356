import pytest

from accounts.models import RoleChange
from accounts.roles import Role
from tests.accounts.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.WORKER, Role.PROGRAM_MANAGER, Role.FINANCE_OFFICER, Role.OFFICIAL])
def test_admin_is_for_administrators_only(client, role) -> None:
    client.force_login(user_with_role(role))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_administrator_sees_user_and_group_screens(client) -> None:
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200
    assert client.get("/admin/accounts/rolechange/").status_code == 200


def test_admin_login_sends_people_to_the_app_sign_in(client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=%2Fadmin%2F"


def test_group_changes_in_admin_are_audited(client) -> None:
    from django.contrib.auth.models import Group

    admin = user_with_role(Role.ADMINISTRATOR)
    person = user_with_role(Role.REVIEWER, full_name="Pat Person")
    client.force_login(admin)
    official = Group.objects.get(name="official")
    response = client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {
            "full_name": "Pat Person",
            "phone": "",
            "preferred_language": "en",
            "is_active": "on",
            "groups": [official.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.role_names == {"official"}
    rows = set(RoleChange.objects.filter(user=person).values_list("role", "action", "actor"))
    assert rows == {("official", "granted", admin.pk), ("reviewer", "revoked", admin.pk)}


def test_accounts_cannot_be_deleted_or_added_in_admin(client) -> None:
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    person = UserFactory()
    assert client.get(f"/admin/accounts/user/{person.pk}/delete/").status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get("/admin/accounts/rolechange/add/").status_code == 403
