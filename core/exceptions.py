"""Errors that services raise with a message a person can act on.

Services raise django.core.exceptions.ValidationError for bad input, and these for refusals of a
different kind; views and the API exception handler turn each into the right response.
"""


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
