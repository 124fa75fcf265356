"""HTML pages for employers: registration, representatives, pledges, job roles, quarterly progress
reports, the staff pages that verify them, and the public page of pledges.

Thin, like programs/views.py: each view finds the object among those the caller may see (404
otherwise, so another employer's representative learns nothing), checks the caller may act (403
otherwise), writes through a service and shows its ValidationError or Conflict beside the form.
Nothing here reads a worker's demographics: employer-facing pages never show them.

The pages, split by area (employers/urls.py names them as `views.<name>`, from here):

- employers: my_employers, employer_register, employer_detail, employer_edit, employer_verify,
  employer_suspend, employer_reinstate, employer_list
- representation: representatives, representative_remove, invitation_accept
- pledges: pledge_create, pledge_edit, pledge_submit, pledge_withdraw, pledge_detail, pledge_queue,
  pledge_activate, pledge_return, pledge_fulfil, public_pledge_list, public_pledge_detail
- job_roles: job_role_list, job_role_create, job_role_edit, job_role_close
- progress_reports: report_create, report_detail, report_verify, report_return, report_evidence
- common: what they share (status tags, event labels, finding what the caller may see); the caller,
  forms and paging come from core.views and core.pagination
"""

from employers.views.employers import (
    employer_detail,
    employer_edit,
    employer_list,
    employer_register,
    employer_reinstate,
    employer_suspend,
    employer_verify,
    my_employers,
)
from employers.views.job_roles import job_role_close, job_role_create, job_role_edit, job_role_list
from employers.views.pledges import (
    pledge_activate,
    pledge_create,
    pledge_detail,
    pledge_edit,
    pledge_fulfil,
    pledge_queue,
    pledge_return,
    pledge_submit,
    pledge_withdraw,
    public_pledge_detail,
    public_pledge_list,
)
from employers.views.progress_reports import (
    report_create,
    report_detail,
    report_evidence,
    report_return,
    report_verify,
)
from employers.views.representation import invitation_accept, representative_remove, representatives

__all__ = [
    "employer_detail",
    "employer_edit",
    "employer_list",
    "employer_register",
    "employer_reinstate",
    "employer_suspend",
    "employer_verify",
    "invitation_accept",
    "job_role_close",
    "job_role_create",
    "job_role_edit",
    "job_role_list",
    "my_employers",
    "pledge_activate",
    "pledge_create",
    "pledge_detail",
    "pledge_edit",
    "pledge_fulfil",
    "pledge_queue",
    "pledge_return",
    "pledge_submit",
    "pledge_withdraw",
    "public_pledge_detail",
    "public_pledge_list",
    "report_create",
    "report_detail",
    "report_evidence",
    "report_return",
    "report_verify",
    "representative_remove",
    "representatives",
]
