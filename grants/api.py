"""API resources that more than one area of grants acts on, put together above the areas.

An application is one resource (`/api/v1/applications/`), but its actions come from two areas: its own
(create, edit, submit, review, decide: grants.applications.api) and, after approval, the award's (enrol,
claim completion, verify, cancel: grants.awards.api). The areas stay layered (awards builds on
applications, never the other way round); this module, like grants/urls.py, only combines them."""

from grants.applications import api as applications
from grants.awards.api import AwardActionsMixin


class ApplicationViewSet(AwardActionsMixin, applications.ApplicationViewSet):
    __doc__ = applications.ApplicationViewSet.__doc__
