"""Integrations API routes, mounted under /api/: /api/keys, /api/keys/<id>."""
from django.urls import path

from . import views

urlpatterns = [
    path("keys", views.ApiKeyListView.as_view(), name="apikey-list"),
    path("keys/<int:pk>", views.ApiKeyDetailView.as_view(), name="apikey-detail"),
]
