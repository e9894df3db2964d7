"""/api/rotators: create, read, change, delete, statistics; roles and workspaces."""
import pytest
from django.test import Client

from rotator import clicks
from rotator.models import LinkRotator

from .factories import make_rotator

pytestmark = pytest.mark.django_db

BODY = {"slug": "promo-june", "mode": "WEIGHTED", "text": "Halo, saya mau tanya",
        "numbers": [{"phone": "0812 1111 1111", "weight": 3}, {"phone": "+62 822 2222 2222"}]}


def test_create_list_patch_delete(owner_api, workspace):
    response = owner_api.post("/api/rotators", BODY, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["url"].endswith("/link/promo-june")
    assert [(n["phone"], n["weight"]) for n in data["numbers"]] == [("6281211111111", 3), ("6282222222222", 1)]
    pk = data["id"]

    listed = owner_api.get("/api/rotators").json()
    assert [r["slug"] for r in listed["results"]] == ["promo-june"]

    response = owner_api.patch(f"/api/rotators/{pk}", {"is_active": False, "slug": "promo-july"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["numbers"][0]["weight"] == 3  # numbers untouched when not sent
    assert Client().get("/link/promo-july").status_code == 410

    response = owner_api.patch(f"/api/rotators/{pk}", {"numbers": [{"phone": "081233333333"}]}, format="json")
    assert [n["phone"] for n in response.json()["numbers"]] == ["6281233333333"]

    assert owner_api.delete(f"/api/rotators/{pk}").status_code == 204
    assert not LinkRotator.objects.exists()
    assert Client().get("/link/promo-july").status_code == 404


def test_errors_say_what_to_fix(owner_api, workspace):
    response = owner_api.post("/api/rotators", {**BODY, "slug": "admin"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "rotator_invalid" and "reserved" in response.json()["fields"]["slug"]
    response = owner_api.post("/api/rotators", {**BODY, "numbers": [{"phone": "12"}]}, format="json")
    assert response.status_code == 400 and "Number 1" in response.json()["message"]
    response = owner_api.post("/api/rotators", {**BODY, "mode": "FASTEST"}, format="json")
    assert response.status_code == 400 and "mode" in response.json()["fields"]


def test_plan_limit_is_403_plan_limit_reached(owner_api, workspace):
    for i in range(3):
        make_rotator(workspace, slug=f"p-{i}")
    response = owner_api.post("/api/rotators", BODY, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "plan_limit_reached"


def test_agent_reads_but_cannot_change(agent_api, workspace):
    rotator = make_rotator(workspace)
    assert agent_api.get("/api/rotators").status_code == 200
    assert agent_api.get(f"/api/rotators/{rotator.pk}/stats").status_code == 200
    assert agent_api.post("/api/rotators", BODY, format="json").status_code == 403
    assert agent_api.patch(f"/api/rotators/{rotator.pk}", {"is_active": False}, format="json").status_code == 403
    assert agent_api.delete(f"/api/rotators/{rotator.pk}").status_code == 403


def test_other_workspace_sees_nothing(outsider_api, workspace):
    rotator = make_rotator(workspace, name="Secret June")
    assert outsider_api.get("/api/rotators").json()["results"] == []
    assert outsider_api.get(f"/api/rotators/{rotator.pk}").status_code == 404
    assert outsider_api.get(f"/api/rotators/{rotator.pk}/stats").status_code == 404
    assert outsider_api.patch(f"/api/rotators/{rotator.pk}", {"is_active": False}, format="json").status_code == 404
    assert outsider_api.delete(f"/api/rotators/{rotator.pk}").status_code == 404
    rotator.refresh_from_db()
    assert rotator.is_active


def test_device_id_from_another_workspace_is_unknown(owner_api, workspace, other_workspace):
    from devices.models import Device, WahaServer

    server = WahaServer.objects.create(name="main", base_url="http://waha:3000")
    foreign = Device.objects.create(workspace=other_workspace, session_name="b-1", server=server)
    body = {**BODY, "numbers": [{"phone": "081211111111", "device": foreign.pk}]}
    response = owner_api.post("/api/rotators", body, format="json")
    assert response.status_code == 400 and "numbers" in response.json()["fields"]


def test_stats(owner_api, workspace):
    rotator = make_rotator(workspace, mode="SEQUENTIAL")
    client = Client()
    for _ in range(4):
        client.get("/link/promo-june", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", HTTP_REFERER="https://l.instagram.com/x")
    client.get("/link/promo-june", HTTP_USER_AGENT="facebookexternalhit/1.1")
    clicks.clicks_flush()
    stats = owner_api.get(f"/api/rotators/{rotator.pk}/stats").json()
    assert stats["click_count"] == 4 and stats["bot_click_count"] == 1
    assert sum(stats["clicks_per_day"]) == 4 and sum(stats["bots_per_day"]) == 1 and len(stats["days"]) == 30
    assert {n["phone"]: n["clicks"] for n in stats["per_number"]} == {"6281111111111": 2, "6282222222222": 1,
                                                                      "6283333333333": 1}
    assert stats["top_referrers"] == [{"host": "l.instagram.com", "clicks": 4}]
