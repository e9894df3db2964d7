"""Reads about contacts that other apps use."""
from .models import Contact


def contact_count(workspace):
    return Contact.objects.for_workspace(workspace).count()
