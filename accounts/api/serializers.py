"""Serializers for the auth API."""
from rest_framework import serializers

from ..models import User, Workspace
from ..workspace_settings import language_choices


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, min_length=8)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    workspace_name = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)
    code = serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="", max_length=32,
        help_text="Accounts with two-factor sign-in: the 6 digits the authenticator app shows, or a recovery code.")


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(help_text="The first part of the link's path after /password-reset/.")
    token = serializers.CharField(help_text="The second part of the link's path.")
    new_password = serializers.CharField(write_only=True)


class PasswordResetSentSerializer(serializers.Serializer):
    message = serializers.CharField()


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
                "default_region": ws.default_region, "language": ws.language}


class WorkspaceSerializer(serializers.ModelSerializer):
    """The caller's workspace. Members read it; owners change it (the settings page's fields)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(max_length=120, help_text="The business name, shown in the menu and on invoices.")
    time_zone = serializers.CharField(
        max_length=64, help_text="An IANA time zone, e.g. Asia/Jakarta. Broadcast times, quiet hours, daily "
                                 "limits and the API's times (with their offset) use it.")
    default_region = serializers.CharField(
        max_length=2, help_text="ISO 3166 country code (e.g. ID) for numbers written without a country code.")
    language = serializers.ChoiceField(
        choices=language_choices(), help_text="The language of Sebar's messages to customers (e.g. the opt-out "
                                              "confirmation) and of the tags and sources it makes.")

    class Meta:
        model = Workspace
        fields = ["id", "name", "time_zone", "default_region", "language", "created_at"]
        read_only_fields = ["created_at"]
