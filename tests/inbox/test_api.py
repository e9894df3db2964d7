"""The chats API (the brief's /chats endpoints), visibility rules, auto-replies CRUD, knowledge, settings."""
import json

import pytest
from django.utils import timezone

from accounts.models import Membership
from devices.models import Device
from inbox.models import AutoReply, Chat, Message
from tests.inbox.conftest import sent_texts

pytestmark = pytest.mark.django_db


def _chat(device, phone="628123456789", **extra):
    return Chat.objects.create(workspace=device.workspace, device=device, phone=phone,
                               last_message_at=timezone.now(), **{"customer_wrote_at": timezone.now(), **extra})


def test_chat_list_filters_and_unread(owner_api, device, agent):
    _chat(device, "62811", unread_count=2)
    _chat(device, "62812", bot_enabled=False, assigned_to=agent)
    body = owner_api.get("/api/chats").json()
    assert body["count"] == 2 and {c["phone"] for c in body["results"]} == {"62811", "62812"}
    assert owner_api.get("/api/chats?bot=off").json()["results"][0]["phone"] == "62812"
    assert owner_api.get(f"/api/chats?assigned={agent.pk}").json()["count"] == 1
    assert owner_api.get("/api/chats?assigned=none").json()["results"][0]["unread_count"] == 2
    assert owner_api.get("/api/chats?device=abc").status_code == 400


def test_agents_see_assigned_to_them_or_unassigned_only(agent_api, device, agent, owner, workspace):
    from tests.factories import MembershipFactory

    other_agent = MembershipFactory(workspace=workspace, role=Membership.Role.AGENT).user
    _chat(device, "62811")
    _chat(device, "62812", assigned_to=agent)
    hidden = _chat(device, "62813", assigned_to=other_agent)
    phones = {c["phone"] for c in agent_api.get("/api/chats").json()["results"]}
    assert phones == {"62811", "62812"}
    assert agent_api.get(f"/api/chats/{hidden.phone}/messages").status_code == 404
    assert agent_api.post(f"/api/chats/{hidden.phone}/send", {"text": "hi"}, format="json").status_code == 404
    assert agent_api.post("/api/chats/62811/assign", {"user": agent.pk}, format="json").status_code == 403


def test_agent_reply_goes_through_the_chats_device_and_bypasses_the_bot(agent_api, device, waha, agent,
                                                                       django_capture_on_commit_callbacks):
    AutoReply.objects.create(workspace=device.workspace, keyword="hi", response_text="BOT")
    chat = _chat(device, unread_count=3, needs_human=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(f"/api/chats/{chat.phone}/send", {"text": "hi, Bob here"}, format="json")
    assert response.status_code == 202, response.content
    assert sent_texts(waha) == ["hi, Bob here"]
    message = Message.objects.get()
    assert message.sender == "agent" and message.sent_by == agent and message.send_state == "sent"
    chat.refresh_from_db()
    assert chat.unread_count == 0 and not chat.needs_human and chat.assigned_to == agent
    assert agent_api.post(f"/api/chats/{chat.phone}/send", {"text": " "}, format="json").json()["error"] == "invalid"


def test_agent_sends_media(agent_api, device, waha, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chat = _chat(device)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(f"/api/chats/{chat.phone}/send", {
            "text": "the catalogue", "file": SimpleUploadedFile("cat.jpg", b"JPG", content_type="image/jpeg")},
            format="multipart")
    assert response.status_code == 202
    body = json.loads(waha.calls[-1].request.body)
    assert waha.calls[-1].request.url.endswith("/api/sendImage")
    assert body["caption"] == "the catalogue" and body["file"]["mimetype"] == "image/jpeg"


def test_device_parameter_picks_the_chat(owner_api, device, workspace):
    second = Device.objects.create(workspace=workspace, session_name="alpha-2", server=device.server)
    _chat(device, "62811")
    other = _chat(second, "62811", bot_enabled=True)
    response = owner_api.post(f"/api/chats/62811/toggle-bot?device={second.pk}", {}, format="json")
    assert response.json()["device"] == second.pk and response.json()["bot_enabled"] is False
    other.refresh_from_db()
    assert not other.bot_enabled
    assert Chat.objects.get(device=device).bot_enabled
    on = owner_api.post("/api/chats/62811/toggle-bot", {"enabled": True, "device": second.pk}, format="json")
    assert on.json()["bot_enabled"] is True


def test_messages_are_paged_newest_first(owner_api, device):
    chat = _chat(device)
    now = timezone.now()
    for i in range(55):
        Message.objects.create(workspace=device.workspace, chat=chat, device=device, direction="in",
                               sender="customer", text=f"m{i}", timestamp=now + timezone.timedelta(seconds=i))
    page = owner_api.get(f"/api/chats/{chat.phone}/messages").json()
    assert page["count"] == 55 and page["results"][0]["text"] == "m54" and page["next"]
    assert len(owner_api.get(f"/api/chats/{chat.phone}/messages?page=2").json()["results"]) == 5


def test_assign_to_a_member_only(owner_api, device, agent, outsider):
    chat = _chat(device)
    assert owner_api.post(f"/api/chats/{chat.phone}/assign", {"user": agent.pk}, format="json").status_code == 200
    bad = owner_api.post(f"/api/chats/{chat.phone}/assign", {"user": outsider.pk}, format="json")
    assert bad.status_code == 400 and "not a member" in bad.json()["message"]


def test_autoreply_crud_and_bad_regex(owner_api, agent_api, device):
    created = owner_api.post("/api/auto-replies", {"keyword": "price", "match_type": "CONTAINS",
                                                   "response_text": "10k", "devices": [device.pk]}, format="json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert created.json()["devices"] == [device.pk]
    bad = owner_api.post("/api/auto-replies", {"keyword": "(oops", "match_type": "REGEX", "response_text": "x"},
                         format="json")
    assert bad.status_code == 400 and bad.json()["error"] == "bad_regex" and "missing )" in bad.json()["message"]
    assert owner_api.patch(f"/api/auto-replies/{rule_id}", {"priority": 5}, format="json").json()["priority"] == 5
    assert agent_api.get("/api/auto-replies").status_code == 200
    assert agent_api.post("/api/auto-replies", {"keyword": "x", "response_text": "y"}, format="json").status_code == 403
    test = owner_api.post("/api/auto-replies/test", {"text": "what PRICE?", "device": device.pk}, format="json")
    assert test.json() == {"matched": True, "rule": rule_id, "answer": "10k"}
    assert owner_api.delete(f"/api/auto-replies/{rule_id}").status_code == 204


def test_knowledge_and_settings_api(owner_api, agent_api, settings, django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = ""
    with django_capture_on_commit_callbacks(execute=True):
        faq = owner_api.post("/api/knowledge", {"kind": "faq", "question": "Open on Sunday?", "text": "No."},
                             format="json")
    assert faq.status_code == 201, faq.content
    listed = owner_api.get("/api/knowledge").json()["results"]
    assert listed[0]["status"] == "ready" and listed[0]["chunk_count"] == 1
    assert owner_api.post("/api/knowledge", {"kind": "faq", "question": "?"}, format="json").status_code == 400
    patched = owner_api.patch("/api/assistant-settings", {"api_key": "sk-x", "min_similarity": 0.5}, format="json")
    assert patched.status_code == 200 and patched.json()["has_api_key"] and "api_key" not in patched.json()
    assert agent_api.patch("/api/assistant-settings", {"ai_enabled": False}, format="json").status_code == 403
    assert owner_api.patch("/api/assistant-settings", {"min_similarity": 3}, format="json").status_code == 400


def test_send_waits_for_a_restarting_session_then_gives_up_with_the_reason(owner_api, device, waha,
                                                                            django_capture_on_commit_callbacks):
    import responses
    from celery.exceptions import Retry

    from inbox.tasks import message_send_task

    waha.replace(responses.POST, "http://waha.test/api/sendText", status=422,
                 json={"error": "Session status is not as expected. Try again later or restart the session",
                       "session": "alpha-1", "status": "STARTING", "expected": ["WORKING"]})
    chat = _chat(device)
    with django_capture_on_commit_callbacks(execute=False):  # run the send task by hand below
        owner_api.post(f"/api/chats/{chat.phone}/send", {"text": "hello"}, format="json")
    message = Message.objects.get()
    with pytest.raises(Retry):
        message_send_task.apply(args=(message.pk,))
    message.refresh_from_db()
    assert message.send_state == "queued" and "STARTING" in message.error  # nothing sent: safe to try again
    message_send_task.apply(args=(message.pk,), retries=4)
    message.refresh_from_db()
    assert message.send_state == "failed" and "STARTING" in message.error


def test_send_failure_is_shown_not_retried(owner_api, device, waha, django_capture_on_commit_callbacks):
    import responses

    waha.replace(responses.POST, "http://waha.test/api/sendText", status=500, json={"message": "engine died"})
    chat = _chat(device)
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/chats/{chat.phone}/send", {"text": "hello"}, format="json")
    message = Message.objects.get()
    assert message.send_state == "failed" and "engine died" in message.error and message.ack == -1
    assert len([c for c in waha.calls if c.request.url.endswith("/sendText")]) == 1


def test_message_media_through_the_api(owner_api, agent_api, device, owner):
    from django.core.files.base import ContentFile

    chat = _chat(device, assigned_to=owner)
    message = Message(workspace=device.workspace, chat=chat, device=device, direction="in", sender="customer",
                      timestamp=timezone.now(), media_type="image", media_mimetype="image/jpeg")
    message.media.save("a.jpg", ContentFile(b"JPEG"), save=True)
    url = owner_api.get(f"/api/chats/{chat.phone}/messages").json()["results"][0]["media_url"]
    assert url == f"/api/chats/{chat.phone}/messages/{message.pk}/media"
    response = owner_api.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"JPEG"
    assert agent_api.get(url).status_code == 404  # assigned to someone else


def test_dashboard_card_counts_waiting_chats(device):
    from inbox.selectors import dashboard_card

    _chat(device, "62811", unread_count=1)
    _chat(device, "62812", needs_human=True)
    card = dashboard_card(device.workspace)
    assert card["value"] == 1 and "1 need a person" in str(card["hint"])


def test_media_other_than_images_downloads_on_pages_and_api_alike(owner_api, owner_client, device, owner):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    chat = _chat(device, assigned_to=owner)
    html = Message(workspace=device.workspace, chat=chat, device=device, direction="in", sender="customer",
                   timestamp=timezone.now(), media_type="document", media_mimetype="text/html",
                   media_filename="page.html")
    html.media.save("page.html", ContentFile(b"<script>x</script>"), save=True)
    plain = Message.objects.create(workspace=device.workspace, chat=chat, device=device, direction="in",
                                   sender="customer", timestamp=timezone.now(), text="no file")
    for response in (owner_api.get(f"/api/chats/{chat.phone}/messages/{html.pk}/media"),
                     owner_client.get(reverse("inbox:message_media", args=[html.pk]))):
        # A customer's HTML must never render on Sebar's origin: it goes out as a download.
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert owner_api.get(f"/api/chats/{chat.phone}/messages/{plain.pk}/media").status_code == 404
    assert owner_client.get(reverse("inbox:message_media", args=[plain.pk])).status_code == 404


def test_send_failure_never_shows_internal_addresses(owner_api, device, waha, django_capture_on_commit_callbacks):
    import responses

    waha.replace(responses.POST, "http://waha.test/api/sendText", status=500,
                 json={"message": "connect ECONNREFUSED 172.18.0.4:6379 (redis://cache.internal:6379/0) "
                                  "from http://waha.test/api/sendText"})
    chat = _chat(device)
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/chats/{chat.phone}/send", {"text": "hello"}, format="json")
    message = Message.objects.get()
    assert message.send_state == "failed" and "ECONNREFUSED" in message.error
    for internal in ("172.18.0.4", "6379", "redis://", "cache.internal", "waha.test"):
        assert internal not in message.error
