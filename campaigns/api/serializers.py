"""Campaigns API serializers: the brief's start body, preview, and read shapes."""
from rest_framework import serializers

from campaigns.models import DELAY_PRESETS, Campaign, Recipient


class TagsField(serializers.Field):
    """A list of tag names; accepts a JSON list, repeated form keys or "VIP, Lead"."""

    def to_internal_value(self, data):
        from campaigns.inputs import split_tags

        return split_tags(data)

    def to_representation(self, value):
        return list(value or [])


class StartSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=4096, trim_whitespace=False)
    tags = TagsField(required=False, default=list)
    schedule = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                     help_text="YYYY-MM-DD HH:MM in the workspace's time zone; empty = now")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    exclude_tags = TagsField(required=False, default=list)
    devices = TagsField(required=False, default=list, help_text="WAHA session names; empty = every broadcast device")
    media = serializers.FileField(required=False, allow_null=True)
    preset = serializers.ChoiceField(choices=list(DELAY_PRESETS), required=False, allow_blank=True)
    delay_min = serializers.FloatField(required=False, allow_null=True)
    delay_max = serializers.FloatField(required=False, allow_null=True)
    typing_simulation = serializers.BooleanField(required=False, default=True)
    daily_cap_per_device = serializers.IntegerField(required=False, min_value=0, default=0)
    quiet_start = serializers.TimeField(required=False, allow_null=True)
    quiet_end = serializers.TimeField(required=False, allow_null=True)


class PreviewSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=4096, trim_whitespace=False)
    contact = serializers.IntegerField(required=False, allow_null=True, help_text="a contact id; default: a sample")
    samples = serializers.IntegerField(required=False, min_value=1, max_value=20, default=3)


class CampaignSerializer(serializers.ModelSerializer):
    devices = serializers.SlugRelatedField(slug_field="session_name", many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "public_id", "name", "message_template", "target_tags", "exclude_tags", "status",
                  "scheduled_at", "devices", "media", "delay_min", "delay_max", "typing_simulation",
                  "daily_cap_per_device", "quiet_start", "quiet_end", "total_recipients", "last_error",
                  "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class RecipientSerializer(serializers.ModelSerializer):
    device = serializers.CharField(source="device_used.session_name", default=None, read_only=True)

    class Meta:
        model = Recipient
        fields = ["id", "contact", "phone", "name", "device", "status", "text", "waha_message_id", "error",
                  "attempts", "claimed_at", "sent_at", "delivered_at", "read_at", "replied_at"]
        read_only_fields = fields
