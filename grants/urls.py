from django.urls import include, path

from grants.applications.views import detail

app_name = "grants"

# Each area's pages, under the one "grants" namespace (names are unique across areas).
urlpatterns = [
    # One address per application for everyone who may see it: applicants get their page, staff theirs.
    path("applications/<int:pk>/", detail.application_detail, name="application_detail"),
    path("", include("grants.applications.urls")),
    path("", include("grants.awards.urls")),
    path("", include("grants.payments.urls")),
    path("", include("grants.matching.urls")),
]
