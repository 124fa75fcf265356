"""A credential request's events share the event base (issue 15); migration programs/0004 names the
moves recorded before events had an action."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programs.models import CredentialRequest, CredentialRequestEvent
from tests.accounts.factories import UserFactory

migration = importlib.import_module("programs.migrations.0004_credential_request_event_shares_the_event_base")


@pytest.mark.django_db
def test_moves_recorded_without_an_action_are_named_by_the_status_they_reached() -> None:
    user = UserFactory()
    request = CredentialRequest.objects.create(
        requested_by=user, title="Forklift safety", provider_name="Depot", skills_taught="Lifting"
    )
    old = CredentialRequestEvent.objects.create(request=request, actor=user, to_status="pending")
    named = CredentialRequestEvent.objects.create(
        request=request, actor=user, action="declined", from_status="pending", to_status="declined"
    )
    assert old.action == ""

    state = MigrationExecutor(connection).loader.project_state(
        ("programs", "0004_credential_request_event_shares_the_event_base")
    )
    migration.name_past_moves(state.apps, None)

    actions = dict(CredentialRequestEvent.objects.values_list("pk", "action"))
    assert actions == {old.pk: "pending", named.pk: "declined"}
    assert CredentialRequestEvent.objects.get(pk=old.pk).payload == {}
