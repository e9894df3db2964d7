"""Campaigns API routes, mounted under /api/ (the brief's /campaign/start and /campaign/stats/<id>)."""
from django.urls import path

from . import views

urlpatterns = [
    path("campaign/start", views.CampaignStartView.as_view(), name="campaign-start"),
    path("campaign/preview", views.CampaignPreviewView.as_view(), name="campaign-preview"),
    path("campaign/audience", views.AudienceCountView.as_view(), name="campaign-audience"),
    path("campaign/stats/<int:campaign_id>", views.CampaignStatsView.as_view(), name="campaign-stats"),
    path("campaigns", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/<int:campaign_id>", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<int:campaign_id>/recipients.csv", views.CampaignExportView.as_view(), name="campaign-export"),
    path("campaigns/<int:campaign_id>/report", views.CampaignReportView.as_view(), name="campaign-report"),
    path("campaigns/<int:campaign_id>/report.csv", views.CampaignReportCSVView.as_view(), name="campaign-report-csv"),
    path("campaigns/<int:campaign_id>/report.xlsx", views.CampaignReportXLSXView.as_view(),
         name="campaign-report-xlsx"),
    path("campaign/<int:campaign_id>/start", views.CampaignStartDraftView.as_view(),
         name="campaign-start-draft"),
    path("campaign/<int:campaign_id>/pause", views.CampaignActionView.as_view(action_name="pause"),
         name="campaign-pause"),
    path("campaign/<int:campaign_id>/resume", views.CampaignActionView.as_view(action_name="resume"),
         name="campaign-resume"),
    path("campaign/<int:campaign_id>/cancel", views.CampaignActionView.as_view(action_name="cancel"),
         name="campaign-cancel"),
]
