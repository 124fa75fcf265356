"""The applications API. Thin: serializers parse, services write, selectors read.

Order of refusals, as in programs/api.py: an application the caller may not see is a 404; one they may
see but not act on this way is a 403 (checked before the input, so a refused request learns nothing from
validation); bad input is a 400 with field errors; a state that forbids the action is a 409.

Fields a caller may not set (status, amount_awarded, reviewer, score, reference, decided_*...) are
refused with a 400 naming each field, never silently ignored and never applied.

Request bodies are JSON, except the document upload, which is multipart.

By what it serves (config/api_urls.py and grants/api.py import them from here):
- applications: ApplicationViewSet, the application itself (list, read, drafts, the applicant's actions)
- review: the staff's actions on it (assign, declare a conflict, review, request information, decide)
- records: its timeline, documents and decision letter
- own_records: WorkerProfileView, DemographicsView, the signed-in worker's own records
- common: the checks the actions share
"""

from grants.applications.api.applications import ApplicationPagination, ApplicationViewSet
from grants.applications.api.own_records import DemographicsView, WorkerProfileView

__all__ = ["ApplicationPagination", "ApplicationViewSet", "DemographicsView", "WorkerProfileView"]
