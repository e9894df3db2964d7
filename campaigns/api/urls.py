"""Campaigns API routes, mounted under /api/ (the brief's /campaign/start and /campaign/stats/<id>), and the Send
API's /api/messages."""
from django.urls import path

from . import messages, views

urlpatterns = [
    path("messages", messages.MessageSendView.as_view(), name="message-send"),
    path("messages/bulk", messages.MessageBulkView.as_view(), name="message-bulk"),
    path("messages/<uuid:message_id>", messages.MessageDetailView.as_view(), name="message-detail"),
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
