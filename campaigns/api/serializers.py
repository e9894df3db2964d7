"""Campaigns API serializers: the brief's start body, preview, and read shapes (some only describe a
response for the OpenAPI schema, since the view builds that dict itself)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.inputs import split_tags
from campaigns.models import DELAY_PRESETS, HOURLY_CAP_DEFAULT, Campaign, Recipient


@extend_schema_field({"type": "array", "items": {"type": "string"},
                      "description": 'a JSON list, repeated form keys or one string "VIP, Lead"'})
class TagsField(serializers.Field):
    """A list of tag names; accepts a JSON list, repeated form keys or "VIP, Lead"."""

    def to_internal_value(self, data):
        return split_tags(data)

    def to_representation(self, value):
        return list(value or [])


class StartSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=4096, trim_whitespace=False)
    tags = TagsField(required=False, default=list)
    schedule = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                     help_text="YYYY-MM-DD HH:MM (or DD/MM/YYYY HH:MM, as the composer shows it) in "
                                               "the workspace's time zone; empty = now")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    exclude_tags = TagsField(required=False, default=list)
    devices = TagsField(required=False, default=list, help_text="WAHA session names; empty = every broadcast device")
    media = serializers.FileField(required=False, allow_null=True)
    preset = serializers.ChoiceField(choices=list(DELAY_PRESETS), required=False, allow_blank=True)
    delay_min = serializers.FloatField(required=False, allow_null=True)
    delay_max = serializers.FloatField(required=False, allow_null=True)
    typing_simulation = serializers.BooleanField(required=False, default=True)
    daily_cap_per_device = serializers.IntegerField(required=False, min_value=0, default=0)
    hourly_cap_per_device = serializers.IntegerField(
        required=False, min_value=0, default=HOURLY_CAP_DEFAULT,
        help_text="messages per number in any hour, then a pause until that hour is over; 0 = no hourly cap")
    quiet_start = serializers.TimeField(required=False, allow_null=True)
    quiet_end = serializers.TimeField(required=False, allow_null=True)
    draft = serializers.BooleanField(
        required=False, default=False,
        help_text="only save it, as a DRAFT: no audience is taken and nothing is sent until "
                  "POST /api/campaign/{id}/start")


class PreviewSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=4096, trim_whitespace=False)
    contact = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="a contact id for every sample; default: the first contacts in turn")
    samples = serializers.IntegerField(required=False, min_value=1, max_value=20, default=3)


class CampaignSerializer(serializers.ModelSerializer):
    devices = serializers.SlugRelatedField(slug_field="session_name", many=True, read_only=True)
    last_error = serializers.CharField(source="last_error_text", read_only=True,
                                       help_text="why the campaign stopped or paused, in the client's language")
    last_error_code = serializers.CharField(read_only=True, help_text="stable id of `last_error`")

    class Meta:
        model = Campaign
        fields = ["id", "public_id", "name", "message_template", "target_tags", "exclude_tags", "status",
                  "scheduled_at", "devices", "media", "delay_min", "delay_max", "typing_simulation",
                  "daily_cap_per_device", "hourly_cap_per_device", "quiet_start", "quiet_end", "total_recipients",
                  "last_error", "last_error_code", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class RecipientSerializer(serializers.ModelSerializer):
    device = serializers.CharField(source="device_used.session_name", default=None, read_only=True)
    error = serializers.CharField(source="reason", read_only=True,
                                  help_text="why the row is where it is, in the client's language")
    error_code = serializers.CharField(read_only=True, help_text="stable id of `error` (campaigns/reasons.py)")

    class Meta:
        model = Recipient
        fields = ["id", "contact", "phone", "name", "device", "status", "text", "waha_message_id", "error",
                  "error_code", "attempts", "claimed_at", "sent_at", "delivered_at", "read_at", "replied_at"]
        read_only_fields = fields


class PreviewContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null for the built-in sample contact")
    name = serializers.CharField()
    phone = serializers.CharField()


class PreviewResultSerializer(serializers.Serializer):
    samples = serializers.ListField(
        child=serializers.CharField(),
        help_text="random renderings of the message, each a different variant: fewer than asked when the "
                  "message has fewer variants")
    sample_contacts = PreviewContactSerializer(
        many=True, help_text="whose values filled each sample: the workspace's first contacts in turn (the "
                             "built-in sample contact when it has none), or the contact asked for")
    variants = serializers.IntegerField(help_text="how many different texts the spintax can make")
    contact = PreviewContactSerializer(help_text="whose variables filled the first sample")


class DeviceSentSerializer(serializers.Serializer):
    label = serializers.CharField()
    sent = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    """What `selectors.campaign_stats` returns."""

    total = serializers.IntegerField()
    pending = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField(help_text="every message that went out, also those delivered or read since")
    delivered = serializers.IntegerField(help_text="delivered or read")
    read = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    replied = serializers.IntegerField()
    per_device = serializers.DictField(child=DeviceSentSerializer(), help_text="session name → label and sent count")
    status = serializers.ChoiceField(choices=Campaign.Status.choices)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    eta = serializers.DateTimeField(allow_null=True, help_text="when it should finish at the current pace")
    percent = serializers.IntegerField(min_value=0, max_value=100)


class _PageSerializer(serializers.Serializer):
    """PageNumberPagination's envelope (`?page=`)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class CampaignPageSerializer(_PageSerializer):
    results = CampaignSerializer(many=True)


class RecipientPageSerializer(_PageSerializer):
    results = RecipientSerializer(many=True)


class CampaignDetailSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    stats = StatsSerializer()
    recipients = RecipientPageSerializer()


class AudienceCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="contacts a campaign to these tags would reach now")


class FunnelStageSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["sent", "delivered", "read", "replied", "failed", "skipped", "pending"])
    label = serializers.CharField(help_text="the stage's name in the client's language")
    count = serializers.IntegerField()
    of = serializers.ChoiceField(choices=["total", "sent"], help_text="what `percent` is a share of")
    percent = serializers.FloatField(help_text="0-100, one decimal")


class BreakdownSerializer(serializers.Serializer):
    label = serializers.CharField()
    recipients = serializers.IntegerField()
    sent = serializers.IntegerField(help_text="went out, also those delivered or read since")
    delivered = serializers.IntegerField(help_text="delivered or read")
    read = serializers.IntegerField()
    replied = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()


class DeviceBreakdownSerializer(BreakdownSerializer):
    device = serializers.CharField(help_text="WAHA session name; empty for the rows no number took yet")


class VariantBreakdownSerializer(BreakdownSerializer):
    variant = serializers.CharField()


class FailureLineSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Recipient.Status.FAILED, Recipient.Status.SKIPPED])
    status_label = serializers.CharField()
    code = serializers.CharField(help_text="stable reason id (campaigns/reasons.py); empty for old rows")
    reason = serializers.CharField(help_text="the reason's words in the client's language")
    count = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    """What `campaigns.report.summary` returns."""

    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="funnel key → count, and total")
    funnel = FunnelStageSerializer(many=True)
    per_device = DeviceBreakdownSerializer(many=True)
    per_variant = VariantBreakdownSerializer(many=True, help_text="empty while the campaign has no variants")
    failures = FailureLineSerializer(many=True, help_text="FAILED and SKIPPED rows by reason, most frequent first")
