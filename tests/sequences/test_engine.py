"""End to end on the one sending path: a two-step sequence's rows are claimed, paced and sent by the campaigns
engine through WAHA (the emulator) in virtual time; a customer who replied (a real inbound webhook) does not get
the "not replied" step 2, the other does; a restart (advance run again, engine kicked) sends nothing twice."""
from datetime import datetime, timedelta

import pytest

from contacts.services import contact_create
from devices.dispatch import dispatch
from sequences import services
from sequences.advance import sequences_advance
from sequences.models import Enrolment
from tests.campaigns.conftest import driver, make_device, waha, waha_server  # noqa: F401 - fixtures
from tests.campaigns.helpers import sent_to

pytestmark = pytest.mark.django_db


def test_two_steps_go_out_and_a_reply_stops_step_two(driver, waha, workspace, make_device):  # noqa: F811
    driver.traveller.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=workspace.zone))
    device = make_device(workspace)
    a = contact_create(workspace=workspace, phone="+62 812 1111 0001", name="Ana")
    b = contact_create(workspace=workspace, phone="+62 812 1111 0002", name="Budi")
    sequence = services.sequence_create(workspace=workspace, name="Follow-up", steps=[
        {"delay_value": 0, "delay_unit": "minutes", "text": "Halo [name]"},
        {"delay_value": 1, "delay_unit": "hours", "text": "Masih minat, [name]?", "condition": "not_replied",
         "stop_on_reply": False}])
    services.sequence_enrol(sequence=sequence, contacts=[a, b])
    assert driver.call(sequences_advance) == 2
    driver.run(until=datetime(2026, 12, 7, 10, 5, tzinfo=workspace.zone))
    assert sorted(sent_to(waha)) == [a.phone, b.phone]
    assert sorted(s["text"] for s in waha.sent()) == ["Halo Ana", "Halo Budi"]
    driver.call(dispatch, device=device, event={"id": "evt_reply", "event": "message", "session": device.session_name,
                                   "payload": {"id": f"false_{a.phone}@c.us_R1", "fromMe": False,
                                               "from": f"{a.phone}@c.us", "body": "Iya, mau",
                                               "timestamp": int(datetime.now().timestamp())}})
    assert Enrolment.objects.get(contact=a).last_reply_at is not None  # heard through message.received
    driver.traveller.move_to(datetime(2026, 12, 7, 11, 1, tzinfo=workspace.zone))
    assert driver.call(sequences_advance) == 1
    driver.run(until=datetime(2026, 12, 7, 11, 10, tzinfo=workspace.zone))
    assert [s["text"] for s in waha.sent()][2:] == ["Masih minat, Budi?"]
    # A restart of everything: the beat runs again, the engine is kicked; nothing goes out twice.
    assert driver.call(sequences_advance) == 0
    driver.kick()
    driver.run(until=datetime(2026, 12, 7, 12, 0, tzinfo=workspace.zone) + timedelta(minutes=1))
    assert len(waha.sent()) == 3
