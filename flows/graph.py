"""The shape of a flow's graph, and the check that runs before it is published.

A graph is ``{"nodes": [node, ...]}``; each node is a flat object with an ``id`` (letters, digits, ``-``, ``_``), a
``kind``, the fields of its kind below, and where the builder drew it (``x``, ``y``, ignored here). Links are node
ids: ``next`` for the one way on, per option / rule for menus and conditions.

- trigger: ``trigger`` keyword | new_contact | api; ``keywords`` (list) and ``match`` exact | contains; ``next``
- message: ``text`` (spintax and [variables]); ``next`` (none ends the flow)
- menu: ``text``, ``options`` [{``label``, ``next``}], optional ``retry`` and the waiting fields
- question: ``text``, ``validate`` text | number | phone | email | date | choice, ``choices`` (for choice),
  ``retry``, ``store`` variable | field, ``name``, ``next`` and the waiting fields
- condition: ``rules`` [{``check`` answer | variable | field | tag | time | business_hours, ``name``, ``op``,
  ``value``, ``next``}], ``else``; time takes ``start``, ``end`` (HH:MM) and ``days`` (0 = Monday), business_hours
  the workspace's own (Inbox → Business hours)
- action: ``action`` tag_add | tag_remove | handoff | assign | webhook | ai | end, ``tag``, ``user``, ``next``

Waiting fields (menu, question): ``timeout_minutes``, ``timeout_next`` (none ends the run), ``reminder_minutes``
and ``reminder``. Every error names the node, so the builder can point at it.
"""
import re

from django.utils.translation import gettext as _

from common.spintax import SpintaxError, validate
from config.errors import UserError

MAX_NODES = 200
MAX_TEXT = 4096
MAX_MINUTES = 7 * 24 * 60
NODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,59}$")
KINDS = ("trigger", "message", "menu", "question", "condition", "action")
WAITING = ("menu", "question")
TRIGGERS = ("keyword", "new_contact", "api")
VALIDATIONS = ("text", "number", "phone", "email", "date", "choice")
CHECKS = ("answer", "variable", "field", "tag", "time", "business_hours")
OPS = ("equals", "contains", "gt", "lt", "exists")
ACTIONS = ("tag_add", "tag_remove", "handoff", "assign", "webhook", "ai", "end")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class FlowInvalid(UserError):
    code = "flow_invalid"


def nodes_by_id(graph):
    return {node["id"]: node for node in (graph or {}).get("nodes", []) if isinstance(node, dict) and "id" in node}


def links_of(node):
    """(label, target id) of every way out of `node`; a missing target is None."""
    kind = node.get("kind")
    if kind == "menu":
        return [(f"option {i}", (o or {}).get("next")) for i, o in enumerate(node.get("options") or [], 1)] + \
            [("timeout", node.get("timeout_next"))] * bool(node.get("timeout_next"))
    if kind == "condition":
        return [(f"rule {i}", (r or {}).get("next")) for i, r in enumerate(node.get("rules") or [], 1)] + \
            [("else", node.get("else"))] * bool(node.get("else"))
    out = [("next", node.get("next"))] if node.get("next") else []
    if kind == "question" and node.get("timeout_next"):
        out.append(("timeout", node["timeout_next"]))
    return out


def graph_problems(graph):
    """Every problem of `graph`, as (node id or "", message); empty when it can be published."""
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list):
        return [("", _("The graph must be an object with a list of nodes."))]
    nodes = graph["nodes"]
    if len(nodes) > MAX_NODES:
        return [("", _("A flow can have at most %(max)s nodes.") % {"max": MAX_NODES})]
    problems, seen = [], set()
    for index, node in enumerate(nodes, 1):
        if not isinstance(node, dict) or not NODE_ID.match(str(node.get("id", ""))):
            problems.append(("", _("Node %(n)s has no valid id (letters, digits, - and _).") % {"n": index}))
            continue
        if node["id"] in seen:
            problems.append((node["id"], _("Two nodes have the id “%(id)s”.") % {"id": node["id"]}))
        seen.add(node["id"])
        if node.get("kind") not in KINDS:
            problems.append((node["id"], _("Node “%(id)s” has an unknown kind; use one of: %(kinds)s.")
                             % {"id": node["id"], "kinds": ", ".join(KINDS)}))
            continue
        problems += [(node["id"], message) for message in _node_problems(node)]
    if problems:
        return problems
    return _link_problems(nodes_by_id(graph))


def graph_check(graph):
    """Raise FlowInvalid listing every problem (the first few in the message, all in `fields` by node)."""
    problems = graph_problems(graph)
    if not problems:
        return
    fields = {}
    for node_id, message in problems:
        fields.setdefault(node_id or "graph", message)
    shown = "; ".join(message for _node, message in problems[:5])
    more = len(problems) - 5
    if more > 0:
        shown += " " + _("(and %(n)s more)") % {"n": more}
    raise FlowInvalid(_("The flow cannot be published: %(problems)s") % {"problems": shown}, fields=fields)


def _text_problems(node, field, required=True):
    text = node.get(field)
    name = {"id": node["id"], "field": field}
    if text in (None, ""):
        return [_("Node “%(id)s” needs a %(field)s.") % name] if required else []
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return [_("The %(field)s of node “%(id)s” must be text of at most 4096 characters.") % name]
    try:
        validate(text)
    except SpintaxError as exc:
        return [_("The %(field)s of node “%(id)s” has broken spintax: %(error)s") % {**name, "error": exc}]
    return []


def _minutes_problems(node, field):
    value = node.get(field)
    if value in (None, "", 0):
        return []
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_MINUTES:
        return [_("The %(field)s of node “%(id)s” must be whole minutes between 1 and %(max)s.")
                % {"field": field, "id": node["id"], "max": MAX_MINUTES}]
    return []


def _waiting_problems(node):
    problems = _text_problems(node, "retry", required=False) + _text_problems(node, "reminder", required=False)
    problems += _minutes_problems(node, "timeout_minutes") + _minutes_problems(node, "reminder_minutes")
    if node.get("reminder_minutes") and not node.get("reminder"):
        problems.append(_("Node “%(id)s” has a reminder time but no reminder text.") % {"id": node["id"]})
    if node.get("reminder_minutes") and node.get("timeout_minutes") and \
            node["reminder_minutes"] >= node["timeout_minutes"]:
        problems.append(_("The reminder of node “%(id)s” must come before its timeout.") % {"id": node["id"]})
    return problems


def _node_problems(node):
    kind, nid = node["kind"], {"id": node["id"]}
    if kind == "trigger":
        if node.get("trigger") not in TRIGGERS:
            return [_("Trigger “%(id)s” needs a type: keyword, new_contact or api.") % nid]
        keywords = node.get("keywords") or []
        if node["trigger"] == "keyword" and (not isinstance(keywords, list) or not keywords
                                             or not all(isinstance(k, str) and k.strip() for k in keywords)):
            return [_("Trigger “%(id)s” needs at least one keyword.") % nid]
        if node.get("match", "exact") not in ("exact", "contains"):
            return [_("Trigger “%(id)s” matches “exact” or “contains”.") % nid]
        return [] if node.get("next") else [_("Trigger “%(id)s” leads nowhere: connect it to a node.") % nid]
    if kind == "message":
        return _text_problems(node, "text")
    if kind == "menu":
        problems = _text_problems(node, "text") + _waiting_problems(node)
        options = node.get("options")
        if not isinstance(options, list) or not options:
            return problems + [_("Menu “%(id)s” needs at least one option.") % nid]
        for i, option in enumerate(options, 1):
            if not isinstance(option, dict) or not str(option.get("label", "")).strip():
                problems.append(_("Option %(n)s of menu “%(id)s” needs a label.") % {**nid, "n": i})
            elif not option.get("next"):
                problems.append(_("Option %(n)s (“%(label)s”) of menu “%(id)s” leads nowhere: connect it.")
                                % {**nid, "n": i, "label": option["label"]})
        return problems
    if kind == "question":
        return _question_problems(node)
    if kind == "condition":
        return _condition_problems(node)
    return _action_problems(node)


def _question_problems(node):
    nid = {"id": node["id"]}
    problems = _text_problems(node, "text") + _waiting_problems(node)
    if node.get("validate", "text") not in VALIDATIONS:
        problems.append(_("Question “%(id)s” validates one of: %(v)s.") % {**nid, "v": ", ".join(VALIDATIONS)})
    if node.get("validate") == "choice" and not (isinstance(node.get("choices"), list) and node["choices"]):
        problems.append(_("Question “%(id)s” needs the list of answers it accepts.") % nid)
    if node.get("store", "variable") not in ("variable", "field"):
        problems.append(_("Question “%(id)s” stores its answer in a “variable” or a contact “field”.") % nid)
    if not VARIABLE.match(str(node.get("name", ""))):
        problems.append(_("Question “%(id)s” needs a name to store the answer under (letters, digits, _).") % nid)
    return problems


def _condition_problems(node):
    nid = {"id": node["id"]}
    rules = node.get("rules")
    if not isinstance(rules, list) or not rules:
        return [_("Condition “%(id)s” needs at least one rule.") % nid]
    problems = []
    for i, rule in enumerate(rules, 1):
        where = {**nid, "n": i}
        if not isinstance(rule, dict) or rule.get("check") not in CHECKS:
            problems.append(_("Rule %(n)s of condition “%(id)s” checks one of: %(c)s.")
                            % {**where, "c": ", ".join(CHECKS)})
            continue
        if not rule.get("next"):
            problems.append(_("Rule %(n)s of condition “%(id)s” leads nowhere: connect it.") % where)
        check = rule["check"]
        if check in ("variable", "field", "tag") and not str(rule.get("name", "")).strip():
            problems.append(_("Rule %(n)s of condition “%(id)s” needs the name to check.") % where)
        if check == "time":
            if not (TIME.match(str(rule.get("start", ""))) and TIME.match(str(rule.get("end", "")))):
                problems.append(_("Rule %(n)s of condition “%(id)s” needs a start and an end like 09:00.") % where)
            days = rule.get("days", [0, 1, 2, 3, 4])
            if not isinstance(days, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
                problems.append(_("Rule %(n)s of condition “%(id)s” has days from 0 (Monday) to 6.") % where)
        elif check not in ("tag", "business_hours") and rule.get("op", "equals") not in OPS:
            problems.append(_("Rule %(n)s of condition “%(id)s” compares with one of: %(ops)s.")
                            % {**where, "ops": ", ".join(OPS)})
    if not node.get("else"):
        problems.append(_("Condition “%(id)s” needs an “else” way for when no rule matches.") % nid)
    return problems


def _action_problems(node):
    nid = {"id": node["id"]}
    action = node.get("action")
    if action not in ACTIONS:
        return [_("Action “%(id)s” is one of: %(a)s.") % {**nid, "a": ", ".join(ACTIONS)}]
    if action in ("tag_add", "tag_remove") and not str(node.get("tag", "")).strip():
        return [_("Action “%(id)s” needs the tag to add or remove.") % nid]
    if action == "assign" and not str(node.get("user", "")).isdigit():
        return [_("Action “%(id)s” needs the team member to assign the chat to.") % nid]
    return []


def _link_problems(nodes):
    problems = []
    for node in nodes.values():
        for label, target in links_of(node):
            if target is not None and target not in nodes:
                problems.append((node["id"], _("The %(link)s of node “%(id)s” points at “%(target)s”, which is not "
                                               "in the flow.") % {"link": label, "id": node["id"],
                                                                  "target": target}))
    triggers = [n for n in nodes.values() if n["kind"] == "trigger"]
    if not triggers:
        problems.append(("", _("A flow needs a trigger node: a keyword, a new contact's first message or the API.")))
    if problems:
        return problems
    reached = set()
    todo = [t["id"] for t in triggers]
    while todo:
        current = todo.pop()
        if current in reached:
            continue
        reached.add(current)
        todo += [target for _label, target in links_of(nodes[current]) if target]
    for node_id in nodes:
        if node_id not in reached:
            problems.append((node_id, _("Node “%(id)s” cannot be reached from a trigger.") % {"id": node_id}))
    for node_id in _busy_loops(nodes):
        problems.append((node_id, _("Node “%(id)s” is in a loop that never waits for the customer: put a menu "
                                    "or a question in it.") % {"id": node_id}))
    return problems


def _busy_loops(nodes):
    """Nodes on a cycle of non-waiting nodes (the runtime would go round without the customer)."""
    found, state = set(), {}

    def visit(node_id, path):
        state[node_id] = "open"
        for _label, target in links_of(nodes[node_id]):
            if not target or nodes[target]["kind"] in WAITING:
                continue
            if state.get(target) == "open":
                found.update(path[path.index(target):] if target in path else [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node_id] = "done"

    for node_id, node in nodes.items():
        if node_id not in state and node["kind"] not in WAITING:
            visit(node_id, [node_id])
    return sorted(found)
