from django.urls import include, path

from grants import views

app_name = "grants"

urlpatterns = [
    # One address per application for everyone who may see it: applicants get their page, staff theirs.
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("", include("grants.urls_applicant")),
    path("", include("grants.urls_staff")),
    path("", include("grants.urls_awards")),
    path("", include("grants.urls_finance")),
    path("", include("grants.urls_matching")),
    path("", include("grants.urls_employer")),
]
