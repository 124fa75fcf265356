from django.urls import path

from grants import views_staff

# Included by grants/urls.py under the "grants" namespace; the staff page of an application itself is
# grants:application_detail, which hands staff to views_staff.staff_detail.
urlpatterns = [
    path("review/", views_staff.queue, name="queue"),
    path(
        "review/applications/<int:pk>/conflict/", views_staff.conflict_declare, name="staff_conflict_declare"
    ),
    path("review/applications/<int:pk>/assign/", views_staff.assign, name="staff_assign"),
    path("review/applications/<int:pk>/begin-review/", views_staff.begin_review, name="staff_begin_review"),
    path("review/applications/<int:pk>/review/", views_staff.review_submit, name="staff_review_submit"),
    path("review/applications/<int:pk>/comments/", views_staff.comment_add, name="staff_comment_add"),
    path("review/applications/<int:pk>/request-info/", views_staff.request_info, name="staff_request_info"),
    path("review/applications/<int:pk>/approve/", views_staff.approve, name="staff_approve"),
    path("review/applications/<int:pk>/reject/", views_staff.reject, name="staff_reject"),
    path("review/rounds/<int:round_pk>/ranking/", views_staff.round_ranking, name="round_ranking"),
    path(
        "review/rounds/<int:round_pk>/approve-top-ranked/",
        views_staff.round_approve_top,
        name="round_approve_top",
    ),
]
