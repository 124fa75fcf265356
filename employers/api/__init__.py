"""The employers API: employers, representatives, pledges with their progress reports, and job roles.
Thin, like programs/api.py and grants/applications/api.py: serializers parse, services write, selectors read.

Order of refusals: something the caller may not see is a 404 (another employer's records look exactly
like records that do not exist); something they may see but not do this way is a 403 (checked before the
input, so a refused request learns nothing from validation); bad input is a 400 with field errors; a
state that forbids the action is a 409.

Fields a caller may not set (status, verified figures, the employer of an existing role...) are refused
with a 400 naming each, never silently ignored and never applied.

Request bodies are JSON, except a progress report's submission, which is multipart (it carries the
payroll extract).

The viewsets, split by area (config/api_urls.py imports them from here):

- employers: EmployerViewSet
- representatives: RepresentativeViewSet, EmployerInvitationViewSet
- pledges: PledgeViewSet
- progress_reports: ProgressReportViewSet
- job_roles: JobRoleViewSet
- common: the roles that work with employer records, the staff-only check
"""

from employers.api.employers import EmployerViewSet
from employers.api.job_roles import JobRoleViewSet
from employers.api.pledges import PledgeViewSet
from employers.api.progress_reports import ProgressReportViewSet
from employers.api.representatives import EmployerInvitationViewSet, RepresentativeViewSet

__all__ = [
    "EmployerInvitationViewSet",
    "EmployerViewSet",
    "JobRoleViewSet",
    "PledgeViewSet",
    "ProgressReportViewSet",
    "RepresentativeViewSet",
]
