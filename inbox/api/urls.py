"""Inbox API routes, mounted under /api/."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import team_views, views

router = SimpleRouter(trailing_slash=False)
router.register("auto-replies", views.AutoReplyViewSet, basename="autoreply")
router.register("quick-replies", views.QuickReplyViewSet, basename="quickreply")
router.register("knowledge", views.KnowledgeViewSet, basename="knowledge")
router.register("labels", views.LabelViewSet, basename="label")

urlpatterns = [
    path("chats", views.ChatListView.as_view(), name="chat-list"),
    path("chats/<str:phone>/messages", views.ChatMessagesView.as_view(), name="chat-messages"),
    path("chats/<str:phone>/messages/<int:pk>/media", views.ChatMessageMediaView.as_view(), name="chat-message-media"),
    path("chats/<str:phone>/messages/<int:pk>/cancel", views.ChatMessageCancelView.as_view(),
         name="chat-message-cancel"),
    path("chats/<str:phone>/send", views.ChatSendView.as_view(), name="chat-send"),
    path("chats/<str:phone>/toggle-bot", views.ChatToggleBotView.as_view(), name="chat-toggle-bot"),
    path("chats/<str:phone>/resume-bot", views.ChatResumeBotView.as_view(), name="chat-resume-bot"),
    path("chats/<str:phone>/assign", views.ChatAssignView.as_view(), name="chat-assign"),
    path("chats/<str:phone>/status", views.ChatStatusView.as_view(), name="chat-status"),
    path("chats/<str:phone>/labels", views.ChatLabelsView.as_view(), name="chat-labels"),
    path("chats/<str:phone>/notes", views.ChatNotesView.as_view(), name="chat-notes"),
    path("auto-replies/test", views.AutoReplyTestView.as_view(), name="autoreply-test"),
    path("assistant-settings", views.AssistantSettingsView.as_view(), name="assistant-settings"),
    path("business-hours", team_views.BusinessHoursView.as_view(), name="business-hours"),
    path("agents/availability", team_views.AgentAvailabilityListView.as_view(), name="agent-availability-list"),
    path("agents/<int:pk>/availability", team_views.AgentAvailabilityView.as_view(), name="agent-availability"),
    path("chats/start", team_views.ChatStartView.as_view(), name="chat-start"),
    path("presence", team_views.PresenceView.as_view(), name="presence"),
    *router.urls,
]
