"""Billing pages."""
from django.urls import path

from . import gateway_views, views

app_name = "billing"
urlpatterns = [
    path("", views.index, name="index"),
    path("choose/", views.choose, name="choose"),
    path("invoices/", views.history, name="history"),
    path("invoices/<str:reference>/", views.invoice, name="invoice"),
    path("invoices/<str:reference>/print/", views.invoice_print, name="invoice-print"),
    path("invoices/<str:reference>/proof/", views.invoice_proof, name="invoice-proof"),
    path("invoices/<str:reference>/sandbox-pay", views.invoice_sandbox_pay, name="invoice-sandbox-pay"),
    path("invoices/<str:reference>/pay", views.invoice_pay, name="invoice-pay"),
    path("gateway/<slug:gateway>/notify", gateway_views.notify, name="gateway-notify"),
    path("gateway/fake/<str:order_id>/", gateway_views.fake_gateway, name="fake-gateway"),
    path("gateway/fake/<str:order_id>/pay", gateway_views.fake_gateway_pay, name="fake-gateway-pay"),
]
