"""Link rotator pages, under /links/."""
from django.urls import path

from . import views

app_name = "rotator"
urlpatterns = [
    path("", views.rotator_list, name="list"),
    path("new/", views.rotator_create, name="create"),
    path("<int:pk>/", views.rotator_edit, name="edit"),
    path("<int:pk>/delete/", views.rotator_delete, name="delete"),
    path("<int:pk>/stats/", views.rotator_stats, name="stats"),
    path("<int:pk>/qr/", views.rotator_qr, name="qr"),
]
