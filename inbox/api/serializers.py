"""Inbox API shapes. Writes go through the same services as the pages."""
from django.urls import reverse
from rest_framework import serializers

from accounts.tenancy_api import WorkspaceRelatedField
from devices.models import Device

from ..hours import workspace_open
from ..models import AssistantSettings, AutoReply, Chat, ChatEvent, KnowledgeSource, Label, Message, QuickReply
from ..rotation import is_present


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "colour"]


class ChatSerializer(serializers.ModelSerializer):
    device = serializers.IntegerField(source="device_id", read_only=True)
    device_label = serializers.CharField(source="device.__str__", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    assigned_to = serializers.IntegerField(source="assigned_to_id", read_only=True)
    contact = serializers.IntegerField(source="contact_id", read_only=True)
    bot_paused = serializers.BooleanField(read_only=True, help_text="The bot stays quiet: a person answered lately.")
    bot_paused_until = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="When the pause ends; 9999-01-01T00:00:00Z means until resumed. Kept after it passed.")
    labels = LabelSerializer(many=True, read_only=True)

    class Meta:
        model = Chat
        fields = ["id", "phone", "phone_known", "kind", "name", "device", "device_label", "contact", "lid",
                  "bot_enabled", "bot_paused", "bot_paused_until", "needs_human", "handoff_reason", "assigned_to",
                  "unread_count", "last_message_at", "last_message_preview", "status", "snoozed_until",
                  "resolved_at", "labels", "rating", "rated_at"]
        extra_kwargs = {
            "snoozed_until": {"help_text": "When a snoozed chat reopens by itself (it also reopens when the customer "
                                           "writes); null unless `status` is `snoozed`."},
            "rating": {"help_text": "The customer's answer (1-5) to the rating question sent on resolving; null "
                                    "when not asked or not answered."},
        }


class ChatStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Chat.Status.choices)
    snoozed_until = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="Required for `snoozed`: ISO 8601 with an offset, or without one in the workspace's time zone; "
                  "in the future and at most 90 days ahead.")


class ChatLabelsSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.IntegerField(), allow_empty=True,
                                   help_text="Ids of the workspace's labels; the chat carries exactly these.")


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True)
    mentions = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True,
        help_text="User ids to mention besides the @names in the text.")
    mentioned = serializers.SerializerMethodField()

    class Meta:
        model = ChatEvent
        fields = ["id", "text", "author", "mentions", "mentioned", "timestamp"]
        read_only_fields = ["timestamp"]
        extra_kwargs = {"text": {"required": True, "allow_blank": False, "max_length": 4000,
                                 "help_text": "The note; @name mentions a member (first name or email name)."}}

    def get_mentioned(self, note) -> list[int]:
        return [m.user_id for m in note.mentions.all()]


class MessageSerializer(serializers.ModelSerializer):
    media_url = serializers.SerializerMethodField()
    ack_name = serializers.CharField(read_only=True)
    sent_by = serializers.IntegerField(source="sent_by_id", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "direction", "sender", "sent_by", "text", "media_type", "media_mimetype", "media_filename",
                  "media_url", "waha_id", "short_id", "ack", "ack_name", "send_state", "send_at", "error",
                  "reply_source", "timestamp"]
        extra_kwargs = {"send_at": {"help_text": "When a scheduled message (send_state `scheduled`) goes; kept after."}}

    def get_media_url(self, message) -> str | None:
        # Served by a view that checks the chat's visibility, never from the public media root.
        if not message.media:
            return None
        return reverse("api:chat-message-media", kwargs={"phone": message.chat.phone, "pk": message.pk})


class SendSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=4096)
    file = serializers.FileField(required=False)
    send_at = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="Send later: ISO 8601 with an offset (2030-06-01T09:00:00+07:00), or without one to read it in "
                  "the workspace's time zone; in the future and at most 90 days ahead. The message is `scheduled` "
                  "until then and can be cancelled.")


class ToggleBotSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False, help_text="Leave out to flip the current state.")


class AssignSerializer(serializers.Serializer):
    user = serializers.IntegerField(allow_null=True)


class AutoReplySerializer(serializers.ModelSerializer):
    devices = WorkspaceRelatedField(model=Device, many=True, required=False)
    media = serializers.FileField(required=False, allow_null=True)
    media_path = serializers.CharField(read_only=True)

    class Meta:
        model = AutoReply
        fields = ["id", "keyword", "match_type", "response_text", "media", "media_path", "priority", "devices",
                  "is_active", "hit_count", "created_at"]
        read_only_fields = ["hit_count", "created_at"]


class AutoReplyTestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4096)
    device = WorkspaceRelatedField(model=Device, required=False, allow_null=True)


class AutoReplyTestResultSerializer(serializers.Serializer):
    matched = serializers.BooleanField()
    rule = serializers.IntegerField(allow_null=True)
    answer = serializers.CharField()


class QuickReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = QuickReply
        fields = ["id", "title", "text"]


class KnowledgeSourceSerializer(serializers.ModelSerializer):
    file = serializers.FileField(required=False)
    chunk_count = serializers.SerializerMethodField()

    class Meta:
        model = KnowledgeSource
        fields = ["id", "kind", "title", "question", "text", "file", "status", "last_error", "embedded",
                  "chunk_count", "created_at"]
        read_only_fields = ["status", "last_error", "embedded", "created_at"]
        extra_kwargs = {"title": {"required": False}, "text": {"required": False}, "question": {"required": False}}

    def get_chunk_count(self, source) -> int:
        return source.chunks.count()


class AssistantSettingsSerializer(serializers.ModelSerializer):
    api_key = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                    help_text="Write-only; empty uses the server's key.")
    has_api_key = serializers.SerializerMethodField()

    class Meta:
        model = AssistantSettings
        fields = ["ai_enabled", "instructions", "min_similarity", "faq_min_score", "bot_replies_per_hour",
                  "bot_pause_minutes", "include_groups", "include_status", "cs_rotator_enabled", "rating_enabled",
                  "rating_question", "base_url",
                  "chat_model", "embedding_model", "api_key", "has_api_key"]

    def get_has_api_key(self, row) -> bool:
        return bool(row.api_key)


class BusinessHoursSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    week = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), allow_null=True, allow_empty=True), required=False,
        help_text='Seven days, Monday first: null (closed) or ["09:00", "17:00"], in the workspace\'s time zone.')
    holidays = serializers.ListField(child=serializers.DictField(), required=False,
                                     help_text='Closed all day: [{"date": "2026-12-25", "name": "Christmas"}].')
    away_message = serializers.CharField(required=False, allow_blank=True,
                                         help_text="Out-of-office reply, once per chat per closed period; spintax "
                                                   "and [variables]. Empty: none.")
    welcome_message = serializers.CharField(required=False, allow_blank=True,
                                            help_text="For a customer writing for the first time. Empty: none.")
    waiting_message = serializers.CharField(required=False, allow_blank=True,
                                            help_text="For a new chat while open and no agent is free. Empty: none.")
    open_now = serializers.SerializerMethodField()
    time_zone = serializers.CharField(source="workspace.time_zone", read_only=True)

    def get_open_now(self, row) -> bool:
        return workspace_open(row.workspace, row=row)


class AgentAvailabilitySerializer(serializers.Serializer):
    membership = serializers.IntegerField(source="member.pk", read_only=True)
    user = serializers.IntegerField(source="member.user_id", read_only=True)
    email = serializers.CharField(source="member.user.email", read_only=True)
    online = serializers.BooleanField(source="member.is_online", read_only=True)
    last_seen_at = serializers.DateTimeField(source="member.last_seen_at", read_only=True)
    present = serializers.BooleanField(read_only=True, help_text="Online and with the inbox open lately.")
    free = serializers.BooleanField(read_only=True, help_text="The rotator would give them a new chat now.")
    open_chats = serializers.IntegerField(read_only=True)
    capacity = serializers.IntegerField(min_value=0, max_value=1000, help_text="Open chats at most; 0: no limit.")
    week = serializers.ListField(child=serializers.ListField(child=serializers.CharField(), allow_null=True,
                                                             allow_empty=True),
                                 allow_null=True, required=False,
                                 help_text="Own working hours (as business hours' week); null: the workspace's.")


class ChatStartSerializer(serializers.Serializer):
    device = WorkspaceRelatedField(model=Device, help_text="The number to write from.")
    phone = serializers.CharField(max_length=40, help_text="Any way people write it; read in the workspace's region.")
    text = serializers.CharField(max_length=4096)


class PresenceSerializer(serializers.Serializer):
    online = serializers.BooleanField(source="is_online", help_text="The Online toggle: new chats may be assigned.")
    last_seen_at = serializers.DateTimeField(read_only=True)
    present = serializers.SerializerMethodField(help_text="Online and seen in the last 10 minutes: the rotator "
                                                          "assigns new chats only then.")

    def get_present(self, membership) -> bool:
        return is_present(membership)
