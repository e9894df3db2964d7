"""Integrations pages, under /settings/api-keys/ so the Settings navigation item stays lit."""
from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("", views.keys_page, name="keys"),
    path("<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
]
