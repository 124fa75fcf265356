"""Shared by the employers API: the roles that work with employer records, and the staff-only check."""

from typing import Any

from accounts.roles import Role
from core.api import require
from employers.permissions import can_verify_employers

# Those who work with employer records: representatives (their own) and the staff who verify them.
EMPLOYER_SIDE_ROLES = (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)


def _staff_only(user: Any) -> None:
    require(can_verify_employers(user))
