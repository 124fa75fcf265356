from django.urls import path

from grants import views_employer

urlpatterns = [
    path(
        "programs/<str:code>/apply-for-employee/",
        views_employer.employer_application_start,
        name="employer_application_start",
    ),
    path("applications/link/<str:token>/", views_employer.employee_link, name="employee_link"),
]
