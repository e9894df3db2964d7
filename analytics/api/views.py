"""The dashboard's JSON: /api/analytics/summary and /api/analytics/series, for the page (session) and API
clients (JWT) alike, read from the daily roll-ups of the caller's workspace."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.permissions import can
from accounts.tenancy_api import WorkspaceAPIView
from config.errors import ERRORS

from .. import selectors
from .serializers import RangeQuerySerializer, SeriesQuerySerializer, SeriesSerializer, SummarySerializer

RANGE_PARAM = OpenApiParameter("range", str, enum=list(selectors.RANGES), default="7d",
                               description="today, or the last 7 / 30 days, in the workspace's time zone")


class SummaryView(WorkspaceAPIView):
    permission_read = "dashboard:view"

    @extend_schema(parameters=[RANGE_PARAM], responses={200: SummarySerializer, **ERRORS})
    def get(self, request):
        query = RangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = selectors.summary(workspace=request.workspace, membership=request.membership,
                                 range_code=query.validated_data["range"])
        return Response(SummarySerializer(data).data)


class SeriesView(WorkspaceAPIView):
    permission_read = "dashboard:view"

    @extend_schema(parameters=[
        OpenApiParameter("metric", str, enum=list(selectors.SERIES), required=True,
                         description="sends (sent and replied), funnel, inbox, contacts, clicks"),
        RANGE_PARAM, OpenApiParameter("by", str, enum=list(selectors.BY), default="day",
                                      description="per day, or totals per number (owners; link clicks: anyone)")],
        responses={200: SeriesSerializer, **ERRORS})
    def get(self, request):
        query = SeriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        metric, by = query.validated_data["metric"], query.validated_data["by"]
        if not can(request.membership, selectors.series_permission(metric, by)):
            raise PermissionDenied(_("Your role does not allow this. Ask the workspace owner."))
        data = selectors.series(workspace=request.workspace, metric=metric,
                                range_code=query.validated_data["range"], by=by)
        return Response(SeriesSerializer(data).data)
