"""The publish check: every node kind, errors that name the node, links, reachability and busy loops."""
import copy

import pytest

from flows.graph import FlowInvalid, graph_check, graph_problems
from tests.flows.conftest import ORDER


def _with(change):
    graph = copy.deepcopy(ORDER)
    change({n["id"]: n for n in graph["nodes"]}, graph)
    return graph


def test_the_order_flow_is_valid():
    assert graph_problems(ORDER) == []


@pytest.mark.parametrize("change, node, words", [
    (lambda n, g: n["menu"]["options"][1].update(next=None), "menu", "leads nowhere"),
    (lambda n, g: n["price"].update(text="{broken"), "price", "broken spintax"),
    (lambda n, g: n["qty"].update(validate="colour"), "qty", "validates one of"),
    (lambda n, g: n["qty"].update(name=""), "qty", "needs a name"),
    (lambda n, g: n["qty"].update(reminder_minutes=40), "qty", "before its timeout"),
    (lambda n, g: n["big"].update(rules=[{"check": "time", "start": "9", "end": "17:00", "next": "bulk"}]),
     "big", "start and an end"),
    (lambda n, g: n["big"].pop("else"), "big", "else"),
    (lambda n, g: n["bulk"].update(action="explode"), "bulk", "is one of"),
    (lambda n, g: n["bulk"].update(tag=""), "bulk", "needs the tag"),
    (lambda n, g: n["t1"].update(keywords=[]), "t1", "at least one keyword"),
    (lambda n, g: n["price"].update(next="nowhere"), "price", "not in the flow"),
    (lambda n, g: g["nodes"].append({"id": "lost", "kind": "message", "text": "hi"}), "lost", "cannot be reached"),
    (lambda n, g: g["nodes"].append({"id": "weird", "kind": "teleport"}), "weird", "unknown kind"),
])
def test_each_problem_names_its_node(change, node, words):
    problems = graph_problems(_with(change))
    assert any(node_id == node and words in message for node_id, message in problems), problems
    with pytest.raises(FlowInvalid) as raised:
        graph_check(_with(change))
    assert node in raised.value.fields and f"“{node}”" in raised.value.message


def test_a_loop_that_never_waits_is_refused():
    graph = {"nodes": [
        {"id": "t", "kind": "trigger", "trigger": "api", "next": "a"},
        {"id": "a", "kind": "message", "text": "ping", "next": "b"},
        {"id": "b", "kind": "message", "text": "pong", "next": "a"}]}
    assert {n for n, _m in graph_problems(graph)} == {"a", "b"}
    # Through a menu it is a conversation, not a loop.
    assert graph_problems(ORDER) == []


@pytest.mark.parametrize("graph", [None, [], {"nodes": "x"}, {"nodes": [{"kind": "message"}]}, {"nodes": []}])
def test_bad_json_is_refused_clearly(graph):
    with pytest.raises(FlowInvalid) as raised:
        graph_check(graph)
    assert raised.value.code == "flow_invalid" and raised.value.message
