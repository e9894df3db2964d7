"""The webhooks pages, under /settings/webhooks/."""
from django.urls import path

from . import webhook_views

app_name = "integrations-webhooks"
urlpatterns = [
    path("", webhook_views.webhooks_page, name="list"),
    path("<int:pk>/", webhook_views.endpoint_page, name="endpoint"),
    path("<int:pk>/<str:action>/", webhook_views.endpoint_action, name="action"),
    path("deliveries/<int:pk>/again/", webhook_views.delivery_again, name="again"),
    path("developers/", webhook_views.developers_page, name="developers"),
]
