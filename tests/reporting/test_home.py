import pytest
from django.core.management import CommandError, call_command

from accounts.models import RoleChange, User
from accounts.roles import Role
from demo.accounts import DEMO_ACCOUNTS
from tests.accounts.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

DEMO_EMAILS = [
    "admin@demo.skillsfund.test",
    "manager@demo.skillsfund.test",
    "reviewer@demo.skillsfund.test",
    "finance@demo.skillsfund.test",
    "official@demo.skillsfund.test",
    "worker@demo.skillsfund.test",
    "worker2@demo.skillsfund.test",
    "employer@demo.skillsfund.test",
    "employer2@demo.skillsfund.test",
]


def test_anonymous_home_is_the_public_landing_page(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Funding for skills, hiring on skills" in html
    assert 'href="/accounts/sign-up/"' in html


@pytest.mark.parametrize("role", list(Role))
def test_home_shows_the_section_of_each_role_held(client, role) -> None:
    client.force_login(user_with_role(role))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-role="{role.value}"' in html
    others = [other for other in Role if other != role]
    assert all(f'data-role="{other.value}"' not in html for other in others)


def test_home_with_several_roles_shows_each(client) -> None:
    client.force_login(UserFactory(roles=[Role.REVIEWER, Role.OFFICIAL]))
    html = client.get("/").content.decode()
    assert 'data-role="reviewer"' in html
    assert 'data-role="official"' in html


def test_navigation_is_role_aware(client) -> None:
    client.force_login(user_with_role(Role.WORKER))
    assert 'href="/accounts/users/"' not in client.get("/").content.decode()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    assert 'href="/accounts/users/"' in client.get("/").content.decode()


def test_home_page_has_one_h1_a_skip_link_and_landmarks(client) -> None:
    client.force_login(user_with_role(Role.WORKER))
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html


def test_seed_demo_creates_one_account_per_role_and_can_run_twice(settings, client) -> None:
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-password-123", "--applications", "0", verbosity=0)
    call_command("seed_demo", "--password", "demo-password-123", "--applications", "0", verbosity=0)
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(DEMO_EMAILS)
    assert [account.email for account in DEMO_ACCOUNTS] == DEMO_EMAILS
    held = {role for user in User.objects.all() for role in user.role_names}
    assert held == {role.value for role in Role}
    # Running twice does not duplicate the audit trail.
    assert RoleChange.objects.count() == len(DEMO_EMAILS)
    for email in DEMO_EMAILS:
        client.logout()
        response = client.post("/accounts/sign-in/", {"username": email, "password": "demo-password-123"})
        assert response.status_code == 302, email
        home = client.get("/")
        role = User.objects.get(email=email).role_names
        assert all(f'data-role="{name}"' in home.content.decode() for name in role), email


def test_seed_demo_refuses_with_debug_off_unless_forced(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 0
    call_command("seed_demo", "--force", "--applications", "0", verbosity=0)
    assert User.objects.count() == len(DEMO_EMAILS)


def test_seed_demo_refuses_a_weak_password(settings) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="too weak"):
        call_command("seed_demo", "--password", "123", verbosity=0)
    assert User.objects.count() == 0
