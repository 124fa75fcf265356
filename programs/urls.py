from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    # Public: open programs and the credential catalog.
    path("programs/", views.program_list, name="program_list"),
    path("programs/manage/", views.manage, name="manage"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<str:code>/", views.program_detail, name="program_detail"),
    # Staff: one program's settings, rounds, rules, funded credentials and budget.
    path("programs/<str:code>/edit/", views.program_edit, name="program_edit"),
    path("programs/<str:code>/status/", views.program_transition, name="program_transition"),
    path("programs/<str:code>/rounds/new/", views.round_form, name="round_create"),
    path("programs/<str:code>/rounds/<int:pk>/edit/", views.round_form, name="round_edit"),
    path("programs/<str:code>/caps/", views.cap_rules, name="cap_rules"),
    path("programs/<str:code>/caps/<int:pk>/remove/", views.cap_rule_remove, name="cap_rule_remove"),
    path("programs/<str:code>/eligibility/", views.eligibility_rules, name="eligibility_rules"),
    path(
        "programs/<str:code>/eligibility/<int:pk>/remove/",
        views.eligibility_rule_remove,
        name="eligibility_rule_remove",
    ),
    path("programs/<str:code>/criteria/", views.scoring_criteria, name="scoring_criteria"),
    path(
        "programs/<str:code>/criteria/<int:pk>/remove/",
        views.scoring_criterion_remove,
        name="scoring_criterion_remove",
    ),
    path("programs/<str:code>/credentials/", views.program_credentials, name="program_credentials"),
    path(
        "programs/<str:code>/credentials/<int:pk>/remove/",
        views.program_credential_remove,
        name="program_credential_remove",
    ),
    path("programs/<str:code>/budget/", views.budget, name="budget"),
    # Public catalog.
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<int:pk>/", views.credential_detail, name="credential_detail"),
    # Staff: the catalog.
    path("catalog/manage/providers/", views.provider_list, name="provider_list"),
    path("catalog/manage/providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path(
        "catalog/manage/providers/<int:pk>/issuers/",
        views.badge_issuer_register,
        name="badge_issuer_register",
    ),
    path(
        "catalog/manage/providers/<int:pk>/issuers/<int:issuer_pk>/revoke/",
        views.badge_issuer_revoke,
        name="badge_issuer_revoke",
    ),
    path("catalog/manage/credentials/", views.credential_manage_list, name="credential_manage_list"),
    path("catalog/manage/credentials/new/", views.credential_form, name="credential_create"),
    path("catalog/manage/credentials/<int:pk>/edit/", views.credential_form, name="credential_edit"),
    path("catalog/manage/skills/", views.skill_list, name="skill_list"),
    # Requests for credentials that are not listed.
    path("catalog/requests/", views.request_list, name="request_list"),
    path("catalog/requests/new/", views.request_create, name="request_create"),
    path("catalog/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("catalog/requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("catalog/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("catalog/requests/<int:pk>/syllabus/", views.request_syllabus, name="request_syllabus"),
]
