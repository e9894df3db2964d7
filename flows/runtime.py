"""Running flows: each chat's place in its flow moves once per inbound message, and beat fires the timeouts.

`flow_reply_step` is the step flows add to the inbox's reply pipeline (registered in apps.py; see
inbox/reply_steps.py). It runs after the opt-out words and the pause of a person answering, and before keyword
rules and the AI. In a run, "0" goes back to the previous question, "menu" starts again, and a hand-off word
("agen", "agent", "cs") gives the chat to a person at any node.

Exactly once: the run is locked (select_for_update; SQLite serialises writers anyway) and a FlowStep row is
written for the message under a unique key, so a redelivered webhook or a second worker finds it taken and does
nothing. What a step says goes out as one bot message through `inbox.replies.message_queue`, the path keyword
replies use (seen, typing, send); one message per step also keeps several texts in their order.
"""
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.language import workspace_language
from common.events import emit
from config import queue
from contacts.models import Contact, ContactTag
from contacts.services import contact_update, contacts_tag, contacts_untag
from inbox.hours import workspace_open
from inbox.models import Message
from inbox.replies import chat_variables, message_queue, render_reply
from inbox.services import chat_assign, chat_handoff

from .answers import answer_parse, option_match, words
from .graph import WAITING, nodes_by_id
from .models import Flow, FlowRun, FlowStep

logger = logging.getLogger(__name__)

BACK_WORDS = {"0"}
RESTART_WORDS = {"menu"}
HANDOFF_WORDS = {"agen", "agent", "cs"}
MAX_RETRIES = 3  # wrong answers in a row before a person takes over: a customer stuck, or another bot
MAX_HOPS = 50  # nodes entered in one step; the publish check refuses loops that never wait
RUN_LIFETIME = timedelta(hours=24)  # a run nobody answers ends by itself


class _Step:
    """What one step of a run says, sent as one message when it ends."""

    def __init__(self, run, chat, message=None):
        self.run, self.chat, self.message = run, chat, message
        self.nodes = nodes_by_id(run.version.graph)
        self.texts = []

    def say(self, template):
        if template:
            variables = {**chat_variables(self.chat), **self.run.variables}
            self.texts.append(render_reply(template, variables))

    def send(self):
        text = "\n\n".join(t for t in self.texts if t.strip())
        self.texts = []
        if text:
            message_queue(chat=self.chat, sender=Message.Sender.BOT, source=f"flow:{self.run.flow_id}", text=text)


# ---------------------------------------------------------------- the pipeline step


def flow_reply_step(*, chat, message):
    """The inbox's step: the flow's answer to `message` if the chat is in a flow or the message starts one."""
    text = (message.text or "").strip()
    run = (FlowRun.objects.select_for_update().select_related("version", "flow")
           .filter(active_chat=chat, status=FlowRun.Status.ACTIVE).first())
    if run is not None:
        if not _claim(run, message):
            return "flow_duplicate"
        return _advance(run, chat, message, text)
    if not text:
        return None
    found = _trigger_for(chat, message, text)
    if found is None:
        return None
    version, trigger = found
    run = run_start(version=version, chat=chat, trigger=trigger, message=message)
    return "flow" if run is not None else "flow_duplicate"


def _claim(run, message):
    try:
        with transaction.atomic():
            FlowStep.objects.create(workspace_id=run.workspace_id, run=run, message=message, node=run.node)
    except IntegrityError:
        logger.info("Message %s already moved run %s: duplicate ignored", message.pk, run.pk)
        return False
    return True


def _trigger_for(chat, message, text):
    """(version, trigger node) of the first published flow this message starts: keywords first, then a new
    chat's first message."""
    said = words(text)
    first_message = None
    candidates = []
    flows = (Flow.objects.for_workspace(chat.workspace).filter(status=Flow.Status.PUBLISHED)
             .exclude(live_version=None).select_related("live_version").order_by("pk"))
    for flow in flows:
        for node in flow.live_version.graph.get("nodes", []):
            if node.get("kind") != "trigger":
                continue
            if node.get("trigger") == "keyword":
                keywords = [words(k) for k in node.get("keywords") or []]
                contains = node.get("match") == "contains"
                if any(k and (said == k or (contains and f" {k} " in f" {said} ")) for k in keywords):
                    return flow.live_version, node
            elif node.get("trigger") == "new_contact":
                candidates.append((flow.live_version, node))
    if candidates:
        first_message = not Message.objects.filter(chat=chat, direction=Message.Direction.IN).exclude(
            pk=message.pk).exists()
    return candidates[0] if candidates and first_message else None


def run_start(*, version, chat, trigger=None, message=None, variables=None):
    """Start `version` in `chat` at `trigger` (default: its API trigger, else its first); ends a run the chat
    was in. Returns the run, or None when `message` already started one (a duplicate delivery)."""
    nodes = nodes_by_id(version.graph)
    if trigger is None:
        triggers = [n for n in nodes.values() if n.get("kind") == "trigger"]
        trigger = next((t for t in triggers if t.get("trigger") == "api"), triggers[0])
    now = timezone.now()
    FlowRun.objects.filter(active_chat=chat).update(status=FlowRun.Status.CANCELLED, active_chat=None, ended_at=now)
    try:
        with transaction.atomic():
            run = FlowRun.objects.create(
                workspace_id=chat.workspace_id, flow_id=version.flow_id, version=version, chat=chat,
                active_chat=chat, node=trigger["id"], start_node=trigger.get("next") or "",
                variables=dict(variables or {}), expires_at=now + RUN_LIFETIME)
            if message is not None:
                FlowStep.objects.create(workspace_id=chat.workspace_id, run=run, message=message, node=trigger["id"])
    except IntegrityError:
        return None
    step = _Step(run, chat, message)
    with workspace_language(chat.workspace):
        _enter(step, run.start_node)
    step.send()
    return run


# ---------------------------------------------------------------- moving through the graph


def _advance(run, chat, message, text):
    step = _Step(run, chat, message)
    said = words(text)
    with workspace_language(chat.workspace):
        if said in HANDOFF_WORDS:
            _handoff(step, _("The customer asked for a person in flow “%(flow)s”.") % {"flow": run.flow.name})
        elif said in RESTART_WORDS:
            run.history, run.variables = [], {}
            _enter(step, run.start_node)
        elif said in BACK_WORDS:
            previous = run.history.pop() if run.history else run.node
            _enter(step, previous)
        else:
            node = step.nodes.get(run.node)
            if node is None or node["kind"] not in WAITING:
                _end(step, FlowRun.Status.COMPLETED)
            elif node["kind"] == "menu":
                _answer_menu(step, node, text)
            else:
                _answer_question(step, node, text)
    step.send()
    return "flow_handoff" if run.status == FlowRun.Status.HANDED_OFF else "flow"


def _answer_menu(step, node, text):
    options = node.get("options") or []
    index = option_match(options, text)
    if index is None:
        return _retry(step, node, node.get("retry") or _("Please reply with the number of an option."))
    step.run.variables["answer"] = options[index]["label"]
    step.run.history.append(node["id"])
    _enter(step, options[index]["next"])


def _answer_question(step, node, text):
    value = answer_parse(node.get("validate", "text"), text, choices=node.get("choices") or [],
                         region=step.chat.workspace.default_region or "ID")
    if value is None:
        return _retry(step, node, node.get("retry") or _("Sorry, that answer does not fit. Please try again."))
    run, name = step.run, node["name"]
    run.variables["answer"] = value
    run.variables[name] = value
    if node.get("store") == "field" and step.chat.contact_id:
        contact = step.chat.contact
        contact_update(contact=contact, custom_fields={**(contact.custom_fields or {}), name: value})
    run.history.append(node["id"])
    _enter(step, node.get("next"))


def _retry(step, node, text):
    run = step.run
    run.retries += 1
    if run.retries >= MAX_RETRIES:
        return _handoff(step, _("The customer could not answer “%(node)s” in flow “%(flow)s”.")
                        % {"node": node["id"], "flow": run.flow.name})
    step.say(text)
    _prompt(step, node)
    _save(run)


def _prompt(step, node):
    text = node.get("text") or ""
    if node["kind"] == "menu":
        lines = [f"{i}. {o.get('label', '')}" for i, o in enumerate(node.get("options") or [], 1)]
        text = "\n".join([text, *lines]) if text else "\n".join(lines)
    elif node.get("validate") == "choice":
        lines = [f"{i}. {c}" for i, c in enumerate(node.get("choices") or [], 1)]
        text = "\n".join([text, *lines])
    step.say(text)


def _enter(step, node_id):
    """Go into `node_id` and on through the nodes that do not wait, until one waits or the flow ends."""
    run = step.run
    for _hop in range(MAX_HOPS):
        node = step.nodes.get(node_id) if node_id else None
        if node is None:
            return _end(step, FlowRun.Status.COMPLETED)
        kind = node["kind"]
        if kind in WAITING:
            return _wait(step, node)
        if kind == "trigger":
            node_id = node.get("next")
        elif kind == "message":
            step.say(node.get("text"))
            node_id = node.get("next")
        elif kind == "condition":
            node_id = _branch(step, node)
        else:
            node_id = _act(step, node)
            if run.status != FlowRun.Status.ACTIVE:
                return None
    logger.warning("Run %s went through %s nodes without waiting: ended", run.pk, MAX_HOPS)
    return _end(step, FlowRun.Status.COMPLETED)


def _wait(step, node):
    run, now = step.run, timezone.now()
    run.node, run.retries = node["id"], 0
    minutes = node.get("timeout_minutes")
    run.timeout_at = now + timedelta(minutes=minutes) if minutes else None
    reminder = node.get("reminder_minutes")
    run.reminder_at = now + timedelta(minutes=reminder) if reminder and node.get("reminder") else None
    run.expires_at = now + RUN_LIFETIME
    _prompt(step, node)
    _save(run)


def _save(run):
    run.save(update_fields=["node", "history", "variables", "retries", "reminder_at", "timeout_at", "expires_at",
                            "status", "active_chat", "ended_at"])


def _end(step, status):
    run = step.run
    run.status, run.active_chat, run.ended_at = status, None, timezone.now()
    run.reminder_at = run.timeout_at = None
    _save(run)
    emit("flow.ended", workspace_id=run.workspace_id, data={
        "flow": {"id": run.flow_id, "version": run.version.number}, "run": run.pk, "status": status,
        "chat": {"id": step.chat.pk, "phone": step.chat.phone}, "variables": run.variables})


def _handoff(step, reason, text=""):
    step.say(text or _("Thank you. A person from our team will answer you here soon."))
    _end(step, FlowRun.Status.HANDED_OFF)
    chat_handoff(chat=step.chat, reason=reason)


# ---------------------------------------------------------------- conditions and actions


def _branch(step, node):
    for rule in node.get("rules") or []:
        if _rule_holds(step, rule):
            return rule.get("next")
    return node.get("else")


def _number(value):
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None


def _rule_holds(step, rule):
    check, run, contact = rule["check"], step.run, step.chat.contact if step.chat.contact_id else None
    if check == "business_hours":
        return workspace_open(step.chat.workspace)
    if check == "time":
        local = timezone.localtime(timezone.now(), step.chat.workspace.zone)
        if local.weekday() not in rule.get("days", [0, 1, 2, 3, 4]):
            return False
        return rule["start"] <= local.strftime("%H:%M") < rule["end"]
    if check == "tag":
        return contact is not None and ContactTag.objects.filter(
            contact=contact, tag__name__iexact=str(rule.get("name", "")).strip()).exists()
    if check == "answer":
        actual = run.variables.get("answer")
    elif check == "variable":
        actual = run.variables.get(rule.get("name"))
    else:
        actual = (contact.custom_fields or {}).get(rule.get("name")) if contact else None
    op, expected = rule.get("op", "equals"), rule.get("value", "")
    if op == "exists":
        return bool(str(actual or "").strip())
    if actual is None:
        return False
    if op in ("gt", "lt"):
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            return False
        return left > right if op == "gt" else left < right
    if op == "contains":
        return words(expected) in words(actual)
    return words(actual) == words(expected)


def _act(step, node):
    """Do an action node; returns the next node id (the run has ended when it is not active any more)."""
    action, run, chat = node["action"], step.run, step.chat
    contacts = Contact.objects.for_workspace(chat.workspace).filter(pk=chat.contact_id)
    if action == "tag_add" and chat.contact_id:
        contacts_tag(workspace=chat.workspace, contacts=contacts, names=[node["tag"]])
    elif action == "tag_remove" and chat.contact_id:
        contacts_untag(workspace=chat.workspace, contacts=contacts, names=[node["tag"]])
    elif action == "assign":
        chat_assign(chat=chat, user_id=int(node["user"]))
    elif action == "webhook":
        emit("flow.webhook", workspace_id=run.workspace_id, data={
            "flow": {"id": run.flow_id, "name": run.flow.name, "version": run.version.number}, "node": node["id"],
            "chat": {"id": chat.pk, "phone": chat.phone}, "contact": chat.contact_id, "answers": run.variables})
    elif action == "handoff":
        _handoff(step, _("Flow “%(flow)s” handed the chat to a person.") % {"flow": run.flow.name},
                 text=node.get("text"))
        return None
    elif action == "ai":
        _end(step, FlowRun.Status.COMPLETED)
        if step.message is not None:  # the assistant answers the message that got here, from its queue
            queue.enqueue_on_commit("inbox.tasks.assistant_reply_task", step.message.pk)
        return None
    elif action == "end":
        step.say(node.get("text"))
        _end(step, FlowRun.Status.COMPLETED)
        return None
    return node.get("next")


# ---------------------------------------------------------------- beat: reminders, timeouts, expiry


def runs_timeout(*, now=None):
    """Send due reminders, move runs whose wait timed out (to the node's timeout way, or end them), and end runs
    nobody answered for RUN_LIFETIME. Each run is claimed by a conditional UPDATE on the time it was due, so
    beat running twice (or two beats) acts once. Returns (reminded, timed out)."""
    now = now or timezone.now()
    reminded = timed_out = 0
    due = FlowRun.objects.filter(status=FlowRun.Status.ACTIVE, reminder_at__lte=now).values_list("pk", "reminder_at")
    for pk, at in list(due[:500]):
        with transaction.atomic():
            if FlowRun.objects.filter(pk=pk, status=FlowRun.Status.ACTIVE, reminder_at=at).update(reminder_at=None):
                reminded += _remind(pk)
    due = FlowRun.objects.filter(status=FlowRun.Status.ACTIVE, timeout_at__lte=now).values_list("pk", "timeout_at")
    for pk, at in list(due[:500]):
        with transaction.atomic():
            if FlowRun.objects.filter(pk=pk, status=FlowRun.Status.ACTIVE, timeout_at=at).update(timeout_at=None):
                timed_out += _time_out(pk)
    FlowRun.objects.filter(status=FlowRun.Status.ACTIVE, expires_at__lte=now).update(
        status=FlowRun.Status.TIMED_OUT, active_chat=None, ended_at=now, reminder_at=None, timeout_at=None)
    return reminded, timed_out


def _loaded(pk):
    run = FlowRun.objects.select_related("version", "flow", "chat__workspace", "chat__device", "chat__contact").get(
        pk=pk)
    return _Step(run, run.chat)


def _remind(pk):
    step = _loaded(pk)
    node = step.nodes.get(step.run.node)
    if node is None or not step.chat.bot_enabled or step.chat.bot_paused:
        return 0
    step.say(node.get("reminder"))
    step.send()
    return 1


def _time_out(pk):
    step = _loaded(pk)
    node = step.nodes.get(step.run.node) or {}
    with workspace_language(step.chat.workspace):
        if node.get("timeout_next") and step.chat.bot_enabled and not step.chat.bot_paused:
            step.run.history.append(node["id"])
            _enter(step, node["timeout_next"])
        else:
            _end(step, FlowRun.Status.TIMED_OUT)
    step.send()
    return 1
