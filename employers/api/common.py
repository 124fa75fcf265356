"""Shared by the employers API: the roles that work with employer records, and the staff-only check."""

from accounts.permissions import has_any_role
from accounts.roles import Role
from core.api import user_may
from employers.permissions import can_verify_employers

# Those who work with employer records: representatives (their own) and the staff who verify them.
EMPLOYER_SIDE_ROLES = (Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)

# The check of the staff-only moves (verify, suspend, activate, return...): a 403 for anyone else.
staff_only = user_may(can_verify_employers)

# The check of a representative's create (a job role, a pledge): which employer is in the body.
representatives_only = user_may(lambda user: has_any_role(user, (Role.EMPLOYER_REPRESENTATIVE,)))
