"""Inbox API: chats (the brief's /chats endpoints), keyword auto-replies, quick replies, knowledge base,
assistant settings. Views are thin: a selector finds what the caller may see, a service changes it."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceAPIMixin, WorkspaceAPIView, WorkspaceViewSet

from .. import autoreplies, chat_status, knowledge, notes, replies, selectors, services
from ..media import message_media_response
from ..models import AutoReply, Chat, KnowledgeSource, Label, Message, QuickReply
from .serializers import (
    AssignSerializer,
    AssistantSettingsSerializer,
    AutoReplySerializer,
    AutoReplyTestResultSerializer,
    AutoReplyTestSerializer,
    ChatLabelsSerializer,
    ChatSerializer,
    ChatStatusSerializer,
    KnowledgeSourceSerializer,
    LabelSerializer,
    MessageSerializer,
    NoteSerializer,
    QuickReplySerializer,
    SendSerializer,
    ToggleBotSerializer,
)

DEVICE_PARAM = OpenApiParameter("device", int, description="Device id, when several numbers talk to this phone")


class ChatListView(WorkspaceAPIView):
    permission_read = "inbox:use"

    @extend_schema(responses=ChatSerializer(many=True), parameters=[
        OpenApiParameter("device", int), OpenApiParameter("assigned", str, description='"me", "none" or a user id'),
        OpenApiParameter("bot", str, enum=["on", "off"]), OpenApiParameter("needs_human", bool),
        OpenApiParameter("unread", bool), OpenApiParameter("q", str),
        OpenApiParameter("status", str, enum=[*Chat.Status.values, "all"], description="Leave out for every status"),
        OpenApiParameter("label", int, description="Only chats carrying this label"),
        OpenApiParameter("mentions", bool, description="Only chats where a note mentions you")])
    def get(self, request):
        chats = selectors.chat_list(workspace=request.workspace, membership=request.membership,
                                    filters=request.query_params).prefetch_related("labels")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(chats, request, view=self)
        return paginator.get_paginated_response(ChatSerializer(page, many=True).data)


class _ChatView(WorkspaceAPIView):
    permission_read = "inbox:use"
    permission_write = "inbox:use"

    def chat(self, request, phone):
        return selectors.chat_for_phone(workspace=request.workspace, membership=request.membership, phone=phone,
                                        device=request.query_params.get("device") or request.data.get("device"))


class ChatMessagesView(_ChatView):
    @extend_schema(responses=MessageSerializer(many=True), parameters=[DEVICE_PARAM])
    def get(self, request, phone):
        chat = self.chat(request, phone)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.chat_messages(chat=chat), request, view=self)
        return paginator.get_paginated_response(MessageSerializer(page, many=True).data)


class ChatMessageMediaView(_ChatView):
    """The file of one message (Sebar's copy): visible to whoever sees the chat, never a public URL."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes}, parameters=[DEVICE_PARAM])
    def get(self, request, phone, pk):
        chat = self.chat(request, phone)
        return message_media_response(get_object_or_404(Message, chat=chat, pk=pk))


class ChatSendView(_ChatView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=SendSerializer, responses={202: MessageSerializer}, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        chat = self.chat(request, phone)
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        send_at = replies.send_at_parse(data.validated_data.get("send_at"), request.workspace)
        message = replies.chat_send_by_agent(chat=chat, user=request.user, text=data.validated_data.get("text", ""),
                                              upload=data.validated_data.get("file"), send_at=send_at)
        message.refresh_from_db()
        return Response(MessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)


class ChatMessageCancelView(_ChatView):
    """Cancel a message scheduled with `send_at`, until it starts going (then 409 `message_not_scheduled`)."""

    @extend_schema(request=None, responses=MessageSerializer, parameters=[DEVICE_PARAM])
    def post(self, request, phone, pk):
        chat = self.chat(request, phone)
        message = get_object_or_404(Message, chat=chat, pk=pk)
        return Response(MessageSerializer(replies.message_cancel(chat=chat, message_id=message.pk)).data)


class ChatToggleBotView(_ChatView):
    @extend_schema(request=ToggleBotSerializer, responses=ChatSerializer, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        chat = self.chat(request, phone)
        data = ToggleBotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enabled = data.validated_data.get("enabled", not chat.bot_enabled)
        return Response(ChatSerializer(services.chat_bot_set(chat=chat, enabled=enabled)).data)


class ChatResumeBotView(_ChatView):
    """The bot may answer again before its pause (after a person's reply) ends."""

    @extend_schema(request=None, responses=ChatSerializer, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        return Response(ChatSerializer(services.chat_bot_resume(chat=self.chat(request, phone))).data)


class ChatAssignView(_ChatView):
    permission_write = "inbox:assign"

    @extend_schema(request=AssignSerializer, responses=ChatSerializer, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        chat = self.chat(request, phone)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ChatSerializer(services.chat_assign(chat=chat, user_id=data.validated_data["user"],
                                                            actor=request.user)).data)


class ChatStatusView(_ChatView):
    """Open, pending, resolved, or snoozed until a time. Resolving may send the workspace's rating question."""

    @extend_schema(request=ChatStatusSerializer, responses=ChatSerializer, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        chat = self.chat(request, phone)
        data = ChatStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        until = chat_status.snooze_parse(data.validated_data.get("snoozed_until"), request.workspace)
        chat = chat_status.chat_status_set(chat=chat, status=data.validated_data["status"], actor=request.user,
                                           snoozed_until=until)
        return Response(ChatSerializer(chat).data)


class ChatLabelsView(_ChatView):
    @extend_schema(request=ChatLabelsSerializer, responses=ChatSerializer, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        chat = self.chat(request, phone)
        data = ChatLabelsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ChatSerializer(notes.chat_labels_set(chat=chat, label_ids=data.validated_data["labels"])).data)


class ChatNotesView(_ChatView):
    """Private notes of the team in this chat: never sent to WhatsApp."""

    @extend_schema(responses=NoteSerializer(many=True), parameters=[DEVICE_PARAM])
    def get(self, request, phone):
        chat = self.chat(request, phone)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(notes.chat_notes(chat=chat).prefetch_related("mentions"), request,
                                           view=self)
        return paginator.get_paginated_response(NoteSerializer(page, many=True).data)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer}, parameters=[DEVICE_PARAM])
    def post(self, request, phone):
        chat = self.chat(request, phone)
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = notes.note_add(chat=chat, author=request.user, text=data.validated_data["text"],
                              mention_ids=data.validated_data.get("mentions", ()))
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class LabelViewSet(WorkspaceViewSet):
    model = Label
    queryset = Label.objects.none()  # for the schema; get_queryset() scopes to the workspace
    serializer_class = LabelSerializer
    permission_read = "inbox:use"
    permission_write = "inbox:labels"

    def perform_create(self, serializer):
        serializer.instance = notes.label_save(workspace=self.request.workspace, **serializer.validated_data)

    def perform_update(self, serializer):
        label = serializer.instance
        data = {"name": label.name, "colour": label.colour, **serializer.validated_data}
        serializer.instance = notes.label_save(workspace=self.request.workspace, label=label, **data)

    def perform_destroy(self, instance):
        notes.label_delete(label=instance)


class AutoReplyViewSet(WorkspaceViewSet):
    model = AutoReply
    queryset = AutoReply.objects.none()  # for the schema; get_queryset() scopes to the workspace
    serializer_class = AutoReplySerializer
    permission_read = "autoreplies:view"
    permission_write = "autoreplies:manage"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("devices").order_by("priority", "pk")

    def _save(self, serializer, rule=None):
        data = serializer.validated_data
        current = rule or AutoReply()
        media = data.get("media", False)
        return autoreplies.autoreply_save(
            workspace=self.request.workspace, rule=rule,
            keyword=data.get("keyword", current.keyword), match_type=data.get("match_type", current.match_type),
            response_text=data.get("response_text", current.response_text),
            priority=data.get("priority", current.priority), is_active=data.get("is_active", current.is_active),
            devices=data.get("devices"), media=media or None, clear_media=media is None)

    def perform_create(self, serializer):
        serializer.instance = self._save(serializer)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer, rule=serializer.instance)

    def perform_destroy(self, instance):
        autoreplies.autoreply_delete(rule=instance)


class AutoReplyTestView(WorkspaceAPIView):
    permission_read = "autoreplies:view"
    permission_write = "autoreplies:view"

    @extend_schema(request=AutoReplyTestSerializer, responses=AutoReplyTestResultSerializer)
    def post(self, request):
        data = AutoReplyTestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        rule, answer = autoreplies.autoreply_test(workspace=request.workspace, text=data.validated_data["text"],
                                                  device=data.validated_data.get("device"))
        return Response({"matched": rule is not None, "rule": rule.pk if rule else None, "answer": answer})


class QuickReplyViewSet(WorkspaceViewSet):
    model = QuickReply
    queryset = QuickReply.objects.none()  # for the schema; get_queryset() scopes to the workspace
    serializer_class = QuickReplySerializer
    permission_read = "inbox:use"
    permission_write = "autoreplies:manage"

    def perform_create(self, serializer):
        serializer.instance = autoreplies.quick_reply_save(workspace=self.request.workspace,
                                                           **serializer.validated_data)

    def perform_update(self, serializer):
        data = {"title": serializer.instance.title, "text": serializer.instance.text, **serializer.validated_data}
        serializer.instance = autoreplies.quick_reply_save(workspace=self.request.workspace,
                                                           quick_reply=serializer.instance, **data)


class KnowledgeViewSet(WorkspaceAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    queryset = KnowledgeSource.objects.none()  # for the schema; get_queryset() scopes to the workspace
    serializer_class = KnowledgeSourceSerializer
    permission_read = "autoreplies:view"
    permission_write = "autoreplies:manage"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return KnowledgeSource.objects.for_workspace(self.request.workspace).order_by("-created_at")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = knowledge.knowledge_source_create(
            workspace=self.request.workspace, kind=data.get("kind"), title=data.get("title", ""),
            text=data.get("text", ""), question=data.get("question", ""), upload=data.get("file"))

    def perform_destroy(self, instance):
        knowledge.knowledge_source_delete(source=instance)


class AssistantSettingsView(WorkspaceAPIView):
    permission_read = "autoreplies:view"
    permission_write = "autoreplies:manage"

    @extend_schema(responses=AssistantSettingsSerializer)
    def get(self, request):
        return Response(AssistantSettingsSerializer(services.settings_for(request.workspace)).data)

    @extend_schema(request=AssistantSettingsSerializer, responses=AssistantSettingsSerializer)
    def patch(self, request):
        row = services.settings_for(request.workspace)
        data = AssistantSettingsSerializer(row, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = autoreplies.assistant_settings_update(settings=row, **data.validated_data)
        return Response(AssistantSettingsSerializer(row).data)

    put = patch
