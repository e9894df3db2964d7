"""Who hears which language (#20.6): customers the workspace's, whoever triggered the text; members the
language saved on them, in every new session; values Sebar makes and stores, the workspace's."""
import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from contacts.models import Contact
from tests.factories import PASSWORD
from tests.inbox import conftest as inbox
from tests.inbox.conftest import envelope, sent_texts

# The inbox's fixtures (a connected device on a fake WAHA, deliver()), borrowed for these tests.
device, waha, deliver = inbox.device, inbox.waha, inbox.deliver

pytestmark = pytest.mark.django_db

CONFIRMATION_ID = "Anda tidak akan menerima broadcast kami lagi."


@pytest.fixture
def indonesian(workspace):
    workspace.language = "id"
    workspace.save()
    return workspace


# ---------------------------------------------------------------- customers


def test_an_indonesian_shop_confirms_an_opt_out_in_indonesian(indonesian, device, waha, deliver):
    with translation.override("en"):  # the worker, or the request that ran the webhook, speaks English
        deliver(device, envelope("STOP"))
    (text,) = sent_texts(waha)
    assert text.startswith(CONFIRMATION_ID)
    contact = Contact.objects.get()
    assert contact.opted_out and contact.opted_out_reason == 'Menulis "STOP"'
    assert contact.source == "Pesan Masuk"


def test_an_english_shop_answers_in_english_whoever_runs_it(workspace, device, waha, deliver):
    with translation.override("id"):
        deliver(device, envelope("STOP"))
    assert sent_texts(waha)[0].startswith("You will not receive our broadcasts any more.")
    assert Contact.objects.get().source == "Inbound"


def test_a_handoff_reason_is_stored_in_the_shop_s_language(indonesian, device, monkeypatch):
    from django.utils import timezone

    from inbox import assistant, replies
    from inbox.models import Chat, Message

    chat = Chat.objects.create(workspace=indonesian, device=device, phone="628123456789")
    message = Message.objects.create(workspace=indonesian, chat=chat, device=device, direction="in",
                                     sender="customer", text="?", timestamp=timezone.now())
    # replies imports assistant_answer by name: patch the name it calls.
    monkeypatch.setattr(replies, "assistant_answer", lambda **kw: assistant.Outcome(
        handoff=translation.gettext("The assistant did not know the answer.")))
    with translation.override("en"):
        assert replies.assistant_reply(message_id=message.pk) == "handoff"
    chat.refresh_from_db()
    with translation.override("id"):
        expected = translation.gettext("The assistant did not know the answer.")
    assert expected != "The assistant did not know the answer." and chat.handoff_reason == expected


# ---------------------------------------------------------------- values Sebar makes


def test_group_grab_tags_and_sources_in_the_shop_s_language(indonesian, owner, device, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from contacts import grab

    monkeypatch.setattr(grab, "groups_list", lambda device: [{"id": "1203@g.us", "name": "Arisan RT 05"}])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=False):
        job = grab.grab_create(workspace=indonesian, user=owner, device=device, group_id="1203@g.us")
    assert job.tags == ["Dari Grup Arisan RT 05"] and job.source == "Ambil dari Grup"


def test_hand_made_contacts_and_opt_outs_in_the_shop_s_language(indonesian, owner):
    from contacts.services import contact_create, contact_opt_out

    with translation.override("en"):
        contact = contact_create(workspace=indonesian, phone="0812 3456 7890")
        contact_opt_out(contact=contact, by=owner)
    assert contact.source == "Manual" and contact.opted_out_reason == "Ditandai oleh alice@example.com"


def test_the_sandbox_customer_is_named_in_the_shop_s_language(indonesian, device, monkeypatch):
    from devices import sandbox

    sent = {}
    monkeypatch.setattr(sandbox, "_control", lambda device, action, body: sent.update(body) or {})
    with translation.override("en"):
        sandbox.sandbox_inbound(device=device, text="Halo")
    assert sent["push_name"] == "Pelanggan Sandbox"


def test_the_regex_match_type_is_translated():
    from inbox.models import AutoReply

    with translation.override("id"):
        assert str(AutoReply.MatchType.REGEX.label) == "Ekspresi reguler"


# ---------------------------------------------------------------- members


def _logged_in(email, **headers):
    client = Client(**headers)
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_the_switch_saves_the_language_and_a_new_session_keeps_it(owner):
    first = _logged_in(owner.email, HTTP_ACCEPT_LANGUAGE="en")
    first.post("/i18n/setlang/", {"language": "id", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "id"
    first.post("/logout/")

    # Another browser: no cookie, an English Accept-Language; the saved choice wins.
    second = _logged_in(owner.email, HTTP_ACCEPT_LANGUAGE="en")
    page = second.get("/")
    assert page["Content-Language"] == "id" and '<html lang="id">' in page.content.decode()
    assert second.cookies["django_language"].value == "id"  # the login page after a logout stays Indonesian


def test_without_a_saved_choice_the_browser_decides(owner):
    assert owner.language == ""
    page = _logged_in(owner.email, HTTP_ACCEPT_LANGUAGE="id").get("/")
    assert page["Content-Language"] == "id"
    page = _logged_in(owner.email, HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert page["Content-Language"] == "en"


def test_an_unknown_language_is_not_saved(owner_client, owner):
    owner_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == ""


def test_a_new_member_keeps_the_language_they_signed_up_in(client):
    client.post("/signup/", {"full_name": "Budi", "workspace_name": "Warung Budi", "email": "budi@example.com",
                             "password": "nasi-goreng-77"}, HTTP_ACCEPT_LANGUAGE="id")
    assert User.objects.get(email="budi@example.com").language == "id"


def test_an_invited_agent_keeps_the_language_they_signed_up_in(client, workspace, owner):
    from accounts.invitations import Invitation

    invitation = Invitation.objects.create(workspace=workspace, email="sari@example.com", invited_by=owner)
    response = client.post(f"/invite/{invitation.token}/", {"full_name": "Sari", "password": "teh-manis-2026"},
                           HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 302
    assert User.objects.get(email="sari@example.com").language == "id"


# ---------------------------------------------------------------- mail written for a member


def _invite(workspace, owner, email, django_capture_on_commit_callbacks, language="en"):
    from django.core import mail

    from accounts import team

    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        team.invitation_create(workspace=workspace, actor=owner, email=email)
    return mail.outbox[-1]


def test_an_invitation_is_written_in_the_inviter_s_saved_language(workspace, owner,
                                                                  django_capture_on_commit_callbacks):
    owner.language = "id"
    owner.save(update_fields=["language"])
    # Sent from a thread speaking English (a worker, an API client's Accept-Language): the inviter's choice wins.
    email = _invite(workspace, owner, "siti@example.com", django_capture_on_commit_callbacks)
    assert email.subject == "Anda diundang ke Alpha Store di Sebar"
    assert "invites you" not in email.body and "Alpha Store" in email.body


def test_without_a_saved_language_the_invitation_speaks_the_workspace_s(indonesian, owner,
                                                                        django_capture_on_commit_callbacks):
    assert owner.language == ""
    email = _invite(indonesian, owner, "siti@example.com", django_capture_on_commit_callbacks)
    assert email.subject == "Anda diundang ke Alpha Store di Sebar"


def test_an_english_inviter_writes_english_from_an_indonesian_thread(workspace, owner,
                                                                     django_capture_on_commit_callbacks):
    owner.language = "en"
    owner.save(update_fields=["language"])
    email = _invite(workspace, owner, "siti@example.com", django_capture_on_commit_callbacks, language="id")
    assert email.subject == "You're invited to Alpha Store on Sebar" and "invites you" in email.body
