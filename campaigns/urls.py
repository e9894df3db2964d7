"""Campaigns pages."""
from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("preview/", views.campaign_preview, name="preview"),
    path("audience/", views.campaign_audience, name="audience"),
    path("test-send/", views.campaign_test_send, name="test_send"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/progress/", views.campaign_progress, name="progress"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/start/", views.campaign_start, name="start"),
    path("<int:campaign_id>/pause/", views.campaign_pause, name="pause"),
    path("<int:campaign_id>/resume/", views.campaign_resume, name="resume"),
    path("<int:campaign_id>/cancel/", views.campaign_cancel, name="cancel"),
    path("<int:campaign_id>/recipients.csv", views.campaign_export, name="export"),
    path("<int:campaign_id>/report/", views.campaign_report, name="report"),
    path("<int:campaign_id>/report.csv", views.campaign_report_csv, name="report_csv"),
    path("<int:campaign_id>/report.xlsx", views.campaign_report_xlsx, name="report_xlsx"),
]
