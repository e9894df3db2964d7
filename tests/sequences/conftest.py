"""Sequence fixtures: a sequence with steps, contacts, frozen time in the workspace's zone."""
from datetime import datetime

import pytest
import time_machine

from contacts.services import contact_create
from sequences import services


@pytest.fixture
def local(workspace):
    def at(*args):
        return datetime(*args, tzinfo=workspace.zone)
    return at


@pytest.fixture
def clock(local):
    # A Monday, 10:00 in the workspace.
    with time_machine.travel(local(2026, 12, 7, 10, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def contacts(workspace):
    return [contact_create(workspace=workspace, phone=f"+62 812 0000 {i:04d}", name=f"Kontak {i}") for i in range(3)]


@pytest.fixture
def two_steps(workspace, clock):
    return services.sequence_create(workspace=workspace, name="Welcome", steps=[
        {"delay_value": 0, "delay_unit": "minutes", "text": "{Hi|Halo} [name]!"},
        {"delay_value": 1, "delay_unit": "days", "text": "Still there, [name]?", "condition": "not_replied"},
    ])
