"""The app's base for model serializers."""

import copy
from typing import Any

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, building its fields from the model once per class instead of once per
    instance. DRF introspects the model and builds every field each time a serializer is made (~0.5 ms
    for an application's 30 fields, several times in most API requests); here the first build is kept
    as a prototype and each instance gets a deep copy of it, as DRF already does for declared fields
    (a copy costs about half a build). Only for serializers whose fields depend on nothing but their
    class: none here overrides `get_fields`; one that did would have to call the model's build itself."""

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        prototype = cls.__dict__.get("_fields_prototype")
        if prototype is None:
            prototype = super().get_fields()
            # Set on this class alone: a subclass finds none in its own __dict__ and builds its own.
            type.__setattr__(cls, "_fields_prototype", prototype)
        return copy.deepcopy(prototype)
