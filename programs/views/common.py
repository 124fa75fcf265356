"""Helpers the programs pages share: calling a service from a form or a button, paging, finding a
program the caller manages."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from accounts.permissions import get_visible_or_404, require
from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors
from programs.models import Program
from programs.permissions import can_manage_program, programs_visible_to

ROWS_PER_PAGE = 50

# ---------------------------------------------------------------- helpers


def _attempt(
    form: Any, service: Callable[..., Any], /, *, field_names: dict[str, str] | None = None, **kwargs: Any
) -> tuple[bool, Any]:
    """Call a service. Its ValidationError or Conflict goes on the form; NotAllowed becomes a 403."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error, field_names)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        form.add_error(None, error.message)
    return False, None


def _call_with_message(request: HttpRequest, service: Callable[..., Any], /, **kwargs: Any) -> bool:
    """Call a service for a one-button action; a refusal becomes an error message, a NotAllowed a 403."""
    try:
        service(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        return True
    return False


def _paginate(request: HttpRequest, rows: Any, per_page: int) -> Page:
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def _managed_program(request: HttpRequest, code: str) -> Program:
    """The program, if the caller manages it: 404 if they cannot see it, 403 if they do not manage it."""
    program = get_visible_or_404(programs_visible_to(request.user), code=code)
    require(can_manage_program(request.user, program))
    return program
