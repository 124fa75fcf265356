"""core.serializers.ModelSerializer: fields built once per class, copied per instance."""

import pytest
from rest_framework import serializers

from core.serializers import ModelSerializer
from grants.applications.serializers import (
    ApplicationMinimalSerializer,
    ApplicationSerializer,
    ApplicationStaffSerializer,
)


def _described(fields: dict) -> dict:
    return {name: (type(field).__name__, repr(field)) for name, field in fields.items()}


@pytest.mark.parametrize(
    "serializer_class", [ApplicationMinimalSerializer, ApplicationSerializer, ApplicationStaffSerializer]
)
def test_the_fields_are_those_drf_builds(serializer_class) -> None:
    cached = serializer_class().get_fields()
    cached_again = serializer_class().get_fields()
    built = serializers.ModelSerializer.get_fields(serializer_class())
    assert _described(cached) == _described(built) == _described(cached_again)


def test_each_instance_has_its_own_bound_fields() -> None:
    first, second = ApplicationSerializer(), ApplicationSerializer()
    assert first.fields["status"] is not second.fields["status"]
    assert first.fields["status"].parent is first
    assert second.fields["status"].parent is second
    first.fields["status"].read_only = False  # what one instance does to its fields stays with it
    assert ApplicationSerializer().fields["status"].read_only is True


def test_a_subclass_builds_its_own() -> None:
    minimal = set(ApplicationMinimalSerializer().fields)
    full = set(ApplicationSerializer().fields)
    staff = set(ApplicationStaffSerializer().fields)
    assert minimal != full
    assert full < staff
    assert set(ApplicationMinimalSerializer().fields) == minimal
    assert set(ApplicationSerializer().fields) == full


def test_every_model_serializer_of_the_app_uses_it() -> None:
    import accounts.serializers
    import employers.serializers
    import grants.applications.serializers
    import grants.awards.serializers
    import grants.matching.serializers
    import grants.payments.serializers
    import programs.api_issuers
    import programs.serializers
    import reporting.serializers_exports

    modules = [
        accounts.serializers,
        employers.serializers,
        grants.applications.serializers,
        grants.awards.serializers,
        grants.payments.serializers,
        grants.matching.serializers,
        programs.api_issuers,
        programs.serializers,
        reporting.serializers_exports,
    ]
    found = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, serializers.ModelSerializer)
    ]
    assert found
    assert all(issubclass(cls, ModelSerializer) for cls in found)
