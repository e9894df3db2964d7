"""Link rotator API: list, create, change and delete links; each link's statistics."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceViewSet

from .. import selectors, services
from ..models import LinkRotator
from .serializers import RotatorSerializer


class RotatorViewSet(WorkspaceViewSet):
    model = LinkRotator
    queryset = LinkRotator.objects.none()  # for the schema only; get_queryset() scopes to the workspace
    serializer_class = RotatorSerializer
    permission_read = "rotator:view"
    permission_write = "rotator:manage"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("numbers")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.rotator_create(workspace=self.request.workspace, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        numbers = data.pop("numbers", None)
        serializer.instance = services.rotator_update(rotator=serializer.instance, numbers=numbers, **data)

    def perform_destroy(self, instance):
        services.rotator_delete(rotator=instance)

    @extend_schema(parameters=[OpenApiParameter("days", int, description="1-365, default 30")],
                   responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        rotator = self.get_object()
        days = request.query_params.get("days", "")
        days = int(days) if days.isdigit() and 1 <= int(days) <= 365 else selectors.STATS_DAYS
        return Response(selectors.rotator_stats(rotator=rotator, days=days))
