"""Inbox pages."""
from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.index, name="index"),
    path("auto-replies/", views.autoreplies, name="autoreplies"),
]
