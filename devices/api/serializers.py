"""DRF serializers for devices: what the API shows and the little it accepts."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from devices.models import Device


class DeviceSerializer(serializers.ModelSerializer):
    session = serializers.CharField(source="session_name", read_only=True)

    class Meta:
        model = Device
        fields = ["session", "label", "phone_number", "status", "waha_status", "is_active_for_broadcast",
                  "last_error", "status_changed_at", "created_at"]
        read_only_fields = ["phone_number", "status", "waha_status", "last_error", "status_changed_at",
                            "created_at"]


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
