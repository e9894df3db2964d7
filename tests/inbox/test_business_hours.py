"""Business hours (#16): opening times and holidays read in the workspace's zone; outside them the out-of-office
reply goes once per chat per closed period; a first-time customer gets the welcome message; both are optional,
spun and filled, and leave through the inbox's send path. The settings page and API, for owners only."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from inbox import hours
from inbox.models import BusinessHours, Chat, Message
from inbox.replies import chat_send_by_agent
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
WEEKDAYS = [["09:00", "17:00"]] * 5 + [None, None]
MONDAY_0900 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)  # Monday 4 May 2026, 09:00 in Jakarta (UTC+7)
SATURDAY = datetime(2026, 5, 2, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
FRIDAY_CLOSE = datetime(2026, 5, 1, 17, 0, tzinfo=JAKARTA)


def _local(y, m, d, hh, mm):
    return datetime(y, m, d, hh, mm, tzinfo=JAKARTA)


@pytest.fixture
def open_weekdays(device):
    device.workspace.time_zone = "Asia/Jakarta"
    device.workspace.save(update_fields=["time_zone"])
    return hours.business_hours_update(workspace=device.workspace, enabled=True, week=WEEKDAYS,
                                       away_message="Maaf [name|Kak], kami {tutup|sedang tutup}.")


# ---------------------------------------------------------------- the schedule


@pytest.mark.parametrize("moment, expected", [
    (MONDAY_0900, True),
    (MONDAY_0900 - timedelta(minutes=1), False),  # 08:59 in Jakarta, 01:59 UTC
    (_local(2026, 5, 4, 16, 59), True),
    (_local(2026, 5, 4, 17, 0), False),  # closing time is closed
    # Sunday 20:00 UTC is already Monday 03:00 in Jakarta: closed because of the hour, not because it is Sunday.
    (datetime(2026, 5, 3, 20, 0, tzinfo=UTC), False),
    # Monday 23:30 UTC is Tuesday 06:30 in Jakarta; Sunday 23:30 UTC is Monday 06:30: both before opening.
    (datetime(2026, 5, 4, 3, 0, tzinfo=UTC), True),  # 10:00 Monday
    (SATURDAY, False),
])
def test_open_is_read_in_the_workspace_zone(moment, expected):
    assert hours.is_open(WEEKDAYS, [], moment, JAKARTA) is expected


def test_the_zone_decides_the_day():
    # Friday 18:00 UTC: Saturday 01:00 in Jakarta (closed), still Friday 18:00 in UTC (closed too) but Friday 14:00
    # in New York (open).
    moment = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)
    assert not hours.is_open(WEEKDAYS, [], moment, JAKARTA)
    assert hours.is_open(WEEKDAYS, [], moment, ZoneInfo("America/New_York"))


def test_closed_period_begins_at_the_last_closing_time():
    assert hours.closed_since(WEEKDAYS, [], SATURDAY, JAKARTA) == FRIDAY_CLOSE
    assert hours.closed_since(WEEKDAYS, [], _local(2026, 5, 4, 8, 0), JAKARTA) == FRIDAY_CLOSE
    assert hours.closed_since(WEEKDAYS, [], _local(2026, 5, 4, 18, 0), JAKARTA) == _local(2026, 5, 4, 17, 0)
    assert hours.closed_since([None] * 7, [], SATURDAY, JAKARTA) is None


def test_a_holiday_is_closed_all_day_and_joins_the_closed_period():
    holidays = hours.holidays_clean("2026-05-04 Hari libur\n01/05/2026 Hari Buruh")
    assert holidays == [{"date": "2026-05-01", "name": "Hari Buruh"}, {"date": "2026-05-04", "name": "Hari libur"}]
    assert not hours.is_open(WEEKDAYS, holidays, MONDAY_0900 + timedelta(hours=2), JAKARTA)
    # Closed since Thursday's 17:00: Friday and Monday are holidays.
    assert hours.closed_since(WEEKDAYS, holidays, MONDAY_0900, JAKARTA) == _local(2026, 4, 30, 17, 0)


@pytest.mark.parametrize("week, word", [
    ([["17:00", "09:00"]] + [None] * 6, "after the opening"),
    ([["9h", "17:00"]] + [None] * 6, "like 09:00"),
    ([None] * 6, "seven days"),
])
def test_bad_weeks_are_refused(week, word):
    from config.errors import UserError

    with pytest.raises(UserError) as exc:
        hours.week_clean(week)
    assert word in exc.value.message and exc.value.code == "invalid_business_hours"


# ---------------------------------------------------------------- out of office


def test_out_of_office_goes_once_per_closed_period(device, open_weekdays, waha, deliver):
    with time_machine.travel(SATURDAY, tick=False):
        deliver(device, envelope("halo"))
        deliver(device, envelope("halo lagi?"))
    assert sent_texts(waha) in (["Maaf Budi, kami tutup."], ["Maaf Budi, kami sedang tutup."])
    away = Message.objects.get(reply_source="away")
    assert away.sender == "bot" and away.send_state == "sent"
    with time_machine.travel(MONDAY_0900 + timedelta(hours=1), tick=False):
        deliver(device, envelope("sudah buka?"))  # open: no reply
    assert len(sent_texts(waha)) == 1
    with time_machine.travel(_local(2026, 5, 4, 19, 0), tick=False):
        deliver(device, envelope("halo malam"))  # a new closed period: once more
    assert len(sent_texts(waha)) == 2
    assert Message.objects.filter(reply_source="away").count() == 2


def test_out_of_office_is_optional_and_off_without_business_hours(device, open_weekdays, waha, deliver):
    BusinessHours.objects.filter(pk=open_weekdays.pk).update(enabled=False)
    with time_machine.travel(SATURDAY, tick=False):
        deliver(device, envelope("halo"))
        BusinessHours.objects.filter(pk=open_weekdays.pk).update(enabled=True, away_message="")
        deliver(device, envelope("halo", frm="628199999999@c.us"))
    assert sent_texts(waha) == []


def test_no_out_of_office_while_a_person_is_answering(device, open_weekdays, waha, deliver, owner):
    with time_machine.travel(SATURDAY, tick=False):
        deliver(device, envelope("halo"))
        chat = Chat.objects.get()
        chat_send_by_agent(chat=chat, user=owner, text="Saya di sini")
        Chat.objects.filter(pk=chat.pk).update(away_sent_at=None)
        deliver(device, envelope("terima kasih"))
    assert Message.objects.filter(reply_source="away").count() == 1  # only the first, before the agent


def test_keyword_rules_still_answer_after_the_out_of_office(device, open_weekdays, waha, deliver):
    from inbox.models import AutoReply

    AutoReply.objects.create(workspace=device.workspace, keyword="harga", response_text="Rp 10.000")
    with time_machine.travel(SATURDAY, tick=False):
        deliver(device, envelope("harga?"))
    assert sent_texts(waha)[1] == "Rp 10.000" and "tutup" in sent_texts(waha)[0]


# ---------------------------------------------------------------- welcome


def test_welcome_only_for_a_first_time_customer(device, waha, deliver):
    hours.business_hours_update(workspace=device.workspace, welcome_message="Selamat datang, [name]!")
    deliver(device, envelope("halo"))
    deliver(device, envelope("ada promo?"))
    assert sent_texts(waha) == ["Selamat datang, Budi!"]
    assert Message.objects.get(reply_source="welcome").sender == "bot"


def test_no_welcome_for_a_customer_who_wrote_on_another_number(device, waha, deliver):
    from devices.models import Device

    other = Device.objects.create(workspace=device.workspace, session_name="beta-1", server=device.server,
                                  phone_number="628111000002", status="CONNECTED")
    deliver(other, {**envelope("halo dulu"), "session": "beta-1"})
    hours.business_hours_update(workspace=device.workspace, welcome_message="Selamat datang!")
    deliver(device, envelope("halo"))
    assert "Selamat datang!" not in sent_texts(waha)


def test_no_welcome_when_an_agent_wrote_first(device, waha, deliver, owner, django_capture_on_commit_callbacks):
    hours.business_hours_update(workspace=device.workspace, welcome_message="Selamat datang!")
    chat = Chat.objects.create(workspace=device.workspace, device=device, phone="628123456789")
    with django_capture_on_commit_callbacks(execute=True):
        chat_send_by_agent(chat=chat, user=owner, text="Halo, ini toko kami")
    Chat.objects.filter(pk=chat.pk).update(bot_paused_until=None)  # the pause ran out
    deliver(device, envelope("oh halo"))
    assert sent_texts(waha) == ["Halo, ini toko kami"]


def test_a_first_time_customer_outside_hours_gets_both(device, open_weekdays, waha, deliver):
    hours.business_hours_update(workspace=device.workspace, welcome_message="Selamat datang!")
    with time_machine.travel(SATURDAY, tick=False):
        deliver(device, envelope("halo"))
    texts = sent_texts(waha)
    assert texts[0] == "Selamat datang!" and "tutup" in texts[1] and len(texts) == 2


# ---------------------------------------------------------------- the page and the API


def _post(client, **extra):
    data = {"enabled": "on", "holidays": "2026-12-25 Natal", "away_message": "Kami tutup", "welcome_message": "",
            "waiting_message": ""}
    for i in range(5):
        data.update({f"open_{i}": "on", f"opens_{i}": "08:00", f"closes_{i}": "16:00"})
    data.update(extra)
    return client.post(reverse("inbox:business_hours"), data)


def test_owner_sets_business_hours_on_the_page(owner_client, workspace):
    assert owner_client.get(reverse("inbox:business_hours")).status_code == 200
    assert _post(owner_client).status_code == 302
    row = BusinessHours.objects.get(workspace=workspace)
    assert row.enabled and row.week == [["08:00", "16:00"]] * 5 + [None, None]
    assert row.holidays == [{"date": "2026-12-25", "name": "Natal"}] and row.away_message == "Kami tutup"
    page = owner_client.get(reverse("inbox:business_hours")).content.decode()
    assert 'value="08:00"' in page and "2026-12-25 Natal" in page


def test_the_page_refuses_bad_times_and_broken_spintax(owner_client, workspace):
    response = _post(owner_client, closes_0="07:00")
    assert response.status_code == 200 and "after the opening time" in response.content.decode()
    response = _post(owner_client, away_message="{Maaf|Halo")
    assert response.status_code == 200 and "spintax" in response.content.decode()
    assert not BusinessHours.objects.filter(workspace=workspace, enabled=True).exists()


def test_agents_cannot_change_business_hours(agent_client, agent_api, workspace):
    assert agent_client.get(reverse("inbox:business_hours")).status_code == 403
    assert _post(agent_client).status_code == 403
    assert agent_api.get("/api/business-hours").status_code == 200  # they may see when the shop is open
    assert agent_api.patch("/api/business-hours", {"enabled": True}, format="json").status_code == 403
    assert not BusinessHours.objects.filter(workspace=workspace, enabled=True).exists()


def test_business_hours_api(owner_api, workspace, outsider_api):
    response = owner_api.patch("/api/business-hours", {
        "enabled": True, "week": WEEKDAYS, "holidays": [{"date": "2026-12-25", "name": "Natal"}],
        "away_message": "{Maaf|Mohon maaf}, kami tutup"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["week"] == WEEKDAYS and body["enabled"] and body["holidays"][0]["name"] == "Natal"
    assert "open_now" in body and body["time_zone"] == workspace.time_zone
    bad = owner_api.patch("/api/business-hours", {"week": [["10:00", "09:00"]] + [None] * 6}, format="json")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_business_hours"
    # Another workspace reads its own hours, never these.
    theirs = outsider_api.get("/api/business-hours").json()
    assert not theirs["enabled"] and theirs["away_message"] == ""
