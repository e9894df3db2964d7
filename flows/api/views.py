"""Flows API: list, create, change (name, draft graph), publish, archive, start in a chat."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceAPIMixin, WorkspaceViewSet
from config.errors import ERRORS

from .. import services
from ..graph import graph_problems
from ..models import Flow, FlowRun
from .serializers import FlowRunSerializer, FlowSerializer, FlowStartSerializer


class FlowViewSet(WorkspaceViewSet):
    model = Flow
    queryset = Flow.objects.none()  # for the schema only; get_queryset() scopes to the workspace
    serializer_class = FlowSerializer
    permission_read = "flows:view"
    permission_write = "flows:manage"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("live_version")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.flow_create(workspace=self.request.workspace, name=data["name"],
                                                   draft=data.get("draft"))

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.flow_update(flow=serializer.instance, name=data.get("name"),
                                                   draft=data.get("draft"))

    @extend_schema(request=None, responses={200: FlowSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        flow = self.get_object()
        services.flow_publish(flow=flow, actor=request.user)
        return Response(FlowSerializer(flow, context={"request": request}).data)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, **ERRORS})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """The problems publishing the draft would refuse, each with its node: {"problems": [{node, message}]}."""
        flow = self.get_object()
        problems = graph_problems(flow.draft)
        return Response({"problems": [{"node": node, "message": message} for node, message in problems]})

    @extend_schema(request=None, responses={200: FlowSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        flow = services.flow_archive(flow=self.get_object())
        return Response(FlowSerializer(flow, context={"request": request}).data)

    @extend_schema(request=FlowStartSerializer, responses={201: FlowRunSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        flow = self.get_object()
        serializer = FlowStartSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = services.flow_start(flow=flow, chat=data.get("chat"), contact=data.get("contact"),
                                  variables=data.get("variables"))
        return Response(FlowRunSerializer(run).data, status=status.HTTP_201_CREATED)


class FlowRunViewSet(WorkspaceAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Chats' places in flows: ?chat=<id> for a chat's (its active run first), ?status=active for those inside."""

    queryset = FlowRun.objects.none()  # for the schema only
    serializer_class = FlowRunSerializer
    permission_read = "flows:view"

    def get_queryset(self):
        runs = FlowRun.objects.for_workspace(self.request.workspace).select_related("version")
        params = self.request.query_params
        if str(params.get("chat", "")).isdigit():
            runs = runs.filter(chat_id=int(params["chat"]))
        if params.get("status") in FlowRun.Status.values:
            runs = runs.filter(status=params["status"])
        return runs.order_by("-started_at", "-pk")

    @extend_schema(parameters=[OpenApiParameter("chat", int), OpenApiParameter("status", str,
                                                                               enum=FlowRun.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
