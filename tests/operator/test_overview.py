"""The operators' overview: staff only, the right figures for a small platform, in a bounded number of queries."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from billing import selectors as billing
from campaigns import selectors as campaigns
from campaigns.models import Campaign, Recipient
from devices import selectors as devices
from devices.models import Device
from tests.factories import PASSWORD, UserFactory, WorkspaceFactory
from tests.operator import world

pytestmark = pytest.mark.django_db
URL = "/admin/overview/"


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.com", is_staff=True)
    client.force_login(user)
    return user


def test_anonymous_visitors_and_tenants_are_sent_to_the_admin_login(client, owner):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    client.force_login(owner)  # a workspace owner is no operator
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert b"Revenue" not in response.content


def test_the_admin_index_links_to_the_overview(client, operator):
    body = client.get("/admin/").content.decode()
    assert f'href="{URL}"' in body
    assert "Sebar operators" in body
    assert "/static/css/admin.css" in body


def test_revenue_per_month_in_the_business_zone():
    w = world.build()
    revenue = billing.platform_revenue(now=world.NOW)
    months = {row["month"]: row for row in revenue["months"]}
    assert len(months) == 12 and list(months) == sorted(months)  # June 2025 to May 2026, oldest first
    assert min(months) == date(2025, 6, 1) and max(months) == date(2026, 5, 1)
    # 30 April 18:00 UTC is 1 May 01:00 in Jakarta: May's money.
    assert months[date(2026, 5, 1)] == {"month": date(2026, 5, 1), "revenue": 3 * 199_000, "invoices": 1,
                                        "paying": 1}
    assert months[date(2026, 4, 1)]["revenue"] == 0 and months[date(2026, 4, 1)]["paying"] == 1
    assert months[date(2026, 3, 1)] == {"month": date(2026, 3, 1), "revenue": 199_000, "invoices": 1, "paying": 1}
    # Kopi Bravo's January month ran into February; the refund in May is no revenue.
    assert months[date(2026, 1, 1)] == {"month": date(2026, 1, 1), "revenue": 999_000, "invoices": 1, "paying": 1}
    assert months[date(2026, 2, 1)]["paying"] == 1 and months[date(2026, 2, 1)]["revenue"] == 0
    # The line paid in April 2025 is outside the 12 months (its month of use, April-May 2025, too).
    assert months[date(2025, 6, 1)]["paying"] == 0
    assert revenue["total"] == 3 * 199_000 + 199_000 + 999_000
    assert revenue["best"] == 999_000  # the longest bar: January
    assert revenue["paying_now"] == 1  # Batik Sari; Kopi Bravo's plan ran out
    assert w["batik"].pk != w["kopi"].pk


def test_month_bounds_cross_the_year():
    starts = billing._month_starts(world.NOW.replace(month=1, day=10), 3, timezone.get_default_timezone())
    assert [(s.year, s.month) for s in starts] == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]


def test_servers_with_their_room_fullest_first():
    world.build()
    rows = devices.platform_servers()
    assert [(r["server"].name, r["used"], r["capacity"], r["connected"], r["room"], r["full"]) for r in rows] == [
        ("waha-core-old", 1, 1, 0, 0, True),  # an old Core image holds one session whatever its capacity says
        ("waha-jakarta-1", 2, 2, 1, 0, True),
        ("waha-jakarta-2", 2, 50, 1, 48, False),
    ]


def test_failing_numbers_and_their_workspace():
    w = world.build()
    failures = campaigns.platform_send_failures(since=world.NOW - timedelta(hours=24))
    assert failures == {w["devices"]["kopi_main"].pk: 6, w["devices"]["batik_sales"].pk: 2}
    failing = devices.platform_failing_devices(send_failures=failures, min_failures=5)
    got = {d.session_name: (d.workspace.name, d.recent_failures) for d in failing["rows"]}
    assert got == {
        "ws1-cs": (w["batik"].name, 0),  # WAHA says FAILED
        "ws2-main": ("Kopi Bravo", 6),  # connected, but its sends keep failing
        "ws2-old": ("Kopi Bravo", 0),  # linked once, now logged out
    }  # the number still waiting for its first scan is new, not failing
    assert failing["count"] == 3


def test_invoices_waiting_oldest_first():
    w = world.build()
    waiting = billing.platform_invoices_waiting()
    assert [line.reference for line in waiting["rows"]] == ["INV-2026-000104", "INV-2026-000105"]
    assert waiting["count"] == 2
    assert billing.platform_invoices_waiting(limit=1)["count"] == 2
    assert w["lines"]["kopi_pending"].pk == waiting["rows"][0].pk


def test_the_page_shows_the_figures(client, operator, monkeypatch):
    w = world.build()
    monkeypatch.setattr(timezone, "now", lambda: world.NOW)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rp 597.000" in body  # this month's revenue
    assert "Rp 1.795.000" in body  # the last 12 months
    for line in ("kopi_pending", "batik_pending"):
        assert f'href="/admin/billing/subscription/{w["lines"][line].pk}/change/"' in body
    assert f'href="/admin/billing/subscription/{w["lines"]["batik_march"].pk}/change/"' not in body
    assert 'data-server="waha-jakarta-1"' in body and "Full" in body
    assert f'href="/admin/devices/device/{w["devices"]["kopi_main"].pk}/change/"' in body
    assert f'href="/admin/devices/device/{w["devices"]["kopi_new"].pk}/change/"' not in body
    assert "style=" not in body.split('id="content-main"')[1]  # nothing for the CSP to block


def test_queries_stay_bounded_however_many_workspaces(client, operator, django_assert_max_num_queries):
    world.build()
    client.get(URL)  # warm the content types and sessions
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200
    # Ten more workspaces with a failing number and a waiting invoice each: not one query more.
    server = Device.objects.first().server
    for i in range(10):
        w = WorkspaceFactory(name=f"Extra {i}")
        device = Device.objects.create(workspace=w, server=server, session_name=f"extra-{i}", phone_number=f"62811{i}",
                                       waha_status="FAILED")
        world._line(w, "pro", status="PENDING", created=timezone.now(), reference=f"INV-X-{i}")
        campaign = Campaign.objects.create(workspace=w, name="c", message_template="x")
        Recipient.objects.bulk_create([Recipient(workspace=w, campaign=campaign, phone=f"628{i}{j}", device_used=device,
                                                 status=Recipient.Status.FAILED, claimed_at=timezone.now())
                                       for j in range(6)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(URL).content.decode()
    assert body.count('data-device="extra-') == 10


def test_a_staff_member_without_a_superuser_flag_logs_in_and_sees_it(client):
    user = UserFactory(email="ops2@example.com", is_staff=True)
    assert client.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    assert client.get(URL).status_code == 200
