"""PDF reports, exports and open data (namespace "reports"); included once from reporting/urls.py."""

from django.urls import path

from reporting import views_reports as views

app_name = "reports"
urlpatterns = [
    path("reports/programs/<int:pk>/report.pdf", views.program_report, name="program_report"),
    path("reports/quarterly/<int:year>/q<int:quarter>.pdf", views.quarterly_report, name="quarterly_report"),
    path("reports/employers/<int:pk>/pledge-summary.pdf", views.pledge_summary, name="pledge_summary"),
    path("reports/exports/", views.export_list, name="export_list"),
    path("reports/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("reports/exports/<int:pk>/retry/", views.export_retry, name="export_retry"),
    path("reports/exports/stream/<slug:kind>.csv", views.export_stream, name="export_stream"),
    path("open-data/360giving.json", views.open_data_json, name="open_data_json"),
    path("open-data/360giving.csv", views.open_data_csv, name="open_data_csv"),
]
