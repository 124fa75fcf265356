"""Errors that services raise with a message a person can act on, and `require()`, the one way a
permission decision becomes a refusal.

Services raise django.core.exceptions.ValidationError for bad input, and these for refusals of a
different kind; views and the API exception handler turn each into the right response.
"""

from typing import Protocol


class ApplicationError(Exception):
    """A request that cannot be carried out, with a message for the person who made it."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ApplicationError):
    """The caller may see the object but may not do this to it; the reason says why."""

    status_code = 403


class Conflict(ApplicationError):
    """The object is not in a state that allows this (a stale form, a repeated action)."""

    status_code = 409


class Verdict(Protocol):
    """What a permission predicate answers (accounts.permissions.Decision): true to allow, with the
    reason for a refusal."""

    @property
    def reason(self) -> str: ...

    def __bool__(self) -> bool: ...


def require(decision: Verdict) -> None:
    """A refusal is a 403 with its reason."""
    if not decision:
        raise NotAllowed(decision.reason)
