"""Inbox pages."""
from django.urls import path

from . import hours_views, start_views, views

app_name = "inbox"
urlpatterns = [
    path("", views.index, name="index"),
    path("list/", views.chat_list_partial, name="list"),
    path("online/", views.online, name="online"),
    path("new/", start_views.chat_start, name="chat_start"),
    path("c/<int:pk>/", views.chat, name="chat"),
    path("c/<int:pk>/messages/", views.chat_messages, name="chat_messages"),
    path("c/<int:pk>/send/", views.chat_send, name="chat_send"),
    path("c/<int:pk>/bot/", views.chat_bot, name="chat_bot"),
    path("c/<int:pk>/resume-bot/", views.chat_resume_bot, name="chat_resume_bot"),
    path("c/<int:pk>/assign/", views.chat_assign, name="chat_assign"),
    path("c/<int:pk>/status/", views.chat_status, name="chat_status"),
    path("c/<int:pk>/labels/", views.chat_labels, name="chat_labels"),
    path("c/<int:pk>/note/", views.chat_note, name="chat_note"),
    path("labels/", views.label_list, name="labels"),
    path("labels/new/", views.label_create, name="label_create"),
    path("labels/<int:pk>/edit/", views.label_edit, name="label_edit"),
    path("labels/<int:pk>/delete/", views.label_delete, name="label_delete"),
    path("media/<int:pk>/", views.message_media, name="message_media"),
    path("messages/<int:pk>/cancel/", views.message_cancel, name="message_cancel"),
    path("auto-replies/", views.autoreply_list, name="autoreplies"),
    path("auto-replies/new/", views.autoreply_create, name="autoreply_create"),
    path("auto-replies/test/", views.autoreply_test, name="autoreply_test"),
    path("auto-replies/<int:pk>/edit/", views.autoreply_edit, name="autoreply_edit"),
    path("auto-replies/<int:pk>/delete/", views.autoreply_delete, name="autoreply_delete"),
    path("quick-replies/new/", views.quickreply_create, name="quickreply_create"),
    path("quick-replies/<int:pk>/delete/", views.quickreply_delete, name="quickreply_delete"),
    path("knowledge/", views.knowledge_list, name="knowledge"),
    path("knowledge/new/", views.knowledge_create, name="knowledge_create"),
    path("knowledge/<int:pk>/delete/", views.knowledge_delete, name="knowledge_delete"),
    path("assistant/", views.assistant, name="assistant"),
    path("business-hours/", hours_views.business_hours, name="business_hours"),
    path("agents/<int:pk>/availability/", hours_views.agent_availability, name="agent_availability"),
]
