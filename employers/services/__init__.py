"""Every write to employers, representatives, pledges, job roles, progress reports and hires.

One service per transition: each locks the row it changes (core.workflow.lock), checks the transition
table and the caller's permission, saves with update_fields, writes an event row in the same
transaction, and tells the people concerned (notices; mail goes after commit).

Lock order: employer, then pledge, then progress report.

The services, split by area (import them from here: `from employers.services import pledge_submit`):

- employers: employer_register, employer_update, employer_verify, employer_reinstate, employer_suspend
- representatives: representative_invite, invitation_accept, representative_remove
- pledges: pledge_create, pledge_update, pledge_submit, pledge_activate, pledge_return, pledge_withdraw,
  pledge_fulfil, pledges_lapse_due (and the windows a pledge's dates must fall in)
- job_roles: job_role_save, job_role_close
- progress_reports: progress_report_submit, progress_report_verify, progress_report_return, quarter_bounds
- hires: hire_record, candidate_invitation_create
- common: the helpers they share (links, field checks, the pledge lock, events, notices)
"""

# The demo seeding fixes invitation tokens by patching `services.secrets.token_urlsafe` (demo/employers.py).
import secrets

from employers.services.employers import (
    DUPLICATE_REGISTRATION_MESSAGE,
    EMPLOYER_FIELDS,
    employer_register,
    employer_reinstate,
    employer_suspend,
    employer_update,
    employer_verify,
)
from employers.services.hires import candidate_invitation_create, hire_record
from employers.services.job_roles import JOB_ROLE_FIELDS, job_role_close, job_role_save
from employers.services.pledges import (
    PLEDGE_FIELDS,
    PLEDGE_START_YEARS_AHEAD,
    PLEDGE_START_YEARS_BACK,
    PLEDGE_TARGET_YEARS_AHEAD,
    pledge_activate,
    pledge_create,
    pledge_fulfil,
    pledge_return,
    pledge_submit,
    pledge_update,
    pledge_withdraw,
    pledges_due_count,
    pledges_lapse_due,
)
from employers.services.progress_reports import (
    EVIDENCE_KINDS,
    progress_report_return,
    progress_report_submit,
    progress_report_verify,
    quarter_bounds,
)
from employers.services.representatives import (
    INVITATION_URL_NAME,
    invitation_accept,
    representative_invite,
    representative_remove,
)

__all__ = [
    "DUPLICATE_REGISTRATION_MESSAGE",
    "EMPLOYER_FIELDS",
    "EVIDENCE_KINDS",
    "INVITATION_URL_NAME",
    "JOB_ROLE_FIELDS",
    "PLEDGE_FIELDS",
    "PLEDGE_START_YEARS_AHEAD",
    "PLEDGE_START_YEARS_BACK",
    "PLEDGE_TARGET_YEARS_AHEAD",
    "candidate_invitation_create",
    "employer_register",
    "employer_suspend",
    "employer_update",
    "employer_reinstate",
    "employer_verify",
    "hire_record",
    "invitation_accept",
    "job_role_close",
    "job_role_save",
    "pledge_activate",
    "pledge_create",
    "pledge_fulfil",
    "pledge_return",
    "pledge_submit",
    "pledge_update",
    "pledge_withdraw",
    "pledges_due_count",
    "pledges_lapse_due",
    "progress_report_return",
    "progress_report_submit",
    "progress_report_verify",
    "quarter_bounds",
    "representative_invite",
    "representative_remove",
    "secrets",
]
