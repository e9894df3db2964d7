"""Labels on chats and private notes between teammates, with @mentions.

Notes are ChatEvent rows: they are shown in the conversation and never leave Sebar (nothing here imports the
send path). A mention is an `@name` in the note's text matching a member's first name or the part of their email
before the @, or a user id passed by the API; it puts the chat in that member's Mentions list.
"""
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from config.errors import UserError

from .models import ChatEvent, ChatMention, Label

NOTE_MAX = 4000
MENTION = re.compile(r"(?<![\w@])@([\w][\w.+-]*)")

# ---------------------------------------------------------------- labels


def label_save(*, workspace, name, colour, label=None):
    """Create a label, or rename and recolour one. Names are unique in the workspace."""
    name = (name or "").strip()
    if not name:
        raise UserError(_("Give the label a name."), fields={"name": _("required")})
    if colour not in Label.Colour.values:
        raise UserError(_("Pick one of the colours offered."), fields={"colour": _("unknown")})
    label = label or Label(workspace=workspace)
    label.name, label.colour = name[:40], colour
    label.full_clean(exclude=["workspace"], validate_unique=False)
    try:
        with transaction.atomic():
            label.save()
    except IntegrityError:
        raise UserError(_("A label named “%(name)s” already exists.") % {"name": label.name},
                        fields={"name": _("already used")}) from None
    return label


def label_delete(*, label):
    label.delete()  # the chats lose it; nothing else refers to it


def chat_labels_set(*, chat, label_ids):
    """The chat carries exactly these labels (ids of its workspace's labels; another workspace's are refused)."""
    ids = {int(pk) for pk in label_ids or []}
    labels = list(Label.objects.for_workspace(chat.workspace).filter(pk__in=ids))
    if len(labels) != len(ids):
        raise UserError(_("One of these labels does not exist in this workspace."), fields={"labels": _("unknown")})
    chat.labels.set(labels)
    return chat


# ---------------------------------------------------------------- notes and mentions


def _members_named(workspace, text):
    """Members whose first name or email name is @mentioned in `text` (case does not matter)."""
    handles = {h.lower().rstrip(".") for h in MENTION.findall(text or "")}
    if not handles:
        return []
    found = []
    for membership in Membership.objects.for_workspace(workspace).select_related("user"):
        user = membership.user
        names = {user.email.split("@", 1)[0].lower(), (user.get_short_name() or "").split(" ")[0].lower()}
        if handles & (names - {""}):
            found.append(user)
    return found


def note_add(*, chat, author, text, mention_ids=()):
    """A private note in the chat; its @mentions (and `mention_ids`) reach those members' Mentions list."""
    text = (text or "").strip()
    if not text:
        raise UserError(_("Write the note first."), fields={"text": _("required")})
    if len(text) > NOTE_MAX:
        raise UserError(_("A note can be at most %(n)s characters.") % {"n": NOTE_MAX}, fields={"text": _("too long")})
    members = {u.pk: u for u in _members_named(chat.workspace, text)}
    if mention_ids:
        ids = {int(pk) for pk in mention_ids}
        known = set(Membership.objects.for_workspace(chat.workspace).filter(user_id__in=ids)
                    .values_list("user_id", flat=True))
        if known != ids:
            raise UserError(_("Only members of this workspace can be mentioned."), fields={"mentions": _("unknown")})
        members.update({pk: None for pk in known - members.keys()})
    with transaction.atomic():
        note = ChatEvent.objects.create(workspace_id=chat.workspace_id, chat=chat, kind=ChatEvent.Kind.NOTE,
                                        author=author, text=text)
        ChatMention.objects.bulk_create([
            ChatMention(workspace_id=chat.workspace_id, event=note, chat=chat, user_id=pk,
                        seen_at=timezone.now() if author is not None and pk == author.pk else None)
            for pk in members])
    return note


def mentions_seen(*, chat_ids, user):
    """The member opened the conversation: its mentions of them are read."""
    ChatMention.objects.filter(chat_id__in=chat_ids, user=user, seen_at__isnull=True).update(seen_at=timezone.now())


def chat_notes(*, chat):
    return ChatEvent.objects.filter(chat=chat, kind=ChatEvent.Kind.NOTE).select_related("author").order_by(
        "-timestamp", "-pk")

