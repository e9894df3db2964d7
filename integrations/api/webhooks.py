"""Webhooks API: endpoints (list, add — the secret once —, change, delete), a test event, the delivery log and
"send again". For the owner's login, or a key with the `webhooks` scope (integrations/keys.py)."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_api import WorkspaceAPIView
from config.errors import ERRORS

from .. import webhooks
from ..models import WebhookDelivery, WebhookEndpoint

EVENT_CHOICES = [e for e in webhooks.EVENTS if e != "webhook.test"]


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES), read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "disabled_reason", "failing_since",
                  "created_at"]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="The signing secret. Shown only in this answer.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="https:// address of your receiver")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES), min_length=1)
    description = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class WebhookEndpointChangeSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES), min_length=1,
                                   required=False)
    description = serializers.CharField(max_length=120, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event", "status", "attempts", "next_attempt_at", "response_code",
                  "response_excerpt", "created_at", "delivered_at"]
        read_only_fields = fields


class _WebhooksView(WorkspaceAPIView):
    permission_read = "settings:manage"
    permission_write = "settings:manage"


class WebhookEndpointListView(_WebhooksView):
    @extend_schema(tags=["webhooks"], summary="List the workspace's webhook endpoints",
                   responses={200: WebhookEndpointSerializer(many=True), **ERRORS})
    def get(self, request):
        return Response(WebhookEndpointSerializer(WebhookEndpoint.objects.for_workspace(self.workspace),
                                                  many=True).data)

    @extend_schema(tags=["webhooks"], summary="Add an endpoint; the answer holds its signing secret, shown once",
                   request=WebhookEndpointInputSerializer, responses={201: WebhookEndpointCreatedSerializer, **ERRORS})
    def post(self, request):
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_create(workspace=self.workspace, actor=request.user, **data.validated_data)
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(_WebhooksView):
    @extend_schema(tags=["webhooks"], summary="Change an endpoint (URL, events, description, on/off)",
                   request=WebhookEndpointChangeSerializer, responses={200: WebhookEndpointSerializer, **ERRORS})
    def patch(self, request, pk):
        data = WebhookEndpointChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_update(workspace=self.workspace, endpoint_id=pk, **data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(tags=["webhooks"], summary="Delete an endpoint and its delivery log",
                   responses={204: OpenApiResponse(description="Deleted"), **ERRORS})
    def delete(self, request, pk):
        webhooks.endpoint_delete(workspace=self.workspace, endpoint_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointTestView(_WebhooksView):
    @extend_schema(tags=["webhooks"], summary="Queue a webhook.test event to this endpoint", request=None,
                   responses={202: WebhookDeliverySerializer, **ERRORS})
    def post(self, request, pk):
        delivery = webhooks.endpoint_test(workspace=self.workspace, endpoint_id=pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListView(_WebhooksView):
    @extend_schema(tags=["webhooks"], summary="The endpoint's last 100 deliveries, newest first",
                   responses={200: WebhookDeliverySerializer(many=True), **ERRORS})
    def get(self, request, pk):
        endpoint = get_for_workspace_or_404(self.workspace, WebhookEndpoint, pk=pk)
        rows = WebhookDelivery.objects.for_workspace(self.workspace).filter(endpoint=endpoint)[:100]
        return Response(WebhookDeliverySerializer(rows, many=True).data)


class WebhookDeliveryAgainView(_WebhooksView):
    @extend_schema(tags=["webhooks"], summary="Send a delivery again (same body and event id)", request=None,
                   responses={202: WebhookDeliverySerializer, **ERRORS})
    def post(self, request, pk):
        delivery = webhooks.redeliver(workspace=self.workspace, delivery_id=pk)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
