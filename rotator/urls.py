"""Link rotator pages."""
from django.urls import path

from . import views

app_name = "rotator"
urlpatterns = [
    path("", views.rotator_list, name="list"),
]
