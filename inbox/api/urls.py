"""Inbox API routes, mounted under /api/."""

urlpatterns = []
