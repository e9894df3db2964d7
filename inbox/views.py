"""Pages of the inbox: the two-pane team inbox (htmx polling), auto-replies, knowledge base, assistant
settings. Each view: tenancy helper, form, one service call, then a message and a redirect or a partial."""
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Membership
from accounts.permissions import can
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError
from config.forms import apply_user_error
from devices.models import Device

from . import autoreplies, knowledge, notes, replies, rotation, selectors, services
from . import chat_status as chat_status_module
from .assistant import ai_allowed, ai_config
from .forms import AssistantSettingsForm, AutoReplyForm, KnowledgeForm, LabelForm, QuickReplyForm
from .media import message_media_response
from .models import AutoReply, KnowledgeSource, Label, Message, QuickReply

FILTERS = ("q", "status", "label", "mentions", "device", "assigned", "bot", "needs_human", "unread", "show")
MESSAGES_SHOWN = 60


def _visible_chat(request, pk):
    chats = selectors.visible_chats(workspace=request.workspace, membership=request.membership)
    return get_object_or_404(chats, pk=pk)


STATUS_TABS = (("open", gettext_lazy("Open")), ("pending", gettext_lazy("Pending")),
               ("snoozed", gettext_lazy("Snoozed")), ("resolved", gettext_lazy("Resolved")),
               ("all", gettext_lazy("All")))


def _list_context(request):
    rotation.presence_heartbeat(membership=request.membership)  # the page and its polling say "still here"
    filters = {k: request.GET.get(k, "") for k in FILTERS}
    # The list opens on the open chats; the Mentions tab shows every status.
    filters["status"] = filters["status"] or ("all" if filters["mentions"] else "open")
    try:
        chats = list(selectors.chat_list(workspace=request.workspace, membership=request.membership,
                                         filters=filters).prefetch_related("labels")[:100])
        counts = selectors.status_counts(workspace=request.workspace, membership=request.membership, filters=filters)
    except UserError:
        chats, filters, counts = [], {"status": "open"}, {}
    return {"chats": chats, "filters": filters, "status_tabs": _status_tabs(filters, counts),
            "labels": selectors.labels(workspace=request.workspace),
            "filter_query": urlencode({k: v for k, v in filters.items() if v})}


def _status_tabs(filters, counts):
    """The list's tabs: each status with its count, then Mentions; links keep the other filters."""
    kept = {k: v for k, v in filters.items() if v and k not in ("status", "mentions")}
    tabs = [{"key": key, "label": label, "url": "?" + urlencode({**kept, "status": key}),
             "count": counts.get(key, sum(counts.get(s, 0) for s, _label in STATUS_TABS[:4])),
             "active": filters.get("status") == key and not filters.get("mentions")} for key, label in STATUS_TABS]
    tabs.append({"key": "mentions", "label": gettext_lazy("Mentions"), "count": counts.get("mentions", 0),
                 "url": "?" + urlencode({**kept, "mentions": "1"}), "active": bool(filters.get("mentions"))})
    return tabs


def _page(request, chat=None):
    if chat is not None:
        siblings = _siblings(request, chat)
        services.chat_mark_read(chat=chat, siblings=siblings)
        notes.mentions_seen(chat_ids=[c.pk for c in siblings], user=request.user)
    context = _list_context(request)
    context.update({
        "chat": chat, "devices": Device.objects.for_workspace(request.workspace).order_by("label", "pk"),
        "needs_human": selectors.needs_human_count(workspace=request.workspace, membership=request.membership),
        "can_assign": can(request.membership, "inbox:assign"),
    })
    if chat is not None:
        context.update(_conversation_context(request, chat))
    return render(request, "inbox/index.html", context)


def _siblings(request, chat):
    return selectors.conversation_chats(workspace=request.workspace, membership=request.membership, chat=chat)


def _conversation_context(request, chat):
    threads = _siblings(request, chat)
    members = Membership.objects.for_workspace(request.workspace).select_related("user").order_by("user__email")
    return {"chat": chat, "messages_list": selectors.chat_timeline(chat=chat, chats=threads, limit=MESSAGES_SHOWN),
            "members": members, "mention_handles": [m.user.email.split("@", 1)[0].lower() for m in members],
            "chat_labels": list(chat.labels.all()),
            "all_labels": selectors.labels(workspace=request.workspace),
            "can_manage_labels": can(request.membership, "inbox:labels"),
            "several_numbers": len({t.device_id for t in threads}) > 1,
            "quick_replies": selectors.quick_replies_for(chat=chat)}


@workspace_view("inbox:use")
def index(request):
    return _page(request)


@workspace_view("inbox:use")
def chat_list_partial(request):
    # The "needs a person" counter in the page head is refreshed with the list (htmx out-of-band swap).
    needs_human = selectors.needs_human_count(workspace=request.workspace, membership=request.membership)
    return render(request, "inbox/_chat_list.html", {**_list_context(request), "active_pk": request.GET.get("active"),
                                                     "needs_human": needs_human, "oob": True})


@workspace_view("inbox:use")
def chat(request, pk):
    return _page(request, _visible_chat(request, pk))


@workspace_view("inbox:use")
def chat_messages(request, pk):
    chat = _visible_chat(request, pk)
    services.chat_mark_read(chat=chat, siblings=_siblings(request, chat))
    chat.refresh_from_db()
    return render(request, "inbox/_messages.html", {**_conversation_context(request, chat), "partial": True})


@require_POST
@workspace_view("inbox:use")
def chat_send(request, pk):
    chat = _visible_chat(request, pk)
    try:
        send_at = replies.send_at_parse(request.POST.get("send_at", "").strip(), request.workspace)
        replies.chat_send_by_agent(chat=chat, user=request.user, text=request.POST.get("text", ""),
                                    upload=request.FILES.get("file"), send_at=send_at)
    except UserError as exc:
        if request.headers.get("HX-Request"):
            return render(request, "inbox/_messages.html",
                          {**_conversation_context(request, chat), "partial": True, "send_error": exc.message})
        messages.error(request, exc.message)
        return redirect("inbox:chat", pk=chat.pk)
    if request.headers.get("HX-Request"):
        chat.refresh_from_db()
        return render(request, "inbox/_messages.html", {**_conversation_context(request, chat), "partial": True})
    return redirect("inbox:chat", pk=chat.pk)


@require_POST
@workspace_view("inbox:use")
def chat_bot(request, pk):
    chat = _visible_chat(request, pk)
    services.chat_bot_set(chat=chat, enabled=request.POST.get("enabled") == "1")
    messages.success(request, _("The bot is on for this chat.") if chat.bot_enabled
                     else _("The bot is off for this chat: only people answer."))
    return redirect("inbox:chat", pk=chat.pk)


@require_POST
@workspace_view("inbox:use")
def chat_resume_bot(request, pk):
    chat = _visible_chat(request, pk)
    services.chat_bot_resume(chat=chat)
    messages.success(request, _("The bot answers this customer again."))
    return redirect("inbox:chat", pk=chat.pk)


@require_POST
@workspace_view("inbox:assign")
def chat_assign(request, pk):
    chat = _visible_chat(request, pk)
    try:
        services.chat_assign(chat=chat, user_id=request.POST.get("user") or None, actor=request.user)
        messages.success(request, _("Assignment saved."))
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("inbox:chat", pk=chat.pk)


STATUS_DONE = {"open": gettext_lazy("Reopened."), "pending": gettext_lazy("Marked pending."),
               "resolved": gettext_lazy("Resolved."), "snoozed": gettext_lazy("Snoozed until %(until)s.")}


@require_POST
@workspace_view("inbox:use")
def chat_status(request, pk):
    """Resolve, mark pending, reopen or snooze a chat (with a time in the workspace's zone)."""
    chat = _visible_chat(request, pk)
    try:
        until = chat_status_module.snooze_parse(request.POST.get("snoozed_until", "").strip(), request.workspace)
        chat = chat_status_module.chat_status_set(chat=chat, status=request.POST.get("status", ""),
                                                  actor=request.user, snoozed_until=until)
        text = str(STATUS_DONE[chat.status])
        if chat.snoozed_until:
            text %= {"until": date_format(timezone.localtime(chat.snoozed_until, request.workspace.zone), "j M, H:i")}
        messages.success(request, text)
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("inbox:chat", pk=chat.pk)


@require_POST
@workspace_view("inbox:use")
def chat_labels(request, pk):
    chat = _visible_chat(request, pk)
    try:
        notes.chat_labels_set(chat=chat, label_ids=[v for v in request.POST.getlist("labels") if v.isdigit()])
        messages.success(request, _("Labels saved."))
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("inbox:chat", pk=chat.pk)


@require_POST
@workspace_view("inbox:use")
def chat_note(request, pk):
    """A private note in the conversation: kept in Sebar, never sent to the customer."""
    chat = _visible_chat(request, pk)
    error = None
    try:
        notes.note_add(chat=chat, author=request.user, text=request.POST.get("text", ""))
    except UserError as exc:
        error = exc.message
    if request.headers.get("HX-Request"):
        return render(request, "inbox/_messages.html",
                      {**_conversation_context(request, chat), "partial": True, "send_error": error})
    if error:
        messages.error(request, error)
    return redirect("inbox:chat", pk=chat.pk)


def _labels_page(request, form=None):
    return render(request, "inbox/labels.html", {
        "labels": selectors.labels(workspace=request.workspace).annotate(chat_count=Count("chats")),
        "form": form or LabelForm(), "colours": Label.Colour.choices,
        "can_manage_labels": can(request.membership, "inbox:labels")})


@workspace_view("inbox:use")
def label_list(request):
    return _labels_page(request)


@require_POST
@workspace_view("inbox:labels")
def label_create(request):
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            notes.label_save(workspace=request.workspace, **form.cleaned_data)
            messages.success(request, _("Label saved."))
            return redirect("inbox:labels")
        except UserError as exc:
            apply_user_error(form, exc)
    return _labels_page(request, form=form)


@require_POST
@workspace_view("inbox:labels")
def label_edit(request, pk):
    label = get_for_workspace_or_404(request, Label, pk=pk)
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            notes.label_save(workspace=request.workspace, label=label, **form.cleaned_data)
            messages.success(request, _("Label saved."))
        except UserError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the label a name and pick a colour."))
    return redirect("inbox:labels")


@require_POST
@workspace_view("inbox:labels")
def label_delete(request, pk):
    notes.label_delete(label=get_for_workspace_or_404(request, Label, pk=pk))
    messages.success(request, _("Label deleted."))
    return redirect("inbox:labels")


@require_POST
@workspace_view("inbox:use")
def message_cancel(request, pk):
    """Cancel a scheduled message, for whoever may see its chat."""
    message = get_for_workspace_or_404(request, Message, pk=pk)
    chat = _visible_chat(request, message.chat_id)
    try:
        replies.message_cancel(chat=chat, message_id=message.pk)
        messages.success(request, _("Cancelled: this message will not be sent."))
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("inbox:chat", pk=chat.pk)


@workspace_view("inbox:use")
def message_media(request, pk):
    """A chat's media, only to members who can see that chat (files are private to the workspace)."""
    message = get_for_workspace_or_404(request, Message, pk=pk)
    _visible_chat(request, message.chat_id)
    return message_media_response(message)


@require_POST
@workspace_view("inbox:use")
def online(request):
    membership = rotation.member_presence_set(membership=request.membership, online=request.POST.get("online") == "1")
    messages.success(request, _("You are online: new chats can be assigned to you.") if membership.is_online
                     else _("You are offline: no new chats are assigned to you."))
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/inbox/")
                    else "inbox:index")


# ---------------------------------------------------------------- auto-replies and quick replies


def _rule_values(form):
    data = form.cleaned_data
    return {"keyword": data["keyword"], "match_type": data["match_type"], "response_text": data["response_text"],
            "priority": data["priority"], "is_active": data["is_active"], "devices": list(data["devices"]),
            "media": data.get("media"), "clear_media": data.get("clear_media", False)}


def _autoreply_page(request, form=None, quick_form=None):
    return render(request, "inbox/autoreplies.html", {
        "rules": selectors.auto_replies(workspace=request.workspace),
        "quick_replies": selectors.quick_replies(workspace=request.workspace),
        "form": form or AutoReplyForm(workspace=request.workspace),
        "quick_form": quick_form or QuickReplyForm(),
        "can_manage": can(request.membership, "autoreplies:manage"),
    })


@workspace_view("autoreplies:view")
def autoreply_list(request):
    return _autoreply_page(request)


@require_POST
@workspace_view("autoreplies:manage")
def autoreply_create(request):
    form = AutoReplyForm(request.POST, request.FILES, workspace=request.workspace)
    if form.is_valid():
        try:
            autoreplies.autoreply_save(workspace=request.workspace, **_rule_values(form))
            messages.success(request, _("Auto-reply saved."))
            return redirect("inbox:autoreplies")
        except UserError as exc:
            apply_user_error(form, exc)
    return _autoreply_page(request, form=form)


@workspace_view("autoreplies:manage")
def autoreply_edit(request, pk):
    rule = get_for_workspace_or_404(request, AutoReply, pk=pk)
    initial = {"keyword": rule.keyword, "match_type": rule.match_type, "response_text": rule.response_text,
               "priority": rule.priority, "is_active": rule.is_active, "devices": list(rule.devices.all())}
    form = AutoReplyForm(request.POST or None, request.FILES or None, workspace=request.workspace, initial=initial,
                         editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            autoreplies.autoreply_save(workspace=request.workspace, rule=rule, **_rule_values(form))
            messages.success(request, _("Auto-reply saved."))
            return redirect("inbox:autoreplies")
        except UserError as exc:
            apply_user_error(form, exc)
    return render(request, "inbox/autoreply_form.html", {"form": form, "rule": rule})


@require_POST
@workspace_view("autoreplies:manage")
def autoreply_delete(request, pk):
    rule = get_for_workspace_or_404(request, AutoReply, pk=pk)
    autoreplies.autoreply_delete(rule=rule)
    messages.success(request, _("Auto-reply deleted."))
    return redirect("inbox:autoreplies")


@require_POST
@workspace_view("autoreplies:view")
def autoreply_test(request):
    rule, answer = autoreplies.autoreply_test(workspace=request.workspace, text=request.POST.get("text", ""))
    return render(request, "inbox/_autoreply_test.html", {"rule": rule, "answer": answer,
                                                           "text": request.POST.get("text", "")})


@require_POST
@workspace_view("autoreplies:manage")
def quickreply_create(request):
    form = QuickReplyForm(request.POST)
    if form.is_valid():
        try:
            autoreplies.quick_reply_save(workspace=request.workspace, **form.cleaned_data)
            messages.success(request, _("Quick reply saved."))
            return redirect("inbox:autoreplies")
        except UserError as exc:
            apply_user_error(form, exc)
    return _autoreply_page(request, quick_form=form)


@require_POST
@workspace_view("autoreplies:manage")
def quickreply_delete(request, pk):
    get_for_workspace_or_404(request, QuickReply, pk=pk).delete()
    messages.success(request, _("Quick reply deleted."))
    return redirect("inbox:autoreplies")


# ---------------------------------------------------------------- knowledge base and assistant


def _knowledge_page(request, form=None):
    return render(request, "inbox/knowledge.html", {
        "sources": selectors.knowledge_sources(workspace=request.workspace),
        "form": form or KnowledgeForm(), "can_manage": can(request.membership, "autoreplies:manage"),
    })


@workspace_view("autoreplies:view")
def knowledge_list(request):
    return _knowledge_page(request)


@require_POST
@workspace_view("autoreplies:manage")
def knowledge_create(request):
    form = KnowledgeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            knowledge.knowledge_source_create(workspace=request.workspace, upload=form.cleaned_data.pop("file"),
                                              **form.cleaned_data)
            messages.success(request, _("Added. The assistant can use it in a few seconds."))
            return redirect("inbox:knowledge")
        except UserError as exc:
            apply_user_error(form, exc)
    return _knowledge_page(request, form=form)


@require_POST
@workspace_view("autoreplies:manage")
def knowledge_delete(request, pk):
    knowledge.knowledge_source_delete(source=get_for_workspace_or_404(request, KnowledgeSource, pk=pk))
    messages.success(request, _("Removed from the knowledge base."))
    return redirect("inbox:knowledge")


@workspace_view("autoreplies:manage")
def assistant(request):
    row = services.settings_for(request.workspace)
    fields = [f for f in AssistantSettingsForm.base_fields if f not in ("api_key", "clear_api_key")]
    form = AssistantSettingsForm(request.POST or None, initial={f: getattr(row, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in fields if form.cleaned_data[f] is not None}
        if form.cleaned_data["clear_api_key"]:
            values["api_key"] = ""
        elif form.cleaned_data["api_key"]:
            values["api_key"] = form.cleaned_data["api_key"]
        try:
            autoreplies.assistant_settings_update(settings=row, **values)
            messages.success(request, _("Assistant settings saved."))
            return redirect("inbox:assistant")
        except UserError as exc:
            apply_user_error(form, exc)
    return render(request, "inbox/assistant.html", {"form": form, "settings_row": row,
                                                    "has_key": bool(ai_config(row).api_key),
                                                    "ai_plan": ai_allowed(request.workspace)})
