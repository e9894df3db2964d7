"""Campaign test fixtures: an in-process WAHA emulator, devices on it, tagged contacts, and `EngineDriver`,
which runs the engine's task chains in virtual time (time-machine) instead of on Celery, so pacing,
quiet hours and retries are tested exactly and fast."""
import heapq
import itertools
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from campaigns import engine, engine_beat
from devices.emulator import EmulatorServer
from devices.models import Device, WahaServer
from devices.waha import WahaClient

API_KEY = "campaign-tests-key"


@pytest.fixture(scope="module")
def waha_server():
    # Module scope: the emulator's threads stop before other apps' tests run.
    with EmulatorServer(port=0, engine="NOWEB", api_key=API_KEY, auto_acks=False, status_delay=0.0) as emu:
        yield emu


@pytest.fixture
def waha(waha_server):
    waha_server.reset()
    yield waha_server
    waha_server.reset()


_session_numbers = itertools.count(1)


@pytest.fixture
def make_device(waha):
    def make(workspace, label="", connected=True):
        server, _ = WahaServer.objects.get_or_create(name="campaign-tests",
                                                     defaults={"base_url": waha.url, "api_key": API_KEY})
        if server.base_url != waha.url:
            WahaServer.objects.filter(pk=server.pk).update(base_url=waha.url)
        name = f"cmp{next(_session_numbers)}"
        client = WahaClient(waha.url, API_KEY)
        client._request("POST", "/api/sessions", json={"name": name, "start": True})
        for _attempt in range(200):
            if waha.status(name) == "SCAN_QR_CODE":
                break
            import time

            time.sleep(0.01)
        waha.scan(name)
        return Device.objects.create(
            workspace=workspace, session_name=name, server=server, label=label or name,
            phone_number=f"62811{next(_session_numbers):07d}",
            status=Device.Status.CONNECTED if connected else Device.Status.DISCONNECTED, waha_status="WORKING")
    return make


@pytest.fixture
def make_contacts(db):
    from contacts.services import contact_create

    def make(workspace, n, tags=("VIP",), start=0, **extra):
        return [contact_create(workspace=workspace, phone=f"+62 812 0000 {start + i:04d}", name=f"Kontak {start + i}",
                               tags=list(tags), **extra) for i in range(n)]
    return make


def _deliver(recipient_id, chain, chat_id, slot=None, message_id=None):
    return engine.deliver(recipient_id, chain, chat_id=chat_id, slot=slot, message_id=message_id)


class EngineDriver:
    """Collects what the engine queues (device steps, deliveries) and runs them in due order,
    moving a frozen clock to each one's due time: Celery's countdowns, without Celery or waiting."""

    def __init__(self, monkeypatch, capture):
        self.capture = capture
        self.queue = []
        self.seq = itertools.count()
        self.traveller = None
        monkeypatch.setattr(engine, "_arm_step", lambda d, c, cd: self.push(cd, engine.device_step, d, c))
        monkeypatch.setattr(engine, "_arm_deliver",
                            lambda r, c, cd, chat=None, slot=None, mid=None: self.push(cd, _deliver, r, c, chat,
                                                                                       slot, mid))

    def push(self, countdown, fn, *args):
        heapq.heappush(self.queue, (timezone.now() + timedelta(seconds=countdown), next(self.seq), fn, args))

    def call(self, fn, *args, **kwargs):
        with self.capture(execute=True):
            return fn(*args, **kwargs)

    def run(self, *, max_steps=2000, until=None, kick_every=None):
        """Run queued work in time order until the queue is empty, `until` (aware datetime) or max_steps."""
        steps = 0
        while self.queue and steps < max_steps:
            due = self.queue[0][0]
            if until is not None and due > until:
                break
            _due, _seq, fn, args = heapq.heappop(self.queue)
            if due > timezone.now():
                self.traveller.move_to(due)
            self.call(fn, *args)
            steps += 1
        if until is not None and timezone.now() < until:
            self.traveller.move_to(until)
        return steps

    def kick(self):
        return self.call(engine_beat.engine_kick)


@pytest.fixture
def driver(monkeypatch, django_capture_on_commit_callbacks):
    drv = EngineDriver(monkeypatch, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        drv.traveller = traveller
        yield drv
