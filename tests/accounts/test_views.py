import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import RoleChange, User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
GOOD_PASSWORD = "a-long-unusual-passphrase-42"


def signup_data(**overrides):
    data = {
        "role": "worker",
        "full_name": "Pat Applicant",
        "email": "pat@example.test",
        "phone": "",
        "preferred_language": "en",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def test_sign_up_then_verify_then_sign_in(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert "pat@example.test" in client.get(response["Location"]).content.decode()

    # Before verification, sign-in is refused with a way forward.
    response = client.post(SIGN_IN, {"username": "pat@example.test", "password": GOOD_PASSWORD})
    assert response.status_code == 200
    assert "Confirm your email address first" in response.content.decode()
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^\s]+/accounts/verify-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN

    response = client.post(SIGN_IN, {"username": "PAT@example.test", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="pat@example.test").pk)
    assert AccessLog.objects.filter(username="pat@example.test").count() == 1


def test_sign_up_errors_are_shown_inline_and_in_a_summary(client) -> None:
    response = client.post(
        reverse("accounts:signup"), signup_data(email="nope", password2="different-passphrase-99", role="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_email"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'id="id_password2_error"' in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0


def test_sign_up_cannot_choose_a_staff_role(client) -> None:
    response = client.post(reverse("accounts:signup"), signup_data(role="administrator"))
    assert response.status_code == 200
    assert User.objects.count() == 0


def test_sign_up_weak_password_is_refused_beside_the_field(client) -> None:
    response = client.post(
        reverse("accounts:signup"), signup_data(password1="pat@example", password2="pat@example")
    )
    assert response.status_code == 200
    assert 'id="id_password1_error"' in response.content.decode()
    assert User.objects.count() == 0


def test_bad_verification_link_is_a_clear_400(client) -> None:
    response = client.get(reverse("accounts:verify_email", args=["garbage"]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_resend_verification_says_the_same_whether_or_not_the_account_exists(
    client, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email="unverified@example.test", email_verified_at=None)
    url = reverse("accounts:resend_verification")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"email": "unverified@example.test"}, follow=True)
        second = client.post(url, {"email": "nobody@example.test"}, follow=True)
    assert [str(m) for m in first.context["messages"]] == [str(m) for m in second.context["messages"]]
    assert len(mail.outbox) == 1


def test_failed_sign_ins_are_logged_and_lock_out(client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(email="target@example.test")
    for _ in range(2):
        response = client.post(SIGN_IN, {"username": user.email, "password": "wrong"})
        assert response.status_code == 200
        assert "not right" in response.content.decode()
    response = client.post(SIGN_IN, {"username": user.email, "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password is refused while locked out.
    response = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username=user.email).count() >= 3
    assert AccessAttempt.objects.get(username=user.email).failures_since_start >= 3


def test_sign_out_needs_post(client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, django_capture_on_commit_callbacks) -> None:
    user = UserFactory(email="forgot@example.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": "forgot@example.test"})
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"/accounts/password/reset/[^\s]+/[^\s]+/", mail.outbox[0].body).group(0)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new_password = "another-long-passphrase-77"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_reaches_staff_accounts_without_a_password(
    client, django_capture_on_commit_callbacks
) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    services.staff_user_create(
        actor=admin, email="new@agency.test", full_name="New Staff", roles=[Role.REVIEWER]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "new@agency.test"})
    assert len(mail.outbox) == 1


def test_password_change(client) -> None:
    user = UserFactory()
    client.force_login(user)
    new_password = "another-long-passphrase-77"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_profile_shows_and_saves_own_details(client) -> None:
    user = user_with_role(Role.WORKER, full_name="Sam Old")
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert user.email in response.content.decode()
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Sam New", "phone": "", "preferred_language": "es"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Sam New", "es")


def test_profile_bad_input_changes_nothing(client) -> None:
    user = UserFactory(full_name="Sam Old")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "", "phone": "?", "preferred_language": "en"}
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Sam Old"


@pytest.mark.parametrize("url_name", ["accounts:user_list", "accounts:user_create"])
@pytest.mark.parametrize("role", [Role.WORKER, Role.PROGRAM_MANAGER, Role.OFFICIAL])
def test_user_management_pages_refuse_other_roles(client, url_name, role) -> None:
    client.force_login(user_with_role(role))
    assert client.get(reverse(url_name)).status_code == 403


def test_user_management_for_administrators(client, django_assert_max_num_queries) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_create"),
        {"full_name": "Rae View", "email": "rae@agency.test", "phone": "", "roles": ["reviewer"]},
    )
    rae = User.objects.get(email="rae@agency.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[rae.pk])
    assert rae.role_names == {"reviewer"}

    response = client.post(
        reverse("accounts:user_role_grant", args=[rae.pk]),
        {"role": "official", "reason": "Also reads reports"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:user_role_revoke", args=[rae.pk]), {"role": "reviewer", "reason": "Moved"}
    )
    assert response.status_code == 302
    rae.refresh_from_db()
    assert rae.role_names == {"official"}
    detail = client.get(reverse("accounts:user_detail", args=[rae.pk])).content.decode()
    assert "Also reads reports" in detail
    assert "Moved" in detail


def test_role_change_without_a_reason_is_refused_and_changes_nothing(client) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    person = UserFactory()
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_role_grant", args=[person.pk]), {"role": "official", "reason": ""}
    )
    assert response.status_code == 400
    assert RoleChange.objects.count() == 0


def test_role_change_by_non_administrator_is_refused_and_changes_nothing(client) -> None:
    person = UserFactory()
    client.force_login(user_with_role(Role.PROGRAM_MANAGER))
    response = client.post(
        reverse("accounts:user_role_grant", args=[person.pk]), {"role": "administrator", "reason": "x"}
    )
    assert response.status_code == 403
    assert person.role_names == frozenset()
    assert RoleChange.objects.count() == 0


def test_unknown_user_is_404_for_administrators(client) -> None:
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    assert client.get(reverse("accounts:user_detail", args=[987654])).status_code == 404


def test_user_list_query_count_does_not_grow_with_users(client, django_assert_num_queries) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    client.force_login(admin)
    UserFactory.create_batch(3, roles=[Role.WORKER])
    with django_assert_num_queries(6) as small:
        client.get(reverse("accounts:user_list"))
    UserFactory.create_batch(20, roles=[Role.REVIEWER, Role.OFFICIAL])
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:user_list"))
    assert response.context["page"].paginator.count == 24


def test_sign_in_outcomes_are_logged(client, settings, caplog) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(email="logged@example.test")
    with caplog.at_level("INFO", logger="skillsfund.security"):
        client.post(SIGN_IN, {"username": user.email, "password": PASSWORD})
        client.post(reverse("accounts:logout"))
        client.post(SIGN_IN, {"username": user.email, "password": "wrong"})
        client.post(SIGN_IN, {"username": user.email, "password": "wrong"})
    messages = [record.getMessage() for record in caplog.records if record.name == "skillsfund.security"]
    assert messages[0] == f"sign-in user={user.pk} ip=127.0.0.1"
    assert messages[1] == "sign-in-failed email=logged@example.test ip=127.0.0.1"
    assert messages[2] == "sign-in-locked-out email=logged@example.test ip=127.0.0.1"


def test_error_summary_links_a_radio_group_to_its_first_option(client) -> None:
    html = client.post(reverse("accounts:signup"), signup_data(role="")).content.decode()
    assert 'href="#id_role_0"' in html
    assert 'id="id_role_0"' in html
