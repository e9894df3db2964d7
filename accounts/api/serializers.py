"""Serializers for the auth API."""
from rest_framework import serializers

from ..models import User


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, min_length=8)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    workspace_name = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(write_only=True)


class MeSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    workspace = serializers.SerializerMethodField()
    platform_admin = serializers.BooleanField(source="is_staff", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "platform_admin", "workspace"]

    def get_role(self, user) -> str | None:
        membership = self.context["request"].membership
        return membership.role if membership else None

    def get_workspace(self, user) -> dict | None:
        membership = self.context["request"].membership
        if not membership:
            return None
        ws = membership.workspace
        return {"id": str(ws.public_id), "name": ws.name, "time_zone": ws.time_zone,
                "default_region": ws.default_region}
