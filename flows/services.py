"""Writes of flows: create and edit the draft, publish it as a new version, archive, start one in a chat."""
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import UserError
from inbox.models import Chat

from .graph import MAX_NODES, graph_check
from .models import Flow, FlowRun, FlowVersion
from .runtime import run_start

MAX_DRAFT_CHARS = 500_000


def _draft_checked(draft):
    """A draft may be half drawn, but it must be a graph-shaped object of sane size."""
    if draft in (None, ""):
        return {"nodes": []}
    if not isinstance(draft, dict) or not isinstance(draft.get("nodes", []), list):
        raise UserError(_("The graph must be an object with a list of nodes."), code="flow_invalid",
                        fields={"draft": _("Expected {\"nodes\": [...]}.")})
    if len(draft.get("nodes", [])) > MAX_NODES or len(str(draft)) > MAX_DRAFT_CHARS:
        raise UserError(_("A flow can have at most %(max)s nodes.") % {"max": MAX_NODES}, code="flow_invalid",
                        fields={"draft": _("too large")})
    return {"nodes": [], **draft}


def _saved(flow):
    # The unique name is the constraint's to check (below), so a race gets the same message.
    flow.full_clean(exclude=["live_version"], validate_constraints=False)
    try:
        with transaction.atomic():
            flow.save()
    except IntegrityError:
        raise UserError(_("You already have a flow named “%(name)s”. Choose another name.") % {"name": flow.name},
                        fields={"name": _("Already used.")}) from None
    return flow


def flow_create(*, workspace, name, draft=None):
    flow = Flow(workspace=workspace, name=(name or "").strip(), draft=_draft_checked(draft))
    return _saved(flow)


def flow_update(*, flow, name=None, draft=None):
    if flow.status == Flow.Status.ARCHIVED:
        raise UserError(_("This flow is archived. Restore it by publishing it again before editing."),
                        code="flow_archived", status_code=409)
    if name is not None:
        flow.name = name.strip()
    if draft is not None:
        flow.draft = _draft_checked(draft)
    return _saved(flow)


def flow_publish(*, flow, actor=None):
    """Check the draft and make it the next version; chats already in the flow stay on theirs."""
    graph = _draft_checked(flow.draft)
    graph_check(graph)
    with transaction.atomic():
        locked = Flow.objects.select_for_update().get(pk=flow.pk)
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = FlowVersion.objects.create(workspace_id=flow.workspace_id, flow=locked, number=number,
                                             graph=graph, published_by=actor)
        Flow.objects.filter(pk=flow.pk).update(live_version=version, status=Flow.Status.PUBLISHED)
    flow.refresh_from_db()
    return version


def flow_archive(*, flow):
    """No new chat starts it; chats inside it end their run now (a person or keyword rules take over)."""
    with transaction.atomic():
        Flow.objects.filter(pk=flow.pk).update(status=Flow.Status.ARCHIVED)
        FlowRun.objects.filter(flow=flow, status=FlowRun.Status.ACTIVE).update(
            status=FlowRun.Status.CANCELLED, active_chat=None, ended_at=timezone.now(), timeout_at=None,
            reminder_at=None)
    flow.refresh_from_db()
    return flow


def flow_start(*, flow, chat=None, contact=None, variables=None):
    """Start the live version in `chat` (or the contact's latest chat), replacing a run it was in."""
    if flow.status != Flow.Status.PUBLISHED or flow.live_version_id is None:
        raise UserError(_("Publish the flow before starting it in a chat."), code="flow_not_published",
                        status_code=409)
    if chat is None and contact is not None:
        chat = (Chat.objects.for_workspace(flow.workspace).filter(contact=contact, kind=Chat.Kind.DIRECT)
                .order_by("-last_message_at", "-pk").first())
    if chat is None:
        raise UserError(_("This contact has no chat yet: a flow can start once they have written to one of your "
                          "numbers."), code="flow_no_chat", fields={"contact": _("No chat.")})
    if not chat.bot_enabled:
        raise UserError(_("The bot is off in this chat (a person took it over). Turn the bot on in the chat "
                          "first."), code="flow_bot_off", status_code=409)
    if not isinstance(variables or {}, dict):
        raise UserError(_("Variables must be an object like {\"order\": \"A12\"}."),
                        fields={"variables": _("Expected an object.")})
    with transaction.atomic():
        return run_start(version=flow.live_version, chat=chat,
                         variables={str(k)[:60]: str(v)[:500] for k, v in (variables or {}).items()})
