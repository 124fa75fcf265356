"""The worker's pages. Included by grants/urls.py under the "grants" namespace."""

from django.urls import path

from grants import views_applicant as views

urlpatterns = [
    path("me/profile/", views.worker_profile, name="worker_profile"),
    path("me/about-you/", views.demographics, name="demographics"),
    path("programs/<str:code>/apply/", views.application_start, name="application_start"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/respond/", views.application_respond, name="application_respond"),
    path("applications/<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("applications/<int:pk>/letter/", views.letter_download, name="letter_download"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
