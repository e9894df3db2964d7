"""The operators' admin for the inbox and the campaigns (#20.19): conversations, messages and auto-reply
rules are listed (message bodies and chats view-only), in a number of queries that does not grow with the
rows shown; the campaign actions read in the operator's language."""
import pytest

from inbox.models import AutoReply, Chat, Message
from tests.factories import UserFactory
from tests.operator import world

pytestmark = pytest.mark.django_db

LISTS = ["/admin/inbox/chat/", "/admin/inbox/message/", "/admin/inbox/autoreply/"]


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _more(w, count):
    """`count` more conversations (each with a contact and two messages) and rules, across both workspaces."""
    from contacts.models import Contact

    for i in range(count):
        name, number = ("batik", "batik_sales") if i % 2 else ("kopi", "kopi_main")
        workspace, device = w[name], w["devices"][number]
        contact = Contact.objects.create(workspace=workspace, phone=f"62819000{i:04d}", name=f"Pelanggan {i}")
        world.chat(workspace, device, contact.phone, contact=contact)
        AutoReply.objects.create(workspace=workspace, keyword=f"kata {i}", response_text="Halo")


@pytest.mark.parametrize("url", LISTS)
def test_inbox_changelists_list_every_tenant_s_rows(client, operator, url):
    w = world.build()
    _more(w, 2)
    body = client.get(url).content.decode()
    assert "Batik Sari" in body and "Kopi Bravo" in body


@pytest.mark.parametrize("url", LISTS)
def test_inbox_changelists_take_the_same_queries_for_many_rows(client, operator, url,
                                                               django_assert_max_num_queries):
    w = world.build()
    client.get(url)  # warm the content types and the session
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    _more(w, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_search_and_filters(client, operator):
    w = world.build()
    _more(w, 2)
    found = client.get("/admin/inbox/chat/", {"q": "6281234567890"}).content.decode()
    assert found.count('class="field-who"') == 1
    waiting = client.get("/admin/inbox/chat/", {"needs_human__exact": "1"}).content.decode()
    assert waiting.count('class="field-who"') == 1
    received = client.get("/admin/inbox/message/", {"direction__exact": "in"}).content.decode()
    assert received.count('class="field-short_text"') == Message.objects.filter(direction="in").count()


def test_messages_and_chats_are_view_only(client, operator):
    world.build()
    message, chat = Message.objects.first(), Chat.objects.first()
    page = client.get(f"/admin/inbox/message/{message.pk}/change/")
    assert page.status_code == 200
    assert 'name="text"' not in page.content.decode() and world.LONG.strip()[:40] in page.content.decode()
    assert client.post(f"/admin/inbox/message/{message.pk}/change/", {"text": "rewritten"}).status_code == 403
    message.refresh_from_db()
    assert message.text == world.LONG
    assert client.get("/admin/inbox/message/add/").status_code == 403
    assert client.get("/admin/inbox/chat/add/").status_code == 403
    assert 'name="phone"' not in client.get(f"/admin/inbox/chat/{chat.pk}/change/").content.decode()


def test_an_auto_reply_rule_can_be_switched_off(client, operator):
    world.build()
    rule = AutoReply.objects.get()
    page = client.get(f"/admin/inbox/autoreply/{rule.pk}/change/").content.decode()
    assert 'name="is_active"' in page and 'name="hit_count"' not in page


def test_campaign_actions_read_in_the_operator_s_language(client, operator):
    world.build()
    page = client.get("/admin/campaigns/campaign/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Pause the selected campaigns" not in page and "Cancel the selected campaigns" not in page
    assert 'value="pause"' in page and 'value="cancel"' in page
