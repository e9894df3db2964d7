"""Contacts API routes, mounted under /api/. Fixed paths come before the router's `contacts/<pk>`."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("contacts", views.ContactViewSet, basename="contact")

urlpatterns = [
    path("contacts/bulk", views.ContactBulkView.as_view(), name="contact-bulk"),
    path("contacts/export", views.ContactExportView.as_view(), name="contact-export"),
    path("contacts/upload", views.ContactUploadView.as_view(), name="contact-upload"),
    path("contacts/imports/<uuid:public_id>", views.ImportJobView.as_view(), name="contact-import"),
    path("contacts/imports/<uuid:public_id>/rejects", views.ImportRejectsView.as_view(),
         name="contact-import-rejects"),
    path("contacts/groups", views.GroupListView.as_view(), name="contact-groups"),
    path("contacts/grab", views.GroupGrabView.as_view(), name="contact-grab"),
    *router.urls,
]
