"""Reads of the inbox. Chat visibility is decided here once: agents see the chats assigned to them and
unassigned ones; members who may `inbox:view_all` (owners) see every chat of the workspace."""
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can
from common import spintax
from config.errors import UserError
from contacts.selectors import contact_variables

from .models import AutoReply, Chat, ChatEvent, ChatMention, KnowledgeSource, Label, Message, QuickReply


def visible_chats(*, workspace, membership):
    chats = Chat.objects.for_workspace(workspace).select_related("device", "contact", "assigned_to")
    if membership is None:
        return chats.none()
    if not can(membership, "inbox:view_all"):
        # SECURITY: the agent filter lives only here; views and the API never list chats another way.
        chats = chats.filter(Q(assigned_to=membership.user) | Q(assigned_to__isnull=True))
    return chats


CHAT_ORDER = ("-needs_human", "-last_message_at", "-pk")


def chat_list(*, workspace, membership, filters=None):
    """Recent conversations, newest first, filtered by status ("all" or none = every status), device, assignee
    ("me", "none", id), bot, label, mentions of the viewer, search.

    One customer is one row however many of the workspace's numbers talked to them (the row is their
    most recent thread; the conversation shows all of them). Threads the customer never wrote in and nobody
    took, such as a broadcast's, are left out unless ``filters["show"] == "all"``.
    """
    filters = filters or {}
    chats = visible_chats(workspace=workspace, membership=membership)
    if filters.get("show") != "all":
        # A chat a person took (an agent started it, or answered) is a conversation even before the customer
        # writes; a broadcast's thread is never assigned.
        chats = chats.filter(Q(customer_wrote_at__isnull=False) | Q(assigned_to__isnull=False))
    status = filters.get("status")
    if status and status != "all":
        if status not in Chat.Status.values:
            raise UserError(_("Unknown status “%(status)s”.") % {"status": str(status)[:20]},
                            fields={"status": "unknown"})
        chats = chats.filter(status=status)
    if filters.get("label"):
        chats = chats.filter(labels=_int(filters["label"], "label"))
    if filters.get("mentions") in ("1", "true", "yes"):
        chats = chats.filter(pk__in=ChatMention.objects.filter(user=membership.user).values("chat_id"))
    if filters.get("device"):
        chats = chats.filter(device_id=_int(filters["device"], "device"))
    assigned = filters.get("assigned")
    if assigned == "me":
        chats = chats.filter(assigned_to=membership.user)
    elif assigned == "none":
        chats = chats.filter(assigned_to__isnull=True)
    elif assigned:
        chats = chats.filter(assigned_to_id=_int(assigned, "assigned"))
    bot = filters.get("bot")
    if bot in ("on", "off"):
        chats = chats.filter(bot_enabled=bot == "on")
    if filters.get("needs_human") in ("1", "true", "yes"):
        chats = chats.filter(needs_human=True)
    if filters.get("unread") in ("1", "true", "yes"):
        chats = chats.filter(unread_count__gt=0)
    query = (filters.get("q") or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        match = Q(name__icontains=query) | Q(contact__name__icontains=query) | Q(last_message_preview__icontains=query)
        if digits:
            match |= Q(phone__contains=digits)
        chats = chats.filter(match)
    first_of_customer = chats.filter(kind=OuterRef("kind"), phone=OuterRef("phone")).order_by(*CHAT_ORDER)
    return chats.filter(pk=Subquery(first_of_customer.values("pk")[:1])).order_by(*CHAT_ORDER)


def status_counts(*, workspace, membership, filters=None):
    """{status: chats} for the list's status tabs under the other filters, plus "mentions": chats with a mention
    of the viewer they have not seen yet."""
    others = {k: v for k, v in (filters or {}).items() if k not in ("status", "mentions")}
    rows = (chat_list(workspace=workspace, membership=membership, filters=others).order_by()
            .values("status").annotate(n=Count("pk")))
    counts = dict.fromkeys(Chat.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["mentions"] = (visible_chats(workspace=workspace, membership=membership)
                          .filter(mentions__user=membership.user, mentions__seen_at__isnull=True)
                          .values("pk").distinct().count()) if membership else 0
    return counts


def chat_timeline(*, chat, chats=None, limit=60):
    """The conversation as shown: messages, notes and history lines (assignments, status) in time order,
    the newest `limit` of them."""
    pks = [c.pk for c in chats] if chats else [chat.pk]
    messages = list(chat_messages(chat=chat, chats=chats)[:limit])
    events = list(ChatEvent.objects.filter(chat_id__in=pks).select_related("author", "assigned_to")
                  .order_by("-timestamp", "-pk")[:limit])
    rows = sorted(messages + events, key=lambda row: row.timestamp, reverse=True)[:limit]
    return list(reversed(rows))


def labels(*, workspace):
    return Label.objects.for_workspace(workspace).order_by("name", "pk")


def conversation_chats(*, workspace, membership, chat):
    """Every thread the viewer may see with this chat's customer, one per number, the chat itself first."""
    if chat.kind != Chat.Kind.DIRECT or not chat.phone_known:
        return [chat]
    others = visible_chats(workspace=workspace, membership=membership).filter(
        kind=chat.kind, phone=chat.phone, phone_known=True).exclude(pk=chat.pk).order_by(*CHAT_ORDER)
    return [chat, *others]


def _int(value, name):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UserError(_("%(name)s must be a number.") % {"name": name}, fields={name: "not a number"}) from None


def chat_for_phone(*, workspace, membership, phone, device=None):
    """The visible chat with `phone`; `device` picks one when several numbers talk to it (else the latest)."""
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    chats = visible_chats(workspace=workspace, membership=membership).filter(phone=digits)
    if device not in (None, ""):
        chats = chats.filter(device_id=_int(device, "device"))
    chat = chats.order_by("-last_message_at", "-pk").first()
    if chat is None:
        raise Http404("No such chat")
    return chat


def chat_messages(*, chat, chats=None):
    """Newest first; ``chats`` (from conversation_chats) merges the customer's threads on other numbers."""
    pks = [c.pk for c in chats] if chats else [chat.pk]
    return (Message.objects.filter(chat_id__in=pks).select_related("sent_by", "chat", "device")
            .order_by("-timestamp", "-pk"))


def needs_human_count(*, workspace, membership):
    return visible_chats(workspace=workspace, membership=membership).filter(needs_human=True).count()


def unread_chat_count(*, workspace, membership):
    return visible_chats(workspace=workspace, membership=membership).filter(unread_count__gt=0).count()


def auto_replies(*, workspace):
    return AutoReply.objects.for_workspace(workspace).prefetch_related("devices").order_by("priority", "pk")


def quick_replies(*, workspace):
    return QuickReply.objects.for_workspace(workspace).order_by("title")


def quick_replies_for(*, chat):
    """The workspace's quick replies as this chat's agent inserts them: `[name]`, `[name|Kak]`, custom fields
    and spintax filled for the chat's contact (only its phone when the chat has none), so the agent sees and
    can edit the very text that will be sent. A reply whose syntax does not read is inserted as typed."""
    variables = contact_variables(chat.contact) if chat.contact_id else {"phone": chat.phone}
    rendered = []
    for quick in quick_replies(workspace=chat.workspace):
        try:
            text = spintax.render(quick.text, variables)
        except spintax.SpintaxError:
            text = quick.text
        rendered.append(QuickReply(pk=quick.pk, workspace_id=quick.workspace_id, title=quick.title, text=text))
    return rendered


def knowledge_sources(*, workspace):
    return KnowledgeSource.objects.for_workspace(workspace).order_by("-created_at")


def dashboard_card(workspace):
    if workspace is None:
        return None
    chats = Chat.objects.for_workspace(workspace)
    waiting = chats.filter(needs_human=True).count()
    unread = chats.filter(unread_count__gt=0).count()
    return {"label": _("Chats waiting"), "value": unread,
            "hint": _("%(n)s need a person") % {"n": waiting} if waiting else _("unread conversations"),
            "url": reverse("inbox:index")}


def first_step(workspace):
    return {"key": "autoreply", "label": _("Set up your first auto-reply"),
            "hint": _("Answer a keyword such as \"price\" by itself, day and night."),
            "url": reverse("inbox:autoreplies"), "done": AutoReply.objects.for_workspace(workspace).exists()}


def warm_recipients(device_id):
    """Campaign recipients who wrote to this number before (a direct chat with a message from them): a number
    braked by WhatsApp may still answer them, since a reply opens no new chat (devices.warm)."""
    return Exists(Chat.objects.filter(device_id=device_id, phone=OuterRef("phone"), kind=Chat.Kind.DIRECT,
                                      customer_wrote_at__isnull=False))
