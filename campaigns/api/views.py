"""Campaigns API: start (the brief's body), preview, stats, list, detail with its log, CSV, pause/resume/cancel."""
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.tenancy import WorkspaceAPIView, get_for_workspace_or_404
from campaigns import inputs, selectors, services, spintax
from campaigns.export import recipients_csv_response
from campaigns.inputs import start_campaign
from campaigns.models import Campaign, Recipient
from campaigns.preview import message_preview
from config.errors import UserError

from .serializers import CampaignSerializer, PreviewSerializer, RecipientSerializer, StartSerializer


class CampaignStartView(WorkspaceAPIView):
    permission_read = "campaigns:send"
    permission_write = "campaigns:send"

    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = start_campaign(request, data.validated_data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignPreviewView(WorkspaceAPIView):
    permission_read = "campaigns:view"
    permission_write = "campaigns:view"

    def post(self, request):
        from contacts.models import Contact

        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = None
        if data.validated_data.get("contact"):
            contact = get_for_workspace_or_404(request, Contact, pk=data.validated_data["contact"])
        try:
            body = message_preview(request.workspace, data.validated_data["message"], contact=contact,
                                   samples=data.validated_data["samples"])
        except spintax.SpintaxError as exc:
            raise UserError(exc.message, code="spintax_error",
                            fields={"message": exc.message, "position": exc.position}) from exc
        return Response(body)


class CampaignListView(WorkspaceAPIView):
    permission_read = "campaigns:view"

    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.campaign_list(request.workspace,
                                                                   status=request.query_params.get("status")),
                                           request, view=self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)


class CampaignObjectView(WorkspaceAPIView):
    permission_read = "campaigns:view"
    permission_write = "campaigns:send"

    def campaign(self, campaign_id):
        return get_object_or_404(Campaign.objects.for_workspace(self.request.workspace), pk=campaign_id)


class CampaignStatsView(CampaignObjectView):
    def get(self, request, campaign_id):
        return Response(selectors.campaign_stats(self.campaign(campaign_id)))


class CampaignDetailView(CampaignObjectView):
    def get(self, request, campaign_id):
        campaign = self.campaign(campaign_id)
        status_filter = request.query_params.get("status") or None
        if status_filter and status_filter not in Recipient.Status.values:
            raise UserError(f"Unknown status {status_filter!r}; use one of {', '.join(Recipient.Status.values)}.",
                            fields={"status": "unknown"})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.recipient_log(campaign, status=status_filter, search=request.query_params.get("q", "")),
            request, view=self)
        body = {"campaign": CampaignSerializer(campaign).data, "stats": selectors.campaign_stats(campaign)}
        response = paginator.get_paginated_response(RecipientSerializer(page, many=True).data)
        response.data = {**body, "recipients": response.data}
        return response


class CampaignExportView(CampaignObjectView):
    permission_read = "campaigns:export"

    def get(self, request, campaign_id):
        status_filter = request.query_params.get("status") or None
        return recipients_csv_response(self.campaign(campaign_id), status_filter)


class CampaignActionView(CampaignObjectView):
    permission_read = "campaigns:send"
    action_name = None
    ACTIONS = {"pause": services.campaign_pause, "resume": services.campaign_resume,
               "cancel": services.campaign_cancel}

    def post(self, request, campaign_id):
        campaign = self.ACTIONS[self.action_name](campaign=self.campaign(campaign_id))
        return Response(CampaignSerializer(campaign).data)


class AudienceCountView(WorkspaceAPIView):
    permission_read = "campaigns:view"

    def get(self, request):
        tags = inputs.split_tags(request.query_params.getlist("tags"))
        exclude = inputs.split_tags(request.query_params.getlist("exclude_tags"))
        return Response({"count": services.audience_count(request.workspace, tags, exclude)})
