"""API shapes of workspace API keys: the list row (never the secret), the create input, and the answer to a create
(the only time the secret is given)."""
from rest_framework import serializers

from ..keys import SCOPES
from ..models import ApiKey


class ApiKeySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ApiKey.Status.choices, read_only=True,
                                     help_text="active, expired or revoked")
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=list(SCOPES)), read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "scopes", "transactional", "status", "expires_at", "revoked_at",
                  "last_used_at", "last_used_ip", "created_at"]
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, help_text="What the key is for, e.g. \"Order system\".")
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=list(SCOPES)), min_length=1,
                                   help_text="What the key may do: " + ", ".join(SCOPES))
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="When the key stops working; none: until revoked.")
    transactional = serializers.BooleanField(
        required=False, default=False,
        help_text="Orders and codes: its messages (POST /api/messages) skip quiet hours and the per-contact limit "
                  "and reach opted-out numbers.")


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The full key. Shown only in this answer: store it now.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields
