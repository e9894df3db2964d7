"""Billing API routes, mounted under /api/."""
from django.urls import path

from . import views

urlpatterns = [
    path("packages", views.PackageListView.as_view(), name="packages"),
    path("subscriptions", views.SubscriptionListView.as_view(), name="subscriptions"),
    path("subscriptions/choose", views.ChooseView.as_view(), name="subscriptions-choose"),
    path("subscriptions/current", views.CurrentPlanView.as_view(), name="subscriptions-current"),
    path("subscriptions/<str:reference>", views.SubscriptionDetailView.as_view(), name="subscription-detail"),
    path("subscriptions/<str:reference>/pay", views.PayOnlineView.as_view(), name="subscription-pay"),
]
