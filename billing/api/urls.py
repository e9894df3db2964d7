"""Billing API routes, mounted under /api/."""

urlpatterns = []
