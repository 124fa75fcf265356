from django.urls import path

from grants.payments import views as views_finance

# Included by grants/urls.py under the "grants" namespace: the finance officer's pages (issue 5).
urlpatterns = [
    path("finance/", views_finance.finance_home, name="finance_home"),
    path("finance/payments/", views_finance.payment_list, name="payment_list"),
    path("finance/payments/<int:pk>/", views_finance.payment_detail, name="payment_detail"),
    path("finance/payments/<int:pk>/retry/", views_finance.payment_retry, name="payment_retry"),
    path(
        "finance/applications/<int:pk>/approve-payment/",
        views_finance.payment_approve,
        name="payment_approve",
    ),
    path("finance/applications/<int:pk>/clawback/", views_finance.clawback_create, name="clawback_create"),
    path("finance/batches/", views_finance.batch_list, name="batch_list"),
    path("finance/batches/new/", views_finance.batch_create, name="batch_create"),
    path("finance/batches/<int:pk>/", views_finance.batch_detail, name="batch_detail"),
    path("finance/batches/<int:pk>/export/", views_finance.batch_export, name="batch_export"),
    path("finance/batches/<int:pk>/send/", views_finance.batch_send, name="batch_send"),
    path("finance/batches/<int:pk>/discard/", views_finance.batch_discard, name="batch_discard"),
    path("finance/batches/<int:pk>/reconcile/", views_finance.batch_reconcile, name="batch_reconcile"),
]
