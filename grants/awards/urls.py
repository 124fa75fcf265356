"""An award's pages after approval. Included by grants/urls.py under the "grants" namespace."""

from django.urls import path

from grants.awards import views

urlpatterns = [
    path("applications/<int:pk>/enrol/", views.enrol, name="award_enrol"),
    path("applications/<int:pk>/claim-completion/", views.claim, name="award_claim"),
    path("applications/<int:pk>/cancel-award/", views.cancel, name="award_cancel"),
    path("applications/<int:pk>/outcomes/report/", views.outcome_answer, name="outcome_report"),
    path(
        "applications/<int:pk>/outcomes/questions/<int:follow_up_pk>/",
        views.outcome_answer,
        name="outcome_answer",
    ),
    path(
        "review/applications/<int:pk>/claims/<int:claim_pk>/verify/",
        views.claim_verify,
        name="staff_claim_verify",
    ),
    path(
        "review/applications/<int:pk>/claims/<int:claim_pk>/reject/",
        views.claim_reject,
        name="staff_claim_reject",
    ),
    path("review/applications/<int:pk>/cancel-award/", views.staff_cancel, name="staff_award_cancel"),
    path("review/applications/<int:pk>/outcomes/", views.staff_outcome, name="staff_outcome_verify"),
]
