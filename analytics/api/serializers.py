"""Shapes of the dashboard's JSON: the query parameters taken and the figures given."""
from rest_framework import serializers

from ..selectors import BY, RANGES, SERIES


class RangeQuerySerializer(serializers.Serializer):
    range = serializers.ChoiceField(choices=list(RANGES), default="7d")


class SeriesQuerySerializer(RangeQuerySerializer):
    metric = serializers.ChoiceField(choices=list(SERIES))
    by = serializers.ChoiceField(choices=list(BY), default="day")


class DeviceStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    phone = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class UsageSerializer(serializers.Serializer):
    resource = serializers.CharField()
    label = serializers.CharField()
    used = serializers.IntegerField()
    limit = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()


class PlanSerializer(serializers.Serializer):
    name = serializers.CharField()
    usage = UsageSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    range = serializers.CharField()
    time_zone = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    read = serializers.IntegerField()
    replied = serializers.IntegerField()
    delivery_rate = serializers.FloatField(allow_null=True, help_text="delivered / sent, 0-1; null when none sent")
    read_rate = serializers.FloatField(allow_null=True)
    reply_rate = serializers.FloatField(allow_null=True)
    new_contacts = serializers.IntegerField()
    inbound = serializers.IntegerField()
    link_clicks = serializers.IntegerField()
    chats_waiting = serializers.IntegerField()
    devices = DeviceStateSerializer(many=True, allow_null=True, help_text="null for members who cannot see numbers")
    plan = PlanSerializer(allow_null=True, help_text="null for members who cannot manage billing")


class DatasetSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField())


class SeriesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    range = serializers.CharField()
    by = serializers.CharField()
    time_zone = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField(), help_text="days (ISO), numbers or funnel stages")
    datasets = DatasetSerializer(many=True)
