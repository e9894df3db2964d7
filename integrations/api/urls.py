"""Integrations API routes, mounted under /api/: /api/keys, /api/webhooks and their deliveries."""
from django.urls import path

from . import views, webhooks

urlpatterns = [
    path("keys", views.ApiKeyListView.as_view(), name="apikey-list"),
    path("keys/<int:pk>", views.ApiKeyDetailView.as_view(), name="apikey-detail"),
    path("webhooks", webhooks.WebhookEndpointListView.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>", webhooks.WebhookEndpointDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<int:pk>/test", webhooks.WebhookEndpointTestView.as_view(), name="webhook-test"),
    path("webhooks/<int:pk>/deliveries", webhooks.WebhookDeliveryListView.as_view(), name="webhook-deliveries"),
    path("webhooks/deliveries/<int:pk>/again", webhooks.WebhookDeliveryAgainView.as_view(),
         name="webhook-delivery-again"),
]
