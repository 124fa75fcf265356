"""Applications' pages: the worker's (apply, edit, submit, respond, documents, notices), the staff's
(queue, review, decide, rank) and the employer's (apply for an employee, link the employee). Included by
grants/urls.py under the "grants" namespace; the page of one application is grants:application_detail
(grants.applications.views.detail), which gives applicants their page and staff theirs."""

from django.urls import path

from grants.applications.views import (
    applicant,
    applying,
    downloads,
    employer,
    notices,
    profile,
    ranking,
    staff,
)

urlpatterns = [
    # the worker's pages
    path("me/profile/", profile.worker_profile, name="worker_profile"),
    path("me/about-you/", profile.demographics, name="demographics"),
    path("programs/<str:code>/apply/", applying.application_start, name="application_start"),
    path("applications/", applicant.my_applications, name="my_applications"),
    path("applications/<int:pk>/edit/", applying.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", applying.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", applying.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/respond/", applying.application_respond, name="application_respond"),
    path(
        "applications/<int:pk>/documents/<int:doc_pk>/", downloads.document_download, name="document_download"
    ),
    path("applications/<int:pk>/letter/", downloads.letter_download, name="letter_download"),
    path("notices/", notices.notices, name="notices"),
    path("notices/read/", notices.notices_read, name="notices_read"),
    # the staff's pages
    path("review/", staff.queue, name="queue"),
    path("review/applications/<int:pk>/conflict/", staff.conflict_declare, name="staff_conflict_declare"),
    path("review/applications/<int:pk>/assign/", staff.assign, name="staff_assign"),
    path("review/applications/<int:pk>/begin-review/", staff.begin_review, name="staff_begin_review"),
    path("review/applications/<int:pk>/review/", staff.review_submit, name="staff_review_submit"),
    path("review/applications/<int:pk>/comments/", staff.comment_add, name="staff_comment_add"),
    path("review/applications/<int:pk>/request-info/", staff.request_info, name="staff_request_info"),
    path("review/applications/<int:pk>/approve/", staff.approve, name="staff_approve"),
    path("review/applications/<int:pk>/reject/", staff.reject, name="staff_reject"),
    path("review/rounds/<int:round_pk>/ranking/", ranking.round_ranking, name="round_ranking"),
    path(
        "review/rounds/<int:round_pk>/approve-top-ranked/",
        ranking.round_approve_top,
        name="round_approve_top",
    ),
    # an employer applying for an employee
    path(
        "programs/<str:code>/apply-for-employee/",
        employer.employer_application_start,
        name="employer_application_start",
    ),
    path("applications/link/<str:token>/", employer.employee_link, name="employee_link"),
]
