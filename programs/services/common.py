"""Helpers the programs services share."""

from collections.abc import Iterable

from django.db import models


def _full_clean(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    instance.full_clean(exclude=list(exclude))
