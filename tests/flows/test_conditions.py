"""Conditions on the time and on the workspace's business hours (inbox.hours), over frozen time."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from flows.models import FlowRun
from inbox.hours import business_hours_for
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def _graph(rule):
    return {"nodes": [
        {"id": "t", "kind": "trigger", "trigger": "keyword", "keywords": ["hi"], "next": "c"},
        {"id": "c", "kind": "condition", "rules": [{**rule, "next": "open"}], "else": "closed"},
        {"id": "open", "kind": "message", "text": "We are open"},
        {"id": "closed", "kind": "message", "text": "We are closed"}]}


@pytest.mark.parametrize("moment, expected", [
    (datetime(2026, 12, 7, 10, 0, tzinfo=JAKARTA), "We are open"),  # a Monday morning in Jakarta
    (datetime(2026, 12, 7, 18, 0, tzinfo=JAKARTA), "We are closed"),
    (datetime(2026, 12, 6, 10, 0, tzinfo=JAKARTA), "We are closed"),  # a Sunday
])
def test_time_rule_reads_the_workspace_zone(device, waha, deliver, publish, moment, expected):
    device.workspace.time_zone = "Asia/Jakarta"
    device.workspace.save()
    publish(_graph({"check": "time", "start": "09:00", "end": "17:00", "days": [0, 1, 2, 3, 4]}))
    with time_machine.travel(moment, tick=False):
        deliver(device, envelope("hi"))
    assert sent_texts(waha) == [expected]
    assert FlowRun.objects.get().status == "completed"


@pytest.mark.parametrize("hour, expected", [(11, "We are open"), (20, "We are closed")])
def test_business_hours_rule_uses_the_inbox_hours(device, waha, deliver, publish, hour, expected):
    device.workspace.time_zone = "Asia/Jakarta"
    device.workspace.save()
    hours = business_hours_for(device.workspace)
    hours.enabled = True
    hours.week = [["08:00", "16:00"]] * 7
    hours.save()
    publish(_graph({"check": "business_hours"}))
    with time_machine.travel(datetime(2026, 12, 8, hour, 0, tzinfo=JAKARTA), tick=False):
        deliver(device, envelope("hi"))
    assert sent_texts(waha)[-1] == expected
