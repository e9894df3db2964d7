"""The limit of broadcast messages per contact (#13): at most N in D days, on by default (3 in 7), set by an
owner in Contacts → Settings; a recipient over it is SKIPPED saying why, and the rest of the campaign goes on."""
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.contact_cap import over_cap
from campaigns.models import Campaign, Recipient
from config.errors import UserError
from contacts.models import CONTACT_CAP_DEFAULT, ContactSettings
from contacts.selectors import contact_cap
from contacts.services import contact_cap_set

from .helpers import sent_to, start

pytestmark = pytest.mark.django_db


def _sent_before(workspace, phone, *, days_ago, n=1):
    for i in range(n):
        campaign = Campaign.objects.create(workspace=workspace, name="old", message_template="Hi",
                                           status=Campaign.Status.COMPLETED)
        Recipient.objects.create(workspace=workspace, campaign=campaign, phone=phone, status="SENT",
                                 sent_at=timezone.now() - timedelta(days=days_ago, minutes=i))


def test_on_by_default():
    assert CONTACT_CAP_DEFAULT == (3, 7)


def test_a_contact_at_the_limit_is_skipped_and_the_rest_are_sent(driver, waha, workspace, owner, make_device,
                                                                 make_contacts):
    make_device(workspace)
    contacts = make_contacts(workspace, 3)
    capped, fresh, old = (c.phone for c in contacts)
    _sent_before(workspace, capped, days_ago=1, n=3)  # three this week: the default limit
    _sent_before(workspace, old, days_ago=8, n=3)  # three, but more than seven days ago
    campaign = start(driver, workspace, owner, delay=(1, 1))
    driver.run()
    assert sorted(sent_to(waha)) == sorted([fresh, old])
    row = Recipient.objects.get(campaign=campaign, phone=capped)
    assert row.status == Recipient.Status.SKIPPED and row.error_code == "contact_cap"
    assert "already got 3 broadcast messages in the last 7 days" in row.reason
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.COMPLETED


def test_the_owners_limit_and_zero_for_none(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    (contact,) = make_contacts(workspace, 1)
    _sent_before(workspace, contact.phone, days_ago=2, n=1)
    contact_cap_set(workspace=workspace, messages=1, days=3)
    first = start(driver, workspace, owner, delay=(1, 1))
    driver.run()
    assert Recipient.objects.get(campaign=first).status == Recipient.Status.SKIPPED
    contact_cap_set(workspace=workspace, messages=0, days=3)
    second = start(driver, workspace, owner, delay=(1, 1))
    driver.run()
    assert Recipient.objects.get(campaign=second).status == Recipient.Status.SENT


def test_a_sent_campaign_counts_for_the_next(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 1)
    contact_cap_set(workspace=workspace, messages=2, days=7)
    for _ in range(3):
        start(driver, workspace, owner, delay=(1, 1))
        driver.run()
    statuses = list(Recipient.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["SENT", "SENT", "SKIPPED"]
    assert len(waha.sent()) == 2


def test_another_workspace_does_not_count(workspace, other_workspace):
    _sent_before(other_workspace, "628111", days_ago=1, n=5)
    mine = Recipient(workspace=workspace, phone="628111")
    assert not over_cap(mine, 1, 7, timezone.now())
    theirs = Recipient(workspace=other_workspace, phone="628111")
    assert over_cap(theirs, 5, 7, timezone.now()) and not over_cap(theirs, 6, 7, timezone.now())


def test_the_limit_is_read_with_the_device(workspace, make_device):
    from campaigns import contact_cap
    from devices.models import Device

    device = make_device(workspace)
    contact_cap_set(workspace=workspace, messages=5, days=2)
    annotated = contact_cap.annotate_cap(Device.objects.filter(pk=device.pk)).get()
    assert contact_cap.cap_of(annotated) == (5, 2)
    ContactSettings.objects.filter(workspace=workspace).delete()
    assert contact_cap.cap_of(contact_cap.annotate_cap(Device.objects.filter(pk=device.pk)).get()) == (3, 7)


def test_bad_values_say_what_to_fix(workspace):
    with pytest.raises(UserError) as exc:
        contact_cap_set(workspace=workspace, messages=101, days=0)
    assert set(exc.value.fields) == {"messages", "days"}
    assert contact_cap(workspace) == (3, 7)


def test_settings_page_saves_the_limit_and_keeps_the_words(owner_client, agent_client, workspace, other_workspace):
    page = owner_client.get("/contacts/settings/").content.decode()
    assert 'name="messages"' in page and 'value="3"' in page and 'value="7"' in page
    response = owner_client.post("/contacts/settings/", {"section": "cap", "messages": "2", "days": "14"})
    assert response.status_code == 302
    assert contact_cap(workspace) == (2, 14) and contact_cap(other_workspace) == (3, 7)
    assert "BERHENTI" in owner_client.get("/contacts/settings/").content.decode()  # the words are untouched
    bad = owner_client.post("/contacts/settings/", {"section": "cap", "messages": "500", "days": "14"})
    assert bad.status_code == 200 and contact_cap(workspace) == (2, 14)
    assert agent_client.post("/contacts/settings/", {"section": "cap", "messages": "0", "days": "1"}).status_code \
        == 403
    assert contact_cap(workspace) == (2, 14)
