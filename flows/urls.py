"""Flow pages, under /flows/."""
from django.urls import path

from . import views

app_name = "flows"
urlpatterns = [
    path("", views.flow_list, name="list"),
    path("new/", views.flow_create, name="create"),
    path("<int:pk>/", views.flow_builder, name="builder"),
    path("<int:pk>/archive/", views.flow_archive, name="archive"),
]
