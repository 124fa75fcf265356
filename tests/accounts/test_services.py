import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import RoleChange, User
from accounts.roles import Role
from core.exceptions import NotAllowed
from tests.accounts.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=False)

GOOD_PASSWORD = "a-long-unusual-passphrase-42"


def sign_up(**overrides):
    data = {
        "email": "New.Person@Example.test",
        "full_name": "  New Person ",
        "password": GOOD_PASSWORD,
        "role": Role.WORKER,
    }
    data.update(overrides)
    return services.user_sign_up(**data)


def test_roles_exist_as_groups_from_the_data_migration() -> None:
    assert set(Group.objects.values_list("name", flat=True)) == {role.value for role in Role}


def test_sign_up_creates_an_unverified_account_with_its_role_and_mails_a_link(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up()
    assert user.email == "new.person@example.test"
    assert user.full_name == "New Person"
    assert user.email_verified_at is None
    assert user.role_names == {"worker"}
    change = RoleChange.objects.get(user=user)
    assert (change.role, change.action, change.actor) == ("worker", "granted", None)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.test"]
    assert "/accounts/verify-email/" in mail.outbox[0].body


def test_sign_up_mail_is_not_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up()
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": Role.PROGRAM_MANAGER}, "role"),
        ({"role": Role.ADMINISTRATOR}, "role"),
        ({"password": "short"}, "password"),
        ({"password": "password123456"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_sign_up_refuses_bad_input_and_writes_nothing(overrides, field) -> None:
    with pytest.raises(ValidationError) as error:
        sign_up(**overrides)
    assert field in error.value.message_dict
    assert User.objects.count() == 0
    assert RoleChange.objects.count() == 0


def test_sign_up_refuses_an_email_in_use_whatever_its_case() -> None:
    UserFactory(email="taken@example.test")
    with pytest.raises(ValidationError) as error:
        sign_up(email="TAKEN@example.test")
    assert "already exists" in error.value.message_dict["email"][0]
    assert User.objects.count() == 1


def test_verify_email_marks_the_account_verified_once() -> None:
    user = sign_up()
    token = services.email_verification_token(user=user)
    verified = services.user_verify_email(token=token)
    first = verified.email_verified_at
    assert first is not None
    again = services.user_verify_email(token=token)
    assert again.email_verified_at == first


def test_verify_email_refuses_tampered_and_expired_tokens(settings) -> None:
    user = sign_up()
    token = services.email_verification_token(user=user)
    with pytest.raises(ValidationError, match="not valid"):
        services.user_verify_email(token=token[:-2] + "xx")
    settings.EMAIL_VERIFICATION_MAX_AGE = settings.EMAIL_VERIFICATION_MAX_AGE * -1
    with pytest.raises(ValidationError, match="expired"):
        services.user_verify_email(token=token)
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verify_email_refuses_a_token_for_an_old_address() -> None:
    user = sign_up()
    token = services.email_verification_token(user=user)
    User.objects.filter(pk=user.pk).update(email="changed@example.test")
    with pytest.raises(ValidationError, match="not valid"):
        services.user_verify_email(token=token)


def test_staff_user_create_by_an_administrator(django_capture_on_commit_callbacks) -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        user = services.staff_user_create(
            actor=admin,
            email="Reviewer@Agency.test",
            full_name="Rae View",
            roles=[Role.REVIEWER, Role.OFFICIAL],
        )
    assert user.email == "reviewer@agency.test"
    assert user.is_email_verified
    assert not user.has_usable_password()
    assert user.role_names == {"reviewer", "official"}
    assert set(RoleChange.objects.filter(user=user).values_list("role", "actor")) == {
        ("reviewer", admin.pk),
        ("official", admin.pk),
    }
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.WORKER, Role.OFFICIAL])
def test_staff_user_create_is_refused_to_non_administrators(role) -> None:
    actor = user_with_role(role)
    with pytest.raises(NotAllowed, match="Administrator"):
        services.staff_user_create(actor=actor, email="x@agency.test", full_name="X", roles=[Role.REVIEWER])
    assert not User.objects.filter(email="x@agency.test").exists()


def test_staff_user_create_needs_a_role() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as error:
        services.staff_user_create(actor=admin, email="x@agency.test", full_name="X", roles=[])
    assert "roles" in error.value.message_dict
    assert not User.objects.filter(email="x@agency.test").exists()


def test_role_grant_and_revoke_are_audited_with_actor_and_reason() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    person = UserFactory()
    assert services.role_grant(actor=admin, user=person, role=Role.REVIEWER, reason="Joined the review panel")
    assert person.has_role(Role.REVIEWER)
    assert services.role_revoke(actor=admin, user=person, role="reviewer", reason="Left the panel")
    assert not person.has_role(Role.REVIEWER)
    rows = list(
        RoleChange.objects.filter(user=person).order_by("id").values_list("role", "action", "actor", "reason")
    )
    assert rows == [
        ("reviewer", "granted", admin.pk, "Joined the review panel"),
        ("reviewer", "revoked", admin.pk, "Left the panel"),
    ]


def test_repeated_grant_and_revoke_change_nothing() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    person = user_with_role(Role.WORKER)
    assert services.role_grant(actor=admin, user=person, role=Role.WORKER) is False
    assert services.role_revoke(actor=admin, user=person, role=Role.OFFICIAL) is False
    assert RoleChange.objects.count() == 0


def test_a_user_may_hold_several_roles() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    person = UserFactory()
    for role in (Role.REVIEWER, Role.PROGRAM_MANAGER, Role.OFFICIAL):
        services.role_grant(actor=admin, user=person, role=role)
    person.refresh_from_db()
    assert person.role_names == {"reviewer", "program_manager", "official"}


def test_role_changes_are_refused_to_non_administrators_and_change_nothing() -> None:
    manager = user_with_role(Role.PROGRAM_MANAGER)
    person = user_with_role(Role.WORKER)
    with pytest.raises(NotAllowed):
        services.role_grant(actor=manager, user=person, role=Role.ADMINISTRATOR)
    with pytest.raises(NotAllowed):
        services.role_revoke(actor=manager, user=person, role=Role.WORKER)
    person.refresh_from_db()
    assert person.role_names == {"worker"}
    assert RoleChange.objects.count() == 0


def test_unknown_role_is_refused_with_a_message() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as error:
        services.role_grant(actor=admin, user=UserFactory(), role="superhero")
    assert "not a SkillsFund role" in error.value.message_dict["role"][0]


def test_an_administrator_cannot_drop_their_own_administrator_role() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        services.role_revoke(actor=admin, user=admin, role=Role.ADMINISTRATOR)
    assert admin.has_role(Role.ADMINISTRATOR)


def test_user_roles_set_grants_and_revokes_the_difference() -> None:
    admin = user_with_role(Role.ADMINISTRATOR)
    person = user_with_role(Role.REVIEWER)
    services.user_roles_set(
        actor=admin, user=person, roles=["official", "program_manager"], reason="Moved team"
    )
    person.refresh_from_db()
    assert person.role_names == {"official", "program_manager"}
    assert RoleChange.objects.filter(user=person, action="granted").count() == 2
    assert RoleChange.objects.filter(user=person, action="revoked").get().role == "reviewer"


def test_profile_update_validates_and_saves() -> None:
    person = UserFactory(full_name="Old Name")
    services.user_profile_update(
        user=person, full_name=" New Name ", phone="+1 555 010 0101", preferred_language="es"
    )
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.preferred_language) == (
        "New Name",
        "+1 555 010 0101",
        "es",
    )
    with pytest.raises(ValidationError) as error:
        services.user_profile_update(user=person, full_name="N", phone="nope", preferred_language="xx")
    assert set(error.value.message_dict) == {"phone", "preferred_language"}
    person.refresh_from_db()
    assert person.full_name == "New Name"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_grants_of_the_same_role_write_one_audit_row() -> None:
    """Two administrators granting the same role at once: the row lock lets one write, the other sees it."""
    import threading

    from django.db import connection

    admins = [user_with_role(Role.ADMINISTRATOR) for _ in range(6)]
    person = UserFactory()
    barrier = threading.Barrier(len(admins))
    results: list[bool] = []
    errors: list[BaseException] = []

    def grant(admin: User) -> None:
        try:
            barrier.wait()
            results.append(services.role_grant(actor=admin, user=person, role=Role.REVIEWER))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=grant, args=(admin,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert RoleChange.objects.filter(user=person, role="reviewer").count() == 1
