"""API shapes of flows: the flow with its draft graph (JSON), its live version; starting a flow in a chat."""
from django.apps import apps
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.tenancy_api import WorkspaceRelatedField

from ..models import Flow, FlowRun


@extend_schema_field(OpenApiTypes.INT)
class ChatField(WorkspaceRelatedField):
    def get_queryset(self):
        self.scoped_model = apps.get_model("inbox", "Chat")
        return super().get_queryset()


@extend_schema_field(OpenApiTypes.INT)
class ContactField(WorkspaceRelatedField):
    def get_queryset(self):
        self.scoped_model = apps.get_model("contacts", "Contact")
        return super().get_queryset()


class FlowSerializer(serializers.ModelSerializer):
    draft = serializers.JSONField(required=False, help_text='The graph being edited: {"nodes": [...]}, '
                                                            "see flows/graph.py; checked on publish.")
    live_version = serializers.SerializerMethodField()

    class Meta:
        model = Flow
        fields = ["id", "name", "status", "draft", "live_version", "created_at", "updated_at"]
        read_only_fields = ["status", "created_at", "updated_at"]

    def get_live_version(self, obj) -> int | None:
        return obj.live_version.number if obj.live_version_id else None


class FlowStartSerializer(serializers.Serializer):
    chat = ChatField(required=False, allow_null=True, default=None)
    contact = ContactField(required=False, allow_null=True, default=None)
    variables = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True),
                                      required=False, default=dict)

    def validate(self, attrs):
        if not attrs.get("chat") and not attrs.get("contact"):
            raise serializers.ValidationError({"chat": "Give a chat or a contact."})
        return attrs


class FlowRunSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = FlowRun
        fields = ["id", "flow", "version", "chat", "status", "node", "variables", "timeout_at", "expires_at",
                  "started_at", "ended_at"]
        read_only_fields = fields
