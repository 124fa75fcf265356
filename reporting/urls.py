from django.urls import include, path

from reporting import views, views_dashboard

# "home" stays un-namespaced (LOGIN_REDIRECT_URL and every template use it); the report pages live in
# the "reporting" namespace: reporting:dashboard, reporting:mine.
report_patterns = (
    [
        path("", views_dashboard.dashboard, name="dashboard"),
        path("mine/", views.my_dashboard, name="mine"),
    ],
    "reporting",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", include(report_patterns)),
    path("", include("reporting.urls_reports")),  # PDF reports, exports, open data (namespace "reports")
]
