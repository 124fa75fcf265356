from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    # Public: active and fulfilled pledges of verified employers, each linkable.
    path("pledges/", views.public_pledge_list, name="public_pledge_list"),
    path("pledges/<int:pk>/", views.public_pledge_detail, name="public_pledge_detail"),
    # Staff: every employer, with filters; the pledge queue.
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/pledges/", views.pledge_queue, name="pledge_queue"),
    # Representatives: their employers, registration, invitations.
    path("employers/mine/", views.my_employers, name="my_employers"),
    path("employers/register/", views.employer_register, name="employer_register"),
    path("employers/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # One employer: representatives see their page, staff theirs.
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/verify/", views.employer_verify, name="employer_verify"),
    path("employers/<int:pk>/suspend/", views.employer_suspend, name="employer_suspend"),
    path("employers/<int:pk>/reinstate/", views.employer_reinstate, name="employer_reinstate"),
    path("employers/<int:pk>/representatives/", views.representatives, name="representatives"),
    path(
        "employers/<int:pk>/representatives/<int:rep_pk>/remove/",
        views.representative_remove,
        name="representative_remove",
    ),
    path("employers/<int:pk>/pledges/new/", views.pledge_create, name="pledge_create"),
    path("employers/<int:pk>/roles/", views.job_role_list, name="job_role_list"),
    path("employers/<int:pk>/roles/new/", views.job_role_create, name="job_role_create"),
    # One pledge (representatives and staff).
    path("employers/pledge/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("employers/pledge/<int:pk>/edit/", views.pledge_edit, name="pledge_edit"),
    path("employers/pledge/<int:pk>/submit/", views.pledge_submit, name="pledge_submit"),
    path("employers/pledge/<int:pk>/withdraw/", views.pledge_withdraw, name="pledge_withdraw"),
    path("employers/pledge/<int:pk>/activate/", views.pledge_activate, name="pledge_activate"),
    path("employers/pledge/<int:pk>/return/", views.pledge_return, name="pledge_return"),
    path("employers/pledge/<int:pk>/fulfil/", views.pledge_fulfil, name="pledge_fulfil"),
    path("employers/pledge/<int:pk>/reports/new/", views.report_create, name="report_create"),
    # Job roles and progress reports.
    path("employers/roles/<int:pk>/edit/", views.job_role_edit, name="job_role_edit"),
    path("employers/roles/<int:pk>/close/", views.job_role_close, name="job_role_close"),
    path("employers/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("employers/reports/<int:pk>/verify/", views.report_verify, name="report_verify"),
    path("employers/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("employers/reports/<int:pk>/evidence/", views.report_evidence, name="report_evidence"),
]
