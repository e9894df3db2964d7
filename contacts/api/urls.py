"""Contacts API routes, mounted under /api/."""

urlpatterns = []
