"""WAHA webhook receiver route (/webhooks/...)."""
from django.urls import path

from . import webhook_views

urlpatterns = [
    path("waha", webhook_views.waha_webhook, name="waha-webhook"),
]
