"""The dashboard's JSON: figures from the roll-ups for today / 7 / 30 days, the series and their shapes, what an
agent may see, another workspace's figures never shown, no raw recipient or message row counted on a request."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import DailyStat
from inbox.models import Chat
from rotator.models import DailyClicks, LinkRotator

pytestmark = pytest.mark.django_db

SUMMARY = "/api/analytics/summary"
SERIES = "/api/analytics/series"


def today(workspace):
    return timezone.now().astimezone(workspace.zone).date()


def stat(workspace, day, metric, value, device=None):
    DailyStat.objects.create(workspace=workspace, day=day, metric=metric, value=value,
                             device_key=device.pk if device else 0)


@pytest.fixture
def figures(jakarta, numbers, other_workspace):
    one, two = numbers
    t = today(jakarta)
    stat(jakarta, t, "sent", 10, one)
    stat(jakarta, t, "sent", 10, two)
    stat(jakarta, t, "delivered", 15, one)
    stat(jakarta, t, "read", 5, one)
    stat(jakarta, t, "replied", 2, two)
    stat(jakarta, t, "new_contacts", 4)
    stat(jakarta, t, "inbound", 7, one)
    stat(jakarta, t - timedelta(days=6), "sent", 30, one)   # inside 7 days
    stat(jakarta, t - timedelta(days=7), "sent", 100, one)  # only in 30 days
    stat(jakarta, t - timedelta(days=30), "sent", 1000, one)  # in none
    stat(other_workspace, today(other_workspace), "sent", 5555)
    link = LinkRotator.objects.create(workspace=jakarta, name="Iklan", slug="iklan")
    DailyClicks.objects.create(workspace=jakarta, rotator=link, day=t, phone=one.phone_number, clicks=9, bot_clicks=3)
    Chat.objects.create(workspace=jakarta, device=one, phone="628111", needs_human=True)
    Chat.objects.create(workspace=jakarta, device=one, phone="628112")
    return one, two


@pytest.fixture
def owner_in(jakarta, owner_client):
    return owner_client


def test_summary_figures_per_range(figures, owner_in):
    body = owner_in.get(SUMMARY, {"range": "today"}).json()
    assert (body["sent"], body["delivered"], body["read"], body["replied"]) == (20, 15, 5, 2)
    assert body["delivery_rate"] == 0.75 and body["read_rate"] == 0.25 and body["reply_rate"] == 0.1
    assert body["new_contacts"] == 4 and body["inbound"] == 7 and body["link_clicks"] == 9
    assert body["chats_waiting"] == 1 and body["time_zone"] == "Asia/Jakarta"
    assert [d["status"] for d in body["devices"]] == ["CONNECTED", "CONNECTED"]
    assert body["plan"]["name"] and {u["resource"] for u in body["plan"]["usage"]} >= {"devices", "contacts"}
    assert owner_in.get(SUMMARY, {"range": "7d"}).json()["sent"] == 50
    assert owner_in.get(SUMMARY, {"range": "30d"}).json()["sent"] == 150
    assert owner_in.get(SUMMARY).json()["range"] == "7d"


def test_rates_are_null_without_sends(jakarta, owner_in):
    body = owner_in.get(SUMMARY, {"range": "today"}).json()
    assert body["sent"] == 0 and body["delivery_rate"] is None


def test_series_per_day_and_per_number(jakarta, figures, owner_in):
    one, two = figures
    body = owner_in.get(SERIES, {"metric": "sends", "range": "7d"}).json()
    assert len(body["labels"]) == 7 and body["labels"][-1] == today(jakarta).isoformat()
    sent = next(d for d in body["datasets"] if d["key"] == "sent")
    assert sent["values"][-1] == 20 and sent["values"][0] == 30 and sum(sent["values"]) == 50
    by_number = owner_in.get(SERIES, {"metric": "sends", "range": "today", "by": "device"}).json()
    assert by_number["labels"] == ["Toko-Satu", "Toko-Dua"]
    assert [d["values"] for d in by_number["datasets"]] == [[10, 10], [0, 2]]
    funnel = owner_in.get(SERIES, {"metric": "funnel", "range": "today"}).json()
    assert funnel["datasets"][0]["values"] == [20, 15, 5, 2] and len(funnel["labels"]) == 4
    clicks = owner_in.get(SERIES, {"metric": "clicks", "range": "today"}).json()
    assert clicks["datasets"][0]["values"] == [9]
    clicks_by_number = owner_in.get(SERIES, {"metric": "clicks", "range": "today", "by": "device"}).json()
    assert clicks_by_number["labels"] == [f"+{one.phone_number}"]
    inbox = owner_in.get(SERIES, {"metric": "inbox", "range": "today"}).json()
    assert [d["values"] for d in inbox["datasets"]] == [[7], [0]]


def test_bad_parameters_say_which(owner_in, jakarta):
    response = owner_in.get(SERIES, {"metric": "everything"})
    assert response.status_code == 400 and response.json()["error"] == "invalid"
    assert "metric" in response.json()["fields"]
    assert owner_in.get(SUMMARY, {"range": "1y"}).status_code == 400


def test_another_workspace_sees_only_its_own(figures, outsider_client):
    body = outsider_client.get(SUMMARY, {"range": "today"}).json()
    assert body["sent"] == 5555 and body["chats_waiting"] == 0 and body["link_clicks"] == 0
    assert all(d["phone"] != "6281100000001" for d in body["devices"])
    series = outsider_client.get(SERIES, {"metric": "sends", "range": "today", "by": "device"}).json()
    assert series["labels"] == ["No number"]


def test_an_agent_sees_the_figures_but_not_numbers_or_plan(figures, agent_client, agent_api):
    body = agent_client.get(SUMMARY, {"range": "today"}).json()
    assert body["sent"] == 20 and body["devices"] is None and body["plan"] is None
    denied = agent_client.get(SERIES, {"metric": "sends", "by": "device"})
    assert denied.status_code == 403 and denied.json()["error"] == "permission_denied"
    assert agent_client.get(SERIES, {"metric": "clicks", "by": "device"}).status_code == 200
    assert agent_api.get(SERIES, {"metric": "funnel", "range": "today"}).json()["datasets"][0]["values"][0] == 20


def test_the_api_takes_a_token_and_refuses_strangers(figures, owner_api, api_client):
    assert owner_api.get(SUMMARY, {"range": "today"}).json()["sent"] == 20
    assert api_client.get(SUMMARY).status_code == 401


def test_no_raw_recipient_or_message_row_is_counted_on_a_request(figures, owner_in):
    with CaptureQueriesContext(connection) as queries:
        owner_in.get(SUMMARY, {"range": "30d"})
        for metric in ("sends", "funnel", "inbox", "clicks", "contacts"):
            owner_in.get(SERIES, {"metric": metric, "range": "30d"})
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "analytics_dailystat" in tables
    assert "campaigns_recipient" not in tables and "inbox_message" not in tables


def test_the_dashboard_page_carries_the_panel(figures, owner_in, agent_client):
    page = owner_in.get("/").content.decode()
    assert 'data-summary-url="/api/analytics/summary"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert 'data-testid="chart-sends-device"' in page and 'data-testid="analytics-devices"' in page
    agent_page = agent_client.get("/").content.decode()
    assert 'data-testid="chart-sends-day"' in agent_page
    assert 'data-testid="chart-sends-device"' not in agent_page and 'data-testid="analytics-devices"' not in agent_page
