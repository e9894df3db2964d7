"""DRF serializers for devices: what the API shows and the little it accepts."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from devices.health import device_health_of, timelock_until_of
from devices.health_reasons import reasons_text
from devices.models import Device, DeviceHealth


class DeviceSerializer(serializers.ModelSerializer):
    session = serializers.CharField(source="session_name", read_only=True)
    health_score = serializers.SerializerMethodField(
        help_text=_("0-100; null until the number's health was first assessed."))
    health_reasons = serializers.SerializerMethodField(
        help_text=_("What lowers the score, in words, e.g. \"capping first warning; 4 % not on WhatsApp\"."))
    capping_status = serializers.SerializerMethodField(
        help_text=_("WhatsApp's capping: NONE, FIRST_WARNING, SECOND_WARNING, CAPPED, or null when unknown."))
    timelock_until = serializers.SerializerMethodField(
        help_text=_("No new chats before this time (WhatsApp's reach-out timelock), or null when none is known."))

    last_error = serializers.CharField(source="error_text", read_only=True,
                                       help_text=_("What went wrong with the number, in the request's language."))
    last_error_code = serializers.CharField(read_only=True, help_text=_(
        "A stable code for it (session_failed, session_stopped, session_gone, session_missing), or empty when "
        "the words are the gateway's own."))

    class Meta:
        model = Device
        fields = ["session", "label", "phone_number", "status", "waha_status", "is_active_for_broadcast",
                  "last_error", "last_error_code", "status_changed_at", "created_at", "health_score", "health_reasons",
                  "capping_status", "timelock_until"]
        read_only_fields = ["phone_number", "status", "waha_status", "last_error", "status_changed_at",
                            "created_at"]


    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0, max_value=100))
    def get_health_score(self, device):
        health = device_health_of(device)
        return None if health is None else health.score

    @extend_schema_field(serializers.CharField())
    def get_health_reasons(self, device):
        health = device_health_of(device)
        return "" if health is None else reasons_text(health.reasons)

    @extend_schema_field(serializers.ChoiceField(choices=[c for c in DeviceHealth.Capping.values if c],
                                                 allow_null=True))
    def get_capping_status(self, device):
        health = device_health_of(device)
        return (health.capping_status or None) if health else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_timelock_until(self, device):
        until = timelock_until_of(device_health_of(device))
        return serializers.DateTimeField().to_representation(until) if until else None


class DeviceUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=80, required=False, allow_blank=True)
    is_active_for_broadcast = serializers.BooleanField(required=False)


class ScanSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="",
        help_text=_("Give the phone's number to link with a pairing code instead of the QR."))


class ScanResultSerializer(serializers.Serializer):
    device = DeviceSerializer()
    qr = serializers.CharField(required=False, help_text=_("data:image/png;base64,... (QR variant)"))
    pairing_code = serializers.CharField(required=False, help_text=_("e.g. ABCD-EFGH (pairing-code variant)"))
    error = serializers.DictField(required=False, help_text=_("Why no QR or code came back yet; ask /qr again."))


class QrSerializer(serializers.Serializer):
    qr = serializers.CharField()
