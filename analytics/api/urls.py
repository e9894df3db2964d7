"""Analytics API routes, mounted under /api/: /api/analytics/summary, /api/analytics/series."""
from django.urls import path

from .views import SeriesView, SummaryView

urlpatterns = [
    path("analytics/summary", SummaryView.as_view(), name="analytics-summary"),
    path("analytics/series", SeriesView.as_view(), name="analytics-series"),
]
