"""API shapes of link rotators: the link, its numbers inline, and its public URL."""
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.tenancy_api import WorkspaceRelatedField

from ..models import MAX_NUMBERS_PER_LINK, LinkRotator


@extend_schema_field(OpenApiTypes.INT)
class DeviceField(WorkspaceRelatedField):
    """A device id of the caller's workspace (devices.Device, looked up by name: rotator sits below devices)."""

    def get_queryset(self):
        self.scoped_model = apps.get_model("devices", "Device")
        return super().get_queryset()


class NumberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    phone = serializers.CharField(max_length=40, help_text="Any format; stored as E.164 digits (6281234567890).")
    weight = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    device = DeviceField(required=False, allow_null=True, default=None)


class RotatorSerializer(serializers.ModelSerializer):
    numbers = NumberSerializer(many=True, max_length=MAX_NUMBERS_PER_LINK)
    url = serializers.SerializerMethodField()
    slug = serializers.CharField(max_length=50)

    class Meta:
        model = LinkRotator
        fields = ["id", "name", "slug", "url", "mode", "text", "is_active", "only_connected", "numbers",
                  "click_count", "bot_click_count", "created_at", "updated_at"]
        read_only_fields = ["click_count", "bot_click_count", "created_at", "updated_at"]

    def get_url(self, obj) -> str:
        return settings.SITE_URL + reverse("link:redirect", kwargs={"slug": obj.slug})

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["numbers"] = [{"id": n.pk, "phone": n.phone, "weight": n.weight, "device": n.device_id}
                           for n in instance.numbers.all()]
        return data
