"""Campaigns API: start (the brief's body), preview, stats, list, detail with its log, CSV, the report,
pause/resume/cancel."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.permissions import bulk_read_rows
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_api import WorkspaceAPIView
from campaigns import inputs, report, report_files, selectors, services
from campaigns.export import recipients_csv_response
from campaigns.inputs import start_campaign
from campaigns.models import Campaign, Recipient
from campaigns.preview import message_preview
from common import spintax
from config.errors import ERRORS, UserError
from contacts.models import Contact

from .serializers import (
    AudienceCountSerializer,
    CampaignDetailSerializer,
    CampaignPageSerializer,
    CampaignSerializer,
    PreviewResultSerializer,
    PreviewSerializer,
    RecipientSerializer,
    ReportSerializer,
    StartSerializer,
    StatsSerializer,
)

TAG = ["campaigns"]
STATUS_PARAM = OpenApiParameter("status", str, enum=Recipient.Status.values,
                                description="only the recipients in this status")


class CampaignStartView(WorkspaceAPIView):
    permission_read = "campaigns:send"
    permission_write = "campaigns:send"

    @extend_schema(tags=TAG, summary="Start (or schedule) a broadcast to the contacts with some tags, or save it "
                                     "as a draft",
                   request=StartSerializer, responses={201: CampaignSerializer, **ERRORS})
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = start_campaign(request, data.validated_data, draft=data.validated_data["draft"])
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignPreviewView(WorkspaceAPIView):
    permission_read = "campaigns:view"
    permission_write = "campaigns:view"

    @extend_schema(tags=TAG, summary="Render a message's spintax and variables without sending",
                   request=PreviewSerializer, responses={200: PreviewResultSerializer, **ERRORS})
    def post(self, request):
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

    @extend_schema(tags=TAG, operation_id="campaigns_list", summary="Campaigns, newest first",
                   parameters=[OpenApiParameter("status", str, enum=Campaign.Status.values),
                               OpenApiParameter("page", int)],
                   responses={200: CampaignPageSerializer, **ERRORS})
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
        return get_for_workspace_or_404(self.request, selectors.broadcasts(), pk=campaign_id)


class CampaignStatsView(CampaignObjectView):
    @extend_schema(tags=TAG, summary="A campaign's progress counts and finish estimate",
                   responses={200: StatsSerializer, **ERRORS})
    def get(self, request, campaign_id):
        return Response(selectors.campaign_stats(self.campaign(campaign_id)))


class CampaignDetailView(CampaignObjectView):
    @extend_schema(tags=TAG, summary="A campaign, its stats and one page of its recipients log",
                   parameters=[STATUS_PARAM, OpenApiParameter("q", str, description="phone or name contains"),
                               OpenApiParameter("page", int)],
                   responses={200: CampaignDetailSerializer, **ERRORS})
    def get(self, request, campaign_id):
        campaign = self.campaign(campaign_id)
        status_filter = request.query_params.get("status") or None
        if status_filter and status_filter not in Recipient.Status.values:
            raise UserError(f"Unknown status {status_filter!r}; use one of {', '.join(Recipient.Status.values)}.",
                            fields={"status": "unknown"})
        paginator = PageNumberPagination()
        cap = bulk_read_rows(request.membership, "campaigns:export")
        if cap is not None:
            if (request.query_params.get("page") or "1") != "1":
                raise PermissionDenied(_("Agents see the first %(n)s recipients; search to narrow the log.")
                                       % {"n": cap})
            paginator.page_size = min(paginator.get_page_size(request) or cap, cap)
        page = paginator.paginate_queryset(
            selectors.recipient_log(campaign, status=status_filter, search=request.query_params.get("q", "")),
            request, view=self)
        body = {"campaign": CampaignSerializer(campaign).data, "stats": selectors.campaign_stats(campaign)}
        response = paginator.get_paginated_response(RecipientSerializer(page, many=True).data)
        if cap is not None:
            response.data["next"] = None  # one screen: the log is not for walking (see bulk_read_rows)
        response.data = {**body, "recipients": response.data}
        return response


class CampaignExportView(CampaignObjectView):
    permission_read = "campaigns:export"

    @extend_schema(tags=TAG, operation_id="campaigns_recipients_csv", summary="The recipients log as CSV",
                   parameters=[STATUS_PARAM],
                   responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, campaign_id):
        status_filter = request.query_params.get("status") or None
        return recipients_csv_response(self.campaign(campaign_id), status_filter)


class CampaignReportView(CampaignObjectView):
    @extend_schema(tags=TAG, summary="A campaign's report: funnel, per number, per variant, failures by reason",
                   description="The summary the report page and the XLSX Summary sheet show, labels and reasons in "
                               "the client's language (Accept-Language). One line per recipient: "
                               "report.csv or report.xlsx.",
                   responses={200: ReportSerializer, **ERRORS})
    def get(self, request, campaign_id):
        return Response(report.summary(self.campaign(campaign_id)).as_dict())


class CampaignReportCSVView(CampaignObjectView):
    permission_read = "campaigns:export"

    @extend_schema(tags=TAG, operation_id="campaigns_report_csv", summary="The report's recipients as CSV",
                   description="One line per recipient: phone, name, variant, number, status, sent / delivered / "
                               "read / replied times (workspace time zone, with offset), reason.",
                   responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, campaign_id):
        return report_files.csv_response(self.campaign(campaign_id))


class CampaignReportXLSXView(CampaignObjectView):
    permission_read = "campaigns:export"

    @extend_schema(tags=TAG, operation_id="campaigns_report_xlsx", summary="The report as an Excel workbook",
                   description="A Summary sheet (funnel, per number, per variant, failures by reason) and a "
                               "Recipients sheet, one line per recipient.",
                   responses={(200, report_files.XLSX_TYPE): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request, campaign_id):
        return report_files.xlsx_response(self.campaign(campaign_id))


class CampaignActionView(CampaignObjectView):
    permission_read = "campaigns:send"
    action_name = None
    ACTIONS = {"start": services.campaign_start_draft, "pause": services.campaign_pause,
               "resume": services.campaign_resume, "cancel": services.campaign_cancel}

    @extend_schema(tags=TAG, summary="Pause, resume or cancel a campaign (the last path segment says which)",
                   request=None, responses={200: CampaignSerializer, **ERRORS})
    def post(self, request, campaign_id):
        campaign = self.ACTIONS[self.action_name](campaign=self.campaign(campaign_id))
        return Response(CampaignSerializer(campaign).data)


class CampaignStartDraftView(CampaignActionView):
    action_name = "start"

    @extend_schema(tags=TAG, operation_id="campaign_draft_start", summary="Start a draft",
                   description="Starts a DRAFT (saved with `\"draft\": true`) the way /api/campaign/start starts a "
                               "campaign: the same checks, then now or at its schedule. 409 `campaign_state` for a "
                               "campaign that is not a draft.",
                   request=None, responses={200: CampaignSerializer, **ERRORS})
    def post(self, request, campaign_id):
        return super().post(request, campaign_id)


class AudienceCountView(WorkspaceAPIView):
    permission_read = "campaigns:view"

    @extend_schema(tags=TAG, summary="How many contacts a campaign to these tags would reach",
                   parameters=[OpenApiParameter("tags", {"type": "array", "items": {"type": "string"}},
                                                description='repeat the key or write "VIP, Lead"'),
                               OpenApiParameter("exclude_tags", {"type": "array", "items": {"type": "string"}})],
                   responses={200: AudienceCountSerializer, **ERRORS})
    def get(self, request):
        tags = inputs.split_tags(request.query_params.getlist("tags"))
        exclude = inputs.split_tags(request.query_params.getlist("exclude_tags"))
        return Response({"count": services.audience_count(request.workspace, tags, exclude)})
