"""Contacts pages."""
from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="new"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("<int:pk>/opt-in/", views.contact_opt_in, name="opt_in"),
    path("<int:pk>/opt-out/", views.contact_opt_out, name="opt_out"),
    path("bulk/", views.contact_bulk, name="bulk"),
    path("export/", views.contact_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("imports/<uuid:public_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:public_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<uuid:public_id>/rejects.csv", views.import_rejects, name="import_rejects"),
    path("imports/<uuid:public_id>/resume/", views.import_resume, name="import_resume"),
    path("groups/", views.group_grab, name="groups"),
    path("settings/", views.contact_settings, name="settings"),
]
