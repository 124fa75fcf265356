"""What the programs pages share: the page size and finding a program the caller manages. Calling a
service from a form or a button, and paging: core.views and core.pagination."""

from django.http import HttpRequest

from accounts.permissions import get_visible_or_404, require
from programs.models import Program
from programs.permissions import can_manage_program, programs_visible_to

ROWS_PER_PAGE = 50


def managed_program(request: HttpRequest, code: str) -> Program:
    """The program, if the caller manages it: 404 if they cannot see it, 403 if they do not manage it."""
    program = get_visible_or_404(programs_visible_to(request.user), code=code)
    require(can_manage_program(request.user, program))
    return program
