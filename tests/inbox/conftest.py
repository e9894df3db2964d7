"""Inbox fixtures: a connected device on a fake WAHA (`responses`), envelopes in each engine's shape,
and `deliver()` which runs a dispatch handler the way the devices task does, commit hooks included."""
import itertools
import time

import pytest
import responses

from devices.models import Device, WahaServer
from inbox import receive

WAHA = "http://waha.test"
_ids = itertools.count(1)


@pytest.fixture
def device(workspace):
    server = WahaServer.objects.create(name="test", base_url=WAHA, api_key="k")
    return Device.objects.create(workspace=workspace, session_name="alpha-1", server=server, label="Sales",
                                 phone_number="628111000001", status=Device.Status.CONNECTED)


@pytest.fixture
def waha():
    """Fake WAHA: every send answers like GOWS; seen/typing succeed; unregistered URLs fail the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        def send(request):
            import json

            body = json.loads(request.body)
            short = f"3EB0{next(_ids):012d}"
            return 201, {}, json.dumps({"id": f"true_{body['chatId']}_{short}", "_data": {}})

        for endpoint in ("sendText", "sendImage", "sendFile"):
            mock.add_callback(responses.POST, f"{WAHA}/api/{endpoint}", callback=send,
                              content_type="application/json")
        mock.add(responses.POST, f"{WAHA}/api/sendSeen", json={"ids": []}, status=201)
        mock.add(responses.POST, f"{WAHA}/api/startTyping", json={"result": True}, status=201)
        yield mock


def sent_texts(mock):
    import json

    return [json.loads(c.request.body).get("text") for c in mock.calls if c.request.url.endswith("/api/sendText")]


def envelope(text="Hello", *, frm="628123456789@c.us", engine="GOWS", event="message", from_me=False, to=None,
             short_id=None, media=None, alt=None, source="app", participant=None):
    short_id = short_id or f"AC{next(_ids):014d}"
    chat = to if from_me and to else frm
    data = {}
    if engine == "NOWEB":
        key = {"remoteJid": chat.replace("@c.us", "@s.whatsapp.net"), "fromMe": from_me, "id": short_id}
        if alt:
            key["remoteJidAlt"] = alt.replace("@c.us", "@s.whatsapp.net")
        data = {"key": key, "pushName": "Budi"}
    elif engine == "GOWS":
        data = {"Info": {"Chat": chat, "PushName": "Budi", **({"SenderAlt": alt} if alt else {})}}
    else:
        data = {"notifyName": "Budi"}
    payload = {"id": f"{'true' if from_me else 'false'}_{chat}_{short_id}", "timestamp": int(time.time()),
               "from": frm, "fromMe": from_me, "source": source, "to": to, "participant": participant,
               "body": text, "hasMedia": bool(media), "media": media, "ack": 0, "_data": data}
    return {"id": f"evt_{next(_ids):026d}", "timestamp": int(time.time() * 1000), "event": event,
            "session": "alpha-1", "me": {"id": "628111000001@c.us", "lid": "999@lid"}, "payload": payload,
            "engine": engine}


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    handlers = {"message": receive.inbound_message_receive, "message.any": receive.outbound_message_record,
                "message.ack": receive.message_ack_apply}

    def _deliver(device, event):
        with django_capture_on_commit_callbacks(execute=True):
            return handlers[event["event"]](device=device, event=event)

    return _deliver




@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # bcrypt is the production hasher; these tests log users in but never check a password's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
