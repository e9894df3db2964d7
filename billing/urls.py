"""Billing pages."""
from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.index, name="index"),
    path("choose/", views.choose, name="choose"),
    path("invoices/", views.history, name="history"),
    path("invoices/<str:reference>/", views.invoice, name="invoice"),
    path("invoices/<str:reference>/print/", views.invoice_print, name="invoice-print"),
    path("invoices/<str:reference>/proof/", views.invoice_proof, name="invoice-proof"),
    path("invoices/<str:reference>/sandbox-pay", views.invoice_sandbox_pay, name="invoice-sandbox-pay"),
]
