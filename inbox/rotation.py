"""The CS rotator: who gets a new chat, and the chats that wait for someone to be free.

An agent is free when all three hold:
- present: the Online toggle is on (Membership.is_online) and a page of the inbox was open lately
  (Membership.last_seen_at, written by `presence_heartbeat` as the chat list polls): an agent who switched Online
  and closed the laptop stops getting chats after PRESENCE_WINDOW;
- working: inside their own working hours (AgentAvailability.week), or the workspace's business hours when they
  have none (always, when the workspace has none either);
- under capacity: fewer open chats assigned than AgentAvailability.capacity (0: no limit).

Free agents get new chats in turn (by user id, after the last one who got one). When nobody is free the chat waits
unassigned (`Chat.awaiting_agent_since`, with the optional "we will reply soon" message while the shop is open) and
`chats_assign_waiting` hands it out when someone becomes free: on resolving or parking a chat, on going online or
coming back to the inbox, and by the beat every minute. Each assignment locks the workspace's settings row
(select_for_update: the rotator's turn and the agents' loads are read under it, so two chats at once cannot both
take an agent's last free place) and takes the chat by a conditional UPDATE on "still unassigned", so a chat is
never given twice.

It sits above `replies` (the waiting message leaves through `message_queue`) and below `chat_status` and `receive`.
"""
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Workspace
from config.errors import UserError

from .hours import business_hours_for, is_open, week_clean, workspace_open
from .models import AgentAvailability, AssistantSettings, Chat, ChatEvent, Message
from .replies import chat_variables, message_queue, render_reply
from .services import chat_event_log, member_online_set, settings_for

# The chat list polls every 5 s; a heartbeat is written at most once a minute, and ten minutes without one is away.
PRESENCE_WINDOW = timedelta(minutes=10)
HEARTBEAT_EVERY = timedelta(minutes=1)
WAITING_BATCH = 200


# ---------------------------------------------------------------- agents' settings and presence


def availability_for(membership):
    """The member's row, or an unsaved one with the defaults (no limit, the workspace's hours): reading writes
    nothing."""
    return (AgentAvailability.objects.filter(membership=membership).first()
            or AgentAvailability(workspace_id=membership.workspace_id, membership=membership))


def agent_availability_set(*, membership, capacity, week):
    """An owner sets an agent's capacity (0: no limit) and own working hours (None: the workspace's)."""
    if not isinstance(capacity, int) or not 0 <= capacity <= 1000:
        message = _("Capacity is a whole number of open chats from 0 (no limit) to 1000.")
        raise UserError(message, code="invalid_business_hours", fields={"capacity": message})
    row, _created = AgentAvailability.objects.get_or_create(membership=membership,
                                                            defaults={"workspace_id": membership.workspace_id})
    row.capacity, row.week = capacity, (week_clean(week) if week is not None else None)
    row.full_clean()
    row.save()
    chats_assign_waiting(workspace=membership.workspace)  # a raised capacity may free a place at once
    return row


def is_present(membership, now=None):
    now = now or timezone.now()
    return bool(membership.is_online and membership.last_seen_at and membership.last_seen_at >= now - PRESENCE_WINDOW)


def presence_heartbeat(*, membership, now=None):
    """The member has the inbox open: refresh last_seen_at (at most once a minute: one UPDATE, no read). One who
    is online and comes back after being away may take the chats that waited meanwhile."""
    now = now or timezone.now()
    before = membership.last_seen_at
    if before is not None and before >= now - HEARTBEAT_EVERY:
        return False
    Membership.objects.filter(pk=membership.pk, last_seen_at=before).update(last_seen_at=now)
    membership.last_seen_at = now
    if membership.is_online and (before is None or before < now - PRESENCE_WINDOW):
        chats_assign_waiting(workspace=membership.workspace, now=now)
    return True


def member_presence_set(*, membership, online):
    """The Online/Offline toggle; going online takes the chats waiting for someone."""
    membership = member_online_set(membership=membership, online=online)
    if membership.is_online:
        chats_assign_waiting(workspace=membership.workspace)
    return membership


# ---------------------------------------------------------------- who is free


def _working(week, workspace, hours_row, now):
    if week is not None:
        return is_open(week, (), now, workspace.zone)
    return workspace_open(workspace, now=now, row=hours_row)


def free_agents(*, workspace, now=None):
    """User ids of the members free for a new chat now, in the rotator's order (by user id)."""
    now = now or timezone.now()
    members = list(Membership.objects.for_workspace(workspace)
                   .filter(is_online=True, last_seen_at__gte=now - PRESENCE_WINDOW).order_by("user_id"))
    if not members:
        return []
    rows = {a.membership_id: a for a in AgentAvailability.objects.filter(membership__in=members)}
    loads = dict(Chat.objects.for_workspace(workspace).filter(status=Chat.Status.OPEN,
                                                              assigned_to__in=[m.user_id for m in members])
                 .values_list("assigned_to").annotate(n=Count("pk")).values_list("assigned_to", "n"))
    hours_row = business_hours_for(workspace)
    free = []
    for member in members:
        row = rows.get(member.pk)
        capacity = row.capacity if row else 0
        if capacity and loads.get(member.user_id, 0) >= capacity:
            continue
        if not _working(row.week if row else None, workspace, hours_row, now):
            continue
        free.append(member.user_id)
    return free


def agents_overview(*, workspace, now=None):
    """Each member with presence, open chats, capacity and whether they are free, for the settings page."""
    now = now or timezone.now()
    members = list(Membership.objects.for_workspace(workspace).select_related("user").order_by("user__email"))
    rows = {a.membership_id: a for a in AgentAvailability.objects.filter(membership__in=members)}
    loads = dict(Chat.objects.for_workspace(workspace).filter(status=Chat.Status.OPEN, assigned_to__isnull=False)
                 .values_list("assigned_to").annotate(n=Count("pk")).values_list("assigned_to", "n"))
    free = set(free_agents(workspace=workspace, now=now))
    return [{"member": m, "present": is_present(m, now), "open_chats": loads.get(m.user_id, 0),
             "capacity": rows[m.pk].capacity if m.pk in rows else 0,
             "week": rows[m.pk].week if m.pk in rows else None,
             "own_hours": m.pk in rows and rows[m.pk].week is not None, "free": m.user_id in free} for m in members]


# ---------------------------------------------------------------- assigning


def chat_rotate(*, chat, now=None):
    """Give an unassigned chat to the next free agent; returns their user id, or None (nobody free, or the chat was
    taken meanwhile)."""
    now = now or timezone.now()
    settings = settings_for(chat.workspace)
    with transaction.atomic():
        # The lock orders concurrent rotations of one workspace (MariaDB; SQLite has one writer anyway).
        settings = AssistantSettings.objects.select_for_update().get(pk=settings.pk)
        free = free_agents(workspace=chat.workspace, now=now)
        if not free:
            return None
        last = settings.last_assigned_user_id
        following = [uid for uid in free if last is None or uid > last]
        chosen = following[0] if following else free[0]
        if not Chat.objects.filter(pk=chat.pk, assigned_to__isnull=True).update(assigned_to_id=chosen,
                                                                               awaiting_agent_since=None):
            return None
        AssistantSettings.objects.filter(pk=settings.pk).update(last_assigned_user_id=chosen)
        chat.assigned_to_id, chat.awaiting_agent_since = chosen, None
        chat_event_log(chat=chat, kind=ChatEvent.Kind.ASSIGNED, assigned_to_id=chosen)  # by Sebar: no author
    return chosen


def chat_route_new(*, chat, now=None):
    """A new chat with the rotator on: assigned to a free agent, or left waiting for one (with the "we will reply
    soon" message when the shop is open: closed, the out-of-office reply says it)."""
    now = now or timezone.now()
    if chat_rotate(chat=chat, now=now) is not None:
        return True
    Chat.objects.filter(pk=chat.pk, assigned_to__isnull=True, awaiting_agent_since__isnull=True).update(
        awaiting_agent_since=now)
    hours_row = business_hours_for(chat.workspace)
    if hours_row.waiting_message and chat.kind == Chat.Kind.DIRECT and workspace_open(chat.workspace, now=now,
                                                                                      row=hours_row):
        message_queue(chat=chat, sender=Message.Sender.BOT, source="waiting",
                      text=render_reply(hours_row.waiting_message, chat_variables(chat)))
    return False


def chats_assign_waiting(*, workspace, now=None):
    """Hand out the chats waiting for an agent, oldest first, while someone is free. Safe to run twice and at once:
    each chat is taken by a conditional UPDATE. Returns how many were assigned."""
    if not settings_for(workspace).cs_rotator_enabled:
        return 0
    now = now or timezone.now()
    waiting = (Chat.objects.for_workspace(workspace).filter(awaiting_agent_since__isnull=False,
                                                            assigned_to__isnull=True, status=Chat.Status.OPEN)
               .select_related("workspace").order_by("awaiting_agent_since", "pk"))
    assigned = 0
    for chat in waiting[:WAITING_BATCH]:
        if chat_rotate(chat=chat, now=now) is None:
            if not free_agents(workspace=workspace, now=now):
                break  # nobody free: the rest wait for the next chance
            continue  # taken meanwhile by someone else
        assigned += 1
    return assigned


def chats_assign_waiting_everywhere(*, now=None):
    """The beat's sweep over every workspace with chats waiting (agents' hours begin, heartbeats come back)."""
    ids = (Chat.objects.filter(awaiting_agent_since__isnull=False, assigned_to__isnull=True, status=Chat.Status.OPEN)
           .values_list("workspace_id", flat=True).distinct())
    return sum(chats_assign_waiting(workspace=w, now=now) for w in Workspace.objects.filter(pk__in=list(ids)))
