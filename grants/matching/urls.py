"""Matching pages. Included by grants/urls.py under the "grants" namespace."""

from django.urls import path

from grants.matching import views

urlpatterns = [
    path("me/matches/", views.my_matches, name="matches"),
    path("matches/roles/<int:pk>/candidates/", views.role_candidates, name="role_candidates"),
    path("matches/roles/<int:pk>/candidates/invite/", views.candidate_invite_view, name="candidate_invite"),
    path("matches/roles/<int:pk>/candidates/hire/", views.candidate_hire_view, name="candidate_hire"),
    path("matches/hires/", views.hire_list, name="hire_list"),
]
