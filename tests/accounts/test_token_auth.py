"""The API's token authentication (accounts.auth.TokenAuthentication): one hand-written query that must
give exactly what the ORM would."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from accounts.auth import TokenAuthentication
from accounts.models import User
from accounts.roles import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _columns(user: User) -> dict[str, object]:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_user_every_column_and_the_roles_in_one_query() -> None:
    user = UserFactory(roles=[Role.PROGRAM_MANAGER, Role.REVIEWER], full_name="Ana O'Neil")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - datetime.timedelta(days=3))
    token = Token.objects.create(user=user)

    with CaptureQueriesContext(connection) as queries:
        found, auth = TokenAuthentication().authenticate_credentials(token.key)
        roles = found.role_names
    assert len(queries) == 1

    expected = User.objects.get(pk=user.pk)
    assert _columns(found) == _columns(expected)  # dates converted as the ORM does, on SQLite too
    assert isinstance(found.last_login, datetime.datetime)
    assert timezone.is_aware(found.last_login)
    assert roles == frozenset({Role.PROGRAM_MANAGER, Role.REVIEWER})
    assert not hasattr(found, "role_list")
    assert isinstance(auth, Token)
    assert auth.key == token.key
    assert auth.user is found
    assert not auth._state.adding  # a saved row: revoking deletes it


def test_a_user_without_roles_has_none() -> None:
    token = Token.objects.create(user=UserFactory())
    found, _auth = TokenAuthentication().authenticate_credentials(token.key)
    assert found.role_names == frozenset()


def test_unknown_and_inactive_are_refused() -> None:
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        TokenAuthentication().authenticate_credentials("0" * 40)
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        TokenAuthentication().authenticate_credentials("x' OR '1'='1")
    token = Token.objects.create(user=UserFactory(is_active=False))
    with pytest.raises(AuthenticationFailed, match="inactive"):
        TokenAuthentication().authenticate_credentials(token.key)


def test_revoking_the_authenticated_token_deletes_it() -> None:
    token = Token.objects.create(user=UserFactory())
    _user, auth = TokenAuthentication().authenticate_credentials(token.key)
    auth.delete()
    assert not Token.objects.filter(key=token.key).exists()
